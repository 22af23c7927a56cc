//! `class check|schedule|edit|delete`: Flylogs class writes through the outbox. A schedule
//! or edit is first checked against every cached system (the window's checks); with
//! warnings it is refused (exit 3) unless `--force-reason TEXT`, and the reason is kept in the class's
//! remarks. Each write is queued with its optimistic change, then (unless `--offline`)
//! sent at once; a write that cannot be sent now stays queued for the next sync. Prints
//! the outbox row as JSON (`check` prints the warnings and free slots).

use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};
use flightdesk_connectors::flylogs::ClassDraft;
use flightdesk_sync::class_writes;
use flightdesk_views::lookup::Lookup;
use flightdesk_views::schedule::{self, ClassCheck, ClassRequest, Proposal};

use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::{open, store_failure};

#[derive(Debug, clap::Args)]
pub struct ClassArgs {
    #[command(subcommand)]
    pub action: ClassAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum ClassAction {
    /// Only check a class: the warnings, and the next free slots when there are any.
    Check(ClassFields),
    /// Schedule a new class.
    Schedule(ClassFields),
    /// Replace a class's details (Flylogs' create-or-update takes every field).
    Edit {
        /// The class: its Flylogs id, or the `local:` id of one still waiting to be sent.
        id: String,
        #[command(flatten)]
        fields: ClassFields,
    },
    /// Sign a class's attendance, as its teacher (online; the password from stdin).
    Sign(crate::sign::SignArgs),
    /// Remove the attendance signature of a class.
    Unsign(crate::sign::SignArgs),
    /// The class's invited students with their attendance and evaluation (from Flylogs,
    /// or from the cache when it cannot be reached).
    Roster(crate::training_writes::RosterArgs),
    /// Record who attended a class (through the outbox).
    Attendance(crate::training_writes::AttendanceArgs),
    /// Save a student's evaluation in a class (through the outbox).
    Evaluate(crate::training_writes::EvaluateArgs),
    /// Delete a class.
    Delete {
        id: String,
        #[arg(long)]
        account: String,
        /// Only queue it; the next sync sends it.
        #[arg(long)]
        offline: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct ClassFields {
    /// The Flylogs account (a manager or instructor).
    #[arg(long)]
    pub account: String,
    /// The training subject id.
    #[arg(long)]
    pub subject: String,
    /// The lesson the class covers.
    #[arg(long, conflicts_with = "exam")]
    pub lesson: Option<String>,
    /// The exam the class is a session of.
    #[arg(long)]
    pub exam: Option<String>,
    /// When it starts (RFC 3339). Flylogs takes no end: the length is the lesson's or
    /// exam's (60 minutes otherwise).
    #[arg(long, value_name = "RFC3339")]
    pub start: DateTime<FixedOffset>,
    /// The teacher's Flylogs user id.
    #[arg(long)]
    pub teacher: String,
    #[arg(long)]
    pub location: Option<String>,
    /// Student user ids, comma-separated.
    #[arg(long, value_delimiter = ',', required = true)]
    pub students: Vec<String>,
    #[arg(long, default_value = "")]
    pub remarks: String,
    /// Have Flylogs notify the students.
    #[arg(long)]
    pub notify: bool,
    /// How long the class is, for the checks and the calendar (Flylogs takes no end).
    #[arg(long, default_value_t = 60)]
    pub minutes: u32,
    /// A lesson flown with the teacher as instructor (counts toward 61.195(a)).
    #[arg(long)]
    pub flight_training: bool,
    /// Save despite the checks' warnings, for this reason (kept in the remarks).
    #[arg(long = "force-reason", visible_alias = "anyway", value_name = "TEXT")]
    pub anyway: Option<String>,
    /// The IANA zone the warnings and slots are written in.
    #[arg(long, default_value = "UTC")]
    pub tz: chrono_tz::Tz,
    /// Only queue it; the next sync sends it.
    #[arg(long)]
    pub offline: bool,
}

impl ClassFields {
    fn draft(&self) -> ClassDraft {
        let remarks = match &self.anyway {
            Some(reason) => schedule::with_override(&self.remarks, reason),
            None => self.remarks.clone(),
        };
        ClassDraft {
            subject_id: self.subject.clone(),
            lesson_id: self.lesson.clone(),
            exam_id: self.exam.clone(),
            start: self.start.to_utc(),
            teacher_id: self.teacher.clone(),
            location_id: self.location.clone(),
            student_ids: self.students.clone(),
            remarks,
            notify: self.notify,
        }
    }

    fn shown(&self) -> class_writes::Shown {
        class_writes::Shown {
            ends_at: Some(self.start.to_utc() + chrono::Duration::minutes(self.minutes.into())),
            name: None,
        }
    }

    fn request(&self, account_id: i64, editing: Option<&str>) -> ClassRequest {
        ClassRequest {
            account_id,
            starts_at: self.start.to_rfc3339(),
            minutes: self.minutes,
            teacher_id: self.teacher.clone(),
            student_ids: self.students.clone(),
            location_id: self.location.clone(),
            flight_training: self.flight_training,
            editing: editing.map(|id| format!("classes/{}/{id}", self.account)),
        }
    }
}

/// The checks of a class about to be saved, and five free slots in the next two weeks
/// when something is in the way.
async fn check(
    store: &flightdesk_store::Store,
    fields: &ClassFields,
    request: &ClassRequest,
) -> Result<ClassCheck, Failure> {
    let lookup = Lookup::load(store).await.map_err(view_failure)?;
    let now = Utc::now();
    let proposal = Proposal::for_class(request, &lookup, fields.tz).map_err(view_failure)?;
    schedule::check_with_slots(store, &lookup, &proposal, now, fields.tz)
        .await
        .map_err(view_failure)
}

pub async fn run(data_dir: &Path, args: ClassArgs) -> Result<(), Failure> {
    match &args.action {
        ClassAction::Roster(a) => return crate::training_writes::roster(data_dir, a).await,
        ClassAction::Attendance(a) => return crate::training_writes::attendance(data_dir, a).await,
        ClassAction::Evaluate(a) => return crate::training_writes::evaluate(data_dir, a).await,
        _ => {}
    }
    if let ClassAction::Sign(a) | ClassAction::Unsign(a) = &args.action {
        let sign = matches!(args.action, ClassAction::Sign(_));
        let target = flightdesk_sync::signing::SignTarget::Class {
            id: a.id.clone(),
            sign,
        };
        return crate::sign::run(data_dir, a, target).await;
    }
    let opened = open(data_dir, true).await?;
    let store = opened.workspace.store();
    let (account, offline) = match &args.action {
        ClassAction::Check(f) => (&f.account, true),
        ClassAction::Schedule(f) | ClassAction::Edit { fields: f, .. } => (&f.account, f.offline),
        ClassAction::Delete {
            account, offline, ..
        } => (account, *offline),
        ClassAction::Sign(_)
        | ClassAction::Unsign(_)
        | ClassAction::Roster(_)
        | ClassAction::Attendance(_)
        | ClassAction::Evaluate(_) => unreachable!("handled above"),
    };
    let account = store.account(account).await.map_err(store_failure)?.id;
    let (fields, editing) = match &args.action {
        ClassAction::Check(f) | ClassAction::Schedule(f) => (Some(f), None),
        ClassAction::Edit { id, fields } => (Some(fields), Some(id.as_str())),
        _ => (None, None),
    };
    if let Some(fields) = fields {
        let checked = check(store, fields, &fields.request(account, editing)).await;
        let checked = match checked {
            Ok(c) => c,
            Err(e) => {
                opened.close().await;
                return Err(e);
            }
        };
        let blocked = !checked.check.warnings.is_empty() && fields.anyway.is_none();
        if matches!(args.action, ClassAction::Check(_)) || blocked {
            opened.close().await;
            println!(
                "{}",
                serde_json::to_string_pretty(&checked).expect("checks serialize")
            );
            return if blocked && !matches!(args.action, ClassAction::Check(_)) {
                Err(Failure::warned(format!(
                    "not saved: {} warning(s) (printed above); fix them, pick a slot, or pass \
                     --force-reason TEXT",
                    checked.check.warnings.len()
                )))
            } else {
                Ok(())
            };
        }
    }
    let queued = match &args.action {
        ClassAction::Check(_)
        | ClassAction::Sign(_)
        | ClassAction::Unsign(_)
        | ClassAction::Roster(_)
        | ClassAction::Attendance(_)
        | ClassAction::Evaluate(_) => unreachable!("returned above"),
        ClassAction::Schedule(f) => {
            class_writes::schedule_class(store, account, &f.draft(), &f.shown()).await
        }
        ClassAction::Edit { id, fields } => {
            class_writes::edit_class(store, account, id, &fields.draft(), &fields.shown()).await
        }
        ClassAction::Delete { id, .. } => class_writes::delete_class(store, account, id).await,
    }
    .map_err(store_failure)?;
    crate::outbox::send_and_report(opened, queued.id, offline, "Flylogs").await
}
