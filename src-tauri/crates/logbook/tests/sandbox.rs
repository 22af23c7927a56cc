//! The logbook over a cache synced from the sandbox: one world served by four providers,
//! checked against the world's own flights (the truth every provider renders views of).

// The sync crate's test worlds: a sandbox on a loopback port and a throwaway workspace.
#[path = "../../sync/tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{world, World};
use flightdesk_core::Provider;
use flightdesk_logbook::{
    self as logbook, Annotation, Entry, Origin, PageQuery, SortColumn, SortDirection, SourceKey,
};
use flightdesk_views::lookup::Lookup;
use serde_json::{json, Value};

async fn synced() -> World {
    synced_with("organization_plan").await
}

/// The world synced with PilotFlows through the credential `pilotflows_role`.
async fn synced_with(pilotflows_role: &str) -> World {
    let w = world("").await;
    w.connect(Provider::AviationAlley, "centre", "live_full", json!({}))
        .await;
    w.connect(Provider::PilotFlows, "club", pilotflows_role, json!({}))
        .await;
    w.connect(Provider::Airbly, "fleet", "group", json!({}))
        .await;
    w.connect(
        Provider::FlightSchoolBooking,
        "school",
        "all_areas",
        json!({}),
    )
    .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    w
}

async fn rebuilt(w: &World) -> Vec<Entry> {
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    let stats = logbook::rebuild(store, &lookup, chrono_tz::Tz::UTC)
        .await
        .unwrap();
    assert!(stats.rebuilt && stats.entries > 0, "{stats:?}");
    every_entry(w).await
}

async fn every_entry(w: &World) -> Vec<Entry> {
    let store = w.workspace.store();
    let mut out = Vec::new();
    for p in logbook::people(store).await.unwrap() {
        out.extend(
            logbook::all_entries(store, &p.person.id, None, None)
                .await
                .unwrap(),
        );
    }
    out
}

fn key(source: Provider, account: &str, id: &str) -> SourceKey {
    SourceKey {
        source,
        account: account.into(),
        source_id: id.into(),
    }
}

/// What the cache should give each world flight: for each person on board (by name), the
/// keys of the cached records of that flight that name them.
async fn expected(w: &World) -> BTreeMap<u32, BTreeMap<String, BTreeSet<SourceKey>>> {
    let cached = w.cached(flightdesk_core::Kind::FlightLogs).await;
    let world = w.sandbox.state().world().clone();
    let by_uuid: BTreeMap<String, u32> = world
        .flights
        .iter()
        .map(|f| (f.uuid.to_lowercase(), f.id))
        .collect();
    let mut out: BTreeMap<u32, BTreeMap<String, BTreeSet<SourceKey>>> = BTreeMap::new();
    for r in cached {
        let id = r["source_id"].as_str().unwrap().to_string();
        let raw: &Value = &r["raw"];
        let (flight, account, provider, seat_of) = match r["source"].as_str().unwrap() {
            "airbly" => (by_uuid.get(&id).copied(), "fleet", Provider::Airbly, None),
            "aviationalley" => (
                raw["flightId"]
                    .as_str()
                    .and_then(|u| by_uuid.get(&u.to_lowercase()).copied()),
                "centre",
                Provider::AviationAlley,
                raw["userId"].as_str().map(str::to_string),
            ),
            "pilotflows" => (
                id.parse::<u32>().ok().map(|n| n - 1),
                "club",
                Provider::PilotFlows,
                None,
            ),
            "flightschoolbooking" => (
                id.parse::<u32>()
                    .ok()
                    .filter(|n| *n >= 70_000)
                    .and_then(|n| world.bookings.get((n - 70_000) as usize))
                    .and_then(|b| b.flight),
                "school",
                Provider::FlightSchoolBooking,
                None,
            ),
            _ => continue,
        };
        let Some(f) = flight.and_then(|f| world.flights.get(f as usize)) else {
            continue;
        };
        if f.deleted || r["status"] == "maintenance" {
            continue;
        }
        // A Flight School Booking aircraft still out is not yet a flight.
        if provider == Provider::FlightSchoolBooking && r["status"] != "in" {
            continue;
        }
        let on_board = [Some(f.pic), f.student].into_iter().flatten();
        for p in on_board {
            let person = &world.people[p as usize];
            if seat_of.as_ref().is_some_and(|u| *u != person.uuid) {
                continue;
            }
            out.entry(f.id)
                .or_default()
                .entry(person.name().to_lowercase())
                .or_default()
                .insert(key(provider, account, &id));
        }
    }
    out
}

