//! Sun-based time windows: the 61.57(b) landing period and civil night.
//!
//! Three different "nights" exist in the rules and must not be mixed up:
//! - **61.57(b) period**: 1 hour after sunset to 1 hour before sunrise
//!   ([`is_faa_landing_night`]); only takeoffs and landings in it count for night currency.
//! - **Civil night** (14 CFR 1.1 "night", and EASA "night"): end of evening civil twilight to
//!   beginning of morning civil twilight ([`is_civil_night`], [`night_minutes`]).
//! - 91.209 lighting (sunset to sunrise) is not used by the currency rules.
//!
//! Sun times come from the `sunrise` crate ([`sunrise::SolarDay`]), which returns `None` for
//! an event that does not happen that day (midnight sun, polar night) instead of panicking.
//! Rather than deciding "polar day or polar night" from a formula of our own, the helpers
//! look for the **latest** boundary before the instant and the **next** one after it,
//! scanning day by day (up to [`MAX_SCAN_DAYS`]): after a sunset and before the next sunrise
//! it is night, whether that sunset was an hour or six weeks ago. At ordinary latitudes the
//! scan touches three days.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sunrise::{Coordinates, DawnType, SolarDay, SolarEvent};

/// How far the boundary scan goes before giving up: more than the longest polar day or night
/// away from the poles themselves (about 186 days at 90°).
pub const MAX_SCAN_DAYS: i64 = 200;

/// A validated point on the Earth, degrees north and east.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    lat: f64,
    lon: f64,
}

impl Position {
    /// `None` unless −90 ≤ lat ≤ 90 and −180 ≤ lon ≤ 180 (and neither is NaN).
    pub fn new(lat: f64, lon: f64) -> Option<Position> {
        Coordinates::new(lat, lon).map(|_| Position { lat, lon })
    }

    /// Latitude in degrees north.
    pub fn lat(&self) -> f64 {
        self.lat
    }

    /// Longitude in degrees east.
    pub fn lon(&self) -> f64 {
        self.lon
    }

