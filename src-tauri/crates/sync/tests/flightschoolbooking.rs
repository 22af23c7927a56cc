//! Flight School Booking over real HTTP against the in-process sandbox.

mod common;

use common::{ids, world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_sync::{ClientOptions, Outcome, SyncOptions};
use serde_json::json;

const FSB: Provider = Provider::FlightSchoolBooking;

const LISTS: [(&str, &str, Kind); 5] = [
    ("bookings", "bookings", Kind::Bookings),
    ("booked-out", "booked-out", Kind::FlightLogs),
    ("training", "training", Kind::Missions),
    ("billing", "billing-transactions", Kind::Invoices),
    ("people", "people", Kind::People),
];

async fn assert_cache_equals_truth(w: &World) {
    let truth = w.truth(FSB).await;
    for (_, list, kind) in LISTS {
        let want = ids(&truth[list]["rows"], "id");
        assert_eq!(w.cached_ids(kind, "school").await, want, "{list}");
    }
}

#[tokio::test]
async fn first_sync_pages_through_and_an_unchanged_change_id_costs_one_request() {
    let w = world("").await;
    w.connect(FSB, "school", "all_areas", json!({})).await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    assert_cache_equals_truth(&w).await;
    let bookings = report
        .resources
        .iter()
        .find(|r| r.resource == "bookings")
        .unwrap();
    assert!(bookings.pages >= 2, "pages of 50: {bookings:?}");

    let again = w.sync(false).await;
    assert!(!again.failed());
    for r in &again.resources {
        assert_eq!((r.outcome, r.pages), (Outcome::Unchanged, 1), "{r:?}");
    }
    assert!(again.requests <= 5, "{}", again.requests);
}

#[tokio::test]
async fn every_dialect_is_read() {
    for dialect in ["documented", "example", "mixed"] {
        let w = world(&format!("fsb:dialect={dialect}")).await;
        w.connect(FSB, "school", "all_areas", json!({})).await;
        let report = w.sync(false).await;
        assert!(!report.failed(), "{dialect}: {report:#?}");
        assert_cache_equals_truth(&w).await;
        let b = &w.cached(Kind::Bookings).await[0];
        assert!(b["starts_at"].as_str().is_some(), "{dialect}: {b}");
    }
}

#[tokio::test]
async fn a_change_id_moving_mid_read_restarts_and_nothing_is_lost() {
    let w = world("fsb:churn=0.3").await;
    w.connect(FSB, "school", "all_areas", json!({})).await;
    let report = w.sync(false).await;
    let restarted: Vec<_> = report.resources.iter().filter(|r| r.restarts > 0).collect();
    assert!(
        !restarted.is_empty(),
        "the churn moved a change id: {report:#?}"
    );
    // Every list that the first sync completed is already exactly right: a restarted
    // pass removed nothing live and missed nothing.
    let truth = w.truth(FSB).await;
    for (resource, list, kind) in LISTS {
        let done = report
            .resources
            .iter()
            .any(|r| r.resource == resource && r.outcome == Outcome::Synced);
        if done {
            let want = ids(&truth[list]["rows"], "id");
            assert_eq!(w.cached_ids(kind, "school").await, want, "{list}");
        }
    }
    // Churn can outlast the bounded restarts; a second sync completes what it left.
    w.set_faults("").await;
    let settle = w.sync(false).await;
    assert!(!settle.failed(), "{report:#?}\n{settle:#?}");
    assert_cache_equals_truth(&w).await;
}

#[tokio::test]
async fn bookings_moving_into_the_past_are_kept() {
    let w = world("").await;
    w.connect(FSB, "school", "all_areas", json!({})).await;
    w.sync(false).await;
    let before = w.cached_ids(Kind::Bookings, "school").await;
    w.advance_clock(3 * 86_400).await;
    // Time passing changes no booking, so the change id holds; a full listing judges.
    let report = w.sync(true).await;
    assert!(!report.failed(), "{report:#?}");
    let after = w.cached_ids(Kind::Bookings, "school").await;
    let truth = ids(&w.truth(FSB).await["bookings"]["rows"], "id");
    assert!(!before.is_subset(&truth), "some bookings left the list");
    assert!(after.is_superset(&before), "past bookings are kept");
    assert!(after.is_superset(&truth));
}

#[tokio::test]
async fn faults_and_areas() {
    for faults in ["fsb:5xx=0.3", "fsb:truncated=0.3", "fsb:429burst=3"] {
        let w = world(faults).await;
        w.connect(FSB, "school", "all_areas", json!({})).await;
        let report = w.sync(false).await;
        assert!(!report.failed(), "{faults}: {report:#?}");
        assert_cache_equals_truth(&w).await;
    }
    let w = world("").await;
    w.connect(FSB, "school", "no_billing", json!({})).await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    let billing = report
        .resources
        .iter()
        .find(|r| r.resource == "billing")
        .unwrap();
    assert_eq!(billing.outcome, Outcome::NotPermitted);
}

/// A pass interrupted after its first page and resumed a day later (the listing has moved,
/// so it starts over) judges "past" by the site's clock at completion: what started in the
/// gap is kept, and a future booking that left the listing is removed.
#[tokio::test]
async fn a_pass_resumed_a_day_later_keeps_the_gap_and_removes_what_left() {
    let w = world("").await;
    w.connect(FSB, "school", "all_areas", json!({})).await;
    let only_bookings = || SyncOptions {
        resources: Some(vec!["bookings".into()]),
        client: ClientOptions::fast(),
        ..Default::default()
    };
    assert!(!w.sync_with(only_bookings()).await.failed());
    let before = w.cached_ids(Kind::Bookings, "school").await;

    // Interrupt a full pass once its first page is committed.
    w.sync_until_first_page(&SyncOptions {
        full: true,
        ..only_bookings()
    })
    .await;
    let state = w.workspace.store().sync_state(1, "bookings").await.unwrap();
    assert!(
        state.is_some_and(|s| s.resumes()),
        "the pass was left unfinished"
    );

    // The latest booking moves to a simulator, off this site's listing, while still ahead.
    let aircraft = w
        .admin(reqwest::Method::GET, "/records/aircraft", json!({}))
        .await;
    let simulator = aircraft
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a.to_string().to_lowercase().contains("sim"))
        .expect("the world has a simulator");
    let truth = w.truth(FSB).await;
    let latest = truth["bookings"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["unavailability"] != true)
        .map(|b| b["id"].as_u64().unwrap())
        .max()
        .unwrap();
    w.admin(
        reqwest::Method::PATCH,
        &format!("/bookings/{}", latest - 5_000),
        json!({"aircraft": simulator}),
    )
    .await;
    w.advance_clock(86_400).await;

    let report = w.sync_with(only_bookings()).await;
    assert!(!report.failed(), "{report:#?}");
    let after = w.cached_ids(Kind::Bookings, "school").await;
    let truth = ids(&w.truth(FSB).await["bookings"]["rows"], "id");
    let moved = latest.to_string();
    assert!(!after.contains(&moved), "the booking that left is removed");
    assert!(after.is_superset(&truth), "every listed booking is cached");
    let gap: Vec<_> = before
        .difference(&truth)
        .filter(|id| **id != moved)
        .collect();
    assert!(!gap.is_empty(), "some bookings ended during the day");
    assert!(
        gap.iter().all(|id| after.contains(*id)),
        "bookings that started in the gap are kept"
    );
}
