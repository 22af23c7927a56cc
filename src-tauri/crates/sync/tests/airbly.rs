//! Airbly through the real engine and store: first sync equals the sandbox truth, a quiet
//! incremental sync is one request, changes arrive, an expired key marks the account, and
//! maintenance fails the resource until it ends.

mod common;

use std::collections::BTreeSet;

use common::{world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_sync::Outcome;
use serde_json::{json, Value};

const SCHOOL_GROUP: &str = "00000001-4444-1100-0000-000000000002";

async fn truth_ids(w: &World) -> (BTreeSet<String>, BTreeSet<String>) {
    let t = w.truth(Provider::Airbly).await;
    let g = t["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["uuid"] == SCHOOL_GROUP)
        .unwrap()
        .clone();
    let mut assets = BTreeSet::new();
    let mut logs = BTreeSet::new();
    for a in g["assets"].as_array().unwrap() {
        assets.insert(a["uuid"].as_str().unwrap().to_ascii_lowercase());
        for l in a["logs"].as_array().unwrap() {
            if l["status"] != "striked" {
                logs.insert(l["uuid"].as_str().unwrap().to_ascii_lowercase());
            }
        }
    }
    (assets, logs)
}

async fn assert_cache_equals_truth(w: &World) {
    let (assets, logs) = truth_ids(w).await;
    assert_eq!(w.cached_ids(Kind::Aircraft, "airbly").await, assets);
    assert_eq!(w.cached_ids(Kind::FlightLogs, "airbly").await, logs);
}

#[tokio::test]
async fn engine_first_incremental_and_changes() {
    let w = world("").await;
    w.connect(
        Provider::Airbly,
        "airbly",
        "group",
        json!({"page_logs": 50}),
    )
    .await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    assert_eq!(r.resources.len(), 1);
    assert_eq!(r.resources[0].outcome, Outcome::Synced);
    assert!(r.resources[0].counts.new > 100);
    assert_cache_equals_truth(&w).await;

    // Nothing changed: one request, nothing written.
    let r = w.sync(false).await;
    assert_eq!(r.requests, 1, "{r:?}");
    assert_eq!(r.totals().new + r.totals().updated + r.totals().removed, 0);

    // Time passes; a flight is deleted at the provider.
    w.advance_clock(30).await;
    let cached = w.cached_ids(Kind::FlightLogs, "airbly").await;
    let flights = w
        .admin(reqwest::Method::GET, "/records/flights", Value::Null)
        .await;
    let victim = flights
        .as_array()
        .unwrap()
        .iter()
        .find(|f| cached.contains(&f["uuid"].as_str().unwrap().to_ascii_lowercase()))
        .unwrap()
        .clone();
    w.admin(
        reqwest::Method::DELETE,
        &format!("/flights/{}", victim["id"]),
        Value::Null,
    )
    .await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    assert!(r.totals().removed >= 1, "{r:?}");
    assert_cache_equals_truth(&w).await;

    // --full re-reads everything and finds the cache already right.
    let r = w.sync(true).await;
    assert!(!r.failed());
    assert_eq!(r.totals().new, 0, "{r:?}");
    assert_cache_equals_truth(&w).await;
}

#[tokio::test]
async fn expired_key_and_maintenance() {
    let w = world("").await;
    w.connect(Provider::Airbly, "airbly", "group", json!({}))
        .await;
    w.set_faults("airbly:expired=1").await;
    let r = w.sync(false).await;
    assert!(r.failed());
    assert_eq!(r.resources[0].outcome, Outcome::NeedsCredential, "{r:?}");
    w.set_faults("airbly:maintenance=1").await;
    let r = w.sync(false).await;
    assert!(r.failed());
    let s = &r.resources[0];
    assert_eq!(s.outcome, Outcome::Failed, "{r:?}");
    assert_eq!(s.error_code.as_deref(), Some("api_error"));
    w.set_faults("").await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    assert_cache_equals_truth(&w).await;
}

#[tokio::test]
async fn every_transient_fault_leaves_the_cache_equal_to_the_truth() {
    for spec in [
        "airbly:5xx=0.25",
        "airbly:truncated=0.25",
        "airbly:malformed=0.25",
        "airbly:429burst=3",
    ] {
        let w = world(spec).await;
        w.connect(
            Provider::Airbly,
            "airbly",
            "group",
            json!({"page_logs": 40}),
        )
        .await;
        let r = w.sync(false).await;
        assert!(!r.failed(), "{spec}: {r:?}");
        assert_cache_equals_truth(&w).await;
    }
}
