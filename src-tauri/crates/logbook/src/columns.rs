//! One entry's columns from its records: which source each value comes from, the values
//! that disagree with it, what the device track derives, and the user's annotation on top.
//!
//! Precedence: measured values (times, durations, landings) come from the device first,
//! then the training centre, the booking system, the mission and the hand-typed log; what
//! people type (role, airports, instructor, remarks) comes from the training centre and the
//! hand-typed log first. A provider's value beats a derived one; the annotation beats both,
//! and the values it replaced stay visible in `disagreeing`.

use chrono::{DateTime, Utc};
use flightdesk_core::Provider;
use xxhash_rust::xxh3::xxh3_64;

use crate::matching::Matched;
use crate::model::{Annotation, Entry, Field, Origin, PersonRef, Role, SourceKey, Sourced};
use crate::places::{self, Places};
use crate::sources::Record;

const MEASURED: [Provider; 5] = [
    Provider::Airbly,
    Provider::AviationAlley,
    Provider::FlightSchoolBooking,
    Provider::Flylogs,
    Provider::PilotFlows,
];

const TYPED: [Provider; 5] = [
    Provider::AviationAlley,
    Provider::PilotFlows,
    Provider::FlightSchoolBooking,
    Provider::Flylogs,
    Provider::Airbly,
];

/// An entry's id: the person and the entry's anchor source, hashed, so it stays the same
/// across rebuilds as long as the anchor stays in the entry.
pub fn entry_id(person: &str, anchor: &SourceKey) -> String {
    format!("{:016x}", xxh3_64(format!("{person}\n{anchor}").as_bytes()))
}

fn rank(order: &[Provider; 5], p: Provider) -> usize {
    order.iter().position(|x| *x == p).unwrap_or(order.len())
}

/// The first value in precedence order, and every differing one after it.
fn pick<T: Clone>(mut values: Vec<Sourced<T>>, same: impl Fn(&T, &T) -> bool) -> Field<T> {
    let Some(first) = (!values.is_empty()).then(|| values.remove(0)) else {
        return Field::default();
    };
    let mut disagreeing: Vec<Sourced<T>> = Vec::new();
    for v in values {
        if !same(&first.value, &v.value) && !disagreeing.iter().any(|d| same(&d.value, &v.value)) {
            disagreeing.push(v);
        }
    }
    Field {
        value: Some(first.value),
        from: Some(first.from),
        disagreeing,
    }
}

/// Hours agree when they are the same to the tenth, the resolution logbooks keep.
fn same_hours(a: &f64, b: &f64) -> bool {
    (a * 10.0).round() == (b * 10.0).round()
}

fn same_text<S: AsRef<str>>(a: &S, b: &S) -> bool {
    a.as_ref().trim().eq_ignore_ascii_case(b.as_ref().trim())
}

/// The annotation's value replaces the shown one; the replaced value stays visible.
fn annotate<T: Clone>(field: &mut Field<T>, value: Option<&T>, same: impl Fn(&T, &T) -> bool) {
    let Some(value) = value else { return };
    if field.get().is_some_and(|v| same(v, value)) {
        // The sources already say so: the field keeps its origin.
        return;
    }
    let old = std::mem::take(field);
    // The replaced value goes first, so `strip` can put it back exactly.
    let mut disagreeing = Vec::new();
    if let (Some(v), Some(from)) = (old.value, old.from) {
        disagreeing.push(Sourced { value: v, from });
    }
    disagreeing.extend(old.disagreeing);
    *field = Field {
        value: Some(value.clone()),
        from: Some(Origin::Annotation),
        disagreeing,
    };
}

/// A value FlightDesk derived from `key`'s data, `how`.
fn derived_field<T>(value: T, how: &str, key: &SourceKey) -> Field<T> {
    Field {
        value: Some(value),
        from: Some(Origin::Derived {
            how: how.to_string(),
            key: key.clone(),
        }),
        disagreeing: vec![],
    }
}

