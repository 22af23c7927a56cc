//! Before a class is saved: is its room, simulator or aircraft, its teacher or any of its
//! students busy in any system; would the teacher give more than 8 hours of flight training
//! in 24 (14 CFR 61.195(a)); is the teacher off duty, resting or over a duty limit in the
//! AviationAlley crew snapshot? And, when something is busy, the next times at which all of
//! them are free. Every answer comes from the cache, so it works offline; each warning names
//! the other item and its system.

mod busy;
mod class_form;
mod duty;
mod slots;
mod training_limit;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::{Deserialize, Serialize};

use crate::calendar::{items_involving, local_rfc3339, parse_instant};
use crate::error::{Result, ViewError};
use crate::lookup::{EntityRef, Lookup};

pub use class_form::{
    class_form, Choice, ClassForm, ClassRequest, ClassSave, LessonChoice, SubjectChoice,
};
pub use slots::{slots, Slot, SlotQuery};

/// A class (or exam session) as the user is about to save it. Entities are given as the
/// user picked them: a unified id (`person:ann@example.org`) or a name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ProposalRequest {
    /// RFC 3339, or a wall clock in the chosen zone.
    pub starts_at: String,
    pub ends_at: String,
    pub teacher: Option<String>,
    #[serde(default)]
    pub students: Vec<String>,
    /// The room, simulator or aircraft.
    pub resource: Option<String>,
    /// A lesson flown in an aircraft with the teacher as instructor: only then does it
    /// count toward 61.195(a) ("flight training" is training in flight, 14 CFR 61.1).
    #[serde(default)]
    pub flight_training: bool,
    /// Calendar items that are this class itself (when editing it), never a conflict.
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// A proposal with its entities resolved.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub teacher: Option<EntityRef>,
    pub students: Vec<EntityRef>,
    pub resource: Option<EntityRef>,
    pub flight_training: bool,
    pub ignore: Vec<String>,
}

impl Proposal {
    /// Resolves the request's entities and times (`tz` reads wall clocks).
    pub fn resolve(request: &ProposalRequest, lookup: &Lookup, tz: Tz) -> Result<Self> {
        let starts_at = parse_instant(&request.starts_at, tz)?;
        let ends_at = parse_instant(&request.ends_at, tz)?;
        if ends_at <= starts_at {
            return Err(ViewError::BadRange {
                from: request.starts_at.clone(),
                to: request.ends_at.clone(),
            });
        }
        let find = |text: &str| lookup.find(text).cloned();
        Ok(Self {
            starts_at,
            ends_at,
            teacher: request.teacher.as_deref().map(find).transpose()?,
            students: request
                .students
                .iter()
                .map(|s| find(s))
                .collect::<Result<_>>()?,
            resource: request.resource.as_deref().map(find).transpose()?,
            flight_training: request.flight_training,
            ignore: request.ignore.clone(),
        })
    }

    /// The same class moved to start at `at`.
    fn moved_to(&self, at: DateTime<Utc>) -> Self {
        Self {
            starts_at: at,
            ends_at: at + (self.ends_at - self.starts_at),
            ..self.clone()
        }
    }
}

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// The room, simulator or aircraft is booked.
    ResourceBusy,
    TeacherBusy,
    StudentBusy,
    /// 14 CFR 61.195(a): more than 8 hours of flight training in 24 consecutive hours.
    FlightTrainingLimit,
    /// Off duty, resting or over a duty limit in the AviationAlley crew snapshot.
    Duty,
}

/// One reason to think twice, in words, naming the other item and its system.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Warning {
    pub kind: WarningKind,
    /// Whom or what it is about.
    pub entity: Option<EntityRef>,
    pub message: String,
    /// The other calendar item (`bookings/account/id`), when there is one.
    pub item: Option<String>,
    pub source: Option<Provider>,
    pub account: Option<String>,
}

/// The answer of [`check`].
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Check {
    pub starts_at: String,
    pub ends_at: String,
    /// Empty when the class can be saved as it is.
    pub warnings: Vec<Warning>,
}

/// How far around a proposal the 61.195(a) windows reach.
const DAY: Duration = Duration::hours(24);

