//! Which source records are one real flight, and whose entries that flight makes.
//!
//! Rules (docs/logbook.md states them for users):
//! 1. Records of the same unified aircraft whose block times overlap by at least half the
//!    shorter one, and that share a person on board when both name people, are one flight
//!    (a record that only gives a start joins a flight whose block time holds it).
//!    Records of one account that carry the same provider flight id (AviationAlley keeps
//!    one record per seat) are one flight whatever their people.
//! 2. A record with a date and a duration but no times (PilotFlows) joins the flight of the
//!    same aircraft on the same date (on the departure's clock, or in UTC) whose block time is within
//!    [`DURATION_TOLERANCE_HOURS`] of its duration, that has no record of the same account
//!    yet, and that has one of its people on board, and (when the record says when it was
//!    typed) that ended before it was typed (10 minutes' grace for clocks). The flight
//!    with most of its people on board wins, then the one that ended last before the
//!    record was typed (people type a flight soon after it), then the closest duration;
//!    one such record per flight per account.
//! 3. A flight gives one entry to each person on board, holding the records that name
//!    that person.
//! 4. The user's decisions come last: a split source becomes an entry of its own for that
//!    person; a merge joins that person's two entries holding the two sources.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::model::{PersonRef, SourceKey};
use crate::sources::Record;

/// How far a typed duration may be from the device's block time and still be the same
/// flight: hand entries round to tenths (±0.05 h) and are often a tenth or two off (taxi
/// time counted or not). 0.3 h keeps two flights of the same aircraft on one day apart
/// unless their lengths are within 18 minutes, where the closest one wins.
pub const DURATION_TOLERANCE_HOURS: f64 = 0.3;

/// The user's decisions that override the matcher.
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    /// (person id, source): this source is an entry of its own for this person.
    pub splits: HashSet<(String, SourceKey)>,
    /// (person id, a, b): the person's entries holding `a` and `b` are one entry.
    pub merges: Vec<(String, SourceKey, SourceKey)>,
}

/// One person's entry: indexes into the records, and everyone else on board.
#[derive(Debug, Clone, PartialEq)]
pub struct Matched {
    pub person: PersonRef,
    pub records: Vec<usize>,
    pub crew: Vec<PersonRef>,
}

impl Matched {
    /// The entry's smallest source key: its anchor for ids and annotations.
    pub fn anchor<'a>(&self, records: &'a [Record]) -> &'a SourceKey {
        self.records
            .iter()
            .map(|&i| records[i].source())
            .min()
            .expect("an entry has at least one record")
    }
}

/// Groups `records` into flights (indexes), by rules 1 and 2.
pub fn flights(records: &[Record]) -> Vec<Vec<usize>> {
    let mut by_aircraft: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        by_aircraft
            .entry(r.aircraft.as_deref())
            .or_default()
            .push(i);
    }
    let mut out = Vec::new();
    for (aircraft, indexes) in by_aircraft {
        if aircraft.is_none() {
            // Without an aircraft nothing can be matched: each record is its own flight.
            out.extend(indexes.into_iter().map(|i| vec![i]));
            continue;
        }
        out.extend(one_aircraft(records, indexes));
    }
    out
}

