//! The receiver over real HTTP: pushes from the sandbox (admin trigger) and forged posts.

use std::time::Duration;

use flightdesk_core::Provider;
use flightdesk_sandbox::{start as start_sandbox, RunningSandbox, SandboxConfig, Timers};
use flightdesk_secrets::Secret;
use flightdesk_webhooks::{
    sign, start, Receiver, ReceiverConfig, Route, WebhookEvent, AVIATIONALLEY_SIGNATURE_HEADER,
};
use serde_json::{json, Value};
use tokio::sync::mpsc;

const SECRET: &str = "whsec_test_signing_secret";
const SCHOOL_GROUP: &str = "00000001-4444-1100-0000-000000000002";

async fn sandbox() -> RunningSandbox {
    start_sandbox(SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        timers: Timers {
            webhook_retry: Duration::from_millis(200),
            webhook_max_attempts: 3,
            ..Timers::default()
        },
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

async fn receiver(routes: Vec<Route>) -> (Receiver, mpsc::UnboundedReceiver<WebhookEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let r = start(ReceiverConfig::loopback_any_port(), routes, tx)
        .await
        .unwrap();
    (r, rx)
}

fn routes() -> Vec<Route> {
    vec![
        Route::aviationalley("aa-school", Secret::new(SECRET)),
        Route::airbly("airbly-school", SCHOOL_GROUP),
    ]
}

async fn admin(sb: &RunningSandbox, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}/{path}", sb.admin_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    let v: Value = r.json().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {v}");
    v
}

async fn next_event(rx: &mut mpsc::UnboundedReceiver<WebhookEvent>) -> WebhookEvent {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("an event within 10 s")
        .expect("channel open")
}

