//! Search and the read model's query plans over a cache synced from the sandbox.

#[path = "../../sync/tests/common/mod.rs"]
mod common;

use common::world;
use flightdesk_core::Provider;
use flightdesk_views::lookup::Lookup;
use flightdesk_views::{calendar, search};
use serde_json::json;

async fn synced() -> common::World {
    let w = world("").await;
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
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    w
}

#[tokio::test]
async fn a_tail_number_finds_its_aircraft_first_then_its_records() {
    let w = synced().await;
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    let found = search::search(store, &lookup, "n44", 20).await.unwrap();
    let first = &found.hits[0];
    assert_eq!(
        first.entity.as_ref().unwrap().id,
        "aircraft:N44API",
        "{found:#?}"
    );
    // The aircraft is one hit, however many systems list it; bookings of it follow.
    let aircraft_hits = found.hits.iter().filter(|h| h.entity.is_some()).count();
    assert_eq!(aircraft_hits, 1, "{found:#?}");
    assert!(found.total > found.hits.len() as i64);
    let booking = found.hits.iter().find(|h| h.kind == "bookings").unwrap();
    assert!(booking.item.as_deref().unwrap().starts_with("bookings/"));
    assert!(booking.snippet.contains("[N44API]"), "{booking:?}");
}

#[tokio::test]
async fn the_index_follows_the_cache_when_records_go() {
    let w = synced().await;
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    let before = search::search(store, &lookup, "n44api", 5000)
        .await
        .unwrap();
    let from_fsb = |r: &search::SearchResults| {
        r.hits
            .iter()
            .filter(|h| h.source == Provider::FlightSchoolBooking)
            .count()
    };
    assert!(from_fsb(&before) > 0);
    let school = store.account("school").await.unwrap();
    store.purge_account_data(school.id).await.unwrap();
    let after = search::search(store, &lookup, "n44api", 5000)
        .await
        .unwrap();
    assert_eq!(from_fsb(&after), 0);
    assert_eq!(after.total, before.total - from_fsb(&before) as i64);
    // Syncing again brings them back: the index is written with every page.
    w.sync(true).await;
    let again = search::search(store, &lookup, "n44api", 5000)
        .await
        .unwrap();
    assert_eq!(again.total, before.total);
}

#[tokio::test]
async fn every_calendar_query_is_an_index_scan() {
    let w = synced().await;
    let plans = calendar::query_plans(w.workspace.store()).await.unwrap();
    assert_eq!(plans.len(), 4);
    for (sql, plan) in &plans {
        assert!(!plan.contains("SCAN "), "a full scan for {sql}: {plan}");
        if sql.starts_with("SELECT max") {
            assert!(plan.contains("_by_span"), "{sql}: {plan}");
        } else {
            assert!(
                plan.contains("_by_start (starts_at>? AND starts_at<?)"),
                "{sql}: {plan}"
            );
        }
    }
}

#[tokio::test]
async fn entities_answer_as_typed_exact_then_prefix_and_each_keystroke_is_bounded() {
    let w = synced().await;
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    let person = lookup
        .entities()
        .iter()
        .find(|e| e.id.starts_with("person:") && e.name.contains(' '))
        .unwrap()
        .clone();

    // One letter: no full-text query, the entities whose words it starts, from memory.
    let first = person.name.chars().next().unwrap().to_string();
    let one = search::search(store, &lookup, &first, 20).await.unwrap();
    assert!(!one.hits.is_empty());
    assert!(one.hits.iter().all(|h| h.entity.is_some()), "{one:#?}");
    assert!(one.hits.len() <= 20);

    // The full name: that person first, then anyone whose name it starts, then records.
    let exact = search::search(store, &lookup, &person.name.to_lowercase(), 50)
        .await
        .unwrap();
    assert_eq!(exact.hits[0].entity.as_ref(), Some(&person), "{exact:#?}");
    let first_record = exact.hits.iter().position(|h| h.entity.is_none());
    let last_entity = exact.hits.iter().rposition(|h| h.entity.is_some());
    if let (Some(r), Some(e)) = (first_record, last_entity) {
        assert!(e < r, "entities before records: {exact:#?}");
    }
    assert!(exact.total >= exact.hits.len() as i64 - 1);

    // A registration's first letters find the aircraft before any of its bookings.
    let prefix = search::search(store, &lookup, "N4", 10).await.unwrap();
    assert!(prefix.hits.len() <= 10);
    assert_eq!(
        prefix.hits[0].entity.as_ref().map(|e| e.id.as_str()),
        Some("aircraft:N44API"),
        "{prefix:#?}"
    );
    // Two letters that match most of the cache still give a full, bounded page.
    let common = search::search(store, &lookup, "bo", 25).await.unwrap();
    assert_eq!(common.hits.len(), 25, "{common:#?}");
    assert!(common.total > 25);
}