fn one_aircraft(records: &[Record], indexes: Vec<usize>) -> Vec<Vec<usize>> {
    let (mut timed, untimed): (Vec<usize>, Vec<usize>) = indexes
        .into_iter()
        .partition(|&i| records[i].starts_at.is_some());
    timed.sort_by_key(|&i| (records[i].starts_at, records[i].source().clone()));
    // Rule 1: a record joins every open flight holding a record of the same flight, and so
    // joins them (two per-seat records only meet through the device log naming both).
    let mut flights: Vec<Vec<usize>> = Vec::new();
    let mut ends: Vec<DateTime<Utc>> = Vec::new();
    for i in timed {
        let (start, end) = span(&records[i]);
        let found: Vec<usize> = (0..flights.len())
            .filter(|&f| {
                ends[f] >= start
                    && flights[f]
                        .iter()
                        .any(|&j| same_flight(&records[j], &records[i]))
            })
            .collect();
        match found.split_first() {
            Some((&first, rest)) => {
                for &f in rest {
                    let moved = std::mem::take(&mut flights[f]);
                    flights[first].extend(moved);
                    ends[first] = ends[first].max(ends[f]);
                }
                flights[first].push(i);
                ends[first] = ends[first].max(end);
            }
            None => {
                flights.push(vec![i]);
                ends.push(end);
            }
        }
    }
    flights.retain(|f| !f.is_empty());
    // Rule 2: candidate (distance, record, flight) pairs, closest first.
    let mut pairs = Vec::new();
    for &u in &untimed {
        let r = &records[u];
        let (Some(date), Some(hours)) = (r.date, r.duration_hours) else {
            continue;
        };
        for (f, flight) in flights.iter().enumerate() {
            let Some(block) = block_hours(records, flight) else {
                continue;
            };
            let diff = (block - hours).abs();
            let same_day = flight.iter().any(|&i| {
                let x = &records[i];
                // The typed date is the day on the departure's clock, or the UTC day
                // (PilotFlows keeps dates in its organization's zone, UTC in the sandbox).
                [x.starts_at, x.ends_at]
                    .into_iter()
                    .flatten()
                    .any(|t| x.local_date(t) == date || t.date_naive() == date)
            });
            let shared = shared_people(records, flight, r);
            // A record typed after the flight cannot be a flight that ended later.
            let ended = flight.iter().filter_map(|&i| records[i].ends_at).max();
            let gap = match (r.created_at, ended) {
                (Some(c), Some(e)) => (c - e).num_minutes(),
                _ => i64::MAX,
            };
            if same_day && diff <= DURATION_TOLERANCE_HOURS + 1e-9 && shared > 0 && gap >= -10 {
                pairs.push((std::cmp::Reverse(shared), gap.max(0), diff, u, f));
            }
        }
    }
    pairs.sort_by(|a, b| {
        (a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
            .then(a.2.total_cmp(&b.2))
            .then(a.3.cmp(&b.3))
            .then(a.4.cmp(&b.4))
    });
    let mut placed = HashSet::new();
    for (_, _, _, u, f) in pairs {
        let account = (&records[u].source().source, &records[u].source().account);
        let taken = flights[f].iter().any(|&i| {
            let k = records[i].source();
            (&k.source, &k.account) == account
        });
        if !placed.contains(&u) && !taken {
            flights[f].push(u);
            placed.insert(u);
        }
    }
    flights.extend(
        untimed
            .into_iter()
            .filter(|u| !placed.contains(u))
            .map(|u| vec![u]),
    );
    flights
}

/// A timed record's block interval (a record with only a start is that instant).
fn span(r: &Record) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = r.starts_at.expect("only timed records have a span");
    (start, r.ends_at.filter(|e| *e >= start).unwrap_or(start))
}

/// Rule 1 for two timed records of one aircraft: their block times overlap by at least
/// half the shorter one (an instant must fall inside the other's block time), and when
/// both name people they share one. Schedules do hold overlapping flights of one aircraft
/// (double bookings recorded as flown); the shared person keeps them apart.
fn same_flight(a: &Record, b: &Record) -> bool {
    let (ka, kb) = (a.source(), b.source());
    if a.flight_ref.is_some()
        && a.flight_ref == b.flight_ref
        && (ka.source, &ka.account) == (kb.source, &kb.account)
    {
        return true;
    }
    let ((sa, ea), (sb, eb)) = (span(a), span(b));
    let overlaps = match (sa == ea, sb == eb) {
        (true, true) => sa == sb,
        (true, false) => sb <= sa && sa < eb,
        (false, true) => sa <= sb && sb < ea,
        (false, false) => {
            let overlap = (ea.min(eb) - sa.max(sb)).num_seconds();
            let shorter = (ea - sa).min(eb - sb).num_seconds();
            overlap > 0 && overlap * 2 >= shorter
        }
    };
    overlaps && shares_a_person(std::slice::from_ref(a), &[0], b)
}

/// A flight's block time: from its earliest start to its latest end.
fn block_hours(records: &[Record], flight: &[usize]) -> Option<f64> {
    let start = flight.iter().filter_map(|&i| records[i].starts_at).min()?;
    let end = flight.iter().filter_map(|&i| records[i].ends_at).max()?;
    (end > start).then(|| (end - start).num_seconds() as f64 / 3600.0)
}

/// How many of `r`'s people are on board `flight` (1 when the flight names no one, so a
/// record can still join it).
fn shared_people(records: &[Record], flight: &[usize], r: &Record) -> usize {
    let on_board: HashSet<&str> = flight
        .iter()
        .flat_map(|&i| records[i].seats.iter().map(|s| s.person.id.as_str()))
        .collect();
    if on_board.is_empty() {
        return 1;
    }
    r.seats
        .iter()
        .filter(|s| on_board.contains(s.person.id.as_str()))
        .count()
}