#[tokio::test]
async fn every_world_flight_is_one_entry_per_person_on_board_with_all_its_records() {
    let w = synced().await;
    let entries = rebuilt(&w).await;
    let expected = expected(&w).await;
    assert!(
        expected.len() > 20,
        "the world has flights: {}",
        expected.len()
    );
    let mut device_and_hand = 0;
    for (flight, people) in &expected {
        for (name, keys) in people {
            let holding: Vec<&Entry> = entries
                .iter()
                .filter(|e| e.person.name.to_lowercase() == *name)
                .filter(|e| e.sources.iter().any(|s| keys.contains(s)))
                .collect();
            assert_eq!(
                holding.len(),
                1,
                "flight {flight}, {name}: one entry holds its records {keys:?}: {holding:#?}"
            );
            let got: BTreeSet<SourceKey> = holding[0].sources.iter().cloned().collect();
            assert_eq!(
                &got, keys,
                "flight {flight}, {name}: all its records, no other"
            );
            let providers: BTreeSet<Provider> = keys.iter().map(|k| k.source).collect();
            if providers.contains(&Provider::Airbly) && providers.contains(&Provider::PilotFlows) {
                device_and_hand += 1;
            }
        }
    }
    assert!(
        device_and_hand > 5,
        "device and hand-typed records of one flight merge ({device_and_hand})"
    );
    // Where the hand-typed time is a tenth or two off, both values show.
    let typed_differs = entries.iter().find(|e| {
        e.total_hours.disagreeing.iter().any(
            |d| matches!(&d.from, Origin::Source { key } if key.source == Provider::PilotFlows),
        )
    });
    let e = typed_differs.expect("some typed durations differ from the device");
    assert!(matches!(
        &e.total_hours.from,
        Some(Origin::Source { key }) if key.source == Provider::Airbly
    ));
    // Entries from a device track carry derived night time and landings.
    assert!(entries
        .iter()
        .any(|e| matches!(e.day_full_stop_landings.from, Some(Origin::Derived { .. }))));
}