/// The source a field's value came from, directly or derived.
fn origin_key<T>(f: &Field<T>) -> Option<SourceKey> {
    match f.from.as_ref()? {
        Origin::Source { key } | Origin::Derived { key, .. } => Some(key.clone()),
        Origin::Annotation => None,
    }
}

/// Builds the entry of `m`, with `annotation` applied.
/// The entry of matched records `m`. `zone` is the user's time zone, the date's clock when
/// the departure airport is unknown ([`places::local_date`]).
pub fn entry(
    records: &[Record],
    m: &Matched,
    annotation: Option<&Annotation>,
    zone: chrono_tz::Tz,
) -> Entry {
    let mine: Vec<&Record> = m.records.iter().map(|&i| &records[i]).collect();
    let by = |order: &[Provider; 5]| {
        let mut v = mine.clone();
        v.sort_by_key(|r| (rank(order, r.source().source), r.source().clone()));
        v
    };
    let measured = by(&MEASURED);
    let typed = by(&TYPED);
    let from = |r: &Record| Origin::Source {
        key: r.source().clone(),
    };
    let values = |rs: &[&Record], get: &dyn Fn(&Record) -> Option<String>| {
        rs.iter()
            .filter_map(|r| {
                get(r).map(|value| Sourced {
                    value,
                    from: from(r),
                })
            })
            .collect::<Vec<_>>()
    };
    let times = |get: &dyn Fn(&Record) -> Option<DateTime<Utc>>| {
        pick(
            measured
                .iter()
                .filter_map(|r| {
                    get(r).map(|value| Sourced {
                        value,
                        from: from(r),
                    })
                })
                .collect(),
            |a, b| a == b,
        )
    };
    let hours = |get: &dyn Fn(&Record) -> Option<f64>| {
        pick(
            measured
                .iter()
                .filter_map(|r| {
                    get(r).map(|value| Sourced {
                        value: (value * 100.0).round() / 100.0,
                        from: from(r),
                    })
                })
                .collect(),
            same_hours,
        )
    };

    let block_off = times(&|r| r.starts_at);
    let block_on = times(&|r| r.ends_at);
    let total_hours = hours(&|r| r.block_hours());
    let air_hours = hours(&|r| r.air_hours);
    let landings = pick(
        measured
            .iter()
            .filter_map(|r| {
                r.landings.map(|value| Sourced {
                    value,
                    from: from(r),
                })
            })
            .collect(),
        |a, b| a == b,
    );
    let departure = pick(values(&typed, &|r| r.departure.clone()), same_text);
    let arrival = pick(values(&typed, &|r| r.arrival.clone()), same_text);
    let route = pick(values(&typed, &|r| r.route.clone()), same_text);
    let registration = pick(values(&measured, &|r| r.registration.clone()), same_text);
    let make_model = pick(values(&measured, &|r| r.make_model.clone()), same_text);
    let instructor_name = pick(values(&typed, &|r| r.instructor_name.clone()), same_text);
    let remarks = pick(values(&typed, &|r| r.remarks.clone()), |a, b| a == b);
    let person_id = m.person.id.as_str();
    let role = pick(
        typed
            .iter()
            .filter_map(|r| {
                let seat = r.seats.iter().find(|s| s.person.id == person_id)?;
                Some(Sourced {
                    value: seat.role?,
                    from: from(r),
                })
            })
            .collect(),
        |a, b| a == b,
    );
    let simulator = mine.iter().any(|r| r.simulator);
    let category_class = Field {
        value: Some(if simulator { "FSTD" } else { "airplane ASEL" }.to_string()),
        from: None,
        disagreeing: vec![],
    };

    // The sandbox's airports are invented, and some share a real airport's code: demo
    // records are not looked up in the airport table.
    let places = if mine.iter().all(|r| r.demo) {
        Places::default()
    } else {
        Places::of(
            departure.get().map(String::as_str),
            arrival.get().map(String::as_str),
            block_off.get().copied(),
            block_on.get().copied(),
        )
    };

    // Derived from the device track, when a record has one; else from the airports.
    let (mut night_hours, mut day_fs, mut night_fs, mut night_takeoffs) = (
        Field::default(),
        Field::default(),
        Field::default(),
        Field::default(),
    );
    let tracked = measured.iter().find(|r| r.track.is_some());
    if let Some(r) = tracked {
        let d = r.track.as_ref().expect("found with a track").derive();
        let key = r.source();
        night_hours = derived_field(
            (d.night_hours * 100.0).round() / 100.0,
            "civil night (14 CFR 1.1) along the device track",
            key,
        );
        let how = "last landing of the device track, 61.57(b) night period";
        day_fs = derived_field(d.day_full_stop, how, key);
        night_fs = derived_field(d.night_full_stop, how, key);
        night_takeoffs = derived_field(
            d.night_takeoffs,
            "takeoffs of the device track, 61.57(b) night period",
            key,
        );
    } else if let Some(key) = origin_key(&block_off) {
        let takeoff = measured.iter().find_map(|r| r.takeoff_at);
        let landing = measured.iter().find_map(|r| r.landing_at);
        let flown = places::airport_night(
            &places,
            block_off.get().copied(),
            block_on.get().copied(),
            takeoff,
            landing,
        );
        if let Some(n) = flown.filter(|_| !simulator) {
            night_hours = derived_field(
                (n.night_hours * 100.0).round() / 100.0,
                "civil night (14 CFR 1.1) from the departure to the arrival airport between the block times",
                &key,
            );
            let how = "final landing at the arrival airport at block on, 61.57(b) night period";
            let full_stop = landings.get().is_none_or(|n| *n > 0);
            if full_stop {
                day_fs = derived_field(u32::from(!n.night_full_stop), how, &key);
                night_fs = derived_field(u32::from(n.night_full_stop), how, &key);
            }
            night_takeoffs = derived_field(
                u32::from(n.night_takeoff),
                "takeoff from the departure airport, 61.57(b) night period",
                &key,
            );
        }
    }

    // Cross-country, 14 CFR 61.1: from positions (the track or known airports) when there
    // are any, else by the codes (the general definition only).
    let mut cross_country_hours = Field::default();
    let mut cross_country_50nm_hours = Field::default();
    let mut farthest_landing_nm = None;
    let total = total_hours.get().copied();
    let xc = places::cross_country(tracked.and_then(|r| r.track.as_ref()), &places);
    let xc_key = tracked
        .map(|r| r.source().clone())
        .or_else(|| origin_key(&departure));
    if let (Some(xc), Some(total), Some(key), false) = (xc, total, &xc_key, simulator) {
        let how = if tracked.is_some() {
            "landings of the device track"
        } else {
            "positions of the departure and arrival airports"
        };
        farthest_landing_nm = Some((xc.farthest_nm * 10.0).round() / 10.0);
        cross_country_hours = derived_field(
            if xc.general() { total } else { 0.0 },
            &format!("{how}: a landing at a point other than the departure (14 CFR 61.1)"),
            key,
        );
        cross_country_50nm_hours = derived_field(
            if xc.aeronautical_experience() {
                total
            } else {
                0.0
            },
            &format!("{how}: a landing more than 50 NM from the departure (14 CFR 61.1(ii))"),
            key,
        );
    } else if let (Some(dep), Some(arr), Some(total), Some(key)) = (
        departure.get(),
        arrival.get(),
        total,
        origin_key(&departure),
    ) {
        if !simulator {
            cross_country_hours = derived_field(
                if same_text(dep, arr) { 0.0 } else { total },
                "arrival differs from departure (14 CFR 61.1)",
                &key,
            );
        }
    }

    // The local date of block-off at the departure (a flight at 23:30 local that is the
    // next day in UTC is logged on the day it was flown), else the date a source sent.
    let date = block_off
        .get()
        .map(|&t| places::local_date(t, places.departure.as_ref(), zone))
        .or_else(|| mine.iter().find_map(|r| r.date))
        .unwrap_or_default();
    let mut sources: Vec<SourceKey> = mine.iter().map(|r| r.source().clone()).collect();
    sources.sort();
    let id = entry_id(person_id, m.anchor(records));

    let mut e = Entry {
        id,
        person: m.person.clone(),
        date,
        departure,
        arrival,
        route,
        aircraft_id: mine
            .iter()
            .find_map(|r| r.aircraft.clone())
            .filter(|a| !a.starts_with("registration:")),
        registration,
        make_model,
        category_class,
        simulator,
        block_off,
        block_on,
        air_hours,
        total_hours,
        role,
        pic_hours: 0.0,
        sic_hours: 0.0,
        dual_received_hours: 0.0,
        instruction_given_hours: 0.0,
        solo_hours: 0.0,
        cross_country_hours,
        cross_country_50nm_hours,
        farthest_landing_nm,
        places,
        night_hours,
        actual_instrument_hours: Field::default(),
        simulated_instrument_hours: Field::default(),
        landings,
        night_takeoffs,
        day_full_stop_landings: day_fs,
        night_full_stop_landings: night_fs,
        approaches: Field::default(),
        holding: Field::default(),
        instructor_name,
        remarks,
        crew: m.crew.clone(),
        sources,
        annotation: None,
    };
    if let Some(a) = annotation.filter(|a| !a.is_empty()) {
        apply(&mut e, a);
    }
    role_hours(&mut e);
    e
}

