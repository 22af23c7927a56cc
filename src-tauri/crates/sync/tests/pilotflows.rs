//! PilotFlows over real HTTP against the in-process sandbox.

mod common;

use common::{ids, summary, world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_sync::Outcome;
use serde_json::json;

const PF: Provider = Provider::PilotFlows;

const RESOURCES: [(&str, Kind); 5] = [
    ("members", Kind::People),
    ("aircraft", Kind::Aircraft),
    ("flight_logs", Kind::FlightLogs),
    ("invoices", Kind::Invoices),
    ("calendar_events", Kind::Bookings),
];

async fn assert_cache_equals_truth(w: &World, account: &str, role: &str) {
    let org = w.credential_fact(PF, role, "organization_id");
    let truth = w.truth(PF).await;
    let org = &truth["organizations"][org.as_str().unwrap()];
    for (resource, kind) in RESOURCES {
        let want = ids(&org[resource], "id");
        assert!(!want.is_empty(), "the sandbox serves {resource}");
        assert_eq!(w.cached_ids(kind, account).await, want, "{resource}");
    }
}

#[tokio::test]
async fn first_sync_then_one_request_per_incremental_resource() {
    let w = world("").await;
    w.connect(PF, "main", "organization_plan", json!({})).await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    assert!(report
        .resources
        .iter()
        .all(|r| r.outcome == Outcome::Synced));
    assert_cache_equals_truth(&w, "main", "organization_plan").await;
    let pages: u64 = report.resources.iter().map(|r| r.pages).sum();
    assert!(pages > 5, "paging through links.next: {report:#?}");

    let again = w.sync(false).await;
    assert!(!again.failed());
    assert_eq!(again.totals().new, 0);
    for r in &again.resources {
        // Flight logs too: their full listing waits for the daily sweep.
        assert_eq!(r.pages, 1, "the updated_since filter: {r:?}");
    }
    assert_cache_equals_truth(&w, "main", "organization_plan").await;
}

#[tokio::test]
async fn deleted_flight_logs_leave_the_cache_at_the_next_full_listing() {
    let w = world("").await;
    let account = w.connect(PF, "main", "organization_plan", json!({})).await;
    // The same organisation, listed whole at every sync.
    w.connect(
        PF,
        "every",
        "organization_plan",
        json!({"flight_log_sweep_hours": 0}),
    )
    .await;
    w.sync(false).await;
    // Delete one flight log through the API itself.
    let truth = w.truth(PF).await;
    let org = w.credential_fact(PF, "organization_plan", "organization_id");
    let org = org.as_str().unwrap();
    let victim = truth["organizations"][org]["flight_logs"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let token = w.token(PF, "organization_plan");
    let r = w
        .http
        .delete(format!(
            "{}/organizations/{org}/flight_logs/{victim}",
            account.base_url
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());

    let report = w.sync(false).await;
    // Between sweeps only changes are asked for: one request, and no tombstone to see.
    let main = summary(&report, "main", "flight_logs");
    assert_eq!((main.pages, main.counts.removed), (1, 0), "{main:?}");
    assert!(w
        .cached_ids(Kind::FlightLogs, "main")
        .await
        .contains(&victim));
    // Listed whole, the deletion shows.
    let every = summary(&report, "every", "flight_logs");
    assert_eq!(every.counts.removed, 1, "{every:?}");
    assert_cache_equals_truth(&w, "every", "organization_plan").await;

    // `--full` lists whole at once.
    let full = w.sync(true).await;
    assert_eq!(summary(&full, "main", "flight_logs").counts.removed, 1);
    assert_cache_equals_truth(&w, "main", "organization_plan").await;
}

#[tokio::test]
async fn rate_limits_and_transient_faults_leave_the_cache_equal_to_the_truth() {
    for faults in [
        "pf:429burst=4",
        "pf:5xx=0.3",
        "pf:truncated=0.25",
        "pf:malformed=0.25",
    ] {
        let w = world(faults).await;
        w.connect(PF, "club", "standard_plan", json!({})).await;
        let report = w.sync(false).await;
        assert!(!report.failed(), "{faults}: {report:#?}");
        assert_cache_equals_truth(&w, "club", "standard_plan").await;
    }
}

#[tokio::test]
async fn an_expired_key_needs_a_new_credential() {
    let w = world("pf:expired=true").await;
    w.connect(
        PF,
        "main",
        "organization_plan",
        json!({"organization": "101"}),
    )
    .await;
    let report = w.sync(false).await;
    assert!(report.failed());
    assert!(
        report
            .resources
            .iter()
            .all(|r| r.outcome == Outcome::NeedsCredential),
        "{report:#?}"
    );
}

#[tokio::test]
async fn an_unreachable_provider_fails_fast_and_leaves_other_accounts_alone() {
    let w = world("").await;
    w.connect(PF, "main", "organization_plan", json!({})).await;
    let offline = w
        .connect(PF, "offline", "organization_plan", json!({}))
        .await;
    // Nothing listens on the discard port: every request is refused.
    w.workspace
        .store()
        .upsert_account(&flightdesk_store::NewAccount {
            provider: PF,
            name: offline.name.clone(),
            base_url: "http://127.0.0.1:9/v1".into(),
            options: offline.options.clone(),
        })
        .await
        .unwrap();

    let report = w.sync(false).await;
    let (main, off): (Vec<_>, Vec<_>) = report.resources.iter().partition(|r| r.account == "main");
    assert!(
        main.iter().all(|r| r.outcome == Outcome::Synced),
        "{main:#?}"
    );
    assert_cache_equals_truth(&w, "main", "organization_plan").await;
    assert_eq!(off.len(), RESOURCES.len(), "every resource is reported");
    assert!(off.iter().all(|r| r.outcome == Outcome::Failed));
    assert!(off
        .iter()
        .all(|r| r.error_code.as_deref() == Some("network")));
    assert!(off[1..]
        .iter()
        .all(|r| r.error.as_deref().unwrap().contains("skipped after")));

    // Only the first resource spent requests (its retries); the rest were not tried.
    let alone = w
        .sync_with(flightdesk_sync::SyncOptions {
            account: Some("offline".into()),
            client: flightdesk_sync::ClientOptions::fast(),
            ..Default::default()
        })
        .await;
    let attempts = flightdesk_sync::ClientOptions::fast().retry.max_attempts;
    assert_eq!(alone.requests, u64::from(attempts), "{alone:#?}");
}

/// Only the flight logs, with fast retries.
fn only_flight_logs(full: bool) -> flightdesk_sync::SyncOptions {
    flightdesk_sync::SyncOptions {
        resources: Some(vec!["flight_logs".into()]),
        full,
        client: flightdesk_sync::ClientOptions::fast(),
        ..Default::default()
    }
}

/// The organisation's flight-log ids in listing order.
async fn truth_log_ids(w: &World, org: &str) -> Vec<String> {
    w.truth(PF).await["organizations"][org]["flight_logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect()
}

/// Sends one request to the PilotFlows API as the organisation's key.
async fn pf_api(w: &World, method: reqwest::Method, path: &str, body: serde_json::Value) {
    let base = w.sandbox.base_url(common::sandbox_provider(PF));
    let r = w
        .http
        .request(method, format!("{base}/{path}"))
        .bearer_auth(w.token(PF, "organization_plan"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
}

/// A log read on the pass's first page and edited before a later page was read carries an
/// older `updated_at` than that page's rows: the next pass's filter must still include it.
#[tokio::test]
async fn an_edit_made_while_a_pass_runs_is_read_by_the_next_sync() {
    let w = world("").await;
    w.connect(PF, "main", "organization_plan", json!({})).await;
    let org = w.credential_fact(PF, "organization_plan", "organization_id");
    let org = org.as_str().unwrap();
    let ids = truth_log_ids(&w, org).await;
    assert!(ids.len() > 100, "the logs span several pages");

    w.sync_until_first_page(&only_flight_logs(true)).await;
    // The first log was read on page 1; it changes, then a log of the last page does.
    let (early, late) = (ids.first().unwrap(), ids.last().unwrap());
    for (id, remarks) in [(early, "edited after it was read"), (late, "edited later")] {
        // Ten minutes: more than the watermark's margin, so the margin cannot hide a miss.
        w.advance_clock(600).await;
        pf_api(
            &w,
            reqwest::Method::PATCH,
            &format!("organizations/{org}/flight_logs/{id}"),
            json!({"data": {"type": "flight_log", "attributes": {"remarks": remarks}}}),
        )
        .await;
    }
    let resumed = w.sync_with(only_flight_logs(false)).await;
    assert!(!resumed.failed(), "{resumed:#?}");
    let next = w.sync_with(only_flight_logs(false)).await;
    assert!(!next.failed(), "{next:#?}");

    let cached = w.cached(Kind::FlightLogs).await;
    let remarks = |id: &str| {
        cached
            .iter()
            .find(|l| l["source_id"] == id)
            .map(|l| l["remarks"].clone())
            .unwrap()
    };
    assert_eq!(remarks(late), "edited later");
    assert_eq!(remarks(early), "edited after it was read");
}

/// A log deleted from a page already read shifts the later pages by one row: the pass
/// notices the total move and starts over, so no live log is skipped and marked removed.
#[tokio::test]
async fn a_deletion_between_pages_restarts_the_listing_and_removes_only_the_deleted_log() {
    let w = world("").await;
    w.connect(PF, "main", "organization_plan", json!({})).await;
    let org = w.credential_fact(PF, "organization_plan", "organization_id");
    let org = org.as_str().unwrap();
    assert!(!w.sync_with(only_flight_logs(false)).await.failed());
    let ids = truth_log_ids(&w, org).await;
    assert!(ids.len() > 100, "the logs span several pages");

    w.sync_until_first_page(&only_flight_logs(true)).await;
    let victim = &ids[0];
    pf_api(
        &w,
        reqwest::Method::DELETE,
        &format!("organizations/{org}/flight_logs/{victim}"),
        json!({}),
    )
    .await;
    let report = w.sync_with(only_flight_logs(false)).await;
    let logs = summary(&report, "main", "flight_logs");
    assert!(!report.failed(), "{report:#?}");
    assert!(
        logs.restarts >= 1,
        "the moving total restarts the pass: {logs:?}"
    );
    assert_eq!(logs.counts.removed, 1, "{logs:?}");
    let want: std::collections::BTreeSet<String> = ids[1..].iter().cloned().collect();
    assert_eq!(w.cached_ids(Kind::FlightLogs, "main").await, want);
}

/// A row without an id is set aside with its raw JSON, the rest of its page is written,
/// every resource completes, and the run says how many rows it skipped.
#[tokio::test]
async fn a_row_without_an_id_is_skipped_kept_and_reported_and_the_rest_syncs() {
    let w = world("pf:noid=1").await;
    // The organisation list loses its id too: name it.
    let org = w.credential_fact(PF, "organization_plan", "organization_id");
    w.connect(
        PF,
        "main",
        "organization_plan",
        json!({ "organization": org }),
    )
    .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    for r in &report.resources {
        assert!(r.counts.skipped >= 1, "{r:?}");
        assert!(r.counts.new > 0, "the rest of the pages arrived: {r:?}");
    }
    let skipped = w.workspace.store().skipped_rows(None).await.unwrap();
    let members = skipped.iter().find(|s| s.resource == "members").unwrap();
    assert_eq!(members.reason, "members row without an `id`");
    assert!(members.raw.get("id").is_none());
    assert!(
        members.raw["attributes"].is_object(),
        "kept as sent: {members:?}"
    );

    // The provider fixes its rows: a full listing forgets the flight logs' skipped rows.
    w.set_faults("").await;
    let again = w.sync_with(only_flight_logs(true)).await;
    assert_eq!(summary(&again, "main", "flight_logs").counts.skipped, 0);
    let left = w.workspace.store().skipped_rows(None).await.unwrap();
    assert!(left.iter().all(|s| s.resource != "flight_logs"), "{left:?}");
}
