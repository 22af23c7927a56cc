//! Reading the cached flight logs into [`Record`]s: each with its unified aircraft, its
//! times, what it says about the flight, and who was on board in which seat.
//!
//! Who is on board is provider-specific, since the normalized row has one pilot column:
//! - Airbly: `personel` in the raw log (`pic`, `sic`); a `sic` beside a `pic` is the seat
//!   the school's trainee sits in, so the device's roles are logged as PIC and SIC.
//! - PilotFlows: `pilot_*` and, on a `dual` flight, `student_*` in the raw record.
//! - AviationAlley: one record per seat, with `role` INSTRUCTOR, PIC or STUDENT.
//! - Flight School Booking: the booked-out pilot and, when booked with one, the student.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use flightdesk_core::Provider;
use flightdesk_store::Store;
use flightdesk_views::lookup::{AccountRef, Lookup};
use serde_json::Value;
use sqlx::Row;

use crate::error::{QueryContext, Result};
use crate::model::{PersonRef, Role, SourceKey};
use crate::people::People;
use crate::track::{self, Track};

/// One person's seat on a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Seat {
    pub person: PersonRef,
    /// The role this source gives the person, when it says.
    pub role: Option<Role>,
}

/// One cached flight-log record, ready to match.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    pub key: Option<SourceKey>,
    /// The unified aircraft or simulator entity id, or `registration:<REG>` when only a
    /// registration is known.
    pub aircraft: Option<String>,
    pub registration: Option<String>,
    pub make_model: Option<String>,
    pub simulator: bool,
    pub date: Option<NaiveDate>,
    pub starts_at: Option<DateTime<Utc>>,
    /// The UTC offset at the departure airport at `starts_at`, else the user's zone's
    /// ([`Record::set_local_offset`]); `None` (read as UTC) until set or without a start.
    pub local_offset: Option<FixedOffset>,
    pub ends_at: Option<DateTime<Utc>>,
    pub takeoff_at: Option<DateTime<Utc>>,
    pub landing_at: Option<DateTime<Utc>>,
    pub duration_hours: Option<f64>,
    pub air_hours: Option<f64>,
    pub landings: Option<u32>,
    pub departure: Option<String>,
    pub arrival: Option<String>,
    pub route: Option<String>,
    pub remarks: Option<String>,
    pub instructor_name: Option<String>,
    pub seats: Vec<Seat>,
    pub track: Option<Track>,
    /// The provider's own id of the flight, when it keeps one record per seat
    /// (AviationAlley's `flightId`): records of one account with the same id are one flight.
    pub flight_ref: Option<String>,
    /// When the record was typed, for a record without block times (PilotFlows).
    pub created_at: Option<DateTime<Utc>>,
    /// From an account serving the sandbox's demo data ([`crate::demo`]).
    pub demo: bool,
}

impl Record {
    /// Sets [`Record::local_offset`]: the departure airport's (demo records are never
    /// looked up, [`crate::airports`]), else `zone`'s, at the record's start.
    pub fn set_local_offset(&mut self, zone: chrono_tz::Tz) {
        let departure = if self.demo {
            None
        } else {
            self.departure.as_deref().and_then(crate::airports::place)
        };
        self.local_offset = self.starts_at.map(|t| {
            departure
                .and_then(|p| p.local_time(t))
                .unwrap_or_else(|| t.with_timezone(&zone).fixed_offset())
                .offset()
                .to_owned()
        });
    }

    /// The local date of `t` on the record's departure clock ([`Record::local_offset`]).
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(
            &self
                .local_offset
                .unwrap_or(FixedOffset::east_opt(0).expect("UTC")),
        )
        .date_naive()
    }

    /// The record's source key; every record read from the store has one.
    pub fn source(&self) -> &SourceKey {
        self.key
            .as_ref()
            .expect("records read from the store have a key")
    }

    /// Block time from the times, else the duration the source sent.
    pub fn block_hours(&self) -> Option<f64> {
        match (self.starts_at, self.ends_at) {
            (Some(s), Some(e)) if e > s => Some((e - s).num_seconds() as f64 / 3600.0),
            _ => self.duration_hours,
        }
    }
}

/// The statuses of records that are not (yet) a flight: Airbly maintenance and in-flight
/// logs, a Flight School Booking aircraft still booked out.
const NOT_A_FLIGHT: &[&str] = &["maintenance", "inflight", "out"];

