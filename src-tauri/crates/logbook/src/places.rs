//! Where a flight went and what that derives: the departure and arrival airports as places
//! (with local block times), night time and 61.57(b) night landings for a flight without a
//! device track, and cross-country time (14 CFR 61.1) from the track or the airports.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use flightdesk_currency::night::{self, Position};
use serde::{Deserialize, Serialize};

use crate::airports::{self, Place};
use crate::cross_country::CrossCountry;
use crate::track::Track;

/// The airports of an entry, when the table knows them, and the block times on their
/// clocks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Places {
    pub departure: Option<Place>,
    pub arrival: Option<Place>,
    /// Block off at the departure airport's local time.
    pub block_off_local: Option<DateTime<FixedOffset>>,
    /// Block on at the arrival airport's local time.
    pub block_on_local: Option<DateTime<FixedOffset>>,
}

impl Places {
    pub fn of(
        departure: Option<&str>,
        arrival: Option<&str>,
        block_off: Option<DateTime<Utc>>,
        block_on: Option<DateTime<Utc>>,
    ) -> Places {
        let departure = departure.and_then(airports::place);
        let arrival = arrival.and_then(airports::place);
        Places {
            block_off_local: departure
                .as_ref()
                .zip(block_off)
                .and_then(|(p, t)| p.local_time(t)),
            block_on_local: arrival
                .as_ref()
                .zip(block_on)
                .and_then(|(p, t)| p.local_time(t)),
            departure,
            arrival,
        }
    }

    fn positions(&self) -> Option<(Position, Position)> {
        Some((
            self.departure.as_ref()?.position()?,
            self.arrival.as_ref()?.position()?,
        ))
    }
}

/// The logbook date of a flight that left at `at`: the local date at the departure airport
/// when the table knows it (and its zone), else the local date in `fallback`, the user's
/// zone (docs/logbook.md, "Dates").
pub fn local_date(at: DateTime<Utc>, departure: Option<&Place>, fallback: Tz) -> NaiveDate {
    match departure.and_then(|p| p.local_time(at)) {
        Some(local) => local.date_naive(),
        None => at.with_timezone(&fallback).date_naive(),
    }
}

/// Night time and night landings of a flight flown from the departure airport (off block)
/// to the arrival airport (on block), for an entry without a device track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AirportNight {
    /// Civil-night hours (14 CFR 1.1) along the straight line between the airports.
    pub night_hours: f64,
    /// The final landing, a full stop (the aircraft then blocked on), by 61.57(b).
    pub night_full_stop: bool,
    /// The first takeoff in the 61.57(b) night period.
    pub night_takeoff: bool,
}

/// `None` without both airports' positions and both block times.
pub fn airport_night(
    places: &Places,
    block_off: Option<DateTime<Utc>>,
    block_on: Option<DateTime<Utc>>,
    takeoff: Option<DateTime<Utc>>,
    landing: Option<DateTime<Utc>>,
) -> Option<AirportNight> {
    let (from, to) = places.positions()?;
    let (off, on) = (block_off?, block_on?);
    if on <= off {
        return None;
    }
    Some(AirportNight {
        night_hours: f64::from(night::night_minutes_between(from, off, to, on)) / 60.0,
        night_full_stop: night::is_faa_landing_night(to, landing.unwrap_or(on)),
        night_takeoff: night::is_faa_landing_night(from, takeoff.unwrap_or(off)),
    })
}

