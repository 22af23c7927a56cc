//! 14 CFR 61.195(a) before booking: the teacher's logged flight training around the
//! proposal, plus their aircraft bookings still ahead, through the currency engine's
//! `check_proposed` (the same function the logbook's verdict uses).

use chrono::{DateTime, Utc};
use flightdesk_core::identity::EntityKind;
use flightdesk_core::instant;
use flightdesk_currency::rules::instructor::{check_proposed, Planned};
use flightdesk_currency::{Aircraft, Config, Flight, Role as PilotRole};
use flightdesk_store::Store;
use sqlx::Row;

use super::{Proposal, Warning, WarningKind};
use crate::calendar::{CalendarItem, Role};
use crate::error::{QueryContext, Result};
use crate::lookup::{EntityRef, Lookup};
use crate::rows::{self, parse_instant};

/// The teacher's flight training near a span.
#[derive(Debug, Default)]
pub(super) struct TrainingLog {
    teacher: Option<EntityRef>,
    /// Logged flights the teacher instructed.
    logged: Vec<Flight>,
    /// Aircraft bookings with the teacher as instructor: plans until they start.
    booked: Vec<(DateTime<Utc>, Planned)>,
}

impl TrainingLog {
    pub async fn load(
        store: &Store,
        lookup: &Lookup,
        teacher: &EntityRef,
        items: &[CalendarItem],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Self> {
        let rows = sqlx::query(
            "SELECT account_id, source_id, starts_at, ends_at, instructor_id, instructor_name
             FROM flight_logs
             WHERE removed = 0 AND starts_at >= ?1 AND starts_at < ?2
               AND (instructor_id IS NOT NULL OR instructor_name IS NOT NULL)",
        )
        .bind(instant::encode(&from))
        .bind(instant::encode(&to))
        .fetch_all(store.pool())
        .await
        .context("reading the teacher's flight training")?;
        let mut logged = Vec::new();
        for row in rows {
            let Some(account) = lookup.account(row.get("account_id")) else {
                continue;
            };
            let named = lookup.entity(
                account,
                true,
                row.get("instructor_id"),
                row.get("instructor_name"),
            );
            if named.map(|e| &e.id) != Some(&teacher.id) {
                continue;
            }
            let (Some(off), Some(on)) = (
                rows::instant(row.get("starts_at")),
                rows::instant(row.get("ends_at")),
            ) else {
                continue;
            };
            let id: String = row.get("source_id");
            let minutes = u32::try_from((on - off).num_minutes()).unwrap_or(0);
            logged.push(Flight {
                block_off: Some(off),
                block_on: Some(on),
                role: PilotRole::Instructor,
                instruction_given_minutes: minutes,
                ..Flight::new(
                    format!("{}/{id}", account.name),
                    off.date_naive(),
                    Aircraft::default(),
                )
            });
        }
        let booked = items
            .iter()
            .filter(|i| !i.cancelled && !i.unavailability)
            .filter(|i| i.resources.iter().any(|r| r.kind == EntityKind::Aircraft))
            .filter(|i| {
                i.people
                    .iter()
                    .any(|p| p.role == Role::Instructor && p.entity.id == teacher.id)
            })
            .filter_map(|i| {
                let (start, end) = (parse_instant(&i.starts_at)?, parse_instant(&i.ends_at)?);
                Some((
                    start,
                    Planned {
                        id: i.id.clone(),
                        start,
                        end,
                    },
                ))
            })
            .collect();
        Ok(Self {
            teacher: Some(teacher.clone()),
            logged,
            booked,
        })
    }

    /// The 61.195(a) warning for `proposal`, if it would break the limit. Bookings that have
    /// started by `now` are left to the log (a flown booking is logged; counting both would
    /// count it twice), as are the proposal's ignored items.
    pub fn warning(&self, proposal: &Proposal, now: DateTime<Utc>) -> Option<Warning> {
        let teacher = self.teacher.as_ref()?;
        let planned: Vec<Planned> = self
            .booked
            .iter()
            .filter(|(start, p)| *start >= now && !proposal.ignore.contains(&p.id))
            .map(|(_, p)| p.clone())
            .collect();
        let proposed = Planned {
            id: "this class".into(),
            start: proposal.starts_at,
            end: proposal.ends_at,
        };
        let check = check_proposed(&self.logged, &planned, &proposed, &Config::default());
        check.violation.then(|| Warning {
            kind: WarningKind::FlightTrainingLimit,
            entity: Some(teacher.clone()),
            message: format!("{}: {}", teacher.name, check.message),
            item: None,
            source: None,
            account: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, h: u32) -> DateTime<Utc> {
        format!("2026-03-{day:02}T{h:02}:00:00Z").parse().unwrap()
    }

    fn teacher() -> EntityRef {
        EntityRef {
            id: "person:ann@example.org".into(),
            kind: EntityKind::Person,
            name: "Ann Lee".into(),
        }
    }

    fn lesson(id: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Flight {
        Flight {
            block_off: Some(from),
            block_on: Some(to),
            role: PilotRole::Instructor,
            instruction_given_minutes: u32::try_from((to - from).num_minutes()).unwrap(),
            ..Flight::new(id, from.date_naive(), Aircraft::default())
        }
    }

    fn proposal(from: DateTime<Utc>, to: DateTime<Utc>) -> Proposal {
        Proposal {
            starts_at: from,
            ends_at: to,
            teacher: Some(teacher()),
            students: vec![],
            resource: None,
            flight_training: true,
            ignore: vec![],
        }
    }

    #[test]
    fn logged_and_booked_training_over_eight_hours_in_24_is_a_warning() {
        // 4 h logged on the 1st, 3 h booked on the 2nd morning (ahead of `now`): one more
        // hour fits in the 24 hours, two do not.
        let log = TrainingLog {
            teacher: Some(teacher()),
            logged: vec![lesson("log-1", at(1, 8), at(1, 12))],
            booked: vec![(
                at(2, 0),
                Planned {
                    id: "bookings/school/7".into(),
                    start: at(2, 0),
                    end: at(2, 3),
                },
            )],
        };
        let now = at(1, 20);
        assert!(log.warning(&proposal(at(1, 14), at(1, 15)), now).is_none());
        let w = log
            .warning(&proposal(at(1, 14), at(1, 16)), now)
            .expect("9 h in 24");
        assert_eq!(w.kind, WarningKind::FlightTrainingLimit);
        assert!(w.message.starts_with("Ann Lee: "), "{}", w.message);
        assert!(w.message.contains("9.0 h"), "{}", w.message);
        assert!(w.message.contains("61.195(a)"), "{}", w.message);

        // Editing the booked block itself: it is no longer counted twice.
        let mut editing = proposal(at(1, 14), at(1, 16));
        editing.ignore.push("bookings/school/7".into());
        assert!(log.warning(&editing, now).is_none());
        // Once the booking has started it is the log's to count, not the plan's.
        assert!(log
            .warning(&proposal(at(1, 14), at(1, 16)), at(2, 1))
            .is_none());
    }
}