fn shares_a_person(records: &[Record], flight: &[usize], r: &Record) -> bool {
    let on_board: HashSet<&str> = flight
        .iter()
        .flat_map(|&i| records[i].seats.iter().map(|s| s.person.id.as_str()))
        .collect();
    on_board.is_empty()
        || r.seats
            .iter()
            .any(|s| on_board.contains(s.person.id.as_str()))
}

/// Every person's entries, by rules 3 and 4.
pub fn entries(records: &[Record], decisions: &Decisions) -> Vec<Matched> {
    let mut out = Vec::new();
    for flight in flights(records) {
        let mut people: BTreeMap<&str, (&PersonRef, Vec<usize>)> = BTreeMap::new();
        for &i in &flight {
            for seat in &records[i].seats {
                let slot = people
                    .entry(seat.person.id.as_str())
                    .or_insert((&seat.person, Vec::new()));
                if !slot.1.contains(&i) {
                    slot.1.push(i);
                }
            }
        }
        let everyone: Vec<&PersonRef> = people.values().map(|(p, _)| *p).collect();
        for (id, (person, mut indexes)) in people {
            let crew: Vec<PersonRef> = everyone
                .iter()
                .filter(|p| p.id != id)
                .map(|p| (*p).clone())
                .collect();
            indexes.sort_unstable();
            // Rule 4, splits: each split source leaves (while another source remains).
            let (split, kept): (Vec<usize>, Vec<usize>) = indexes.iter().partition(|&&i| {
                decisions
                    .splits
                    .contains(&(id.to_string(), records[i].source().clone()))
            });
            let (kept, split) = if kept.is_empty() {
                (vec![split[0]], split[1..].to_vec())
            } else {
                (kept, split)
            };
            for i in split {
                out.push(Matched {
                    person: person.clone(),
                    records: vec![i],
                    crew: crew.clone(),
                });
            }
            out.push(Matched {
                person: person.clone(),
                records: kept,
                crew,
            });
        }
    }
    apply_merges(records, out, &decisions.merges)
}

