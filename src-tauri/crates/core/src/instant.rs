//! The one text form of an instant in the cache: UTC, milliseconds, fixed width
//! (`2026-03-02T09:30:00.000Z`). Text columns compare as text, so a range query is exact
//! only if every instant has the same width and suffix; chrono's serde form drops zero
//! fractions (`…:00Z` sorts after `…:00.5Z`) and sqlx binds `+00:00`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// The stored form of `at`. Sub-millisecond digits are dropped: no provider's times are
/// finer, and a fixed width matters more.
pub fn encode(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Serde for `Option<DateTime<Utc>>` record fields: written in [`encode`]'s form, read
/// in any RFC 3339 form.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(at: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_str(&encode(at)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        Option::<DateTime<Utc>>::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn every_instant_has_the_same_width_and_sorts_as_it_happened() {
        let times = [
            "2026-03-02T09:29:59.999Z",
            "2026-03-02T09:30:00Z",
            "2026-03-02T10:30:00.0005+01:00",
            "2026-03-02T09:30:00.5Z",
            "2026-03-02T09:30:01+00:00",
        ];
        let encoded: Vec<String> = times.iter().map(|t| encode(&at(t))).collect();
        assert!(
            encoded.iter().all(|e| e.len() == 24 && e.ends_with('Z')),
            "{encoded:?}"
        );
        assert_eq!(encoded[1], "2026-03-02T09:30:00.000Z");
        assert_eq!(encoded[2], encoded[1], "sub-millisecond digits are dropped");
        let mut sorted = encoded.clone();
        sorted.sort();
        assert_eq!(sorted, encoded);
    }
}
