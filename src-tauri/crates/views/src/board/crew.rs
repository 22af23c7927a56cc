//! The crew section: AviationAlley's duty snapshot (`GET /crew`), grouped by role.
//!
//! The typed `crew_duty` columns hold status and hours; the rest of what the endpoint sends
//! (current and next duty, limits, breaches) is read from `raw`.

use chrono::{DateTime, Utc};
use flightdesk_core::records::CrewDuty;
use flightdesk_core::{Record, RecordData};
use flightdesk_store::Store;
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::error::{QueryContext, Result};
use crate::rows::{self, Accounts, Synced};

/// Where the crew section's rows come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CrewSource {
    /// The last synced snapshot.
    Cache,
    /// A live answer of the endpoint for another instant (`flightdesk board --forecast`).
    Forecast,
}

/// Who is on duty, by role.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Crew {
    pub source: CrewSource,
    /// The instant the snapshot describes (the endpoint's `at`); the latest of its
    /// accounts' when there are several.
    pub snapshot_at: Option<DateTime<Utc>>,
    /// How many members have at least one limit breach.
    pub breaches: usize,
    /// Instructors, dispatchers, mechanics, managers, then any other role.
    pub roles: Vec<RoleGroup>,
    pub synced: Vec<Synced>,
    /// The least recently synced resource of this section.
    pub as_of: Option<DateTime<Utc>>,
}

/// The members of one role, breaches first, then by name.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RoleGroup {
    /// Lower case, as stored (`instructor`, `dispatcher`, ...).
    pub role: String,
    pub members: Vec<CrewMember>,
}

/// One person's duty status.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CrewMember {
    pub account: String,
    /// AviationAlley's user id.
    pub person_id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    /// `on_duty`, `standby`, `rest` or `off_duty`.
    pub status: Option<String>,
    pub on_duty: bool,
    pub current_duty: Option<Duty>,
    pub next_duty: Option<Duty>,
    pub hours_today: Option<f64>,
    pub hours_7d: Option<f64>,
    pub limits: Limits,
    /// Breached limits, lower case (`daily_duty_limit`, `weekly_duty_limit`,
    /// `minimum_rest`): what the provider reports, plus any the hours show past a limit.
    pub breaches: Vec<String>,
}

/// A duty period.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Duty {
    /// `flying`, `dispatch`, `standby`, `ground`.
    pub kind: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// The duty limits the provider applies to the member.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Limits {
    pub max_duty_hours: Option<f64>,
    pub max_duty_hours_7d: Option<f64>,
}

/// The crew of the last synced snapshot.
pub(crate) async fn from_cache(store: &Store, accounts: &Accounts) -> Result<Crew> {
    let rows = sqlx::query(
        "SELECT account_id, source_id, person_id, person_name, role, status, on_duty,
                duty_started_at, duty_hours, duty_hours_7d, snapshot_at, raw
         FROM crew_duty WHERE removed = 0",
    )
    .fetch_all(store.pool())
    .await
    .context("reading the crew duty snapshot")?;
    let mut members = Vec::with_capacity(rows.len());
    for row in rows {
        let Some((_, account)) = accounts.get(row.get("account_id")) else {
            continue;
        };
        let duty = CrewDuty {
            person_id: row
                .get::<Option<String>, _>("person_id")
                .or_else(|| Some(row.get("source_id"))),
            person_name: row.get("person_name"),
            role: row.get("role"),
            status: row.get("status"),
            on_duty: row.get::<Option<bool>, _>("on_duty"),
            duty_started_at: rows::instant(row.get("duty_started_at")),
            duty_hours: row.get("duty_hours"),
            duty_hours_7d: row.get("duty_hours_7d"),
            snapshot_at: rows::instant(row.get("snapshot_at")),
        };
        members.push((account.to_string(), duty, rows::raw(row.get("raw"))));
    }
    let synced = rows::synced(store, &["crew_duty"]).await?;
    Ok(group(CrewSource::Cache, members, synced))
}

/// The crew of a live forecast answer: `(account, records)` per AviationAlley account,
/// as `AviationAlley::crew_at` returns them. Pure: the caller did the network call.
pub fn from_forecast(answers: Vec<(String, Vec<Record>)>) -> Crew {
    let mut members = Vec::new();
    for (account, records) in answers {
        for r in records {
            if let RecordData::CrewDuty(duty) = r.data {
                members.push((account.clone(), duty, r.raw));
            }
        }
    }
    group(CrewSource::Forecast, members, Vec::new())
}

