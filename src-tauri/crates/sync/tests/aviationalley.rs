//! AviationAlley over real HTTP against the in-process sandbox.

mod common;

use common::{ids, summary, world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_sync::Outcome;
use serde_json::json;

const AA: Provider = Provider::AviationAlley;

/// (endpoint in the truth dump, kind, id field)
const RESOURCES: [(&str, Kind, &str); 7] = [
    ("trainees", Kind::People, "id"),
    ("bookings", Kind::Bookings, "id"),
    ("work-orders", Kind::WorkOrders, "id"),
    ("invoices", Kind::Invoices, "id"),
    ("compliance-items", Kind::ComplianceItems, "id"),
    ("flight-log", Kind::FlightLogs, "id"),
    ("crew", Kind::CrewDuty, "userId"),
];

async fn assert_cache_equals_truth(w: &World, account: &str, role: &str) {
    let centre = w.credential_fact(AA, role, "center_id");
    let truth = w.truth(AA).await;
    let centre = &truth["centers"][centre.as_str().unwrap()];
    for (endpoint, kind, field) in RESOURCES {
        let want = ids(&centre[endpoint], field);
        assert!(!want.is_empty(), "the sandbox serves {endpoint}");
        assert_eq!(w.cached_ids(kind, account).await, want, "{endpoint}");
    }
}

#[tokio::test]
async fn first_sync_caches_every_resource_and_a_second_changes_nothing() {
    let w = world("").await;
    w.connect(AA, "centre", "live_full", json!({})).await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    assert_eq!(report.resources.len(), 7);
    assert!(report
        .resources
        .iter()
        .all(|r| r.outcome == Outcome::Synced));
    assert!(report.totals().new > 100, "{:?}", report.totals());
    assert_cache_equals_truth(&w, "centre", "live_full").await;

    // Keyset paging: flight-log has more rows than one page of 200.
    let fl = report
        .resources
        .iter()
        .find(|r| r.resource == "flight-log")
        .unwrap();
    assert!(fl.pages >= 2, "{fl:?}");

    let again = w.sync(false).await;
    let t = again.totals();
    assert_eq!((t.new, t.removed), (0, 0), "{again:#?}");
    for r in again.resources.iter().filter(|r| r.resource != "crew") {
        assert_eq!(r.counts.updated, 0, "{r:?}");
    }
    assert_cache_equals_truth(&w, "centre", "live_full").await;

    // Normalized fields and the raw record travel together.
    let bookings = w.cached(Kind::Bookings).await;
    let b = &bookings[0];
    assert_eq!(b["source"], "aviationalley");
    assert!(b["starts_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(b["raw"]["id"], b["source_id"]);
}

#[tokio::test]
async fn changes_at_the_provider_reach_the_cache() {
    let w = world("").await;
    w.connect(AA, "centre", "live_full", json!({})).await;
    w.sync(false).await;
    w.admin(
        reqwest::Method::POST,
        "/people",
        json!({"first_name": "Nova", "last_name": "Quill", "role": "student", "location": 0}),
    )
    .await;
    let report = w.sync(false).await;
    let trainees = report
        .resources
        .iter()
        .find(|r| r.resource == "trainees")
        .unwrap();
    assert_eq!(trainees.counts.new, 1, "{trainees:?}");
    assert_cache_equals_truth(&w, "centre", "live_full").await;
}

#[tokio::test]
async fn a_missing_scope_is_reported_not_failed() {
    let w = world("").await;
    let roles: Vec<String> = w.sandbox.manifest()["aviationalley"]["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["scopes"].as_array().unwrap().len() < 7)
        .map(|c| c["role"].as_str().unwrap().to_string())
        .collect();
    let role = roles
        .first()
        .expect("the sandbox has a key with fewer scopes");
    w.connect(AA, "narrow", role, json!({})).await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    let not_permitted: Vec<_> = report
        .resources
        .iter()
        .filter(|r| r.outcome == Outcome::NotPermitted)
        .collect();
    assert!(!not_permitted.is_empty(), "{report:#?}");
    assert!(report
        .resources
        .iter()
        .any(|r| r.outcome == Outcome::Synced));
}

#[tokio::test]
async fn an_expired_key_marks_the_account_and_fails_the_sync() {
    let w = world("aa:expired=true").await;
    let account = w.connect(AA, "centre", "live_full", json!({})).await;
    let report = w.sync(false).await;
    assert!(report.failed());
    assert!(report
        .resources
        .iter()
        .all(|r| r.outcome == Outcome::NeedsCredential));
    let health = w
        .workspace
        .store()
        .account_health(account.id)
        .await
        .unwrap();
    assert!(health.needs_credential);
    let token = w.token(AA, "live_full");
    assert!(
        !format!("{report:?}").contains(&token),
        "no token in errors"
    );
}

#[tokio::test]
async fn every_transient_fault_leaves_the_cache_equal_to_the_truth() {
    for faults in [
        "aa:5xx=0.3",
        "aa:truncated=0.3",
        "aa:malformed=0.3",
        "aa:429burst=3",
        "aa:latency=20ms,aa:slow=2ms",
    ] {
        let w = world(faults).await;
        w.connect(AA, "centre", "live_full", json!({})).await;
        let report = w.sync(false).await;
        assert!(!report.failed(), "{faults}: {report:#?}");
        assert_cache_equals_truth(&w, "centre", "live_full").await;
        // And an incremental run under the same faults changes nothing.
        let again = w.sync(false).await;
        assert!(!again.failed(), "{faults}: {again:#?}");
        assert_eq!(again.totals().new, 0, "{faults}");
        assert_cache_equals_truth(&w, "centre", "live_full").await;
    }
}

/// A row without an id costs only that row: the resource completes, the row is kept as
/// sent, and each run says how many it skipped.
#[tokio::test]
async fn a_row_without_an_id_is_skipped_and_the_resource_still_completes() {
    let w = world("aa:noid=1").await;
    w.connect(AA, "centre", "live_full", json!({})).await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    let skipped = w.workspace.store().skipped_rows(None).await.unwrap();
    // Crew rows are keyed by `userId`, which the fault leaves.
    for r in report.resources.iter().filter(|r| r.resource != "crew") {
        // Every list answer (each page) lost the id of its first row.
        assert_eq!(r.counts.skipped, r.pages, "{r:?}");
        assert!(
            skipped
                .iter()
                .any(|s| s.resource == r.resource && s.raw.get("id").is_none()),
            "{} keeps its skipped rows: {skipped:?}",
            r.resource
        );
    }
}

/// Between sweeps, the big resources are read as a recent window: fewer requests, nothing
/// removed that the window did not list; once the provider's clock passes the sweep
/// cadence, the next pass lists them whole again.
#[tokio::test]
async fn the_big_resources_read_a_recent_window_between_daily_sweeps() {
    let w = world("").await;
    w.connect(AA, "centre", "live_full", json!({})).await;
    let sweep = w.sync(false).await;
    assert!(!sweep.failed(), "{sweep:#?}");

    w.advance_clock(900).await;
    let window = w.sync(false).await;
    assert!(!window.failed(), "{window:#?}");
    // (The demo centre's invoices fit one page either way.)
    for resource in ["bookings", "flight-log"] {
        let (whole, recent) = (
            summary(&sweep, "centre", resource),
            summary(&window, "centre", resource),
        );
        assert!(
            recent.requests < whole.requests,
            "{resource}: the window costs less than the sweep ({} vs {})",
            recent.requests,
            whole.requests
        );
    }
    for resource in ["bookings", "invoices", "flight-log"] {
        let recent = summary(&window, "centre", resource);
        assert_eq!(recent.counts.removed, 0, "{recent:?}");
    }
    // What the window did not list is still cached: the cache still equals the truth.
    assert_cache_equals_truth(&w, "centre", "live_full").await;

    // A day on, bookings are swept again (the flight log waits for its week).
    w.advance_clock(86_400).await;
    let next_day = w.sync(false).await;
    assert_eq!(
        summary(&next_day, "centre", "bookings").requests,
        summary(&sweep, "centre", "bookings").requests,
        "bookings are listed whole"
    );
    assert!(
        summary(&next_day, "centre", "flight-log").requests
            < summary(&sweep, "centre", "flight-log").requests
    );
    assert_cache_equals_truth(&w, "centre", "live_full").await;
}