    fn coordinates(&self) -> Coordinates {
        // Validated in `new`, so this cannot fail.
        Coordinates::new(self.lat, self.lon).expect("validated position")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// Sunrise, or civil dawn: night ends.
    Morning,
    /// Sunset, or civil dusk: night begins.
    Evening,
}

/// The pair of solar events that bound one kind of night.
#[derive(Clone, Copy)]
struct Bounds {
    morning: SolarEvent,
    evening: SolarEvent,
}

const SUN: Bounds = Bounds {
    morning: SolarEvent::Sunrise,
    evening: SolarEvent::Sunset,
};

const CIVIL: Bounds = Bounds {
    morning: SolarEvent::Dawn(DawnType::Civil),
    evening: SolarEvent::Dusk(DawnType::Civil),
};

/// The local mean solar date of `t` at `pos`: `SolarDay::new` takes this date (it centres
/// the day on mean solar noon at the longitude), not the UTC date.
fn solar_date(pos: Position, t: DateTime<Utc>) -> NaiveDate {
    let offset = Duration::seconds((pos.lon * 240.0).round() as i64);
    (t + offset).date_naive()
}

fn day_edges(pos: Position, date: NaiveDate, b: Bounds) -> [Option<(Edge, DateTime<Utc>)>; 2] {
    let day = SolarDay::new(pos.coordinates(), date);
    [
        day.event_time(b.morning).map(|t| (Edge::Morning, t)),
        day.event_time(b.evening).map(|t| (Edge::Evening, t)),
    ]
}

/// A boundary, the solar date it belongs to, and that day's length (evening − morning).
#[derive(Debug, Clone, Copy)]
struct Found {
    edge: Edge,
    at: DateTime<Utc>,
    day: NaiveDate,
    day_length: Duration,
}

fn found_on(pos: Position, day: NaiveDate, b: Bounds) -> Vec<Found> {
    match day_edges(pos, day, b) {
        [Some((_, morning)), Some((_, evening))] => {
            let day_length = evening - morning;
            let found = |edge, at| Found {
                edge,
                at,
                day,
                day_length,
            };
            vec![found(Edge::Morning, morning), found(Edge::Evening, evening)]
        }
        // The two events share one hour angle, so they exist together or not at all.
        _ => Vec::new(),
    }
}

/// The latest boundary at or before `t` and the first one after it.
///
/// Within one solar day the morning event precedes the evening one, and a day's evening
/// precedes the next day's morning (both are at most 12 h from their transit), so the first
/// day met when scanning backward that has an edge at or before `t` holds the latest one.
/// The scans start a day beyond `t`'s solar date because mean and true solar time differ by
/// up to about 16 minutes.
fn around(pos: Position, t: DateTime<Utc>, b: Bounds) -> (Option<Found>, Option<Found>) {
    let d0 = solar_date(pos, t);
    let last = (-1..=MAX_SCAN_DAYS).find_map(|k| {
        let day = found_on(pos, d0 - Duration::days(k), b);
        day.into_iter().filter(|f| f.at <= t).max_by_key(|f| f.at)
    });
    let next = (-1..=MAX_SCAN_DAYS).find_map(|k| {
        let day = found_on(pos, d0 + Duration::days(k), b);
        day.into_iter().filter(|f| f.at > t).min_by_key(|f| f.at)
    });
    (last, next)
}

/// True when `t` is at or after the latest evening edge plus `after` and at or before the
/// next morning edge minus `before`.
///
/// Polar runs (days on which the `sunrise` crate reports neither edge) are told apart by the
/// day next to them: a run after a day longer than 12 hours is midnight sun (no night; the
/// real night on the run's eve is shorter than the 61.57(b) offsets), a run after a shorter
/// day is polar night (night from the last evening edge on). With no edge within
/// [`MAX_SCAN_DAYS`] on either side (the poles themselves) the answer is false, the
/// conservative one for currency.
fn in_night(pos: Position, t: DateTime<Utc>, b: Bounds, after: Duration, before: Duration) -> bool {
    let half_day = Duration::hours(12);
    let ends_in_time = |next: Option<Found>| match next {
        Some(n) if n.edge == Edge::Morning => t <= n.at - before,
        Some(_) => false,
        None => true,
    };
    match around(pos, t, b) {
        (Some(last), next) if last.edge == Edge::Evening => {
            let consecutive = next.is_some_and(|n| n.day == last.day + Duration::days(1));
            let midnight_sun_follows = !consecutive && last.day_length > half_day;
            !midnight_sun_follows && t >= last.at + after && ends_in_time(next)
        }
        (Some(_), _) => false,
        (None, Some(next)) => next.day_length <= half_day && ends_in_time(Some(next)),
        (None, None) => false,
    }
}

/// 14 CFR 61.57(b): is `t` within "the period beginning 1 hour after sunset and ending 1 hour
/// before sunrise" at `pos`? Both ends are inclusive. An evening instant is measured against
/// that evening's sunset and the next morning's sunrise, an early-morning instant against
/// the previous evening's sunset. Under the midnight sun there is no such period (false);
/// in a polar night every instant from one hour after the last sunset qualifies.
pub fn is_faa_landing_night(pos: Position, t: DateTime<Utc>) -> bool {
    in_night(pos, t, SUN, Duration::hours(1), Duration::hours(1))
}

/// 14 CFR 1.1 "night" and EASA night (Reg. 965/2012 Annex I): is `t` between the end of
/// evening civil twilight and the beginning of morning civil twilight (sun 6° below the
/// horizon) at `pos`? Used for logging night time and for FCL.060(b)(2).
pub fn is_civil_night(pos: Position, t: DateTime<Utc>) -> bool {
    in_night(pos, t, CIVIL, Duration::zero(), Duration::zero())
}

/// The 61.57(b) period that begins on the evening of `date` (local mean solar date) at
/// `pos`: `(sunset + 1 h, next sunrise − 1 h)`. `None` when the sun does not set that day or
/// the resulting period is empty.
pub fn faa_landing_night_window(
    pos: Position,
    date: NaiveDate,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let sunset = SolarDay::new(pos.coordinates(), date).event_time(SolarEvent::Sunset)?;
    let sunrise = SolarDay::new(pos.coordinates(), date + Duration::days(1))
        .event_time(SolarEvent::Sunrise)?;
    let (start, end) = (sunset + Duration::hours(1), sunrise - Duration::hours(1));
    (start <= end).then_some((start, end))
}

/// A position at an instant along a flight's track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackPoint {
    /// When the aircraft was there (UTC).
    pub at: DateTime<Utc>,
    /// Where it was.
    pub position: Position,
}

/// Civil-night minutes flown along `track` (14 CFR 1.1 night, for the logbook's night time).
///
/// Method: each leg between consecutive points is cut into one-minute slices (the last one
/// shorter); each slice is classified by [`is_civil_night`] at its midpoint, with the
/// position interpolated linearly in latitude and longitude between the two points (taking
/// the short way across the antimeridian). Night slices are added up in seconds and rounded
/// to the nearest minute. Linear interpolation instead of a great circle is off by a few
/// minutes of arc on light-aircraft legs, far less than the sun moves in a minute's sample.
/// Points out of time order are sorted first; a track of fewer than two points is 0.
pub fn night_minutes(track: &[TrackPoint]) -> u32 {
    let mut points = track.to_vec();
    points.sort_by_key(|p| p.at);
    let mut night_seconds = 0i64;
    for leg in points.windows(2) {
        let (a, b) = (leg[0], leg[1]);
        let total = (b.at - a.at).num_seconds();
        let mut from = 0i64;
        while from < total {
            let len = (total - from).min(60);
            let mid = from as f64 + len as f64 / 2.0;
            let pos = interpolate(a.position, b.position, mid / total as f64);
            let t = a.at + Duration::milliseconds((mid * 1000.0) as i64);
            if is_civil_night(pos, t) {
                night_seconds += len;
            }
            from += len;
        }
    }
    ((night_seconds + 30) / 60) as u32
}