/// Waits until every delivery in the sandbox log is delivered (or fails the test).
async fn deliveries(sb: &RunningSandbox) -> Vec<Value> {
    for _ in 0..100 {
        let v: Value = reqwest::get(format!("{}/webhooks/deliveries", sb.admin_url()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let d = v["deliveries"].as_array().cloned().unwrap_or_default();
        if !d.is_empty() && d.iter().all(|x| x["attempts"].as_u64() >= Some(1)) {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no delivery attempt logged");
}

#[tokio::test]
async fn aviationalley_signed_push_from_the_sandbox_is_accepted() {
    let sb = sandbox().await;
    let (r, mut rx) = receiver(routes()).await;
    let url = r.url_for(Provider::AviationAlley, "aa-school");
    admin(
        &sb,
        "webhooks/endpoints",
        json!({"provider": "aviationalley", "url": url, "secret": SECRET}),
    )
    .await;
    admin(
        &sb,
        "webhooks/trigger",
        json!({"provider": "aviationalley", "event": "booking.cancelled"}),
    )
    .await;
    let ev = next_event(&mut rx).await;
    assert_eq!(ev.provider, Provider::AviationAlley);
    assert_eq!(ev.account, "aa-school");
    assert_eq!(ev.event, "booking.cancelled");
    assert_eq!(ev.resources, ["bookings"]);
    assert_eq!(ev.ids.len(), 1);
    let d = deliveries(&sb).await;
    assert!(d.iter().all(|x| x["delivered"] == true), "{d:?}");
    r.shutdown().await;
    sb.shutdown().await;
}

#[tokio::test]
async fn aviationalley_push_signed_with_another_secret_is_rejected() {
    let sb = sandbox().await;
    let (r, mut rx) = receiver(routes()).await;
    let url = r.url_for(Provider::AviationAlley, "aa-school");
    admin(
        &sb,
        "webhooks/endpoints",
        json!({"provider": "aviationalley", "url": url, "secret": "whsec_someone_else"}),
    )
    .await;
    admin(
        &sb,
        "webhooks/trigger",
        json!({"provider": "aviationalley", "event": "invoice.paid"}),
    )
    .await;
    let d = deliveries(&sb).await;
    assert_eq!(d[0]["last_status"], 401, "{d:?}");
    assert_eq!(d[0]["delivered"], false);
    assert!(rx.try_recv().is_err());
    r.shutdown().await;
    sb.shutdown().await;
}

#[tokio::test]
async fn forged_aviationalley_posts_are_rejected() {
    let (r, mut rx) = receiver(routes()).await;
    let url = r.url_for(Provider::AviationAlley, "aa-school");
    let c = reqwest::Client::new();
    let body = br#"{"id":"evt_1","type":"workorder.completed","data":{"id":"wo_9"}}"#.to_vec();
    let good = sign(SECRET.as_bytes(), &body);
    // Unsigned.
    let st = c
        .post(&url)
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 401);
    // Wrong signature, right length.
    let mut bad = good.clone().into_bytes();
    bad[0] = if bad[0] == b'0' { b'1' } else { b'0' };
    let st = c
        .post(&url)
        .header(
            AVIATIONALLEY_SIGNATURE_HEADER,
            String::from_utf8(bad).unwrap(),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 401);
    // Good signature over a different body (tampered in transit).
    let st = c
        .post(&url)
        .header(AVIATIONALLEY_SIGNATURE_HEADER, &good)
        .body(br#"{"id":"evt_1","type":"workorder.completed","data":{"id":"wo_8"}}"#.to_vec())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 401);
    // Not hex.
    let st = c
        .post(&url)
        .header(AVIATIONALLEY_SIGNATURE_HEADER, "not-hex")
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 401);
    // Unknown account.
    let st = c
        .post(r.url_for(Provider::AviationAlley, "nobody"))
        .header(AVIATIONALLEY_SIGNATURE_HEADER, &good)
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 404);
    // Signed garbage is still malformed.
    let junk = b"{not json".to_vec();
    let st = c
        .post(&url)
        .header(
            AVIATIONALLEY_SIGNATURE_HEADER,
            sign(SECRET.as_bytes(), &junk),
        )
        .body(junk)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 400);
    assert!(rx.try_recv().is_err(), "no event from a rejected post");
    // The genuine one passes.
    let st = c
        .post(&url)
        .header(AVIATIONALLEY_SIGNATURE_HEADER, &good)
        .body(body)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 200);
    let ev = next_event(&mut rx).await;
    assert_eq!(ev.resources, ["work-orders"]);
    assert_eq!(ev.ids, ["wo_9"]);
    r.shutdown().await;
}

#[tokio::test]
async fn airbly_push_from_the_sandbox_is_confirmed() {
    let sb = sandbox().await;
    let (r, mut rx) = receiver(routes()).await;
    let url = r.url_for(Provider::Airbly, "airbly-school");
    admin(
        &sb,
        "webhooks/endpoints",
        json!({"provider": "airbly", "url": url}),
    )
    .await;
    admin(&sb, "webhooks/trigger", json!({"provider": "airbly"})).await;
    let ev = next_event(&mut rx).await;
    assert_eq!(ev.provider, Provider::Airbly);
    assert_eq!(ev.account, "airbly-school");
    assert_eq!(ev.event, "webhookAssetList");
    assert_eq!(ev.resources, ["assets"]);
    assert!(!ev.ids.is_empty());
    // The sandbox only counts it delivered when the confirmation is right.
    let d = deliveries(&sb).await;
    assert!(d.iter().all(|x| x["delivered"] == true), "{d:?}");
    r.shutdown().await;
    sb.shutdown().await;
}

#[tokio::test]
async fn airbly_push_for_an_unconnected_group_is_refused_and_retried() {
    let sb = sandbox().await;
    let (r, mut rx) = receiver(vec![Route::airbly(
        "other",
        "00000001-4444-1100-0000-00000000beef",
    )])
    .await;
    admin(
        &sb,
        "webhooks/endpoints",
        json!({"provider": "airbly", "url": r.url_for(Provider::Airbly, "other")}),
    )
    .await;
    admin(&sb, "webhooks/trigger", json!({"provider": "airbly"})).await;
    let d = deliveries(&sb).await;
    assert_eq!(d[0]["last_status"], 403, "{d:?}");
    assert_eq!(d[0]["delivered"], false);
    assert!(rx.try_recv().is_err());
    r.shutdown().await;
    sb.shutdown().await;
}