/// Every warning for `proposal`, read from the cache as it is now (`now` decides which
/// bookings are still plans).
pub async fn check(
    store: &Store,
    lookup: &Lookup,
    proposal: &Proposal,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Check> {
    let context = Context::load(
        store,
        lookup,
        proposal,
        proposal.starts_at,
        proposal.ends_at,
        tz,
    )
    .await?;
    Ok(Check {
        starts_at: local_rfc3339(proposal.starts_at, tz),
        ends_at: local_rfc3339(proposal.ends_at, tz),
        warnings: context.warnings(proposal, now, tz),
    })
}

/// What the checks read once for a span of time: the calendar items around it of the
/// proposal's entities (and of what it ignores), the teacher's logged flight training and
/// their duty snapshot.
struct Context {
    busy: busy::Busy,
    training: training_limit::TrainingLog,
    duty: Vec<duty::Snapshot>,
}

impl Context {
    async fn load(
        store: &Store,
        lookup: &Lookup,
        proposal: &Proposal,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        tz: Tz,
    ) -> Result<Self> {
        let (from, to) = (from - DAY, to + DAY);
        let entities: Vec<&str> = busy::involved(proposal)
            .into_iter()
            .map(|(e, _)| e.id.as_str())
            .collect();
        let items =
            items_involving(store, lookup, from, to, tz, &entities, &proposal.ignore).await?;
        let teacher = proposal.teacher.as_ref();
        let training = match teacher {
            Some(t) if proposal.flight_training => {
                training_limit::TrainingLog::load(store, lookup, t, &items, from, to).await?
            }
            _ => training_limit::TrainingLog::default(),
        };
        let duty = match teacher {
            Some(t) => duty::snapshots(store, lookup, t).await?,
            None => Vec::new(),
        };
        Ok(Self {
            busy: busy::Busy::new(items, proposal),
            training,
            duty,
        })
    }

    fn warnings(&self, proposal: &Proposal, now: DateTime<Utc>, tz: Tz) -> Vec<Warning> {
        let mut out = self.busy.warnings(proposal, tz);
        if proposal.flight_training {
            out.extend(self.training.warning(proposal, now));
        }
        if let Some(teacher) = &proposal.teacher {
            for s in &self.duty {
                out.extend(s.warnings(teacher, proposal, tz));
            }
        }
        out
    }
}

/// A check and, when it warns, the next free slots: what the scheduling form shows.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ClassCheck {
    pub check: Check,
    /// Empty when the class is fine where it is.
    pub slots: Vec<Slot>,
}

/// How far ahead, in which hours and on which grid the form suggests slots.
const SUGGEST_DAYS: i64 = 14;
const SUGGEST_STEP_MINUTES: i64 = 30;
const SUGGEST_COUNT: usize = 5;

/// [`check`], then up to five free slots in the two weeks from the proposal's day, within
/// 07:00 to 19:00 in `tz`, when anything is in the way.
pub async fn check_with_slots(
    store: &Store,
    lookup: &Lookup,
    proposal: &Proposal,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<ClassCheck> {
    let check = check(store, lookup, proposal, now, tz).await?;
    let slots = if check.warnings.is_empty() {
        Vec::new()
    } else {
        let from = proposal.starts_at.max(now) - Duration::hours(12);
        let query = SlotQuery {
            proposal: proposal.clone(),
            from,
            to: from + Duration::days(SUGGEST_DAYS),
            day_start: chrono::NaiveTime::from_hms_opt(7, 0, 0).expect("a valid time"),
            day_end: chrono::NaiveTime::from_hms_opt(19, 0, 0).expect("a valid time"),
            step: Duration::minutes(SUGGEST_STEP_MINUTES),
            limit: SUGGEST_COUNT,
        };
        slots(store, lookup, &query, now, tz).await?
    };
    Ok(ClassCheck { check, slots })
}

/// The remarks of a class saved despite its warnings: the user's reason kept with it.
pub fn with_override(remarks: &str, reason: &str) -> String {
    let note = format!("Scheduled despite warnings: {}", reason.trim());
    if remarks.trim().is_empty() {
        note
    } else {
        format!("{}\n{note}", remarks.trim_end())
    }
}