/// Cross-country from the device track (its first point, every landing fix; the last
/// point when it has no landing events), else from the airports' positions.
pub fn cross_country(track: Option<&Track>, places: &Places) -> Option<CrossCountry> {
    if let Some(t) = track {
        let start = t.points.first()?.position;
        let mut landings: Vec<Position> = t.landings.iter().map(|p| p.position).collect();
        if landings.is_empty() {
            landings.extend(t.points.last().map(|p| p.position));
        }
        return CrossCountry::of(start, &landings);
    }
    let (from, to) = places.positions()?;
    CrossCountry::of(from, &[to])
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use flightdesk_currency::night::TrackPoint;

    #[test]
    fn a_flight_between_known_airports_gets_places_local_times_and_night() {
        // KPHL to KJFK, landing 3 h after a January sunset (about 21:50 UTC): night.
        let off = Utc.with_ymd_and_hms(2026, 1, 15, 23, 30, 0).unwrap();
        let on = off + chrono::Duration::minutes(60);
        let places = Places::of(Some("KPHL"), Some("JFK"), Some(off), Some(on));
        assert_eq!(places.arrival.as_ref().unwrap().icao, "KJFK");
        assert_eq!(
            places.block_on_local.unwrap().to_rfc3339(),
            "2026-01-15T19:30:00-05:00"
        );
        let n = airport_night(&places, Some(off), Some(on), None, None).unwrap();
        assert!((n.night_hours - 1.0).abs() < 0.02, "{n:?}");
        assert!(n.night_full_stop && n.night_takeoff);
        // The same flight at noon: no night.
        let noon = Utc.with_ymd_and_hms(2026, 1, 15, 17, 0, 0).unwrap();
        let day = airport_night(
            &places,
            Some(noon),
            Some(noon + chrono::Duration::minutes(60)),
            None,
            None,
        )
        .unwrap();
        assert_eq!(day.night_hours, 0.0);
        assert!(!day.night_full_stop);
        // An unknown airport or a missing time derives nothing.
        let unknown = Places::of(Some("KZZZ"), Some("JFK"), Some(off), Some(on));
        assert!(airport_night(&unknown, Some(off), Some(on), None, None).is_none());
        assert!(airport_night(&places, Some(off), None, None, None).is_none());
    }

    #[test]
    fn the_date_is_the_departure_airports_local_date() {
        // 23:30 in Philadelphia on 15 January (EST, UTC-5) is 04:30 UTC on the 16th.
        let off = Utc.with_ymd_and_hms(2026, 1, 16, 4, 30, 0).unwrap();
        let phl = airports::place("KPHL");
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(local_date(off, phl.as_ref(), Tz::UTC), day(2026, 1, 15));
        // The airport's zone wins over the user's.
        assert_eq!(
            local_date(off, phl.as_ref(), Tz::Asia__Tokyo),
            day(2026, 1, 15)
        );
        // Unknown place: the user's zone, whatever the UTC date.
        assert_eq!(
            local_date(off, None, Tz::America__New_York),
            day(2026, 1, 15)
        );
        assert_eq!(local_date(off, None, Tz::UTC), day(2026, 1, 16));
        // In summer (EDT, UTC-4), 23:30 is 03:30 UTC the next day.
        let summer = Utc.with_ymd_and_hms(2026, 7, 16, 3, 30, 0).unwrap();
        assert_eq!(local_date(summer, phl.as_ref(), Tz::UTC), day(2026, 7, 15));
    }

    #[test]
    fn cross_country_prefers_the_track_and_falls_back_to_the_airports() {
        let places = Places::of(Some("KPHL"), Some("KJFK"), None, None);
        let by_airports = cross_country(None, &places).unwrap();
        assert!(by_airports.aeronautical_experience(), "{by_airports:?}");
        // A track that stays near home wins over the typed airports.
        let at = Utc.with_ymd_and_hms(2026, 1, 15, 17, 0, 0).unwrap();
        let fix = |lat: f64| TrackPoint {
            at,
            position: Position::new(lat, -75.24).unwrap(),
        };
        let track = Track {
            points: vec![fix(39.87), fix(39.95), fix(39.88)],
            takeoffs: vec![fix(39.87)],
            landings: vec![fix(39.88)],
        };
        let local = cross_country(Some(&track), &places).unwrap();
        assert!(!local.general(), "{local:?}");
    }
}