#[tokio::test]
async fn forged_and_malformed_airbly_posts() {
    let (r, mut rx) = receiver(routes()).await;
    let c = reqwest::Client::new();
    let any = format!("http://{}/webhooks/airbly", r.addr());
    let post = |url: String, body: Value| {
        let c = c.clone();
        async move {
            let resp = c.post(url).json(&body).send().await.unwrap();
            let st = resp.status().as_u16();
            (st, resp.json::<Value>().await.unwrap())
        }
    };
    // Right shape, wrong group.
    let (st, v) = post(
        any.clone(),
        json!({"cmd": "webhookAssetList", "group": {"uuid": "00000001-4444-1100-0000-000000000001"}, "assets": []}),
    )
    .await;
    assert_eq!(st, 403);
    assert_ne!(v["error"], "");
    // Malformed variants.
    for body in [
        json!({"cmd": "webhookAssetList", "assets": []}),
        json!({"cmd": "assetList", "group": {"uuid": SCHOOL_GROUP}, "assets": []}),
        json!({"group": {"uuid": SCHOOL_GROUP}, "assets": []}),
        json!({"cmd": "webhookAssetList", "group": {"uuid": SCHOOL_GROUP}, "assets": "N1"}),
        json!([1, 2]),
    ] {
        let (st, v) = post(any.clone(), body.clone()).await;
        assert_eq!(st, 400, "{body}");
        assert_ne!(v["error"], "", "{body}");
        assert_eq!(v["asset_count"], 0);
    }
    let st = c.post(&any).body("<html>").send().await.unwrap().status();
    assert_eq!(st, 400);
    // The right group on another account's path.
    let (st, _) = post(
        r.url_for(Provider::Airbly, "aa-school"),
        json!({"cmd": "webhookAssetList", "group": {"uuid": SCHOOL_GROUP}, "assets": []}),
    )
    .await;
    assert_eq!(st, 404);
    assert!(rx.try_recv().is_err());
    // A good one, upper-case UUID, on the group-matched path.
    let (st, v) = post(
        any,
        json!({"cmd": "webhookAssetList", "group": {"uuid": SCHOOL_GROUP.to_uppercase()},
               "assets": [{"uuid": "00000001-4444-2000-8846-001471040618", "logs": []}]}),
    )
    .await;
    assert_eq!(st, 200);
    assert_eq!(v["cmd"], "webhookAssetList");
    assert_eq!(v["group_uuid"], SCHOOL_GROUP);
    assert_eq!(v["asset_count"], 1);
    assert_eq!(v["error"], "");
    assert!(v["server_timestamp"].as_i64().unwrap() > 1_600_000_000_000);
    let ev = next_event(&mut rx).await;
    assert_eq!(ev.account, "airbly-school");
    assert_eq!(ev.ids, ["00000001-4444-2000-8846-001471040618"]);
    r.shutdown().await;
}

#[tokio::test]
async fn routes_can_be_replaced_and_the_default_bind_is_loopback() {
    assert!(ReceiverConfig::default().bind.ip().is_loopback());
    let (r, mut rx) = receiver(vec![]).await;
    assert!(r.addr().ip().is_loopback());
    let body = json!({"cmd": "webhookAssetList", "group": {"uuid": SCHOOL_GROUP}, "assets": []});
    let url = format!("http://{}/webhooks/airbly", r.addr());
    let c = reqwest::Client::new();
    assert_eq!(c.post(&url).json(&body).send().await.unwrap().status(), 403);
    r.set_routes(routes());
    assert_eq!(c.post(&url).json(&body).send().await.unwrap().status(), 200);
    assert_eq!(next_event(&mut rx).await.account, "airbly-school");
    r.shutdown().await;
}
