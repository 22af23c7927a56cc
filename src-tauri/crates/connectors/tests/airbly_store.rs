//! Airbly synced into a real (temporary, encrypted) store, page by page as the engine does:
//! first pass, incremental pass with an edit and a deletion, and a process "killed" between
//! pages that resumes from the stored position. The store's export equals the sandbox truth.

mod common;

use std::collections::BTreeSet;

use common::{admin, advance, airbly_truth, records, source_ids, Stored};
use flightdesk_connectors::airbly::Airbly;
use flightdesk_connectors::{Kind, SyncMode};
use reqwest::Method;
use serde_json::{json, Value};

async fn setup() -> Stored<Airbly> {
    Stored::new(
        "airbly-school",
        "group",
        json!({"page_logs": 25}),
        SyncMode::Incremental,
    )
    .await
}

async fn assert_store_equals_truth(w: &Stored<Airbly>) {
    let (assets, logs, _) = airbly_truth(&w.sb).await;
    let (a, na) = w.ids(Kind::Aircraft).await;
    assert_eq!((a, na), (assets.clone(), assets.len()));
    let rows = w.exported(Kind::FlightLogs).await;
    let (l, nl) = (source_ids(&rows), rows.len());
    assert_eq!(nl, logs.len(), "no duplicates");
    assert_eq!(l, logs);
    let r = &rows[0];
    assert_eq!(r["source"], "airbly");
    assert_eq!(r["account"], "airbly-school");
    assert!(r["raw"]["uuid"].is_string(), "raw JSON kept: {r}");
}

#[tokio::test]
async fn first_and_incremental_sync_into_the_store() {
    let w = setup().await;
    let c = w.connector();
    assert!(w.sync(&c, None).await.is_some());
    assert_store_equals_truth(&w).await;

    // Time passes; a flight is edited and another deleted.
    advance(&w.sb, 30).await;
    let flights = records(&w.sb, "flights").await;
    let cached: BTreeSet<String> = w.ids(Kind::FlightLogs).await.0;
    let tracked: Vec<&Value> = flights
        .iter()
        .filter(|f| cached.contains(&f["uuid"].as_str().unwrap().to_ascii_lowercase()))
        .collect();
    let (edited, deleted) = (tracked[3]["id"].clone(), tracked[4].clone());
    let patch = format!("/flights/{edited}");
    admin(&w.sb, Method::PATCH, &patch, json!({"landings": 9})).await;
    let delete = format!("/flights/{}", deleted["id"]);
    admin(&w.sb, Method::DELETE, &delete, json!({})).await;
    assert!(w.sync(&c, None).await.is_some());
    assert_store_equals_truth(&w).await;
    let state = w.state("assets").await;
    assert!(!state.in_pass);
    w.sb.shutdown().await;
}

#[tokio::test]
async fn a_sync_killed_between_pages_resumes_from_the_store() {
    let w = setup().await;
    // The first process writes three pages and dies.
    assert!(w.sync(&w.connector(), Some(3)).await.is_none());
    let state = w.state("assets").await;
    assert!(state.resumes());
    // The next one resumes the same pass from the stored position.
    assert!(w.sync(&w.connector(), None).await.is_some());
    assert_store_equals_truth(&w).await;
    w.sb.shutdown().await;
}
