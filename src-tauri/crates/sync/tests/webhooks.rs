//! The webhook receiver started from a workspace, over real HTTP: the sandbox's signed
//! AviationAlley events and Airbly pushes trigger incremental syncs that bring the change
//! into the store; forged, unsigned and unknown-group posts trigger nothing; bursts of
//! posts during a sync lead to one more sync.

mod common;

use std::time::Duration;

use common::{ids, world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_secrets::Secret;
use flightdesk_sync::webhooks::{self, WebhookActivity, WebhookServeOptions, WebhookServer};
use flightdesk_sync::{ClientOptions, Outcome, SyncReport};
use flightdesk_webhooks::{sign, AVIATIONALLEY_SIGNATURE_HEADER};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::sync::mpsc;

const AA: Provider = Provider::AviationAlley;
const SECRET: &str = "whsec_flightdesk_test_secret";
const SCHOOL_GROUP: &str = "00000001-4444-1100-0000-000000000002";

type Activities = mpsc::UnboundedReceiver<WebhookActivity>;

async fn serve(w: &World) -> (WebhookServer, Activities) {
    let (tx, rx) = mpsc::unbounded_channel();
    let server = webhooks::start_with(
        &w.workspace,
        WebhookServeOptions {
            bind: "127.0.0.1:0".parse().unwrap(),
            client: ClientOptions::fast(),
        },
        move |a: &WebhookActivity| {
            let _ = tx.send(a.clone());
        },
    )
    .await
    .unwrap();
    assert!(server.addr().ip().is_loopback());
    (server, rx)
}

/// An AviationAlley account with its signing secret, synced once.
async fn aviationalley(w: &World) {
    let account = w.connect(AA, "centre", "live_full", json!({})).await;
    w.workspace
        .set_webhook_secret(&account, &Secret::new(SECRET))
        .unwrap();
    assert!(!w.sync(false).await.failed());
}

/// An Airbly account of the school group, synced once.
async fn airbly(w: &World) {
    w.connect(
        Provider::Airbly,
        "fleet",
        "group",
        json!({"group_uuid": SCHOOL_GROUP}),
    )
    .await;
    assert!(!w.sync(false).await.failed());
}

/// The next finished sync (skipping the other activities), within 20 s.
async fn next_sync(rx: &mut Activities) -> (String, Vec<String>, usize, SyncReport) {
    let wait = async {
        loop {
            match rx.recv().await.expect("the server is running") {
                WebhookActivity::SyncFinished {
                    account,
                    resources,
                    posts,
                    report,
                    ..
                } => return (account, resources, posts, report),
                WebhookActivity::SyncFailed { error, .. } => panic!("sync failed: {error}"),
                _ => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), wait)
        .await
        .expect("a sync within 20 s")
}

/// Everything reported within `wait`.
async fn quiet_for(rx: &mut Activities, wait: Duration) -> Vec<WebhookActivity> {
    let mut seen = vec![];
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Some(a)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        seen.push(a);
    }
    seen
}

async fn trainee_ids(w: &World) -> std::collections::BTreeSet<String> {
    let centre = w.credential_fact(AA, "live_full", "center_id");
    let truth = w.truth(AA).await;
    ids(
        &truth["centers"][centre.as_str().unwrap()]["trainees"],
        "id",
    )
}

async fn deliveries(w: &World) -> Vec<Value> {
    let v = w
        .admin(Method::GET, "/webhooks/deliveries", Value::Null)
        .await;
    v["deliveries"].as_array().cloned().unwrap_or_default()
}

async fn post(url: &str, body: &[u8], signature: Option<&str>) -> (u16, Value) {
    let mut req = reqwest::Client::new().post(url).body(body.to_vec());
    if let Some(s) = signature {
        req = req.header(AVIATIONALLEY_SIGNATURE_HEADER, s);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_signed_aviationalley_event_syncs_the_changed_record_into_the_store() {
    let w = world("").await;
    aviationalley(&w).await;
    let before = w.cached_ids(Kind::People, "centre").await;
    let (server, mut rx) = serve(&w).await;
    let urls = server.urls();
    assert_eq!(urls.len(), 1, "{urls:?}");
    assert_eq!(urls[0].path, "/webhooks/aviationalley/centre");
    // The sandbox signs its events with the endpoint's secret, as AviationAlley does.
    w.admin(
        Method::POST,
        "/webhooks/endpoints",
        json!({"provider": "aviationalley", "url": urls[0].url, "secret": SECRET}),
    )
    .await;
    w.admin(
        Method::POST,
        "/people",
        json!({"first_name": "Nova", "last_name": "Quill", "role": "student", "location": 0}),
    )
    .await;
    let (account, resources, _, report) = next_sync(&mut rx).await;
    assert_eq!(
        (account.as_str(), resources),
        ("centre", vec!["trainees".to_string()])
    );
    // Only what changed was synced: one resource, one new trainee.
    assert_eq!(report.resources.len(), 1, "{report:?}");
    let s = &report.resources[0];
    assert_eq!(
        (s.resource.as_str(), s.outcome),
        ("trainees", Outcome::Synced)
    );
    assert_eq!(s.counts.new, 1, "{s:?}");
    let after = w.cached_ids(Kind::People, "centre").await;
    assert_eq!(after.len(), before.len() + 1);
    assert_eq!(after, trainee_ids(&w).await);
    assert!(deliveries(&w).await.iter().all(|d| d["delivered"] == true));
    server.shutdown().await;
}

#[tokio::test]
async fn unsigned_and_badly_signed_posts_trigger_nothing() {
    let w = world("").await;
    aviationalley(&w).await;
    let (server, mut rx) = serve(&w).await;
    let url = server.url_for(AA, "centre");
    // The sandbox signing with another secret.
    w.admin(
        Method::POST,
        "/webhooks/endpoints",
        json!({"provider": "aviationalley", "url": url, "secret": "whsec_not_ours"}),
    )
    .await;
    w.admin(
        Method::POST,
        "/people",
        json!({"first_name": "Ada", "last_name": "Forge", "role": "student", "location": 0}),
    )
    .await;
    // Hand-made posts: unsigned, signed with another secret, tampered, not hex.
    let body = br#"{"id":"evt_x","type":"trainee.created","data":{"id":"t1"}}"#;
    let good = sign(SECRET.as_bytes(), body);
    let other = sign(b"whsec_not_ours", body);
    assert_eq!(post(&url, body, None).await.0, 401);
    assert_eq!(post(&url, body, Some(&other)).await.0, 401);
    let tampered = br#"{"id":"evt_x","type":"trainee.created","data":{"id":"t2"}}"#;
    assert_eq!(post(&url, tampered, Some(&good)).await.0, 401);
    assert_eq!(post(&url, body, Some("zz")).await.0, 401);
    let seen = quiet_for(&mut rx, Duration::from_millis(1500)).await;
    assert!(seen.is_empty(), "{seen:?}");
    let d = deliveries(&w).await;
    assert!(
        !d.is_empty() && d.iter().all(|d| d["last_status"] == 401),
        "{d:?}"
    );
    // Nothing was synced: the new trainee is not in the cache.
    let cached = w.cached_ids(Kind::People, "centre").await;
    assert_ne!(cached, trainee_ids(&w).await);
    server.shutdown().await;
}

#[tokio::test]
async fn an_account_without_a_signing_secret_gets_no_route() {
    let w = world("").await;
    w.connect(AA, "centre", "live_full", json!({})).await;
    w.connect(Provider::Airbly, "fleet", "group", json!({}))
        .await;
    w.connect(Provider::PilotFlows, "club", "standard_plan", json!({}))
        .await;
    let (server, mut rx) = serve(&w).await;
    assert!(server.urls().is_empty());
    let skipped = server.skipped();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0]
        .reason
        .contains("flightdesk webhooks secret centre"));
    let body = br#"{"type":"trainee.created","data":{"id":"t1"}}"#;
    let st = post(
        &server.url_for(AA, "centre"),
        body,
        Some(&sign(SECRET.as_bytes(), body)),
    )
    .await
    .0;
    assert_eq!(st, 404);
    // Once the secret is given, a reload routes the account.
    let account = w.workspace.store().account("centre").await.unwrap();
    webhooks::set_signing_secret(&w.workspace, "centre", &Secret::new(SECRET))
        .await
        .unwrap();
    assert!(
        webhooks::set_signing_secret(&w.workspace, "fleet", &Secret::new("x"))
            .await
            .is_err()
    );
    server.reload().await.unwrap();
    assert_eq!(server.urls().len(), 1);
    assert_eq!(
        w.workspace.webhook_secret(&account).unwrap(),
        Some(Secret::new(SECRET))
    );
    let st = post(
        &server.url_for(AA, "centre"),
        body,
        Some(&sign(SECRET.as_bytes(), body)),
    )
    .await
    .0;
    assert_eq!(st, 200);
    let (account, resources, _, _) = next_sync(&mut rx).await;
    assert_eq!(
        (account.as_str(), resources),
        ("centre", vec!["trainees".to_string()])
    );
    server.shutdown().await;
}

#[tokio::test]
async fn an_airbly_post_for_an_unknown_group_is_rejected_and_triggers_nothing() {
    let w = world("").await;
    airbly(&w).await;
    let (server, mut rx) = serve(&w).await;
    let body = json!({"cmd": "webhookAssetList",
        "group": {"uuid": "00000001-4444-1100-0000-000000000001"},
        "assets": [{"uuid": "00000001-4444-2000-8846-001471040618"}]});
    let bytes = serde_json::to_vec(&body).unwrap();
    for url in [
        format!("http://{}/webhooks/airbly", server.addr()),
        server.url_for(Provider::Airbly, "fleet"),
    ] {
        let (st, v) = post(&url, &bytes, None).await;
        assert_eq!(st, 403, "{url}");
        assert_eq!(v["cmd"], "webhookAssetList");
        assert_eq!(v["error"], "This group is not connected here");
    }
    // Malformed bodies are refused with the reason.
    let (st, v) = post(&server.url_for(Provider::Airbly, "fleet"), b"{}", None).await;
    assert_eq!(st, 400);
    assert_ne!(v["error"], "");
    let seen = quiet_for(&mut rx, Duration::from_millis(1000)).await;
    assert!(seen.is_empty(), "{seen:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn an_airbly_push_for_the_connected_group_syncs_the_new_log() {
    let w = world("").await;
    airbly(&w).await;
    let before = w.cached_ids(Kind::FlightLogs, "fleet").await;
    let (server, mut rx) = serve(&w).await;
    let url = server.url_for(Provider::Airbly, "fleet");
    assert_eq!(server.urls()[0].url, url);
    w.admin(
        Method::POST,
        "/webhooks/endpoints",
        json!({"provider": "airbly", "url": url}),
    )
    .await;
    // Time passes; a device-recorded flight is closed out (the sandbox pushes it).
    w.advance_clock(30).await;
    w.admin(
        Method::POST,
        "/flights",
        json!({"aircraft": "N44API", "pic": 2, "student": 20, "by_device": true,
               "off_block": "2026-03-02T08:00:00Z", "on_block": "2026-03-02T08:50:00Z"}),
    )
    .await;
    let (account, resources, _, report) = next_sync(&mut rx).await;
    assert_eq!(
        (account.as_str(), resources),
        ("fleet", vec!["assets".to_string()])
    );
    assert!(!report.failed(), "{report:?}");
    assert!(report.totals().new >= 1, "{report:?}");
    // An incremental read: the changed asset only, not the whole group.
    assert!(report.requests <= 3, "{report:?}");
    let after = w.cached_ids(Kind::FlightLogs, "fleet").await;
    assert!(after.len() > before.len());
    // The sandbox counted the push delivered: our reply was the documented confirmation.
    let d = deliveries(&w).await;
    assert!(
        !d.is_empty() && d.iter().all(|d| d["delivered"] == true),
        "{d:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn posts_arriving_during_a_sync_lead_to_one_more_sync() {
    let w = world("").await;
    aviationalley(&w).await;
    // Slow answers keep the first sync running while the burst arrives.
    w.set_faults("aa:latency=700ms").await;
    let (server, mut rx) = serve(&w).await;
    let url = server.url_for(AA, "centre");
    let signed = |id: u32, kind: &str| {
        let body = format!(r#"{{"id":"evt_{id}","type":"{kind}","data":{{"id":"x{id}"}}}}"#);
        let sig = sign(SECRET.as_bytes(), body.as_bytes());
        (body, sig)
    };
    let (body, sig) = signed(0, "trainee.updated");
    assert_eq!(post(&url, body.as_bytes(), Some(&sig)).await.0, 200);
    // Wait until that sync runs, then post a burst.
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Some(WebhookActivity::SyncStarted { .. }) = rx.recv().await {
                break;
            }
        }
    })
    .await
    .unwrap();
    for i in 1..=6 {
        let kind = if i % 2 == 0 {
            "trainee.updated"
        } else {
            "invoice.paid"
        };
        let (body, sig) = signed(i, kind);
        assert_eq!(post(&url, body.as_bytes(), Some(&sig)).await.0, 200);
    }
    let (_, first, posts, _) = next_sync(&mut rx).await;
    assert_eq!((first, posts), (vec!["trainees".to_string()], 1));
    let (_, second, posts, report) = next_sync(&mut rx).await;
    assert_eq!(posts, 6, "the burst is one sync");
    assert_eq!(second, ["invoices", "trainees"]);
    assert_eq!(report.resources.len(), 2, "{report:?}");
    let rest = quiet_for(&mut rx, Duration::from_millis(2500)).await;
    assert!(
        !rest
            .iter()
            .any(|a| matches!(a, WebhookActivity::SyncStarted { .. })),
        "no third sync: {rest:?}"
    );
    // An event for something FlightDesk does not keep is reported, not synced.
    w.set_faults("").await;
    let (body, sig) = signed(9, "quote.created");
    assert_eq!(post(&url, body.as_bytes(), Some(&sig)).await.0, 200);
    let seen = quiet_for(&mut rx, Duration::from_millis(800)).await;
    assert!(
        seen.iter()
            .any(|a| matches!(a, WebhookActivity::Ignored { .. })),
        "{seen:?}"
    );
    assert!(!seen
        .iter()
        .any(|a| matches!(a, WebhookActivity::SyncStarted { .. })));
    server.shutdown().await;
}

/// The real engine, except that the run after `explode` is set panics before it starts.
struct PanicsOnce {
    engine: flightdesk_sync::runner::EngineJob,
    explode: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl flightdesk_sync::runner::SyncJob for PanicsOnce {
    fn run(
        &self,
        options: flightdesk_sync::SyncOptions,
        progress: flightdesk_sync::runner::Progress,
    ) -> flightdesk_sync::runner::JobFuture {
        let explode = self
            .explode
            .swap(false, std::sync::atomic::Ordering::SeqCst);
        let engine = self.engine.run(options, progress);
        Box::pin(async move {
            if explode {
                panic!("decoder overflow");
            }
            engine.await
        })
    }
}

#[tokio::test]
async fn a_webhook_sync_that_panics_is_reported_and_the_next_post_still_syncs() {
    let w = world("").await;
    aviationalley(&w).await;
    let explode = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let job = std::sync::Arc::new(PanicsOnce {
        engine: flightdesk_sync::runner::EngineJob {
            workspace: w.workspace.clone(),
        },
        explode: explode.clone(),
    });
    let (tx, mut rx) = mpsc::unbounded_channel();
    let server = webhooks::start_with_job(
        &w.workspace,
        WebhookServeOptions {
            bind: "127.0.0.1:0".parse().unwrap(),
            client: ClientOptions::fast(),
        },
        job,
        move |a: &WebhookActivity| {
            let _ = tx.send(a.clone());
        },
    )
    .await
    .unwrap();
    let url = server.url_for(AA, "centre");
    let body = r#"{"id":"evt_1","type":"trainee.updated","data":{"id":"x1"}}"#;
    let sig = sign(SECRET.as_bytes(), body.as_bytes());
    assert_eq!(post(&url, body.as_bytes(), Some(&sig)).await.0, 200);
    let failed = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match rx.recv().await.expect("the worker survives the panic") {
                WebhookActivity::SyncFailed { error, .. } => return error,
                WebhookActivity::SyncFinished { .. } => panic!("the first sync should panic"),
                _ => {}
            }
        }
    })
    .await
    .expect("the panic is reported within 20 s");
    assert!(failed.contains("stopped unexpectedly"), "{failed}");
    assert!(failed.contains("decoder overflow"), "{failed}");

    let body = r#"{"id":"evt_2","type":"trainee.updated","data":{"id":"x2"}}"#;
    let sig = sign(SECRET.as_bytes(), body.as_bytes());
    assert_eq!(post(&url, body.as_bytes(), Some(&sig)).await.0, 200);
    let (account, resources, _, report) = next_sync(&mut rx).await;
    assert_eq!(
        (account.as_str(), resources),
        ("centre", vec!["trainees".to_string()])
    );
    assert!(!report.failed(), "{report:?}");
    server.shutdown().await;
}
