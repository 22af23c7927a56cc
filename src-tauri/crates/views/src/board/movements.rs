//! The movements section: the local day's departures and arrivals from every system's
//! bookings, and what Flight School Booking says is booked out.
//!
//! One flight is often booked in two systems (PilotFlows and Flight School Booking list the
//! same aircraft): bookings of the same aircraft or simulator with the same times are one
//! movement with several sources.

use chrono::{DateTime, Utc};
use flightdesk_store::Store;
use serde::Serialize;
use sqlx::Row;

use crate::calendar;
use crate::error::{QueryContext, Result};
use crate::rows::{self, Accounts, EntityIndex, Synced};

/// Flight School Booking's booked-out list is cached as flight logs of this resource.
pub const BOOKED_OUT_RESOURCE: &str = "booked-out";

/// Today's traffic.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Movements {
    /// Bookings that start in the local day, by start.
    pub departures: Vec<Movement>,
    /// Bookings that end in the local day, by end.
    pub arrivals: Vec<Movement>,
    /// Aircraft booked out today (Flight School Booking), still out first.
    pub booked_out: Vec<BookedOut>,
    pub synced: Vec<Synced>,
    /// The least recently synced resource of this section.
    pub as_of: Option<DateTime<Utc>>,
}

/// One booking of an aircraft or simulator, as one movement across systems.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Movement {
    /// The unified aircraft or simulator (`aircraft:N44API`), when resolved.
    pub aircraft_id: Option<String>,
    /// Its name as the first source gives it.
    pub aircraft: Option<String>,
    /// `aircraft` or `simulator`.
    pub resource_kind: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub person: Option<String>,
    pub instructor: Option<String>,
    pub status: Option<String>,
    /// `provider/account/source_id` of each booking that is this movement.
    pub sources: Vec<String>,
}

/// An aircraft Flight School Booking has booked out.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct BookedOut {
    pub account: String,
    pub source_id: String,
    pub aircraft_id: Option<String>,
    pub registration: Option<String>,
    pub pilot: Option<String>,
    pub student: Option<String>,
    pub out_at: Option<DateTime<Utc>>,
    /// When it is expected back.
    pub eta: Option<DateTime<Utc>>,
    /// When it came back; `None` while still out.
    pub in_at: Option<DateTime<Utc>>,
    pub departed: Option<String>,
    pub destination: Option<String>,
    /// Still out and past its `eta` at the board's instant.
    pub overdue: bool,
}