/// Undoes [`annotate`]: the replaced value comes back with its origin.
fn unannotate<T>(field: &mut Field<T>) {
    if field.from != Some(Origin::Annotation) {
        return;
    }
    let mut rest = std::mem::take(&mut field.disagreeing);
    *field = if rest.is_empty() {
        Field::default()
    } else {
        let first = rest.remove(0);
        Field {
            value: Some(first.value),
            from: Some(first.from),
            disagreeing: rest,
        }
    };
}

/// Takes the entry's annotation off, leaving what the sources and derivations say.
pub fn strip(e: &mut Entry) {
    unannotate(&mut e.role);
    unannotate(&mut e.category_class);
    unannotate(&mut e.night_takeoffs);
    unannotate(&mut e.day_full_stop_landings);
    unannotate(&mut e.night_full_stop_landings);
    unannotate(&mut e.night_hours);
    unannotate(&mut e.cross_country_hours);
    unannotate(&mut e.actual_instrument_hours);
    unannotate(&mut e.simulated_instrument_hours);
    unannotate(&mut e.approaches);
    unannotate(&mut e.holding);
    unannotate(&mut e.remarks);
    e.annotation = None;
    role_hours(e);
}

/// Lays `a` over the entry's values (and records it on the entry).
pub fn apply(e: &mut Entry, a: &Annotation) {
    annotate(&mut e.role, a.role.as_ref(), |x, y| x == y);
    annotate(&mut e.category_class, a.category_class.as_ref(), same_text);
    annotate(&mut e.night_takeoffs, a.night_takeoffs.as_ref(), |x, y| {
        x == y
    });
    annotate(
        &mut e.day_full_stop_landings,
        a.day_full_stop_landings.as_ref(),
        |x, y| x == y,
    );
    annotate(
        &mut e.night_full_stop_landings,
        a.night_full_stop_landings.as_ref(),
        |x, y| x == y,
    );
    annotate(&mut e.night_hours, a.night_hours.as_ref(), same_hours);
    annotate(
        &mut e.cross_country_hours,
        a.cross_country_hours.as_ref(),
        same_hours,
    );
    annotate(
        &mut e.actual_instrument_hours,
        a.actual_instrument_hours.as_ref(),
        same_hours,
    );
    annotate(
        &mut e.simulated_instrument_hours,
        a.simulated_instrument_hours.as_ref(),
        same_hours,
    );
    annotate(&mut e.approaches, a.approaches.as_ref(), |x, y| x == y);
    annotate(&mut e.holding, a.holding.as_ref(), |x, y| x == y);
    annotate(&mut e.remarks, a.remarks.as_ref(), |x, y| x == y);
    e.annotation = Some(a.clone());
    role_hours(e);
}

