//! The calendar over a cache synced from the sandbox, checked against the sandbox world's
//! own truth: every overlap the world planted between bookings (on an aircraft, a
//! simulator or a person, whichever systems serve them) is a conflict, and nothing else is.

#[path = "../../sync/tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use common::{world, World};
use flightdesk_core::Provider;
use flightdesk_views::calendar::{self, CalendarItem, CalendarQuery, ItemKind};
use flightdesk_views::lookup::Lookup;
use serde_json::{json, Value};

async fn synced() -> World {
    let w = world("").await;
    w.connect(Provider::AviationAlley, "centre", "live_full", json!({}))
        .await;
    w.connect(Provider::PilotFlows, "club", "organization_plan", json!({}))
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
    w.connect(Provider::Flylogs, "office", "manager", json!({}))
        .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    w
}

async fn now(w: &World) -> DateTime<Utc> {
    let clock = w.admin(reqwest::Method::GET, "/clock", json!({})).await;
    clock["now"].as_str().unwrap().parse().unwrap()
}

/// The world booking each provider id stands for.
fn world_ids(overlaps: &Value) -> BTreeMap<(String, String), u64> {
    let mut ids = BTreeMap::new();
    for b in overlaps["bookings"].as_array().unwrap() {
        for p in Provider::ALL {
            if let Some(id) = b[p.as_str()].as_str() {
                ids.insert(
                    (p.as_str().to_string(), id.to_string()),
                    b["booking"].as_u64().unwrap(),
                );
            }
        }
    }
    ids
}

async fn week(w: &World, lookup: &Lookup) -> Vec<CalendarItem> {
    let now = now(w).await;
    let query = CalendarQuery::new(
        now - Duration::days(2),
        now + Duration::days(9),
        chrono_tz::UTC,
    );
    calendar::calendar(w.workspace.store(), lookup, &query)
        .await
        .unwrap()
        .items
}

#[tokio::test]
async fn every_planted_overlap_is_a_conflict_and_nothing_else_is() {
    let w = synced().await;
    let lookup = Lookup::load(w.workspace.store()).await.unwrap();
    let items = week(&w, &lookup).await;
    let truth = w.admin(reqwest::Method::GET, "/overlaps", json!({})).await;
    let ids = world_ids(&truth);
    let booking_of = |source: Provider, id: &str| {
        ids.get(&(source.as_str().to_string(), id.to_string()))
            .copied()
    };

    // Items whose table is calendar-like map to world bookings (classes do too).
    let mut shown = BTreeSet::new();
    for i in &items {
        if let Some(b) = booking_of(i.source, &i.source_id) {
            shown.insert(b);
        }
    }
    let mut found = BTreeSet::new();
    for i in &items {
        let Some(a) = booking_of(i.source, &i.source_id) else {
            continue;
        };
        for c in &i.conflicts {
            let b = booking_of(c.source, &c.source_id).expect("a conflict names a world booking");
            assert_ne!(
                a, b,
                "one booking seen in two systems is not a conflict: {i:#?}"
            );
            found.insert((a.min(b), a.max(b)));
        }
    }
    let planted: BTreeSet<(u64, u64)> = truth["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_u64().unwrap(), p[1].as_u64().unwrap()))
        .filter(|(a, b)| shown.contains(a) && shown.contains(b))
        .collect();
    assert!(
        planted.len() >= 3,
        "the demo week plants overlaps: {planted:?}"
    );
    let missed: Vec<_> = planted.difference(&found).collect();
    let false_ones: Vec<_> = found.difference(&planted).collect();
    assert!(
        missed.is_empty(),
        "planted overlaps not flagged: {missed:?}"
    );
    assert!(
        false_ones.is_empty(),
        "conflicts the world did not plant: {false_ones:?}"
    );
}

#[tokio::test]
async fn a_conflict_is_flagged_on_both_items_with_a_sentence_naming_both() {
    let w = synced().await;
    let lookup = Lookup::load(w.workspace.store()).await.unwrap();
    let items = week(&w, &lookup).await;
    let by_id: BTreeMap<&str, &CalendarItem> = items.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut checked = 0;
    for i in &items {
        for c in &i.conflicts {
            let other = by_id[c.item.as_str()];
            assert!(
                other.conflicts.iter().any(|back| back.item == i.id),
                "{i:#?}"
            );
            assert!(c.reason.contains(i.source.display_name()), "{}", c.reason);
            assert!(
                c.reason.contains(other.source.display_name()),
                "{}",
                c.reason
            );
            assert!(c.reason.contains(&other.title), "{}", c.reason);
            assert!(
                c.entities.iter().all(|e| c.reason.contains(&e.name)),
                "{}",
                c.reason
            );
            checked += 1;
        }
    }
    assert!(checked > 0);
    // A cross-system conflict is among them: the same entity in two providers' items.
    assert!(items
        .iter()
        .any(|i| i.conflicts.iter().any(|c| c.source != i.source)));
}

#[tokio::test]
async fn every_system_shows_in_one_calendar_and_mirrors_are_linked() {
    let w = synced().await;
    let lookup = Lookup::load(w.workspace.store()).await.unwrap();
    let items = week(&w, &lookup).await;
    let sources: BTreeSet<Provider> = items.iter().map(|i| i.source).collect();
    for p in [
        Provider::AviationAlley,
        Provider::PilotFlows,
        Provider::FlightSchoolBooking,
        Provider::Flylogs,
    ] {
        assert!(sources.contains(&p), "{p} missing from {sources:?}");
    }
    let kinds: BTreeSet<ItemKind> = items.iter().map(|i| i.kind).collect();
    assert!(kinds.contains(&ItemKind::SimulatorBooking) && kinds.contains(&ItemKind::Class));
    // A Flight School Booking booking is mirrored as a PilotFlows calendar event.
    let mirrored = items
        .iter()
        .find(|i| i.source == Provider::FlightSchoolBooking && !i.same_as.is_empty())
        .expect("a booking seen in two systems");
    assert!(mirrored
        .same_as
        .iter()
        .any(|m| m.source == Provider::PilotFlows));
    // Every aircraft item names its unified aircraft.
    for i in items
        .iter()
        .filter(|i| i.kind == ItemKind::Booking && !i.unavailability)
    {
        assert!(i.resources.iter().all(|r| !r.id.is_empty()), "{i:#?}");
    }
}
