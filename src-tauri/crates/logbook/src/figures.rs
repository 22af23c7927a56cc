//! A person's facts ([`crate::facts`]) as one compact binary blob: what the first totals and
//! currency call of a process reads (the `figures` column of `logbook_person_index`).
//!
//! The database is encrypted page by page, so every byte read costs a decryption, and the
//! text lines took longer to parse than the whole 50 ms totals and currency may take at
//! 100,000 entries. This layout is about a third of the lines' size and decodes with no
//! parsing: most values are small integers, and the strings a person repeats on thousands
//! of entries (registrations, categories and classes) are stored once.
//!
//! Layout, every integer an unsigned LEB128 varint (signed ones zigzag-encoded):
//! `VERSION`, the string count and each string (length, UTF-8 bytes), the entry count,
//! then per entry in date order:
//! - a flags byte (`SIMULATOR`, `HOLDING`, `BLOCK_OFF`, `BLOCK_ON`, `HEX_ID`, the role in
//!   bits 5 to 7);
//! - the id: 8 little-endian bytes when it is 16 lower-case hex digits (every built entry's
//!   id, [`crate::columns::entry_id`]), otherwise its length and bytes;
//! - the date, in days after the previous entry's (signed; the first from 1970-01-01);
//! - block off, in seconds from the date's midnight UTC, and block on, in seconds from
//!   block off (or from midnight without it), each when its flag is set (signed);
//! - the registration's and the category and class's string numbers;
//! - a bit mask of the non-zero hours (in [`Hours::columns_mut`] order), then each in hundredths;
//! - a bit mask of the non-zero counts (in [`counts`] order), then each.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate};

use crate::facts::Facts;
use crate::model::Role;

const VERSION: u64 = 1;

const SIMULATOR: u8 = 1;
const HOLDING: u8 = 1 << 1;
const BLOCK_OFF: u8 = 1 << 2;
const BLOCK_ON: u8 = 1 << 3;
const HEX_ID: u8 = 1 << 4;
const ROLE_SHIFT: u8 = 5;

/// The count columns, in mask order ([`counts_mut`] lists the same).
fn counts(f: &Facts) -> [u32; 7] {
    [
        f.landings,
        f.day_full_stop,
        f.night_full_stop,
        f.approaches,
        f.night_takeoffs,
        f.civil_night_takeoffs,
        f.civil_night_landings,
    ]
}

fn counts_mut(f: &mut Facts) -> [&mut u32; 7] {
    [
        &mut f.landings,
        &mut f.day_full_stop,
        &mut f.night_full_stop,
        &mut f.approaches,
        &mut f.night_takeoffs,
        &mut f.civil_night_takeoffs,
        &mut f.civil_night_landings,
    ]
}

fn role_code(r: Option<Role>) -> u8 {
    match r {
        None => 0,
        Some(Role::Pic) => 1,
        Some(Role::Sic) => 2,
        Some(Role::Dual) => 3,
        Some(Role::Instructor) => 4,
    }
}

fn role_of(code: u8) -> Option<Option<Role>> {
    Some(match code {
        0 => None,
        1 => Some(Role::Pic),
        2 => Some(Role::Sic),
        3 => Some(Role::Dual),
        4 => Some(Role::Instructor),
        _ => return None,
    })
}

