//! What the device track says: Airbly GPS points (time, position, `takeoff` and `landing`
//! events) turned into night time and day and night landings, with the currency crate's
//! sun helpers (the `sunrise` crate underneath).

use chrono::{DateTime, Duration};
use flightdesk_currency::night::{self, Position, TrackPoint};
use serde_json::Value;

/// A device track: every point in time order, and the takeoff and landing fixes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Track {
    pub points: Vec<TrackPoint>,
    pub takeoffs: Vec<TrackPoint>,
    pub landings: Vec<TrackPoint>,
}

/// What the track derives for the logbook.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Derived {
    /// Civil-night time (14 CFR 1.1) along the track, hours.
    pub night_hours: f64,
    /// Full-stop landings outside / inside the 61.57(b) period.
    pub day_full_stop: u32,
    pub night_full_stop: u32,
    /// Takeoffs inside the 61.57(b) period, and at civil night (FCL.060(b)(2)).
    pub night_takeoffs: u32,
    pub civil_night_takeoffs: u32,
    pub civil_night_landings: u32,
}

/// How far apart the samples are that decide whether a track touches civil night at all
/// before it is measured minute by minute. A civil night shorter than this (only within a
/// few days of the start or end of the midnight sun) can be missed.
const NIGHT_PROBE: Duration = Duration::minutes(20);

/// Reads the `points` of an Airbly log; `None` without two usable points.
pub fn from_airbly(raw: &Value) -> Option<Track> {
    let points = raw.get("points")?.as_array()?;
    let mut track = Track::default();
    for p in points {
        let Some(point) = point(p) else { continue };
        let events = p.get("events").and_then(Value::as_array);
        let has = |e: &str| events.is_some_and(|es| es.iter().any(|x| x.as_str() == Some(e)));
        if has("takeoff") {
            track.takeoffs.push(point);
        }
        if has("landing") {
            track.landings.push(point);
        }
        track.points.push(point);
    }
    track.points.sort_by_key(|p| p.at);
    (track.points.len() >= 2).then_some(track)
}

fn point(p: &Value) -> Option<TrackPoint> {
    let number = |k: &str| match p.get(k)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    let at = DateTime::from_timestamp_millis(number("happened_at")? as i64)?;
    Some(TrackPoint {
        at,
        position: Position::new(number("latitude")?, number("longitude")?)?,
    })
}

impl Track {
    /// Night time and landings. Only the last landing is counted as a full stop: the
    /// device records a `landing` event for it and the aircraft then stopped (block-on);
    /// it cannot tell a touch-and-go from a full stop for the others.
    pub fn derive(&self) -> Derived {
        let mut d = Derived {
            night_hours: f64::from(self.night_minutes()) / 60.0,
            ..Derived::default()
        };
        if let Some(last) = self.landings.last() {
            if night::is_faa_landing_night(last.position, last.at) {
                d.night_full_stop = 1;
            } else {
                d.day_full_stop = 1;
            }
        }
        for t in &self.takeoffs {
            d.night_takeoffs += u32::from(night::is_faa_landing_night(t.position, t.at));
            d.civil_night_takeoffs += u32::from(night::is_civil_night(t.position, t.at));
        }
        for l in &self.landings {
            d.civil_night_landings += u32::from(night::is_civil_night(l.position, l.at));
        }
        d
    }

    /// Civil-night minutes: a few probes first, since most flights are by day and the
    /// minute-by-minute measure costs a sun computation per minute.
    fn night_minutes(&self) -> u32 {
        let (Some(first), Some(last)) = (self.points.first(), self.points.last()) else {
            return 0;
        };
        let mut probe = first.at;
        let mut touches_night = false;
        let mut i = 0;
        while probe <= last.at && !touches_night {
            while i + 1 < self.points.len() && self.points[i + 1].at <= probe {
                i += 1;
            }
            touches_night = night::is_civil_night(self.points[i].position, probe);
            probe += NIGHT_PROBE;
        }
        touches_night |= night::is_civil_night(last.position, last.at);
        if touches_night {
            night::night_minutes(&self.points)
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use serde_json::json;

    /// Philadelphia area (the sandbox's airports), 15 June 2026. The sunrise crate puts
    /// sunset there at about 00:32 UTC on 16 June (20:32 EDT).
    fn pos() -> Position {
        Position::new(40.0, -75.2).unwrap()
    }

    fn sunset() -> DateTime<Utc> {
        let day = flightdesk_currency::night::faa_landing_night_window(
            pos(),
            chrono::NaiveDate::from_ymd_opt(2026, 6, 15).unwrap(),
        )
        .unwrap();
        day.0 - Duration::hours(1)
    }

    fn track_landing_at(landing: DateTime<Utc>) -> Track {
        let fix = |at| TrackPoint {
            at,
            position: pos(),
        };
        Track {
            points: vec![fix(landing - Duration::minutes(40)), fix(landing)],
            takeoffs: vec![fix(landing - Duration::minutes(40))],
            landings: vec![fix(landing)],
        }
    }

    #[test]
    fn a_landing_59_minutes_after_sunset_is_a_day_landing_and_61_minutes_a_night_one() {
        // 61.57(b): the period begins one hour after sunset.
        let at59 = track_landing_at(sunset() + Duration::minutes(59)).derive();
        assert_eq!((at59.day_full_stop, at59.night_full_stop), (1, 0));
        let at61 = track_landing_at(sunset() + Duration::minutes(61)).derive();
        assert_eq!((at61.day_full_stop, at61.night_full_stop), (0, 1));
        // Both are after the end of civil twilight (about 30 min after sunset), so both
        // count as civil night landings for EASA and log night time.
        assert_eq!(at59.civil_night_landings, 1);
        assert!(at59.night_hours > 0.0 && at61.night_hours >= at59.night_hours);
    }

    #[test]
    fn a_morning_flight_logs_no_night_time_and_an_evening_one_logs_the_civil_night_part() {
        let morning = Utc.with_ymd_and_hms(2026, 6, 15, 14, 0, 0).unwrap();
        assert_eq!(track_landing_at(morning).derive().night_hours, 0.0);
        // Lands 2 h after sunset, took off 80 min after it: all 40 minutes are civil night.
        let late = track_landing_at(sunset() + Duration::hours(2)).derive();
        assert!((late.night_hours - 40.0 / 60.0).abs() < 0.02, "{late:?}");
    }

    #[test]
    fn airbly_points_are_read_with_their_events_and_string_coordinates() {
        let raw = json!({"points": [
            {"happened_at": 1_781_600_000_000i64, "latitude": "40.0000", "longitude": "-75.2000", "events": ["movement_start"]},
            {"happened_at": 1_781_600_300_000i64, "latitude": "40.0100", "longitude": "-75.2100", "events": ["takeoff"]},
            {"happened_at": 1_781_603_000_000i64, "latitude": "40.0200", "longitude": "-75.2200", "events": ["landing"]},
            {"happened_at": 1_781_603_100_000i64, "latitude": "bad", "longitude": "-75.2", "events": []}
        ]});
        let t = from_airbly(&raw).unwrap();
        assert_eq!(t.points.len(), 3, "the unreadable point is dropped");
        assert_eq!(t.takeoffs.len(), 1);
        assert_eq!(t.landings[0].position.lat(), 40.02);
        assert!(from_airbly(&json!({"points": []})).is_none());
    }
}