pub(crate) async fn movements(
    store: &Store,
    accounts: &Accounts,
    index: &EntityIndex<'_>,
    day: (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<Movements> {
    let bookings = day_bookings(store, accounts, index, day).await?;
    let in_day = |t: Option<DateTime<Utc>>| t.is_some_and(|t| day.0 <= t && t < day.1);
    let mut departures: Vec<Movement> = bookings
        .iter()
        .filter(|m| in_day(m.starts_at))
        .cloned()
        .collect();
    departures.sort_by_key(|m| m.starts_at);
    let mut arrivals: Vec<Movement> = bookings.into_iter().filter(|m| in_day(m.ends_at)).collect();
    arrivals.sort_by_key(|m| m.ends_at);
    let booked_out = booked_out(store, accounts, index, day, now).await?;
    let synced = rows::synced(store, &["bookings"])
        .await?
        .into_iter()
        .chain(
            rows::synced(store, &["flight_logs"])
                .await?
                .into_iter()
                .filter(|s| s.resource == BOOKED_OUT_RESOURCE),
        )
        .collect::<Vec<_>>();
    Ok(Movements {
        departures,
        arrivals,
        booked_out,
        as_of: rows::as_of(&synced),
        synced,
    })
}

/// Live bookings of aircraft and simulators that start or end in the day, merged across
/// systems.
async fn day_bookings(
    store: &Store,
    accounts: &Accounts,
    index: &EntityIndex<'_>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Movement>> {
    let earliest = from - calendar::longest_booking(store).await?;
    let encode = |t: &DateTime<Utc>| flightdesk_core::instant::encode(t);
    // Starting or ending in the day; `?3` bounds the start index's range scan (a booking
    // that ends in the day started at most the longest booking's length before it).
    let rows = sqlx::query(
        "SELECT account_id, source_id, starts_at, ends_at, resource_kind, resource_id,
                resource_name, person_name, instructor_name, status
         FROM bookings
         WHERE removed = 0 AND starts_at >= ?3 AND starts_at < ?2
           AND cancelled = 0 AND unavailability = 0
           AND resource_kind IN ('aircraft', 'simulator')
           AND (starts_at >= ?1 OR (ends_at >= ?1 AND ends_at < ?2))
         ORDER BY starts_at, account_id, source_id",
    )
    .bind(encode(&from))
    .bind(encode(&to))
    .bind(encode(&earliest))
    .fetch_all(store.pool())
    .await
    .context("reading the day's bookings")?;
    let mut out: Vec<Movement> = Vec::new();
    for row in rows {
        let Some((provider, account)) = accounts.get(row.get("account_id")) else {
            continue;
        };
        let source_id: String = row.get("source_id");
        let name: Option<String> = row.get("resource_name");
        // Bookings name their aircraft by id or, in some systems, only by name.
        let resource_id: Option<String> = row.get("resource_id");
        let key = resource_id
            .clone()
            .or_else(|| name.as_ref().map(|n| format!("name:{n}")));
        let entity = key.and_then(|k| index.holding(provider, account, &k));
        let m = Movement {
            aircraft_id: entity.map(|e| e.id.clone()),
            aircraft: name.or_else(|| entity.map(|e| e.name.clone())),
            resource_kind: row.get("resource_kind"),
            starts_at: rows::instant(row.get("starts_at")),
            ends_at: rows::instant(row.get("ends_at")),
            person: row.get("person_name"),
            instructor: row.get("instructor_name"),
            status: row.get("status"),
            sources: vec![format!("{}/{account}/{source_id}", provider.as_str())],
        };
        let same = out.iter_mut().find(|o| {
            o.aircraft_id.is_some()
                && o.aircraft_id == m.aircraft_id
                && o.starts_at == m.starts_at
                && o.ends_at == m.ends_at
        });
        match same {
            Some(o) => {
                o.sources.extend(m.sources);
                o.person = o.person.take().or(m.person);
                o.instructor = o.instructor.take().or(m.instructor);
            }
            None => out.push(m),
        }
    }
    Ok(out)
}

/// Flight School Booking's booked-out rows of the day, and any still out.
async fn booked_out(
    store: &Store,
    accounts: &Accounts,
    index: &EntityIndex<'_>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<Vec<BookedOut>> {
    // The list is kept after the day (`keep_past`), so past days are bounded out here: a
    // row that is back has `ends_at`; one still out is shown whatever its day.
    let rows = sqlx::query(
        "SELECT account_id, source_id, aircraft_id, aircraft_registration, pilot_name,
                starts_at, ends_at, departure, arrival, status, raw
         FROM flight_logs
         WHERE removed = 0 AND resource = ?1 AND (status = 'out' OR ends_at >= ?2)",
    )
    .bind(BOOKED_OUT_RESOURCE)
    .bind(flightdesk_core::instant::encode(&from))
    .fetch_all(store.pool())
    .await
    .context("reading the booked-out list")?;
    let mut out = Vec::new();
    for row in rows {
        let Some((provider, account)) = accounts.get(row.get("account_id")) else {
            continue;
        };
        let raw = rows::raw(row.get("raw"));
        let r = |k: &str| rows::raw_str(raw.get(k));
        // The typed columns miss some of the sandbox's field names (`out_time`,
        // `departed`, `destination`), so raw fills them in.
        let out_at =
            rows::instant(row.get("starts_at")).or_else(|| rows::raw_instant(raw.get("out_time")));
        let in_at = rows::instant(row.get("ends_at"))
            .filter(|_| row.get::<Option<String>, _>("status").as_deref() != Some("out"))
            .or_else(|| rows::raw_instant(raw.get("p1_in")));
        let eta = rows::raw_instant(raw.get("eta_time"));
        let still_out = in_at.is_none();
        let today = out_at.is_some_and(|t| from <= t && t < to);
        if !(today || still_out) {
            continue;
        }
        let aircraft: Option<String> = row.get("aircraft_id");
        let registration: Option<String> = row.get("aircraft_registration");
        let entity = aircraft
            .as_deref()
            .and_then(|id| index.holding(provider, account, id))
            .or_else(|| {
                let name = format!("name:{}", registration.as_deref()?);
                index.holding(provider, account, &name)
            });
        out.push(BookedOut {
            account: account.to_string(),
            source_id: row.get("source_id"),
            aircraft_id: entity.map(|e| e.id.clone()),
            registration,
            pilot: row
                .get::<Option<String>, _>("pilot_name")
                .or_else(|| r("pilot_name")),
            student: r("student_name"),
            out_at,
            eta,
            in_at,
            departed: row
                .get::<Option<String>, _>("departure")
                .or_else(|| r("departed")),
            destination: row
                .get::<Option<String>, _>("arrival")
                .or_else(|| r("destination")),
            overdue: still_out && eta.is_some_and(|e| e < now),
        });
    }
    out.sort_by_key(|b| (b.in_at.is_some(), b.out_at));
    Ok(out)
}