/// PIC, SIC, dual, instruction and solo time from the role and the total (61.51(e)-(h)):
/// an instructor giving flight training logs it as PIC (61.51(e)(1)(iv)) and as
/// instruction given; solo is PIC time with no one else on board. A simulator session
/// logs only dual received or instruction given: it is not flight time.
fn role_hours(e: &mut Entry) {
    let total = e.total_hours.get().copied().unwrap_or(0.0);
    let role = e.role.get().copied().unwrap_or(if e.crew.is_empty() {
        Role::Pic
    } else {
        Role::Sic
    });
    let sim = e.simulator;
    e.pic_hours = if !sim && matches!(role, Role::Pic | Role::Instructor) {
        total
    } else {
        0.0
    };
    e.sic_hours = if !sim && role == Role::Sic {
        total
    } else {
        0.0
    };
    e.dual_received_hours = if role == Role::Dual { total } else { 0.0 };
    e.instruction_given_hours = if role == Role::Instructor { total } else { 0.0 };
    e.solo_hours = if !sim && role == Role::Pic && e.crew.is_empty() {
        total
    } else {
        0.0
    };
}

/// `person` as an entry names them (kept for callers building entries by hand).
pub fn person_ref(id: &str, name: &str) -> PersonRef {
    PersonRef {
        id: id.to_string(),
        name: name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sources::Seat;
    use chrono_tz::Tz;

    fn key(p: Provider, id: &str) -> SourceKey {
        SourceKey {
            source: p,
            account: "a".into(),
            source_id: id.into(),
        }
    }

    fn ann() -> PersonRef {
        person_ref("person:ann", "Ann")
    }

    fn two_sources() -> (Vec<Record>, Matched) {
        let device = Record {
            key: Some(key(Provider::Airbly, "dev")),
            aircraft: Some("aircraft:N1".into()),
            registration: Some("N1".into()),
            starts_at: Some("2026-03-01T09:00:00Z".parse().unwrap()),
            ends_at: Some("2026-03-01T10:24:00Z".parse().unwrap()),
            landings: Some(3),
            departure: Some("KMTN".into()),
            arrival: Some("KMTN".into()),
            seats: vec![Seat {
                person: ann(),
                role: Some(Role::Sic),
            }],
            ..Record::default()
        };
        let typed = Record {
            key: Some(key(Provider::PilotFlows, "pf")),
            aircraft: Some("aircraft:N1".into()),
            registration: Some("n1".into()),
            duration_hours: Some(1.5),
            landings: Some(3),
            departure: Some("KMTN".into()),
            arrival: Some("KBAY".into()),
            remarks: Some("=HYPERLINK(\"x\")".into()),
            seats: vec![Seat {
                person: ann(),
                role: Some(Role::Dual),
            }],
            ..Record::default()
        };
        let m = Matched {
            person: ann(),
            records: vec![0, 1],
            crew: vec![person_ref("person:ivy", "Ivy")],
        };
        (vec![device, typed], m)
    }

    /// A booked-out-and-in flight with block times and airport codes, no track.
    fn booked(off: &str, on: &str, departure: &str, arrival: &str) -> Vec<Record> {
        vec![Record {
            key: Some(key(Provider::FlightSchoolBooking, "b")),
            registration: Some("N1".into()),
            starts_at: Some(off.parse().unwrap()),
            ends_at: Some(on.parse().unwrap()),
            landings: Some(1),
            departure: Some(departure.into()),
            arrival: Some(arrival.into()),
            seats: vec![Seat {
                person: ann(),
                role: Some(Role::Pic),
            }],
            ..Record::default()
        }]
    }

    fn alone() -> Matched {
        Matched {
            person: ann(),
            records: vec![0],
            crew: vec![],
        }
    }

    #[test]
    fn known_airports_give_an_entry_without_a_track_places_night_and_cross_country() {
        // KPHL to KJFK (about 81 NM), an hour flown well after a January sunset.
        let records = booked(
            "2026-01-15T23:30:00Z",
            "2026-01-16T00:30:00Z",
            "KPHL",
            "JFK",
        );
        let e = entry(&records, &alone(), None, Tz::UTC);
        assert_eq!(e.places.arrival.as_ref().unwrap().icao, "KJFK");
        assert_eq!(
            e.places.block_off_local.unwrap().to_rfc3339(),
            "2026-01-15T18:30:00-05:00"
        );
        assert_eq!(e.night_hours.value, Some(1.0));
        assert!(matches!(e.night_hours.from, Some(Origin::Derived { .. })));
        assert_eq!(
            (
                e.day_full_stop_landings.value,
                e.night_full_stop_landings.value
            ),
            (Some(0), Some(1))
        );
        assert_eq!(e.night_takeoffs.value, Some(1));
        assert_eq!(e.cross_country_hours.value, Some(1.0));
        assert_eq!(e.cross_country_50nm_hours.value, Some(1.0));
        assert!((e.farthest_landing_nm.unwrap() - 81.0).abs() < 2.0);

        // KPHL to KPNE (about 12 NM) at noon: cross-country by 61.1 (i) only, no night.
        let records = booked(
            "2026-01-15T17:00:00Z",
            "2026-01-15T17:30:00Z",
            "KPHL",
            "KPNE",
        );
        let e = entry(&records, &alone(), None, Tz::UTC);
        assert_eq!(e.cross_country_hours.value, Some(0.5));
        assert_eq!(e.cross_country_50nm_hours.value, Some(0.0));
        assert_eq!(e.night_hours.value, Some(0.0));
        assert_eq!(e.day_full_stop_landings.value, Some(1));

        // Codes the table does not hold derive no night, and cross-country by the codes.
        let records = booked(
            "2026-01-15T23:30:00Z",
            "2026-01-16T00:30:00Z",
            "KZZZ",
            "KYYY",
        );
        let e = entry(&records, &alone(), None, Tz::UTC);
        assert_eq!(e.night_hours.value, None);
        assert_eq!(e.cross_country_hours.value, Some(1.0));
        assert_eq!(e.cross_country_50nm_hours.value, None);
        assert!(e.places.departure.is_none());

        // The sandbox's KSKY is not Sandusky, Ohio: demo records get no places.
        let mut records = booked(
            "2026-01-15T23:30:00Z",
            "2026-01-16T00:30:00Z",
            "KSKY",
            "KPHL",
        );
        records[0].demo = true;
        let e = entry(&records, &alone(), None, Tz::UTC);
        assert!(e.places.departure.is_none() && e.places.arrival.is_none());
        assert_eq!(e.night_hours.value, None);
    }

    #[test]
    fn the_date_is_the_local_date_at_the_departure_not_the_utc_date() {
        // Off block 23:30 in Philadelphia on 15 January: 04:30 UTC on the 16th.
        let day = |d| chrono::NaiveDate::from_ymd_opt(2026, 1, d).unwrap();
        let records = booked(
            "2026-01-16T04:30:00Z",
            "2026-01-16T05:30:00Z",
            "KPHL",
            "JFK",
        );
        assert_eq!(entry(&records, &alone(), None, Tz::UTC).date, day(15));
        // The departure airport's clock wins over the user's zone.
        assert_eq!(
            entry(&records, &alone(), None, Tz::Asia__Tokyo).date,
            day(15)
        );
        // A departure the table does not hold: the user's zone.
        let records = booked(
            "2026-01-16T04:30:00Z",
            "2026-01-16T05:30:00Z",
            "KZZZ",
            "KYYY",
        );
        let in_new_york = entry(&records, &alone(), None, Tz::America__New_York);
        assert_eq!(in_new_york.date, day(15));
        assert_eq!(entry(&records, &alone(), None, Tz::UTC).date, day(16));
        // Without block times, the date the source sent.
        let mut typed = records;
        typed[0].starts_at = None;
        typed[0].ends_at = None;
        typed[0].date = Some(day(20));
        assert_eq!(
            entry(&typed, &alone(), None, Tz::America__New_York).date,
            day(20)
        );
    }

    #[test]
    fn the_device_time_wins_and_the_typed_one_shows_beside_it() {
        let (records, m) = two_sources();
        let e = entry(&records, &m, None, Tz::UTC);
        assert_eq!(e.total_hours.value, Some(1.4));
        assert_eq!(
            e.total_hours.from,
            Some(Origin::Source {
                key: key(Provider::Airbly, "dev")
            })
        );
        assert_eq!(e.total_hours.disagreeing.len(), 1);
        assert_eq!(e.total_hours.disagreeing[0].value, 1.5);
        // Agreeing values (landings 3 and 3, N1 and n1) list no disagreement.
        assert!(e.landings.disagreeing.is_empty());
        assert!(e.registration.disagreeing.is_empty());
        // The typed arrival wins over the device's; the device's is shown beside it.
        assert_eq!(e.arrival.value.as_deref(), Some("KBAY"));
        assert_eq!(e.arrival.disagreeing[0].value, "KMTN");
        // The training system's role (dual) wins over the device seat (sic).
        assert_eq!(e.role.value, Some(Role::Dual));
        assert_eq!(
            (e.dual_received_hours, e.pic_hours, e.solo_hours),
            (1.4, 0.0, 0.0)
        );
        assert_eq!(e.cross_country_hours.value, Some(1.4));
        assert_eq!(e.sources.len(), 2);
    }

    #[test]
    fn an_annotation_wins_and_the_provider_value_stays_visible() {
        let (records, m) = two_sources();
        let a = Annotation {
            role: Some(Role::Pic),
            remarks: Some("my own words".into()),
            approaches: Some(2),
            ..Annotation::default()
        };
        let e = entry(&records, &m, Some(&a), Tz::UTC);
        assert_eq!(e.role.value, Some(Role::Pic));
        assert_eq!(e.role.from, Some(Origin::Annotation));
        assert!(e.role.disagreeing.iter().any(|d| d.value == Role::Dual));
        assert_eq!(e.remarks.value.as_deref(), Some("my own words"));
        assert_eq!(e.remarks.disagreeing[0].value, "=HYPERLINK(\"x\")");
        assert_eq!(e.approaches.value, Some(2));
        assert_eq!(e.pic_hours, 1.4, "the annotated role drives the hours");
        assert_eq!(e.annotation, Some(a));
    }

    #[test]
    fn stripping_an_annotation_restores_every_source_value_and_origin() {
        let (records, m) = two_sources();
        let plain = entry(&records, &m, None, Tz::UTC);
        let a = Annotation {
            role: Some(Role::Pic),
            remarks: Some("mine".into()),
            // The same as the device sent: the field keeps the device as its origin.
            day_full_stop_landings: None,
            night_hours: Some(0.5),
            ..Annotation::default()
        };
        let mut e = entry(&records, &m, Some(&a), Tz::UTC);
        assert_ne!(e, plain);
        strip(&mut e);
        assert_eq!(e, plain);
    }

    #[test]
    fn the_entry_id_depends_on_the_person_and_the_anchor_only() {
        let (records, m) = two_sources();
        let a = entry(&records, &m, None, Tz::UTC).id;
        let b = entry(&records, &m, Some(&Annotation::default()), Tz::UTC).id;
        assert_eq!(a, b);
        // The anchor is the smallest source key (providers order as `Provider` does).
        assert_eq!(a, entry_id("person:ann", &key(Provider::PilotFlows, "pf")));
        assert_ne!(a, entry_id("person:ivy", &key(Provider::PilotFlows, "pf")));
    }
}