/// [`night_minutes`] for a direct flight from `from` (at `off`) to `to` (at `on`).
pub fn night_minutes_between(
    from: Position,
    off: DateTime<Utc>,
    to: Position,
    on: DateTime<Utc>,
) -> u32 {
    night_minutes(&[
        TrackPoint {
            at: off,
            position: from,
        },
        TrackPoint {
            at: on,
            position: to,
        },
    ])
}

fn interpolate(a: Position, b: Position, f: f64) -> Position {
    let mut dlon = b.lon - a.lon;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    let mut lon = a.lon + f * dlon;
    if lon > 180.0 {
        lon -= 360.0;
    } else if lon < -180.0 {
        lon += 360.0;
    }
    let lat = a.lat + f * (b.lat - a.lat);
    Position::new(lat.clamp(-90.0, 90.0), lon.clamp(-180.0, 180.0)).unwrap_or(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn kosh() -> Position {
        Position::new(43.98, -88.56).unwrap()
    }

    fn sunset(pos: Position, y: i32, m: u32, d: u32) -> DateTime<Utc> {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        SolarDay::new(Coordinates::new(pos.lat(), pos.lon()).unwrap(), date)
            .event_time(SolarEvent::Sunset)
            .unwrap()
    }

    fn sunrise(pos: Position, y: i32, m: u32, d: u32) -> DateTime<Utc> {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        SolarDay::new(Coordinates::new(pos.lat(), pos.lon()).unwrap(), date)
            .event_time(SolarEvent::Sunrise)
            .unwrap()
    }

    #[test]
    fn kosh_landing_59_and_61_minutes_after_sunset() {
        // Oshkosh, 15 Jun 2026: sunset is about 01:40 UTC on the 16th (20:40 CDT). A landing
        // 59 minutes after it is still before the 61.57(b) period; 61 minutes after is in it.
        let s = sunset(kosh(), 2026, 6, 15);
        assert_eq!(
            s.date_naive(),
            NaiveDate::from_ymd_opt(2026, 6, 16).unwrap()
        );
        assert!(!is_faa_landing_night(kosh(), s + Duration::minutes(59)));
        assert!(is_faa_landing_night(kosh(), s + Duration::minutes(61)));
        // Exactly one hour after sunset is the start of the period (inclusive).
        assert!(is_faa_landing_night(kosh(), s + Duration::hours(1)));
        // Civil night begins roughly 35 minutes after sunset in June at 44°N.
        assert!(!is_civil_night(kosh(), s + Duration::minutes(20)));
        assert!(is_civil_night(kosh(), s + Duration::minutes(59)));
    }

    #[test]
    fn kosh_morning_edge_is_the_next_days_sunrise() {
        // The evening of 15 Jun runs to 1 h before sunrise on 16 Jun (about 10:12 UTC).
        let r = sunrise(kosh(), 2026, 6, 16);
        assert!(is_faa_landing_night(kosh(), r - Duration::minutes(61)));
        assert!(!is_faa_landing_night(kosh(), r - Duration::minutes(59)));
        assert!(!is_faa_landing_night(kosh(), r + Duration::hours(3)));
        let (start, end) =
            faa_landing_night_window(kosh(), NaiveDate::from_ymd_opt(2026, 6, 15).unwrap())
                .unwrap();
        assert_eq!(start, sunset(kosh(), 2026, 6, 15) + Duration::hours(1));
        assert_eq!(end, r - Duration::hours(1));
        // Local midnight (05:00 UTC) is inside the period.
        let midnight = Utc.with_ymd_and_hms(2026, 6, 16, 5, 0, 0).unwrap();
        assert!(is_faa_landing_night(kosh(), midnight));
        // Local noon is not.
        let noon = Utc.with_ymd_and_hms(2026, 6, 16, 17, 0, 0).unwrap();
        assert!(!is_faa_landing_night(kosh(), noon) && !is_civil_night(kosh(), noon));
    }

    #[test]
    fn tromso_in_june_has_no_landing_night_and_no_civil_night() {
        // Tromsø 69.65N: midnight sun from late May to late July. Sample the whole of
        // 21 Jun 2026 every 10 minutes: nothing qualifies, and nothing panics.
        let tromso = Position::new(69.65, 18.96).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 6, 21).unwrap();
        assert!(faa_landing_night_window(tromso, day).is_none());
        let start = Utc.with_ymd_and_hms(2026, 6, 21, 0, 0, 0).unwrap();
        for i in 0..144 {
            let t = start + Duration::minutes(10 * i);
            assert!(!is_faa_landing_night(tromso, t), "{t}");
            assert!(!is_civil_night(tromso, t), "{t}");
        }
    }

    #[test]
    fn tromso_in_polar_night_is_night_all_day_for_6157b() {
        // 21 Dec 2026: the sun does not rise in Tromsø, so the 61.57(b) period that began an
        // hour after the last sunset (late November) is still running at local noon. Civil
        // twilight still happens around noon, so civil night is not all day.
        let tromso = Position::new(69.65, 18.96).unwrap();
        let noon = Utc.with_ymd_and_hms(2026, 12, 21, 10, 45, 0).unwrap();
        assert!(is_faa_landing_night(tromso, noon));
        assert!(!is_civil_night(tromso, noon));
        let midnight = Utc.with_ymd_and_hms(2026, 12, 21, 23, 0, 0).unwrap();
        assert!(is_civil_night(tromso, midnight));
    }

    #[test]
    fn poles_do_not_panic() {
        // At exactly ±90° the sunrise crate never reports an edge, so the helpers answer the
        // conservative false; one degree off the pole the scan finds the season's edges.
        let t = Utc.with_ymd_and_hms(2026, 6, 21, 12, 0, 0).unwrap();
        for pole in [Position::new(90.0, 0.0), Position::new(-90.0, 180.0)] {
            assert!(!is_faa_landing_night(pole.unwrap(), t));
            assert!(!is_civil_night(pole.unwrap(), t));
        }
        // 89°N in June: midnight sun. 89°S in June: polar night since March.
        assert!(!is_faa_landing_night(Position::new(89.0, 0.0).unwrap(), t));
        assert!(is_faa_landing_night(Position::new(-89.0, 0.0).unwrap(), t));
        assert!(Position::new(91.0, 0.0).is_none());
        assert!(Position::new(0.0, f64::NAN).is_none());
    }

    #[test]
    fn night_minutes_counts_only_the_civil_night_part() {
        // A 2-hour flight leaving KOSH 30 minutes after sunset and staying there: civil night
        // starts about 35 minutes after sunset, so roughly 115 of the 120 minutes are night.
        let s = sunset(kosh(), 2026, 6, 15);
        let off = s + Duration::minutes(30);
        let on = off + Duration::hours(2);
        let n = night_minutes_between(kosh(), off, kosh(), on);
        // Find the dusk minute by brute force to bound the expected answer.
        let dusk = (0..120)
            .find(|m| is_civil_night(kosh(), off + Duration::minutes(*m)))
            .unwrap();
        assert!(
            n <= 120 && n + 1 >= 120 - dusk as u32 && n <= 121 - dusk as u32,
            "{n} {dusk}"
        );
        // A noon flight has no night at all.
        let noon = Utc.with_ymd_and_hms(2026, 6, 16, 17, 0, 0).unwrap();
        assert_eq!(
            night_minutes_between(kosh(), noon, kosh(), noon + Duration::hours(1)),
            0
        );
        // A single point is no flight.
        assert_eq!(
            night_minutes(&[TrackPoint {
                at: noon,
                position: kosh()
            }]),
            0
        );
    }

    #[test]
    fn night_minutes_follows_the_track_east_into_the_dawn() {
        // Leaving Oshkosh at local midnight (05:00 UTC, 16 Jun 2026) for Gander (48.95N,
        // 54.57W), 4 hours: civil dawn at Oshkosh is after 09:00 UTC, so staying put is all
        // night, but flying east meets the dawn (about 07:20 UTC at Gander) before arrival.
        let off = Utc.with_ymd_and_hms(2026, 6, 16, 5, 0, 0).unwrap();
        let on = off + Duration::hours(4);
        let gander = Position::new(48.95, -54.57).unwrap();
        let staying = night_minutes_between(kosh(), off, kosh(), on);
        let moving = night_minutes_between(kosh(), off, gander, on);
        assert_eq!(staying, 240);
        assert!(moving > 60 && moving < 220, "{moving}");
        // The arrival minute itself is day at Gander.
        assert!(!is_civil_night(gander, on));
    }

    #[test]
    fn interpolation_crosses_the_antimeridian_the_short_way() {
        let a = Position::new(0.0, 179.0).unwrap();
        let b = Position::new(0.0, -179.0).unwrap();
        let mid = interpolate(a, b, 0.5);
        assert!((mid.lon().abs() - 180.0).abs() < 1e-9, "{}", mid.lon());
    }
}
