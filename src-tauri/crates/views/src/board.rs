//! The dispatcher's board, "today at a glance", from the cache only: who is on duty (and
//! who breaches a limit), every aircraft and simulator with its status, open work orders
//! and compliance due, and the day's departures, arrivals and booked-out aircraft. Each
//! section says when its data last synced, so the window can show "as of".
//!
//! A crew forecast for another instant needs the network; [`crew::from_forecast`] turns
//! such an answer (read by the caller) into the same section.

pub mod crew;
pub mod fleet;
pub mod movements;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use flightdesk_store::Store;
use serde::Serialize;

use crate::error::Result;
use crate::lookup::Lookup;
use crate::rows::{Accounts, EntityIndex};

pub use crew::Crew;
pub use fleet::Fleet;
pub use movements::Movements;

/// The board at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Board {
    /// The instant the board is for.
    pub now: DateTime<Utc>,
    /// The IANA zone whose local day "today" is.
    pub time_zone: String,
    /// That local day.
    pub day: NaiveDate,
    pub crew: Crew,
    pub aircraft: Fleet,
    pub movements: Movements,
}

/// The board for the local day of `now` in `tz`.
pub async fn board(store: &Store, lookup: &Lookup, now: DateTime<Utc>, tz: Tz) -> Result<Board> {
    let accounts = Accounts::load(store).await?;
    let all = lookup.entity_views();
    let index = EntityIndex::new(all);
    let day = now.with_timezone(&tz).date_naive();
    Ok(Board {
        now,
        time_zone: tz.name().to_string(),
        day,
        crew: crew::from_cache(store, &accounts).await?,
        aircraft: fleet::fleet(store, &accounts, all, day).await?,
        movements: movements::movements(store, &accounts, &index, day_bounds(day, tz), now).await?,
    })
}

/// The UTC instants a local day runs between (23 or 25 hours on a DST change).
fn day_bounds(day: NaiveDate, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        // A zone that skips midnight starts the day at the first instant after the gap.
        tz.from_local_datetime(&midnight)
            .earliest()
            .or_else(|| {
                tz.from_local_datetime(&(midnight + Duration::hours(1)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    };
    (start(day), start(day + Duration::days(1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_day_is_bounded_in_its_zone_even_across_a_dst_change() {
        let madrid = chrono_tz::Europe::Madrid;
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let (from, to) = day_bounds(d("2026-03-29"), madrid);
        assert_eq!(from.to_rfc3339(), "2026-03-28T23:00:00+00:00");
        assert_eq!(to - from, Duration::hours(23), "spring forward");
        let (from, to) = day_bounds(d("2026-03-02"), chrono_tz::UTC);
        assert_eq!(
            (from.to_rfc3339(), (to - from).num_hours()),
            ("2026-03-02T00:00:00+00:00".into(), 24)
        );
    }
}
