//! An item's times in the chosen zone, as text. A week has thousands of items with four
//! times each, and chrono's general formatting (a format string read every call) was a
//! good part of building them; these write the fixed forms directly, with chrono's
//! output for anything outside them.

use chrono::{DateTime, Datelike, Offset, Timelike, Utc};
use chrono_tz::Tz;

/// RFC 3339 in `tz` (`2026-03-29T03:00:00+02:00`).
pub fn local_rfc3339(at: DateTime<Utc>, tz: Tz) -> String {
    local_texts(at, tz).0
}

/// The wall clock in `tz`, without an offset.
pub fn wall_clock(at: DateTime<Utc>, tz: Tz) -> String {
    local_texts(at, tz).1
}

/// Both forms, converting to the zone once: (RFC 3339, wall clock).
pub(crate) fn local_texts(at: DateTime<Utc>, tz: Tz) -> (String, String) {
    let local = at.with_timezone(&tz);
    let offset = local.offset().fix().local_minus_utc();
    let wall = local.naive_local();
    if !(0..=9999).contains(&wall.year()) || offset % 60 != 0 {
        return (
            local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            wall.format("%Y-%m-%dT%H:%M:%S").to_string(),
        );
    }
    let mut text = String::with_capacity(25);
    push(&mut text, wall.year() as u32, 4);
    text.push('-');
    push(&mut text, wall.month(), 2);
    text.push('-');
    push(&mut text, wall.day(), 2);
    text.push('T');
    push(&mut text, wall.hour(), 2);
    text.push(':');
    push(&mut text, wall.minute(), 2);
    text.push(':');
    push(&mut text, wall.second(), 2);
    let wall_text = text.clone();
    text.push(if offset < 0 { '-' } else { '+' });
    let minutes = offset.unsigned_abs() / 60;
    push(&mut text, minutes / 60, 2);
    text.push(':');
    push(&mut text, minutes % 60, 2);
    (text, wall_text)
}

/// `value` in `width` decimal digits, zero-padded.
fn push(text: &mut String, value: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (value / 10u32.pow(place)) % 10;
        text.push(char::from(b'0' + digit as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_texts_are_chronos_own() {
        let zones: Vec<Tz> = ["UTC", "Europe/Madrid", "America/Santiago", "Asia/Kolkata"]
            .iter()
            .map(|z| z.parse().unwrap())
            .collect();
        // Every 37 minutes and 13 seconds across two years: DST changes both ways, a
        // half-hour offset, negative offsets, leap day.
        let start: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().unwrap();
        for step in 0..30_000i64 {
            let at = start - chrono::Duration::seconds(step * (37 * 60 + 13) - 7);
            for &tz in &zones {
                let local = at.with_timezone(&tz);
                assert_eq!(
                    local_texts(at, tz),
                    (
                        local.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                        local.naive_local().format("%Y-%m-%dT%H:%M:%S").to_string()
                    ),
                    "{at} in {tz}"
                );
            }
        }
    }
}
