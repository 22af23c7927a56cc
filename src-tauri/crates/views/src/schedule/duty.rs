//! The teacher in AviationAlley's crew duty snapshot. The snapshot describes one instant
//! (its `at`) and the duties around it, so it can only speak for a class near that instant:
//! on its local day for the daily limit and rest, within seven days for the weekly limit.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use flightdesk_core::Provider;
use flightdesk_store::Store;

use super::{Proposal, Warning, WarningKind};
use crate::board::crew::{self, CrewMember};
use crate::error::Result;
use crate::lookup::{AccountRef, EntityRef, Lookup};
use crate::rows::Accounts;

/// One snapshot row of the teacher.
pub(super) struct Snapshot {
    member: CrewMember,
    at: DateTime<Utc>,
}

/// The teacher's rows in the last synced snapshot (one per AviationAlley account).
pub(super) async fn snapshots(
    store: &Store,
    lookup: &Lookup,
    teacher: &EntityRef,
) -> Result<Vec<Snapshot>> {
    let accounts = Accounts::load(store).await?;
    let crew = crew::from_cache(store, &accounts).await?;
    let Some(at) = crew.snapshot_at else {
        return Ok(Vec::new());
    };
    Ok(crew
        .roles
        .into_iter()
        .flat_map(|g| g.members)
        .filter(|m| {
            let account = AccountRef {
                provider: Provider::AviationAlley,
                name: m.account.clone(),
            };
            lookup
                .entity(&account, true, Some(&m.person_id), m.name.as_deref())
                .is_some_and(|e| e.id == teacher.id)
        })
        .map(|member| Snapshot { member, at })
        .collect())
}

impl Snapshot {
    pub fn warnings(&self, teacher: &EntityRef, p: &Proposal, tz: Tz) -> Vec<Warning> {
        let m = &self.member;
        let hours = (p.ends_at - p.starts_at).num_minutes() as f64 / 60.0;
        let same_day =
            p.starts_at.with_timezone(&tz).date_naive() == self.at.with_timezone(&tz).date_naive();
        let this_week = p.starts_at >= self.at && p.starts_at < self.at + Duration::days(7);
        let snapshot = format!(
            "in the AviationAlley crew snapshot of {}",
            self.at.with_timezone(&tz).format("%a %-d %b %H:%M")
        );
        let mut out = Vec::new();
        let mut say = |message: String| {
            out.push(Warning {
                kind: WarningKind::Duty,
                entity: Some(teacher.clone()),
                message,
                item: None,
                source: Some(Provider::AviationAlley),
                account: Some(m.account.clone()),
            })
        };
        if same_day {
            let resting = matches!(m.status.as_deref(), Some("rest" | "off_duty"));
            let next = m.next_duty.as_ref().and_then(|d| d.starts_at);
            if resting && next.is_none_or(|n| p.starts_at < n) {
                let status = match m.status.as_deref() {
                    Some("rest") => "resting",
                    _ => "off duty",
                };
                let until = next.map_or(String::new(), |n| {
                    format!(" until {}", n.with_timezone(&tz).format("%H:%M"))
                });
                say(format!("{} is {status}{until} {snapshot}.", teacher.name));
            }
            if let (Some(done), Some(max)) = (m.hours_today, m.limits.max_duty_hours) {
                if done + hours > max {
                    say(format!(
                        "{} has {done:.1} h of duty today {snapshot}; this class makes {:.1} h, \
                         over the daily limit of {max:.1} h.",
                        teacher.name,
                        done + hours
                    ));
                }
            }
            for breach in &m.breaches {
                say(format!(
                    "{} already breaches the {} {snapshot}.",
                    teacher.name,
                    breach.replace('_', " ")
                ));
            }
        }
        if this_week {
            if let (Some(done), Some(max)) = (m.hours_7d, m.limits.max_duty_hours_7d) {
                if done + hours > max {
                    say(format!(
                        "{} has {done:.1} h of duty in the last 7 days {snapshot}; this class \
                         makes {:.1} h, over the 7-day limit of {max:.1} h.",
                        teacher.name,
                        done + hours
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::crew::{Duty, Limits};
    use flightdesk_core::identity::EntityKind;

    fn at(day: u32, h: u32) -> DateTime<Utc> {
        format!("2026-03-{day:02}T{h:02}:00:00Z").parse().unwrap()
    }

    fn snapshot(status: &str, today: f64, week: f64, next: Option<DateTime<Utc>>) -> Snapshot {
        Snapshot {
            at: at(2, 8),
            member: CrewMember {
                account: "centre".into(),
                person_id: "u1".into(),
                name: Some("Ann Lee".into()),
                email: None,
                status: Some(status.into()),
                on_duty: status == "on_duty",
                current_duty: None,
                next_duty: next.map(|n| Duty {
                    kind: Some("ground".into()),
                    starts_at: Some(n),
                    ends_at: Some(n + Duration::hours(8)),
                }),
                hours_today: Some(today),
                hours_7d: Some(week),
                limits: Limits {
                    max_duty_hours: Some(10.0),
                    max_duty_hours_7d: Some(50.0),
                },
                breaches: vec![],
            },
        }
    }

    fn class(from: DateTime<Utc>, to: DateTime<Utc>) -> Proposal {
        Proposal {
            starts_at: from,
            ends_at: to,
            teacher: None,
            students: vec![],
            resource: None,
            flight_training: false,
            ignore: vec![],
        }
    }

    fn ann() -> EntityRef {
        EntityRef {
            id: "person:ann".into(),
            kind: EntityKind::Person,
            name: "Ann Lee".into(),
        }
    }

    #[test]
    fn resting_until_the_next_duty_and_the_daily_and_weekly_limits() {
        let tz = chrono_tz::UTC;
        let rest = snapshot("rest", 0.0, 10.0, Some(at(2, 12)));
        let early = rest.warnings(&ann(), &class(at(2, 10), at(2, 11)), tz);
        assert_eq!(early.len(), 1, "{early:?}");
        assert!(
            early[0]
                .message
                .starts_with("Ann Lee is resting until 12:00"),
            "{}",
            early[0].message
        );
        assert!(rest
            .warnings(&ann(), &class(at(2, 13), at(2, 14)), tz)
            .is_empty());

        let busy = snapshot("on_duty", 8.5, 49.0, None);
        let long = busy.warnings(&ann(), &class(at(2, 14), at(2, 16)), tz);
        let words: Vec<&str> = long.iter().map(|w| w.message.as_str()).collect();
        assert_eq!(words.len(), 2, "{words:?}");
        assert!(words[0].contains("this class makes 10.5 h, over the daily limit of 10.0 h"));
        assert!(words[1].contains("over the 7-day limit of 50.0 h"));
        // Another day: the snapshot says nothing of that day's duty, only of the week.
        let later = busy.warnings(&ann(), &class(at(4, 14), at(4, 16)), tz);
        assert_eq!(later.len(), 1, "{later:?}");
        // Beyond a week: nothing.
        assert!(busy
            .warnings(&ann(), &class(at(12, 14), at(12, 16)), tz)
            .is_empty());
    }
}
