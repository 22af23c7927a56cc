//! Editing the logbook's PilotFlows flight logs (issue 13, flow 4): add, change and delete
//! through the outbox. Each is checked here first (the date, the duration, the aircraft,
//! the landings, the airports), so the user hears about a mistake on the field at once
//! rather than when PilotFlows refuses it later; what PilotFlows refuses anyway is kept in
//! its words with the field it named. The app and the CLI both call these.

use chrono::{NaiveDate, Utc};
use flightdesk_connectors::pilotflows_logbook::FlightLogFields;
use flightdesk_core::{Kind, Provider};
use flightdesk_store::{Account, NewWrite, OutboxRow, Overlay, Store, StoreError, LOCAL_ID_PREFIX};
use flightdesk_workspace::Workspace;
use serde_json::{json, Value};

use crate::account_choice::{account_of, AccountChoice};
use crate::replay::{
    PILOTFLOWS_FLIGHT_LOG_CREATE, PILOTFLOWS_FLIGHT_LOG_DELETE, PILOTFLOWS_FLIGHT_LOG_UPDATE,
};

/// The outbox queue (resource) of an account's flight logs.
pub const RESOURCE: &str = "flight_logs";

/// Why a flight-log write was not queued.
#[derive(Debug, thiserror::Error)]
pub enum LogbookWriteError {
    /// A field the check refused, named as PilotFlows names it.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("there is no cached PilotFlows flight log {0} in this account")]
    NoSuchLog(String),
    #[error(transparent)]
    Account(#[from] AccountChoice),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn invalid(field: &'static str, message: impl Into<String>) -> LogbookWriteError {
    LogbookWriteError::Invalid {
        field,
        message: message.into(),
    }
}

/// Checks `fields` before they are queued: a create needs a date, an aircraft and a
/// duration; a flight log is of a flight flown (not after `today`); the duration is
/// between 0.1 and 24 hours; the aircraft is one of the account's (when any is cached);
/// landings 0 to 99; airports are 3 or 4 letters and digits.
pub fn check(
    fields: &FlightLogFields,
    create: bool,
    aircraft: &[String],
    today: NaiveDate,
) -> Result<(), LogbookWriteError> {
    if create {
        if fields.date.is_none() {
            return Err(invalid("date", "the date of the flight is needed"));
        }
        if fields.aircraft.is_none() {
            return Err(invalid("aircraft", "the aircraft's registration is needed"));
        }
        if fields.duration.is_none() {
            return Err(invalid("duration", "the duration in hours is needed"));
        }
    }
    if let Some(date) = fields.date.filter(|d| *d > today) {
        return Err(invalid(
            "date",
            format!("{date} is in the future: a flight log is of a flight flown"),
        ));
    }
    if let Some(d) = fields.duration.filter(|d| !(0.1..=24.0).contains(d)) {
        return Err(invalid(
            "duration",
            format!("{d} h is not between 0.1 and 24 hours"),
        ));
    }
    if let Some(reg) = &fields.aircraft {
        let known = aircraft.iter().any(|a| a.eq_ignore_ascii_case(reg));
        if !aircraft.is_empty() && !known {
            return Err(invalid(
                "aircraft",
                format!("{reg} is not an aircraft of this PilotFlows account"),
            ));
        }
    }
    if let Some(n) = fields.landings.filter(|n| !(0..=99).contains(n)) {
        return Err(invalid("landings", format!("{n} is not between 0 and 99")));
    }
    for (field, airport) in [
        ("departure", &fields.departure),
        ("arrival", &fields.arrival),
    ] {
        let ok =
            |a: &String| (3..=4).contains(&a.len()) && a.chars().all(|c| c.is_ascii_alphanumeric());
        if let Some(a) = airport.as_ref().filter(|a| !ok(a)) {
            return Err(invalid(
                field,
                format!("`{a}` is not an airport identifier"),
            ));
        }
    }
    Ok(())
}

/// The registrations of the aircraft cached for `account`.
async fn aircraft_of(store: &Store, account: &Account) -> Result<Vec<String>, StoreError> {
    Ok(store
        .export_kind(Kind::Aircraft, false)
        .await?
        .iter()
        .filter(|r| r["account"] == account.name.as_str())
        .filter_map(|r| r["registration"].as_str().map(str::to_string))
        .collect())
}

/// The PilotFlows account named `name`, else the only one.
pub async fn account(workspace: &Workspace, name: Option<&str>) -> Result<Account, AccountChoice> {
    account_of(workspace, Provider::PilotFlows, name).await
}

/// Queues a new flight log under a fresh local id.
pub async fn add(
    store: &Store,
    account: &Account,
    fields: &FlightLogFields,
) -> Result<OutboxRow, LogbookWriteError> {
    check(
        fields,
        true,
        &aircraft_of(store, account).await?,
        Utc::now().date_naive(),
    )?;
    let local = format!(
        "{LOCAL_ID_PREFIX}flight-log-{}",
        Utc::now().timestamp_micros()
    );
    queue(
        store,
        account.id,
        PILOTFLOWS_FLIGHT_LOG_CREATE,
        &local,
        fields,
        Overlay::Upsert(overlay_fields(fields)),
    )
    .await
}

/// Queues a change of the fields given of flight log `id` (a cached log, or one still
/// waiting to be created).
pub async fn edit(
    store: &Store,
    account: &Account,
    id: &str,
    fields: &FlightLogFields,
) -> Result<OutboxRow, LogbookWriteError> {
    check(
        fields,
        false,
        &aircraft_of(store, account).await?,
        Utc::now().date_naive(),
    )?;
    known_log(store, account, id).await?;
    queue(
        store,
        account.id,
        PILOTFLOWS_FLIGHT_LOG_UPDATE,
        id,
        fields,
        Overlay::Upsert(overlay_fields(fields)),
    )
    .await
}

/// Queues the deletion of flight log `id`.
pub async fn delete(
    store: &Store,
    account: &Account,
    id: &str,
) -> Result<OutboxRow, LogbookWriteError> {
    known_log(store, account, id).await?;
    queue(
        store,
        account.id,
        PILOTFLOWS_FLIGHT_LOG_DELETE,
        id,
        &FlightLogFields::default(),
        Overlay::Delete,
    )
    .await
}

/// A write of `id` needs it cached, or still waiting to be created here.
async fn known_log(store: &Store, account: &Account, id: &str) -> Result<(), LogbookWriteError> {
    if id.starts_with(LOCAL_ID_PREFIX) && store.last_unsent_write(account.id, id).await?.is_some() {
        return Ok(());
    }
    let cached = store.has_record(account.id, Kind::FlightLogs, id).await?;
    if cached {
        Ok(())
    } else {
        Err(LogbookWriteError::NoSuchLog(id.to_string()))
    }
}

async fn queue(
    store: &Store,
    account_id: i64,
    operation: &str,
    target: &str,
    fields: &FlightLogFields,
    overlay: Overlay,
) -> Result<OutboxRow, LogbookWriteError> {
    // A later write of the same log waits for the last one not sent yet.
    let depends_on = store.last_unsent_write(account_id, target).await?;
    let payload = serde_json::to_value(fields).expect("flight log fields serialize");
    Ok(store
        .enqueue(
            &NewWrite {
                account_id,
                resource: RESOURCE,
                operation,
                payload: &payload,
                idempotency_key: None,
                record_kind: Kind::FlightLogs,
                target_id: target,
                depends_on,
                overlay: Some(overlay),
            },
            Utc::now(),
        )
        .await?)
}

/// The normalized fields the cache shows until PilotFlows' copy arrives.
fn overlay_fields(f: &FlightLogFields) -> Value {
    let mut out = serde_json::Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            out.insert(k.to_string(), v);
        }
    };
    put("date", f.date.map(|d| json!(d)));
    put(
        "aircraft_registration",
        f.aircraft.clone().map(Value::String),
    );
    put("duration_hours", f.duration.map(|d| json!(d)));
    put("pilot_id", f.pilot_id.clone().map(Value::String));
    put("departure", f.departure.clone().map(Value::String));
    put("arrival", f.arrival.clone().map(Value::String));
    put("landings", f.landings.map(|n| json!(n)));
    put("remarks", f.remarks.clone().map(Value::String));
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn log() -> FlightLogFields {
        FlightLogFields {
            date: Some(day("2026-03-01")),
            aircraft: Some("N44API".into()),
            duration: Some(1.5),
            ..Default::default()
        }
    }

    fn field_of(r: Result<(), LogbookWriteError>) -> Option<&'static str> {
        match r {
            Err(LogbookWriteError::Invalid { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn a_create_needs_a_date_an_aircraft_and_a_duration() {
        let fleet = ["N44API".to_string()];
        let today = day("2026-03-02");
        assert!(check(&log(), true, &fleet, today).is_ok());
        let no_date = FlightLogFields {
            date: None,
            ..log()
        };
        assert_eq!(field_of(check(&no_date, true, &fleet, today)), Some("date"));
        assert!(
            check(&no_date, false, &fleet, today).is_ok(),
            "an edit may leave it"
        );
    }

    #[test]
    fn each_field_is_checked_at_its_edges() {
        let fleet = ["N44API".to_string()];
        let today = day("2026-03-01");
        let with = |f: FlightLogFields| field_of(check(&f, false, &fleet, today));
        assert_eq!(
            with(FlightLogFields {
                date: Some(day("2026-03-02")),
                ..log()
            }),
            Some("date")
        );
        assert_eq!(
            with(FlightLogFields {
                duration: Some(24.0),
                ..log()
            }),
            None
        );
        assert_eq!(
            with(FlightLogFields {
                duration: Some(24.1),
                ..log()
            }),
            Some("duration")
        );
        assert_eq!(
            with(FlightLogFields {
                duration: Some(0.0),
                ..log()
            }),
            Some("duration")
        );
        assert_eq!(
            with(FlightLogFields {
                aircraft: Some("n44api".into()),
                ..log()
            }),
            None
        );
        assert_eq!(
            with(FlightLogFields {
                aircraft: Some("G-ABCD".into()),
                ..log()
            }),
            Some("aircraft")
        );
        assert_eq!(
            with(FlightLogFields {
                landings: Some(100),
                ..log()
            }),
            Some("landings")
        );
        assert_eq!(
            with(FlightLogFields {
                arrival: Some("KPAE".into()),
                ..log()
            }),
            None
        );
        assert_eq!(
            with(FlightLogFields {
                departure: Some("K PAE".into()),
                ..log()
            }),
            Some("departure")
        );
        let unknown_fleet = check(
            &FlightLogFields {
                aircraft: Some("G-ABCD".into()),
                ..log()
            },
            false,
            &[],
            today,
        );
        assert!(
            unknown_fleet.is_ok(),
            "with no aircraft cached, PilotFlows decides"
        );
    }
}
