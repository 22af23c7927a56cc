//! PilotFlows over real HTTP against the in-process sandbox.

mod common;

use common::{ids, world, World};
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

fn flight_logs(
    report: &flightdesk_sync::SyncReport,
    account: &str,
) -> flightdesk_sync::ResourceSummary {
    report
        .resources
        .iter()
        .find(|r| r.resource == "flight_logs" && r.account == account)
        .unwrap()
        .clone()
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
    let main = flight_logs(&report, "main");
    assert_eq!((main.pages, main.counts.removed), (1, 0), "{main:?}");
    assert!(w
        .cached_ids(Kind::FlightLogs, "main")
        .await
        .contains(&victim));
    // Listed whole, the deletion shows.
    let every = flight_logs(&report, "every");
    assert_eq!(every.counts.removed, 1, "{every:?}");
    assert_cache_equals_truth(&w, "every", "organization_plan").await;

    // `--full` lists whole at once.
    let full = w.sync(true).await;
    assert_eq!(flight_logs(&full, "main").counts.removed, 1);
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