#[tokio::test]
async fn a_page_is_sorted_counted_and_filtered_and_totals_add_up() {
    let w = synced().await;
    rebuilt(&w).await;
    let store = w.workspace.store();
    let busiest = logbook::people(store).await.unwrap().remove(0);
    let mine = logbook::all_entries(store, &busiest.person.id, None, None)
        .await
        .unwrap();
    assert_eq!(mine.len() as u64, busiest.entries);
    let page = logbook::page(
        store,
        &PageQuery {
            person: busiest.person.id.clone(),
            limit: 5,
            ..PageQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page.total, busiest.entries);
    assert_eq!(page.entries.len(), 5.min(mine.len()));
    assert!(page.entries.windows(2).all(|p| p[0].date >= p[1].date));
    assert_eq!(page.entries[0].date, mine.last().unwrap().date);
    // Sorted by total, ascending.
    let by_total = logbook::page(
        store,
        &PageQuery {
            person: busiest.person.id.clone(),
            sort: SortColumn::Total,
            direction: SortDirection::Asc,
            limit: 1000,
            ..PageQuery::default()
        },
    )
    .await
    .unwrap();
    let totals: Vec<f64> = by_total
        .entries
        .iter()
        .map(|e| e.total_hours.value.unwrap_or(0.0))
        .collect();
    assert!(totals.windows(2).all(|p| p[0] <= p[1]), "{totals:?}");
    // A filter on a registration finds only that aircraft's entries.
    let reg = mine[0].registration.value.clone().unwrap();
    let filtered = logbook::page(
        store,
        &PageQuery {
            person: busiest.person.id.clone(),
            filter: Some(reg.to_lowercase()),
            limit: 1000,
            ..PageQuery::default()
        },
    )
    .await
    .unwrap();
    let with_reg = mine
        .iter()
        .filter(|e| e.registration.value.as_deref() == Some(reg.as_str()))
        .count() as u64;
    assert!(filtered.total >= with_reg && filtered.total > 0);
    assert!(filtered.total < busiest.entries || with_reg == busiest.entries);
    // Dates and a word together (the page index) give exactly the entries an export of
    // those dates holds that show the word, in the order the unfiltered list has them.
    let (from, to) = (mine[mine.len() / 4].date, mine[mine.len() * 3 / 4].date);
    let dated = logbook::all_entries(store, &busiest.person.id, Some(from), Some(to))
        .await
        .unwrap();
    let dated_page = logbook::page(
        store,
        &PageQuery {
            person: busiest.person.id.clone(),
            from: Some(from),
            to: Some(to),
            filter: Some(reg.to_lowercase()),
            direction: SortDirection::Asc,
            limit: 10_000,
            ..PageQuery::default()
        },
    )
    .await
    .unwrap();
    let dated_ids: BTreeSet<&str> = dated.iter().map(|e| e.id.as_str()).collect();
    assert!(dated_page.total > 0 && dated_page.total <= dated.len() as u64);
    assert_eq!(dated_page.entries.len() as u64, dated_page.total);
    assert!(dated_page
        .entries
        .iter()
        .all(|e| dated_ids.contains(e.id.as_str()) && e.date >= from && e.date <= to));
    assert!(dated_page
        .entries
        .windows(2)
        .all(|p| p[0].date <= p[1].date));
    let shown_reg = dated_page
        .entries
        .iter()
        .filter(|e| e.registration.value.as_deref() == Some(reg.as_str()))
        .count();
    let dated_reg = dated
        .iter()
        .filter(|e| e.registration.value.as_deref() == Some(reg.as_str()))
        .count();
    assert_eq!(
        shown_reg, dated_reg,
        "every entry of that aircraft in those dates"
    );

    // Totals: all time adds up every flight entry's total.
    let at = mine.last().unwrap().date;
    let t = logbook::totals(store, &busiest.person.id, at)
        .await
        .unwrap();
    let all = t.periods.iter().find(|p| p.period == "all_time").unwrap();
    let sum: f64 = mine
        .iter()
        .filter(|e| !e.simulator)
        .map(|e| e.total_hours.value.unwrap_or(0.0))
        .sum();
    assert!(
        (all.all.hours.total - sum).abs() < 0.1,
        "{} vs {sum}",
        all.all.hours.total
    );
    assert_eq!(all.all.entries, busiest.entries);

    // Currency: one verdict per rule and key, each explained, naming entries it counted.
    let at = format!("{at}T12:00:00+00:00").parse().unwrap();
    let verdicts = logbook::currency(store, &busiest.person.id, at)
        .await
        .unwrap();
    assert!(
        verdicts.iter().any(|v| v.rule == "14 CFR 61.57(a)"),
        "{verdicts:#?}"
    );
    let ids: BTreeSet<&str> = mine.iter().map(|e| e.id.as_str()).collect();
    for v in &verdicts {
        assert!(!v.explanation.is_empty());
        assert!(v.counted.iter().all(|c| ids.contains(c.as_str())), "{v:?}");
    }

    // The detail of an entry with two sources shows both records, raw included.
    let merged = mine.iter().find(|e| e.sources.len() > 1).unwrap();
    let detail = logbook::entry(store, &merged.id).await.unwrap();
    assert_eq!(detail.sources.len(), merged.sources.len());
    assert!(detail.sources.iter().all(|s| !s.raw.is_null()));
}

#[tokio::test]
async fn dates_are_local_to_the_users_zone_for_the_sandboxs_invented_airports() {
    let w = synced().await;
    let utc = rebuilt(&w).await;
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    // The sandbox's fields are no places (demo data), so the user's zone dates them.
    let zone = chrono_tz::Tz::Pacific__Kiritimati; // UTC+14: many dates move a day.
    let stats = logbook::ensure_fresh(store, &lookup, zone).await.unwrap();
    assert!(stats.rebuilt, "another zone rebuilds");
    let local = every_entry(&w).await;
    assert_eq!(local.len(), utc.len());
    let mut moved = 0;
    for e in &local {
        if let Some(off) = e.block_off.value {
            assert_eq!(e.date, off.with_timezone(&zone).date_naive(), "{}", e.id);
            moved += usize::from(e.date != off.date_naive());
        }
    }
    assert!(
        moved > 0,
        "some flights are on another local day than their UTC one"
    );
    // The same zone again: nothing to rebuild.
    let again = logbook::ensure_fresh(store, &lookup, zone).await.unwrap();
    assert!(!again.rebuilt);
}

#[tokio::test]
async fn a_split_and_an_annotation_survive_a_full_resync_and_a_rebuild() {
    let w = synced().await;
    let entries = rebuilt(&w).await;
    let store = w.workspace.store();
    let e = entries
        .iter()
        .find(|e| {
            e.sources.iter().any(|s| s.source == Provider::Airbly)
                && e.sources.iter().any(|s| s.source == Provider::PilotFlows)
        })
        .expect("a device entry with its hand-typed twin");
    let typed = e
        .sources
        .iter()
        .find(|s| s.source == Provider::PilotFlows)
        .unwrap()
        .clone();
    let device = e
        .sources
        .iter()
        .find(|s| s.source == Provider::Airbly)
        .unwrap()
        .clone();
    let person = e.person.id.clone();
    let rest: Vec<SourceKey> = e.sources.iter().filter(|s| **s != typed).cloned().collect();
    logbook::split(store, &e.id, &typed).await.unwrap();
    let holding = |entries: &[Entry], k: &SourceKey| {
        entries
            .iter()
            .find(|x| x.person.id == person && x.sources.contains(k))
            .cloned()
            .unwrap()
    };
    let after = every_entry(&w).await;
    let device_entry = holding(&after, &device);
    assert_eq!(device_entry.sources, rest);
    assert_eq!(holding(&after, &typed).sources, vec![typed.clone()]);

    let note = Annotation {
        remarks: Some("=steep turns, then home".into()),
        night_full_stop_landings: Some(2),
        approaches: Some(1),
        ..Annotation::default()
    };
    let shown = logbook::annotate(store, &device_entry.id, note.clone())
        .await
        .unwrap();
    assert_eq!(shown.night_full_stop_landings.value, Some(2));
    assert_eq!(
        shown.night_full_stop_landings.from,
        Some(Origin::Annotation)
    );
    // The track's own count stays visible beside the annotation.
    assert!(shown
        .night_full_stop_landings
        .disagreeing
        .iter()
        .all(|d| matches!(d.from, Origin::Derived { .. })));

    // A full re-sync rewrites every record; then the logbook is rebuilt from scratch.
    let report = w.sync(true).await;
    assert!(!report.failed(), "{report:#?}");
    let again = rebuilt(&w).await;
    let device_entry = holding(&again, &device);
    assert_eq!(device_entry.sources, rest, "the split holds");
    assert_eq!(holding(&again, &typed).sources, vec![typed.clone()]);
    assert_eq!(device_entry.annotation, Some(note));
    assert_eq!(
        device_entry.remarks.value.as_deref(),
        Some("=steep turns, then home")
    );
    assert_eq!(device_entry.approaches.from, Some(Origin::Annotation));

    // Merging the two back gives one entry with both, still annotated.
    let typed_entry = holding(&again, &typed);
    logbook::merge(store, &device_entry.id, &typed_entry.id)
        .await
        .unwrap();
    let merged = every_entry(&w).await;
    let one = holding(&merged, &device);
    assert_eq!(one.sources.len(), rest.len() + 1);
    assert!(one.sources.contains(&typed));
    assert_eq!(one.approaches.value, Some(1));

    // Nothing changed since: ensure_fresh does not rebuild.
    let lookup = Lookup::load(store).await.unwrap();
    let stats = logbook::ensure_fresh(store, &lookup, chrono_tz::Tz::UTC)
        .await
        .unwrap();
    assert!(!stats.rebuilt, "{stats:?}");
}

/// A name that is only an id (digits, or a uuid), as a person whose record names them by
/// id alone would show without a name of their own.
fn looks_like_an_id(name: &str) -> bool {
    let n = name.trim();
    n.is_empty()
        || n.chars().all(|c| c.is_ascii_digit())
        || (n.len() == 36 && n.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
}

#[tokio::test]
async fn every_person_on_an_entry_has_a_name_not_a_bare_id() {
    // The flying club's (Standard plan) key lists only the club's members.
    for role in ["organization_plan", "standard_plan"] {
        let w = synced_with(role).await;
        let entries = rebuilt(&w).await;
        let mut bare: BTreeSet<String> = BTreeSet::new();
        for e in &entries {
            for p in std::iter::once(&e.person).chain(&e.crew) {
                if looks_like_an_id(&p.name) {
                    bare.insert(format!("{} {:?} ({:?})", p.id, p.name, e.sources));
                }
            }
        }
        assert!(bare.is_empty(), "{role}: {bare:#?}");
    }
}