/// Rule 4, merges: union the person's entries that hold the two sources of a decision.
fn apply_merges(
    records: &[Record],
    entries: Vec<Matched>,
    merges: &[(String, SourceKey, SourceKey)],
) -> Vec<Matched> {
    if merges.is_empty() {
        return entries;
    }
    let mut holder: HashMap<(&str, &SourceKey), usize> = HashMap::new();
    for (e, m) in entries.iter().enumerate() {
        for &i in &m.records {
            holder.insert((m.person.id.as_str(), records[i].source()), e);
        }
    }
    let mut parent: Vec<usize> = (0..entries.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (person, a, b) in merges {
        let (Some(&ea), Some(&eb)) = (
            holder.get(&(person.as_str(), a)),
            holder.get(&(person.as_str(), b)),
        ) else {
            continue;
        };
        let (ra, rb) = (root(&mut parent, ea), root(&mut parent, eb));
        if ra != rb {
            parent[rb.max(ra)] = rb.min(ra);
        }
    }
    let mut groups: BTreeMap<usize, Matched> = BTreeMap::new();
    for (e, m) in entries.into_iter().enumerate() {
        let r = root(&mut parent, e);
        match groups.get_mut(&r) {
            Some(g) => {
                g.records.extend(m.records);
                g.records.sort_unstable();
                g.records.dedup();
                let known: BTreeSet<String> = g.crew.iter().map(|p| p.id.clone()).collect();
                g.crew
                    .extend(m.crew.into_iter().filter(|p| !known.contains(&p.id)));
            }
            None => {
                groups.insert(r, m);
            }
        }
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;
    use crate::sources::Seat;
    use chrono::{DateTime, Duration, NaiveDate, Utc};
    use flightdesk_core::Provider;

    fn t(hhmm: &str) -> DateTime<Utc> {
        format!("2026-03-01T{hhmm}:00Z").parse().unwrap()
    }

    fn person(id: &str) -> Seat {
        Seat {
            person: PersonRef {
                id: format!("person:{id}"),
                name: id.into(),
            },
            role: Some(Role::Pic),
        }
    }

    fn key(p: Provider, id: &str) -> SourceKey {
        SourceKey {
            source: p,
            account: "a".into(),
            source_id: id.into(),
        }
    }

    /// A timed record of aircraft N1 with pilot "ann".
    fn timed(p: Provider, id: &str, off: &str, on: &str) -> Record {
        Record {
            key: Some(key(p, id)),
            aircraft: Some("aircraft:N1".into()),
            starts_at: Some(t(off)),
            ends_at: Some(t(on)),
            date: Some(t(off).date_naive()),
            seats: vec![person("ann")],
            ..Record::default()
        }
    }

    /// A PilotFlows-style record: date and duration only.
    fn typed(id: &str, hours: f64) -> Record {
        Record {
            key: Some(key(Provider::PilotFlows, id)),
            aircraft: Some("aircraft:N1".into()),
            date: NaiveDate::from_ymd_opt(2026, 3, 1),
            duration_hours: Some(hours),
            seats: vec![person("ann")],
            ..Record::default()
        }
    }

    fn sources(records: &[Record], m: &Matched) -> Vec<String> {
        m.records
            .iter()
            .map(|&i| records[i].source().source_id.clone())
            .collect()
    }

    #[test]
    fn overlapping_block_times_are_one_flight_and_back_to_back_flights_are_two() {
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:24"),
            timed(Provider::AviationAlley, "aa1", "09:00", "10:24"),
            // Starts the minute the first one ended: the next flight, not the same one.
            timed(Provider::Airbly, "dev2", "10:24", "11:30"),
        ];
        let e = entries(&records, &Decisions::default());
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(sources(&records, &e[0]), ["dev1", "aa1"]);
        assert_eq!(sources(&records, &e[1]), ["dev2"]);
    }

    #[test]
    fn overlapping_flights_of_one_aircraft_with_other_people_stay_apart() {
        // A double booking recorded as flown: 12:43-14:21 and 13:13-14:48 on one aircraft.
        let mut other = timed(Provider::Airbly, "dev2", "13:13", "14:48");
        other.seats = vec![person("bob")];
        let records = vec![timed(Provider::Airbly, "dev1", "12:43", "14:21"), other];
        assert_eq!(entries(&records, &Decisions::default()).len(), 2);
        // Overlapping by less than half the shorter one: two flights even with one pilot.
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:00"),
            timed(Provider::AviationAlley, "aa1", "09:40", "11:00"),
        ];
        assert_eq!(entries(&records, &Decisions::default()).len(), 2);
    }

    #[test]
    fn two_seat_records_join_through_the_device_log_that_names_both() {
        let mut ann_seat = timed(Provider::AviationAlley, "aa-ann", "09:00", "10:24");
        ann_seat.seats = vec![person("ann")];
        let mut sam_seat = timed(Provider::AviationAlley, "aa-sam", "09:00", "10:24");
        sam_seat.seats = vec![person("sam")];
        let mut device = timed(Provider::Airbly, "dev", "09:00", "10:24");
        device.seats = vec![person("ann"), person("sam")];
        let records = vec![ann_seat.clone(), sam_seat.clone(), device];
        assert_eq!(flights(&records).len(), 1);
        // Without the device log, the provider's flight id links the two seats.
        assert_eq!(flights(&[ann_seat.clone(), sam_seat.clone()]).len(), 2);
        let (mut a, mut b) = (ann_seat, sam_seat);
        a.flight_ref = Some("F1".into());
        b.flight_ref = Some("F1".into());
        assert_eq!(flights(&[a, b]).len(), 1);
        let e = entries(&records, &Decisions::default());
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|m| m.records.len() == 2), "{e:?}");
    }

    #[test]
    fn another_aircraft_at_the_same_time_is_another_flight() {
        let mut other = timed(Provider::AviationAlley, "aa1", "09:00", "10:24");
        other.aircraft = Some("aircraft:N2".into());
        let records = vec![timed(Provider::Airbly, "dev1", "09:00", "10:24"), other];
        assert_eq!(entries(&records, &Decisions::default()).len(), 2);
    }

    #[test]
    fn a_typed_duration_joins_the_flight_within_the_tolerance_and_the_closest_one() {
        // Device block times 1.4 h and 1.0 h the same day; typed 1.5 h and 1.1 h.
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:24"),
            timed(Provider::Airbly, "dev2", "13:00", "14:00"),
            typed("pf1", 1.5),
            typed("pf2", 1.1),
        ];
        let e = entries(&records, &Decisions::default());
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(sources(&records, &e[0]), ["dev1", "pf1"]);
        assert_eq!(sources(&records, &e[1]), ["dev2", "pf2"]);
    }

    #[test]
    fn a_typed_duration_beyond_the_tolerance_or_on_another_day_stays_apart() {
        let mut other_day = typed("pf2", 1.4);
        other_day.date = NaiveDate::from_ymd_opt(2026, 3, 2);
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:24"),
            // 1.4 h + 0.31 h: just beyond.
            typed("pf1", 1.71),
            other_day,
        ];
        let e = entries(&records, &Decisions::default());
        assert_eq!(e.len(), 3, "{e:?}");
        // At the edge (1.4 + 0.3 = 1.7) it still matches.
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:24"),
            typed("pf1", 1.7),
        ];
        assert_eq!(entries(&records, &Decisions::default()).len(), 1);
    }

    #[test]
    fn a_typed_record_joins_the_flight_with_more_of_its_people_before_a_closer_duration() {
        // Ann flies with Sam (1.4 h), then alone (1.5 h); the typed 1.5 h names both.
        let mut with_sam = timed(Provider::Airbly, "dev1", "09:00", "10:24");
        with_sam.seats.push(person("sam"));
        let mut typed_both = typed("pf1", 1.5);
        typed_both.seats.push(person("sam"));
        let records = vec![
            with_sam,
            timed(Provider::Airbly, "dev2", "13:00", "14:30"),
            typed_both,
        ];
        let f = flights(&records);
        assert!(f.iter().any(|x| x == &vec![0, 2]), "{f:?}");
    }

    #[test]
    fn a_typed_record_joins_the_last_flight_that_ended_before_it_was_typed() {
        // Two flights of 1.4 h and 1.5 h; the typed 1.4 h was entered after the second.
        let mut late = typed("pf1", 1.4);
        late.created_at = Some(t("15:00"));
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:24"),
            timed(Provider::Airbly, "dev2", "13:00", "14:30"),
            late.clone(),
        ];
        assert!(flights(&records).iter().any(|x| x == &vec![1, 2]));
        // Typed before the second flight ended: only the first one can be it.
        late.created_at = Some(t("11:00"));
        let records = vec![records[0].clone(), records[1].clone(), late];
        assert!(flights(&records).iter().any(|x| x == &vec![0, 2]));
    }

    #[test]
    fn a_typed_record_of_someone_not_on_board_does_not_join() {
        let mut bob = typed("pf1", 1.4);
        bob.seats = vec![person("bob")];
        let records = vec![timed(Provider::Airbly, "dev1", "09:00", "10:24"), bob];
        assert_eq!(entries(&records, &Decisions::default()).len(), 2);
    }

    #[test]
    fn each_person_on_board_gets_an_entry_with_the_records_naming_them() {
        let mut device = timed(Provider::Airbly, "dev1", "09:00", "10:24");
        device.seats.push(person("sam"));
        let mut sam_seat = timed(Provider::AviationAlley, "aa-sam", "09:00", "10:24");
        sam_seat.seats = vec![person("sam")];
        let records = vec![device, sam_seat];
        let e = entries(&records, &Decisions::default());
        assert_eq!(e.len(), 2);
        let ann = e.iter().find(|m| m.person.id == "person:ann").unwrap();
        let sam = e.iter().find(|m| m.person.id == "person:sam").unwrap();
        assert_eq!(sources(&records, ann), ["dev1"]);
        assert_eq!(sources(&records, sam), ["dev1", "aa-sam"]);
        assert_eq!(ann.crew[0].id, "person:sam");
    }

    #[test]
    fn a_split_source_becomes_its_own_entry_and_a_merge_joins_two_entries() {
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:24"),
            typed("pf1", 1.4),
        ];
        let split = Decisions {
            splits: [("person:ann".to_string(), key(Provider::PilotFlows, "pf1"))].into(),
            merges: vec![],
        };
        let e = entries(&records, &split);
        assert_eq!(e.len(), 2, "{e:?}");
        // Merging them back (the decision names the two sources).
        let merged = Decisions {
            splits: split.splits.clone(),
            merges: vec![(
                "person:ann".into(),
                key(Provider::Airbly, "dev1"),
                key(Provider::PilotFlows, "pf1"),
            )],
        };
        let e = entries(&records, &merged);
        assert_eq!(e.len(), 1);
        assert_eq!(sources(&records, &e[0]), ["dev1", "pf1"]);
    }

    #[test]
    fn a_record_with_only_a_start_joins_the_flight_holding_that_start() {
        let mut booked_out = timed(Provider::FlightSchoolBooking, "fsb1", "09:00", "09:00");
        booked_out.ends_at = None;
        booked_out.starts_at = Some(t("09:00") + Duration::minutes(0));
        let records = vec![
            timed(Provider::Airbly, "dev1", "09:00", "10:24"),
            booked_out,
        ];
        assert_eq!(entries(&records, &Decisions::default()).len(), 1);
    }
}