/// Reads every live flight-log record of the cache.
pub async fn read(store: &Store, lookup: &Lookup) -> Result<Vec<Record>> {
    let aircraft = aircraft_facts(store).await?;
    let people = People::load(store, lookup).await?;
    let demo_accounts = demo_accounts(store).await?;
    let rows = sqlx::query(
        "SELECT account_id, source_id, date, starts_at, ends_at, pilot_id, pilot_name,
                instructor_id, instructor_name, aircraft_id, aircraft_registration, departure,
                arrival, route, duration_hours, landings, remarks, status, raw
         FROM flight_logs WHERE removed = 0",
    )
    .fetch_all(store.pool())
    .await
    .context("reading the cached flight logs")?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let status: Option<String> = row.get("status");
        if status.as_deref().is_some_and(|s| NOT_A_FLIGHT.contains(&s)) {
            continue;
        }
        let account_id: i64 = row.get("account_id");
        let Some(account) = lookup.account(account_id) else {
            continue;
        };
        let raw: Value = serde_json::from_str(row.get::<&str, _>("raw")).unwrap_or(Value::Null);
        let get = |c: &str| row.get::<Option<String>, _>(c);
        let key = SourceKey {
            source: account.provider,
            account: account.name.clone(),
            source_id: row.get("source_id"),
        };
        let aircraft_id = get("aircraft_id");
        let registration = get("aircraft_registration");
        let unified = lookup
            .entity(
                account,
                false,
                aircraft_id.as_deref(),
                registration.as_deref(),
            )
            .map(|e| e.id.clone())
            .or_else(|| registration.as_ref().map(|r| format!("registration:{r}")));
        let facts = aircraft_id
            .as_ref()
            .and_then(|id| aircraft.get(&(account_id, id.clone())));
        let mut record = Record {
            aircraft: unified,
            registration,
            make_model: facts.and_then(|f| f.make_model.clone()),
            simulator: facts.is_some_and(|f| f.simulator),
            date: get("date").and_then(|d| d.parse().ok()),
            starts_at: instant(get("starts_at")),
            local_offset: None,
            ends_at: instant(get("ends_at")),
            duration_hours: row.get("duration_hours"),
            landings: row
                .get::<Option<i64>, _>("landings")
                .and_then(|n| u32::try_from(n).ok()),
            departure: get("departure"),
            arrival: get("arrival"),
            route: get("route"),
            remarks: get("remarks").filter(|r| !r.trim().is_empty()),
            instructor_name: get("instructor_name"),
            ..Record::default()
        };
        let pilot = (get("pilot_id"), get("pilot_name"));
        match account.provider {
            Provider::Airbly => airbly(&mut record, &people, account, &raw),
            Provider::PilotFlows => pilotflows(&mut record, &people, account, &raw, pilot),
            Provider::AviationAlley => aviationalley(&mut record, &people, account, &raw, pilot),
            Provider::FlightSchoolBooking => fsb(&mut record, &people, account, &raw, pilot),
            Provider::Flylogs => {
                let seat = people.person(account, pilot.0.as_deref(), pilot.1.as_deref());
                record
                    .seats
                    .extend(seat.map(|person| Seat { person, role: None }));
            }
        }
        record.key = Some(key);
        record.demo = demo_accounts.contains(&account_id);
        if record.seats.is_empty() {
            continue;
        }
        out.push(record);
    }
    Ok(out)
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn airbly(r: &mut Record, people: &People, account: &AccountRef, raw: &Value) {
    let personel = raw
        .get("personel")
        .or_else(|| raw.get("personnel"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for p in &personel {
        let role = match text(p, "type").as_deref() {
            Some("pic") => Role::Pic,
            Some("sic") => Role::Sic,
            _ => continue,
        };
        let seat = people.person(
            account,
            text(p, "uuid").as_deref(),
            text(p, "fullname").as_deref(),
        );
        r.seats.extend(seat.map(|person| Seat {
            person,
            role: Some(role),
        }));
    }
    let usage = raw.get("usage").cloned().unwrap_or(Value::Null);
    r.air_hours = usage
        .get("air_seconds")
        .and_then(Value::as_f64)
        .filter(|s| *s > 0.0)
        .map(|s| s / 3600.0);
    r.track = track::from_airbly(raw);
    if let Some(t) = &r.track {
        r.takeoff_at = t.takeoffs.first().map(|p| p.at);
        r.landing_at = t.landings.last().map(|p| p.at);
    }
}

fn pilotflows(
    r: &mut Record,
    people: &People,
    account: &AccountRef,
    raw: &Value,
    pilot: (Option<String>, Option<String>),
) {
    let attributes = raw.get("attributes").unwrap_or(raw);
    r.created_at = instant(text(attributes, "created_at"));
    let student = people.person(
        account,
        text(attributes, "student_id").as_deref(),
        text(attributes, "student_name").as_deref(),
    );
    let dual = text(attributes, "flight_type").as_deref() == Some("dual") || student.is_some();
    let pilot = people.person(account, pilot.0.as_deref(), pilot.1.as_deref());
    if dual {
        r.instructor_name = pilot.as_ref().map(|p| p.name.clone());
    }
    r.seats.extend(pilot.map(|person| Seat {
        person,
        role: Some(if dual { Role::Instructor } else { Role::Pic }),
    }));
    r.seats.extend(student.map(|person| Seat {
        person,
        role: Some(Role::Dual),
    }));
}

fn aviationalley(
    r: &mut Record,
    people: &People,
    account: &AccountRef,
    raw: &Value,
    pilot: (Option<String>, Option<String>),
) {
    let role = match text(raw, "role").as_deref() {
        Some("INSTRUCTOR") => Some(Role::Instructor),
        Some("PIC") => Some(Role::Pic),
        Some("STUDENT") => Some(Role::Dual),
        Some("SIC") => Some(Role::Sic),
        _ => None,
    };
    if raw.get("isSimulator").and_then(Value::as_bool) == Some(true) {
        r.simulator = true;
    }
    r.make_model = r.make_model.take().or_else(|| text(raw, "aircraftType"));
    r.takeoff_at = instant(text(raw, "takeoff"));
    r.landing_at = instant(text(raw, "landing"));
    if let (Some(t), Some(l)) = (r.takeoff_at, r.landing_at) {
        r.air_hours = (l > t).then(|| (l - t).num_seconds() as f64 / 3600.0);
    }
    r.flight_ref = text(raw, "flightId");
    let seat = people.person(account, pilot.0.as_deref(), pilot.1.as_deref());
    r.seats.extend(seat.map(|person| Seat { person, role }));
}

fn fsb(
    r: &mut Record,
    people: &People,
    account: &AccountRef,
    raw: &Value,
    pilot: (Option<String>, Option<String>),
) {
    let student = people.person(
        account,
        text(raw, "student_id").as_deref(),
        text(raw, "student_name").as_deref(),
    );
    let pilot = people.person(account, pilot.0.as_deref(), pilot.1.as_deref());
    if student.is_some() {
        r.instructor_name = pilot.as_ref().map(|p| p.name.clone());
    }
    let pilot_role = if student.is_some() {
        Role::Instructor
    } else {
        Role::Pic
    };
    r.seats.extend(pilot.map(|person| Seat {
        person,
        role: Some(pilot_role),
    }));
    r.seats.extend(student.map(|person| Seat {
        person,
        role: Some(Role::Dual),
    }));
    if r.departure.is_none() {
        r.departure = text(raw, "departed");
    }
    if r.arrival.is_none() {
        r.arrival = text(raw, "destination");
    }
    // A booked-out record says when it went out in `out_time` (unix seconds), which the
    // normalized row does not carry.
    if r.starts_at.is_none() {
        r.starts_at = raw
            .get("out_time")
            .and_then(Value::as_i64)
            .and_then(|s| DateTime::from_timestamp(s, 0));
        r.date = r.date.or(r.starts_at.map(|t| t.date_naive()));
    }
}

/// The ids of the accounts that serve demo data.
async fn demo_accounts(store: &Store) -> Result<HashSet<i64>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, base_url FROM accounts")
        .fetch_all(store.pool())
        .await
        .context("reading the accounts")?;
    Ok(rows
        .into_iter()
        .filter(|(_, url)| crate::demo::is_demo_base_url(url))
        .map(|(id, _)| id)
        .collect())
}

/// Make and model and whether it is a simulator, per (account id, aircraft source id).
struct AircraftFacts {
    make_model: Option<String>,
    simulator: bool,
}

async fn aircraft_facts(store: &Store) -> Result<HashMap<(i64, String), AircraftFacts>> {
    let rows = sqlx::query(
        "SELECT account_id, source_id, name, model, category FROM aircraft WHERE removed = 0",
    )
    .fetch_all(store.pool())
    .await
    .context("reading the cached aircraft")?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let name: Option<String> = row.get("name");
            let model: Option<String> = row.get("model");
            let category: Option<String> = row.get("category");
            let facts = AircraftFacts {
                make_model: name.or(model),
                simulator: category
                    .as_deref()
                    .is_some_and(|c| matches!(c, "simulator" | "fstd" | "ftd" | "ffs" | "atd")),
            };
            ((row.get("account_id"), row.get("source_id")), facts)
        })
        .collect())
}

fn instant(text: Option<String>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&text?)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}