fn put(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push(v as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_signed(out: &mut Vec<u8>, v: i64) {
    put(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// The id as a number when it is 16 lower-case hex digits that print back the same.
fn hex_id(id: &str) -> Option<u64> {
    let n = u64::from_str_radix(id, 16).ok()?;
    (hex(n) == id).then_some(n)
}

/// The string's number in `strings`, added when new. A person has a few registrations and
/// categories: a linear search is cheapest.
fn number<'a>(strings: &mut Vec<&'a str>, s: &'a str) -> u64 {
    let i = strings.iter().position(|x| *x == s).unwrap_or_else(|| {
        strings.push(s);
        strings.len() - 1
    });
    i as u64
}

/// `n` as 16 lower-case hex digits: `format!` would cost more than the rest of an entry's
/// decoding.
fn hex(n: u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digits: Vec<u8> = (0..16)
        .rev()
        .map(|i| DIGITS[(n >> (i * 4)) as usize & 0xf])
        .collect();
    String::from_utf8(digits).expect("hex digits are ASCII")
}

fn midnight(date: NaiveDate) -> i64 {
    date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()
}

/// The blob of `facts` (in the order given: date order, as stored).
pub fn encode(facts: &[Facts]) -> Vec<u8> {
    let mut strings: Vec<&str> = Vec::new();
    let mut body = Vec::with_capacity(facts.len() * 40);
    let mut previous = NaiveDate::default();
    put(&mut body, facts.len() as u64);
    for f in facts {
        let hex = hex_id(&f.id);
        let set = |on: bool, bit: u8| if on { bit } else { 0 };
        let flags = set(f.simulator, SIMULATOR)
            | set(f.holding, HOLDING)
            | set(f.block_off.is_some(), BLOCK_OFF)
            | set(f.block_on.is_some(), BLOCK_ON)
            | set(hex.is_some(), HEX_ID)
            | (role_code(f.role) << ROLE_SHIFT);
        body.push(flags);
        match hex {
            Some(n) => body.extend_from_slice(&n.to_le_bytes()),
            None => {
                put(&mut body, f.id.len() as u64);
                body.extend_from_slice(f.id.as_bytes());
            }
        }
        put_signed(&mut body, (f.date - previous).num_days());
        previous = f.date;
        let mut base = midnight(f.date);
        if let Some(off) = f.block_off {
            put_signed(&mut body, off.timestamp() - base);
            base = off.timestamp();
        }
        if let Some(on) = f.block_on {
            put_signed(&mut body, on.timestamp() - base);
        }
        for s in [&*f.registration, &*f.category_class] {
            put(&mut body, number(&mut strings, s));
        }
        // Hundredths, as the stored lines round them (`Facts::line`).
        let mut hours = f.hours;
        let hundredths = hours
            .columns_mut()
            .map(|h| (h.max(0.0) * 100.0).round() as u64);
        put_masked(&mut body, &hundredths);
        put_masked(&mut body, &counts(f).map(u64::from));
    }
    let mut out = Vec::with_capacity(body.len() + 64);
    put(&mut out, VERSION);
    put(&mut out, strings.len() as u64);
    for s in &strings {
        put(&mut out, s.len() as u64);
        out.extend_from_slice(s.as_bytes());
    }
    out.extend_from_slice(&body);
    out
}

/// A bit mask of the non-zero values, then each of them.
fn put_masked(out: &mut Vec<u8>, values: &[u64]) {
    let mask = values
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0)
        .fold(0, |m, (i, _)| m | 1 << i);
    put(out, mask);
    for v in values.iter().filter(|v| **v > 0) {
        put(out, *v);
    }
}

/// Reads a blob back; `None` when it is not one (corrupt, or another version's).
pub fn decode(blob: &[u8]) -> Option<Vec<Facts>> {
    let mut r = Reader { blob, at: 0 };
    if r.varint()? != VERSION {
        return None;
    }
    let strings: Vec<Arc<str>> = (0..r.varint()?)
        .map(|_| {
            let len = r.len()?;
            Some(Arc::from(std::str::from_utf8(r.bytes(len)?).ok()?))
        })
        .collect::<Option<_>>()?;
    let string = |n: u64| strings.get(usize::try_from(n).ok()?).cloned();
    let n = r.len()?;
    let mut out = Vec::with_capacity(n.min(blob.len()));
    let mut date = NaiveDate::default();
    for _ in 0..n {
        let flags = r.byte()?;
        let id = if flags & HEX_ID != 0 {
            hex(u64::from_le_bytes(r.bytes(8)?.try_into().ok()?))
        } else {
            let len = r.len()?;
            std::str::from_utf8(r.bytes(len)?).ok()?.to_string()
        };
        date = date.checked_add_signed(chrono::Duration::try_days(r.signed()?)?)?;
        let mut base = midnight(date);
        let block_off = if flags & BLOCK_OFF != 0 {
            base = base.checked_add(r.signed()?)?;
            Some(DateTime::from_timestamp(base, 0)?)
        } else {
            None
        };
        let block_on = if flags & BLOCK_ON != 0 {
            Some(DateTime::from_timestamp(base.checked_add(r.signed()?)?, 0)?)
        } else {
            None
        };
        let mut f = Facts {
            id,
            date,
            block_off,
            block_on,
            registration: string(r.varint()?)?,
            category_class: string(r.varint()?)?,
            simulator: flags & SIMULATOR != 0,
            holding: flags & HOLDING != 0,
            role: role_of(flags >> ROLE_SHIFT)?,
            ..Facts::default()
        };
        let mask = r.varint()?;
        for (i, slot) in f.hours.columns_mut().into_iter().enumerate() {
            if mask & 1 << i != 0 {
                *slot = r.varint()? as f64 / 100.0;
            }
        }
        let mask = r.varint()?;
        for (i, slot) in counts_mut(&mut f).into_iter().enumerate() {
            if mask & 1 << i != 0 {
                *slot = u32::try_from(r.varint()?).ok()?;
            }
        }
        out.push(f);
    }
    (r.at == blob.len()).then_some(out)
}

struct Reader<'a> {
    blob: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.blob.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let out = self.blob.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(out)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn signed(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A length, which cannot exceed what is left of the blob.
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.varint()?).ok()?;
        (n <= self.blob.len() - self.at).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Hours;

    fn facts(id: &str, date: &str) -> Facts {
        Facts {
            id: id.into(),
            date: date.parse().unwrap(),
            registration: "N44API".into(),
            category_class: "airplane ASEL".into(),
            ..Facts::default()
        }
    }

    #[test]
    fn every_value_reads_back_as_written() {
        let full = Facts {
            block_off: DateTime::from_timestamp(1_772_355_600, 0),
            block_on: DateTime::from_timestamp(1_772_360_640, 0),
            simulator: true,
            role: Some(Role::Instructor),
            holding: true,
            hours: Hours {
                total: 1.4,
                pic: 1.4,
                sic: 0.01,
                dual_received: 0.3,
                instruction_given: 1.4,
                solo: 2.0,
                cross_country: 1.25,
                cross_country_50nm: 1.4,
                night: 0.25,
                actual_instrument: 0.1,
                simulated_instrument: 12345.67,
            },
            landings: 5,
            day_full_stop: 2,
            night_full_stop: 1,
            approaches: 300,
            night_takeoffs: 1,
            civil_night_takeoffs: 4,
            civil_night_landings: 1,
            ..facts("0123456789abcdef", "2026-03-01")
        };
        let only_on = Facts {
            block_on: DateTime::from_timestamp(1_772_400_000, 0),
            registration: "G-ABCD".into(),
            role: Some(Role::Dual),
            ..facts("not-hex", "2026-03-01")
        };
        // Dates out of order and before 1970 still read back (deltas are signed).
        let old = Facts {
            block_off: DateTime::from_timestamp(-86_400 * 400, 0),
            ..facts("ABCDEF0123456789", "1968-11-26")
        };
        let all = vec![full, only_on, old, facts("", "2026-03-02")];
        let blob = encode(&all);
        assert_eq!(decode(&blob), Some(all.clone()));
        let back = decode(&blob).unwrap();
        assert!(
            Arc::ptr_eq(&back[0].category_class, &back[1].category_class),
            "a repeated string is stored and read once"
        );
    }

    #[test]
    fn a_blob_that_is_not_one_is_refused() {
        let blob = encode(&[facts("0123456789abcdef", "2026-03-01")]);
        assert!(decode(&blob[..blob.len() - 1]).is_none(), "truncated");
        let mut longer = blob.clone();
        longer.push(0);
        assert!(decode(&longer).is_none(), "trailing bytes");
        let mut other = blob;
        other[0] = 9;
        assert!(decode(&other).is_none(), "another version");
        assert!(decode(&[]).is_none());
        assert_eq!(decode(&encode(&[])), Some(Vec::new()));
    }
}