/// The display order of roles: who flies and dispatches first.
const ROLE_ORDER: [&str; 4] = ["instructor", "dispatcher", "mechanic", "manager"];

fn group(source: CrewSource, rows: Vec<(String, CrewDuty, Value)>, synced: Vec<Synced>) -> Crew {
    let snapshot_at = rows.iter().filter_map(|(_, d, _)| d.snapshot_at).max();
    let mut roles: Vec<RoleGroup> = Vec::new();
    for (account, duty, raw) in rows {
        let role = duty.role.clone().unwrap_or_else(|| "other".into());
        let m = member(account, duty, &raw);
        match roles.iter_mut().find(|g| g.role == role) {
            Some(g) => g.members.push(m),
            None => roles.push(RoleGroup {
                role,
                members: vec![m],
            }),
        }
    }
    let rank = |role: &str| ROLE_ORDER.iter().position(|r| *r == role).unwrap_or(99);
    roles.sort_by(|a, b| (rank(&a.role), &a.role).cmp(&(rank(&b.role), &b.role)));
    for g in &mut roles {
        g.members.sort_by(|a, b| {
            (a.breaches.is_empty(), &a.name).cmp(&(b.breaches.is_empty(), &b.name))
        });
    }
    let breaches = roles
        .iter()
        .flat_map(|g| &g.members)
        .filter(|m| !m.breaches.is_empty())
        .count();
    let as_of = rows::as_of(&synced);
    Crew {
        source,
        snapshot_at,
        breaches,
        roles,
        synced,
        as_of,
    }
}

fn member(account: String, d: CrewDuty, raw: &Value) -> CrewMember {
    let limits = Limits {
        max_duty_hours: rows::raw_f64(raw.pointer("/limits/maxDutyHours")),
        max_duty_hours_7d: rows::raw_f64(raw.pointer("/limits/maxDutyHours7Days")),
    };
    let mut breaches: Vec<String> = raw
        .get("limitBreaches")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|b| b.as_str().map(str::to_ascii_lowercase))
        .collect();
    // The hours can show a breach the list does not name (a list from an older API
    // revision, or hours past the limit before the provider flags them).
    let over = |hours: Option<f64>, max: Option<f64>| hours.zip(max).is_some_and(|(h, m)| h > m);
    for (past, code) in [
        (
            over(d.duty_hours, limits.max_duty_hours),
            "daily_duty_limit",
        ),
        (
            over(d.duty_hours_7d, limits.max_duty_hours_7d),
            "weekly_duty_limit",
        ),
    ] {
        if past && !breaches.iter().any(|b| b == code) {
            breaches.push(code.to_string());
        }
    }
    CrewMember {
        account,
        person_id: d.person_id.unwrap_or_default(),
        name: d.person_name,
        email: rows::raw_str(raw.get("email")),
        on_duty: d.on_duty.unwrap_or(false),
        status: d.status,
        current_duty: duty(raw.get("currentDuty")),
        next_duty: duty(raw.get("nextDuty")),
        hours_today: d.duty_hours,
        hours_7d: d.duty_hours_7d,
        limits,
        breaches,
    }
}

fn duty(v: Option<&Value>) -> Option<Duty> {
    let v = v.filter(|v| v.is_object())?;
    Some(Duty {
        kind: rows::raw_str(v.get("type")).map(|k| k.to_ascii_lowercase()),
        starts_at: rows::raw_instant(v.get("startsAt")),
        ends_at: rows::raw_instant(v.get("endsAt")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hours_past_a_limit_are_a_breach_even_when_the_list_is_silent() {
        let raw = json!({"limits": {"maxDutyHours": 12.0, "maxDutyHours7Days": 50.0},
                         "limitBreaches": ["MINIMUM_REST"],
                         "currentDuty": {"type": "FLYING", "startsAt": "2026-03-02T07:30:00Z",
                                         "endsAt": "2026-03-02T21:30:00Z"}});
        let d = CrewDuty {
            person_id: Some("u1".into()),
            duty_hours: Some(6.0),
            duty_hours_7d: Some(51.5),
            ..CrewDuty::default()
        };
        let m = member("centre".into(), d, &raw);
        assert_eq!(m.breaches, ["minimum_rest", "weekly_duty_limit"]);
        assert_eq!(m.limits.max_duty_hours, Some(12.0));
        let current = m.current_duty.unwrap();
        assert_eq!(current.kind.as_deref(), Some("flying"));
        assert_eq!(
            current.ends_at,
            DateTime::from_timestamp(1_772_487_000, 0),
            "21:30Z"
        );
        assert!(m.next_duty.is_none());
    }
}
