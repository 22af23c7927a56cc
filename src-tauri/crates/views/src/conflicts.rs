//! Conflicts across systems: the same unified aircraft, simulator, room or person in two
//! items whose times overlap, whichever systems the items come from.
//!
//! Schools mirror one booking into several systems (a Flight School Booking booking is
//! also a PilotFlows calendar event), so two items of different accounts with exactly the
//! same start and end that agree on what they name are one booking seen twice, not a
//! conflict: they are reported as mirrors instead. Agreeing allows for a system that names
//! less: one item's resource may be missing, and one's people must be among the other's.
//! Cancelled items never conflict.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

/// What the detector needs of an item.
#[derive(Debug, Clone)]
pub struct Span<'a> {
    /// The account's name: mirrors are in two different accounts.
    pub account: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub cancelled: bool,
    /// The unified aircraft, simulator or room it books, if any.
    pub resource: Option<&'a str>,
    /// The unified people it involves, sorted.
    pub people: Vec<&'a str>,
}

impl<'a> Span<'a> {
    fn entities(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.resource.into_iter().chain(self.people.iter().copied())
    }
}

/// Two overlapping items and the entities they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overlap<'a> {
    /// Indexes into the spans, `a < b`.
    pub a: usize,
    pub b: usize,
    /// The entities both involve, sorted.
    pub shared: Vec<&'a str>,
}

/// What `detect` finds.
#[derive(Debug, Default)]
pub struct Found<'a> {
    pub conflicts: Vec<Overlap<'a>>,
    /// Pairs that are one booking mirrored into two systems.
    pub mirrors: Vec<(usize, usize)>,
}

fn is_mirror(x: &Span<'_>, y: &Span<'_>) -> bool {
    let within = |small: &[&str], big: &[&str]| small.iter().all(|p| big.contains(p));
    x.account != y.account
        && x.starts_at == y.starts_at
        && x.ends_at == y.ends_at
        && (x.resource == y.resource || x.resource.is_none() || y.resource.is_none())
        && (within(&x.people, &y.people) || within(&y.people, &x.people))
}

/// Every pair of live items that share an entity and overlap in time (touching ends do
/// not overlap), in index order. Per entity, a sweep over its items sorted by start, so
/// the cost is the items plus the overlaps, not every pair.
pub fn detect<'a>(spans: &[Span<'a>]) -> Found<'a> {
    let mut by_entity: HashMap<&'a str, Vec<usize>> = HashMap::new();
    for (i, s) in spans.iter().enumerate() {
        if s.cancelled || s.ends_at <= s.starts_at {
            continue;
        }
        for e in s.entities() {
            let list = by_entity.entry(e).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let mut pairs: HashMap<(usize, usize), Vec<&'a str>> = HashMap::new();
    for (entity, mut items) in by_entity {
        items.sort_by_key(|&i| (spans[i].starts_at, i));
        for (n, &i) in items.iter().enumerate() {
            for &j in &items[n + 1..] {
                if spans[j].starts_at >= spans[i].ends_at {
                    break;
                }
                let key = (i.min(j), i.max(j));
                pairs.entry(key).or_default().push(entity);
            }
        }
    }
    let mut found = Found::default();
    let mut keys: Vec<_> = pairs.into_iter().collect();
    keys.sort_unstable_by_key(|(k, _)| *k);
    for ((a, b), mut shared) in keys {
        if is_mirror(&spans[a], &spans[b]) {
            found.mirrors.push((a, b));
            continue;
        }
        shared.sort_unstable();
        shared.dedup();
        found.conflicts.push(Overlap { a, b, shared });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 7, h, m, 0).unwrap()
    }

    /// A span whose first entity is its resource and the rest its people.
    fn span<'a>(
        account: &'a str,
        from: (u32, u32),
        to: (u32, u32),
        entities: &[&'a str],
    ) -> Span<'a> {
        let mut people = entities[1..].to_vec();
        people.sort_unstable();
        Span {
            account,
            starts_at: at(from.0, from.1),
            ends_at: at(to.0, to.1),
            cancelled: false,
            resource: entities.first().copied(),
            people,
        }
    }

    #[test]
    fn an_aircraft_in_two_systems_at_overlapping_times_is_one_conflict() {
        let spans = [
            span("a", (9, 0), (10, 0), &["aircraft:N44API", "person:ann"]),
            span("b", (9, 30), (10, 30), &["aircraft:N44API", "person:bob"]),
            span("b", (10, 0), (11, 0), &["aircraft:N44API", "person:cy"]),
        ];
        let found = detect(&spans);
        assert_eq!(
            found.conflicts,
            [
                Overlap {
                    a: 0,
                    b: 1,
                    shared: vec!["aircraft:N44API"]
                },
                Overlap {
                    a: 1,
                    b: 2,
                    shared: vec!["aircraft:N44API"]
                }
            ],
            "touching ends (0 and 2) do not overlap"
        );
    }

    #[test]
    fn a_person_busy_twice_conflicts_and_all_shared_entities_are_named() {
        let spans = [
            span(
                "a",
                (9, 0),
                (11, 0),
                &["simulator:SIM1", "person:ann", "person:ted"],
            ),
            span(
                "b",
                (10, 0),
                (12, 0),
                &["aircraft:N44API", "person:ted", "person:ann"],
            ),
        ];
        let found = detect(&spans);
        assert_eq!(found.conflicts.len(), 1);
        assert_eq!(found.conflicts[0].shared, ["person:ann", "person:ted"]);
    }

    #[test]
    fn a_booking_mirrored_into_another_system_is_not_a_conflict() {
        let spans = [
            span("a", (9, 0), (10, 0), &["aircraft:N44API", "person:ann"]),
            span("b", (9, 0), (10, 0), &["aircraft:N44API", "person:ann"]),
            // Another student at the same times: a second booking, a conflict.
            span("a", (9, 0), (10, 0), &["aircraft:N44API", "person:bob"]),
        ];
        let found = detect(&spans);
        assert_eq!(found.mirrors, [(0, 1)]);
        let pairs: Vec<_> = found.conflicts.iter().map(|o| (o.a, o.b)).collect();
        assert_eq!(pairs, [(0, 2), (1, 2)], "bob's booking is not ann's mirror");
    }

    #[test]
    fn a_mirror_may_name_less_than_the_booking_it_copies() {
        let mut bare = span("b", (15, 0), (17, 0), &["", "person:ann"]);
        bare.resource = None;
        let spans = [
            span(
                "a",
                (15, 0),
                (17, 0),
                &["room:a", "person:ann", "person:ted"],
            ),
            bare,
        ];
        let found = detect(&spans);
        assert_eq!(found.mirrors, [(0, 1)]);
        assert!(found.conflicts.is_empty());
    }

    #[test]
    fn cancelled_items_never_conflict() {
        let mut spans = vec![
            span("a", (9, 0), (10, 0), &["aircraft:N44API"]),
            span("b", (9, 30), (10, 30), &["aircraft:N44API"]),
        ];
        spans[1].cancelled = true;
        assert!(detect(&spans).conflicts.is_empty());
    }
}
