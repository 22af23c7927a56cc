//! Flylogs date-times are naive wall-clock times of the school (`"2026-03-01 09:00:00"`):
//! they become instants only with the school's IANA zone, which its training locations
//! carry (`timezone_id`).
//!
//! **DST.** A wall-clock time that falls in a spring-forward gap (02:30 on the night
//! Madrid moves from 02:00 to 03:00) is read with the offset in force before the gap, so it
//! lands as far after the gap's start as it claims (02:30 +01:00 = 03:30 +02:00), the way
//! people who typed it meant it. A time that occurs twice (the autumn overlap) is read as
//! its first occurrence (summer time): Flylogs stores no offset, so the two cannot be told
//! apart, and the earlier one never shows a class as later than it was scheduled.

use chrono::{DateTime, Datelike, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::wire;

/// The zone naive times are read in when the school names none (or an unknown one).
pub const FALLBACK_ZONE: Tz = Tz::UTC;

/// Years outside this range are not plausible training times; rejecting them keeps the
/// zone arithmetic far from chrono's limits (where its offset subtraction panics).
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// An IANA zone name (`Europe/Madrid`), if chrono-tz knows it.
pub fn zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

/// The instant of a field that holds a naive local time, an RFC 3339 time with its own
/// offset, or epoch seconds/milliseconds.
pub fn instant(v: &Value, names: &[&str], tz: Tz) -> Option<DateTime<Utc>> {
    match wire::field(v, names)? {
        Value::String(s) => parse(s, tz),
        _ => wire::instant(v, names),
    }
}

/// Text as an instant: an explicit offset wins; a naive time is the school's wall clock.
pub fn parse(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.parse::<f64>().is_ok() || DateTime::parse_from_rfc3339(s).is_ok() {
        return wire::parse_instant(s);
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .and_then(|naive| resolve(naive, tz))
}

/// A wall-clock time in `tz` as an instant, with the DST rules of the module doc.
pub fn resolve(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    if !PLAUSIBLE_YEARS.contains(&naive.year()) {
        return None;
    }
    if let Some(first) = tz.from_local_datetime(&naive).earliest() {
        return Some(first.with_timezone(&Utc));
    }
    // In a gap: the offset a day earlier is the one before the transition (zones change
    // offset at most a few times a year).
    let before = naive.checked_sub_signed(TimeDelta::days(1))?;
    let offset = tz.from_local_datetime(&before).earliest()?.offset().fix();
    let utc = naive.checked_sub_signed(TimeDelta::seconds(offset.local_minus_utc().into()))?;
    Some(Utc.from_utc_datetime(&utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn madrid() -> Tz {
        zone("Europe/Madrid").unwrap()
    }

    #[test]
    fn a_naive_time_is_the_schools_wall_clock() {
        // Winter: +01:00; summer: +02:00.
        let w = parse("2026-01-15 09:00:00", madrid()).unwrap();
        assert_eq!(w.to_rfc3339(), "2026-01-15T08:00:00+00:00");
        let s = parse("2026-07-15 09:00", madrid()).unwrap();
        assert_eq!(s.to_rfc3339(), "2026-07-15T07:00:00+00:00");
        assert_eq!(
            parse("2026-01-15 09:00:00", FALLBACK_ZONE)
                .unwrap()
                .to_rfc3339(),
            "2026-01-15T09:00:00+00:00"
        );
    }

    #[test]
    fn an_explicit_offset_or_epoch_is_not_shifted() {
        let t = parse("2026-01-15T09:00:00+01:00", madrid()).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-01-15T08:00:00+00:00");
        let v = json!({"start": 1_768_464_000});
        assert_eq!(
            instant(&v, &["start"], madrid()).unwrap().timestamp(),
            1_768_464_000
        );
    }

    #[test]
    fn the_spring_gap_moves_forward_and_the_autumn_overlap_takes_summer_time() {
        // 29 March 2026: 02:00 -> 03:00 in Madrid; 02:30 does not exist.
        let gap = parse("2026-03-29 02:30:00", madrid()).unwrap();
        assert_eq!(gap.to_rfc3339(), "2026-03-29T01:30:00+00:00");
        // 25 October 2026: 03:00 -> 02:00; 02:30 happens twice (00:30 and 01:30 UTC).
        let twice = parse("2026-10-25 02:30:00", madrid()).unwrap();
        assert_eq!(twice.to_rfc3339(), "2026-10-25T00:30:00+00:00");
    }

    #[test]
    fn implausible_years_are_no_time() {
        assert!(parse("9999-12-31 23:59:59", madrid()).is_none());
        assert!(parse("0001-01-01 00:00:00", madrid()).is_none());
        let max = NaiveDateTime::MAX;
        assert!(resolve(max, madrid()).is_none());
    }
}
