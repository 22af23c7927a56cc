//! The receiver over real HTTP: pushes from the sandbox (admin trigger) and forged posts.
//! Every test builds its world with the one [`Fixture`].

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

/// One test's world: a receiver on a free loopback port with its event channel, and (for
/// the tests that need pushes) a sandbox with fast webhook retries.
struct Fixture {
    receiver: Receiver,
    events: mpsc::UnboundedReceiver<WebhookEvent>,
    sandbox: Option<RunningSandbox>,
    http: reqwest::Client,
}

impl Fixture {
    /// A receiver with `routes` only (forged posts).
    async fn receiver(routes: Vec<Route>) -> Self {
        let (tx, events) = mpsc::unbounded_channel();
        let receiver = start(ReceiverConfig::loopback_any_port(), routes, tx)
            .await
            .unwrap();
        Fixture {
            receiver,
            events,
            sandbox: None,
            http: reqwest::Client::new(),
        }
    }

    /// A receiver with `routes` and a sandbox to push to it.
    async fn with_sandbox(routes: Vec<Route>) -> Self {
        let mut f = Self::receiver(routes).await;
        f.sandbox = Some(
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
            .unwrap(),
        );
        f
    }

    fn sandbox(&self) -> &RunningSandbox {
        self.sandbox.as_ref().expect("a fixture with a sandbox")
    }

    fn url(&self, provider: Provider, account: &str) -> String {
        self.receiver.url_for(provider, account)
    }

    async fn admin(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}/{path}", self.sandbox().admin_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    /// Registers `url` as the sandbox's endpoint for `provider` (with `secret` if signed).
    async fn register(&self, provider: &str, url: &str, secret: Option<&str>) {
        let mut body = json!({"provider": provider, "url": url});
        if let Some(s) = secret {
            body["secret"] = json!(s);
        }
        self.admin("webhooks/endpoints", body).await;
    }

    /// Asks the sandbox to send `event` of `provider` now.
    async fn trigger(&self, provider: &str, event: Option<&str>) {
        let mut body = json!({"provider": provider});
        if let Some(e) = event {
            body["event"] = json!(e);
        }
        self.admin("webhooks/trigger", body).await;
    }

    async fn next_event(&mut self) -> WebhookEvent {
        tokio::time::timeout(Duration::from_secs(10), self.events.recv())
            .await
            .expect("an event within 10 s")
            .expect("channel open")
    }

    fn no_event(&mut self) -> bool {
        self.events.try_recv().is_err()
    }

    /// Waits until every delivery in the sandbox log was attempted (or fails the test).
    async fn deliveries(&self) -> Vec<Value> {
        for _ in 0..100 {
            let v: Value = self
                .http
                .get(format!(
                    "{}/webhooks/deliveries",
                    self.sandbox().admin_url()
                ))
                .send()
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

    async fn shutdown(self) {
        self.receiver.shutdown().await;
        if let Some(sb) = self.sandbox {
            sb.shutdown().await;
        }
    }
}

fn routes() -> Vec<Route> {
    vec![
        Route::aviationalley("aa-school", Secret::new(SECRET)),
        Route::airbly("airbly-school", SCHOOL_GROUP),
    ]
}

#[tokio::test]
async fn aviationalley_signed_push_from_the_sandbox_is_accepted() {
    let mut f = Fixture::with_sandbox(routes()).await;
    let url = f.url(Provider::AviationAlley, "aa-school");
    f.register("aviationalley", &url, Some(SECRET)).await;
    f.trigger("aviationalley", Some("booking.cancelled")).await;
    let ev = f.next_event().await;
    assert_eq!(ev.provider, Provider::AviationAlley);
    assert_eq!(ev.account, "aa-school");
    assert_eq!(ev.event, "booking.cancelled");
    assert_eq!(ev.resources, ["bookings"]);
    assert_eq!(ev.ids.len(), 1);
    let d = f.deliveries().await;
    assert!(d.iter().all(|x| x["delivered"] == true), "{d:?}");
    f.shutdown().await;
}

#[tokio::test]
async fn aviationalley_push_signed_with_another_secret_is_rejected() {
    let mut f = Fixture::with_sandbox(routes()).await;
    let url = f.url(Provider::AviationAlley, "aa-school");
    f.register("aviationalley", &url, Some("whsec_someone_else"))
        .await;
    f.trigger("aviationalley", Some("invoice.paid")).await;
    let d = f.deliveries().await;
    assert_eq!(d[0]["last_status"], 401, "{d:?}");
    assert_eq!(d[0]["delivered"], false);
    assert!(f.no_event());
    f.shutdown().await;
}

#[tokio::test]
async fn forged_aviationalley_posts_are_rejected() {
    let mut f = Fixture::receiver(routes()).await;
    let url = f.url(Provider::AviationAlley, "aa-school");
    let c = f.http.clone();
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
        .post(f.url(Provider::AviationAlley, "nobody"))
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
    assert!(f.no_event(), "no event from a rejected post");
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
    let ev = f.next_event().await;
    assert_eq!(ev.resources, ["work-orders"]);
    assert_eq!(ev.ids, ["wo_9"]);
    f.shutdown().await;
}

#[tokio::test]
async fn airbly_push_from_the_sandbox_is_confirmed() {
    let mut f = Fixture::with_sandbox(routes()).await;
    let url = f.url(Provider::Airbly, "airbly-school");
    f.register("airbly", &url, None).await;
    f.trigger("airbly", None).await;
    let ev = f.next_event().await;
    assert_eq!(ev.provider, Provider::Airbly);
    assert_eq!(ev.account, "airbly-school");
    assert_eq!(ev.event, "webhookAssetList");
    assert_eq!(ev.resources, ["assets"]);
    assert!(!ev.ids.is_empty());
    // The sandbox only counts it delivered when the confirmation is right.
    let d = f.deliveries().await;
    assert!(d.iter().all(|x| x["delivered"] == true), "{d:?}");
    f.shutdown().await;
}

#[tokio::test]
async fn airbly_push_for_an_unconnected_group_is_refused_and_retried() {
    let mut f = Fixture::with_sandbox(vec![Route::airbly(
        "other",
        "00000001-4444-1100-0000-00000000beef",
    )])
    .await;
    let url = f.url(Provider::Airbly, "other");
    f.register("airbly", &url, None).await;
    f.trigger("airbly", None).await;
    let d = f.deliveries().await;
    assert_eq!(d[0]["last_status"], 403, "{d:?}");
    assert_eq!(d[0]["delivered"], false);
    assert!(f.no_event());
    f.shutdown().await;
}

#[tokio::test]
async fn forged_and_malformed_airbly_posts() {
    let mut f = Fixture::receiver(routes()).await;
    let c = f.http.clone();
    let any = format!("http://{}/webhooks/airbly", f.receiver.addr());
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
        f.url(Provider::Airbly, "aa-school"),
        json!({"cmd": "webhookAssetList", "group": {"uuid": SCHOOL_GROUP}, "assets": []}),
    )
    .await;
    assert_eq!(st, 404);
    assert!(f.no_event());
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
    let ev = f.next_event().await;
    assert_eq!(ev.account, "airbly-school");
    assert_eq!(ev.ids, ["00000001-4444-2000-8846-001471040618"]);
    f.shutdown().await;
}

#[tokio::test]
async fn routes_can_be_replaced_and_the_default_bind_is_loopback() {
    assert!(ReceiverConfig::default().bind.ip().is_loopback());
    let mut f = Fixture::receiver(vec![]).await;
    assert!(f.receiver.addr().ip().is_loopback());
    let body = json!({"cmd": "webhookAssetList", "group": {"uuid": SCHOOL_GROUP}, "assets": []});
    let url = format!("http://{}/webhooks/airbly", f.receiver.addr());
    let c = f.http.clone();
    assert_eq!(c.post(&url).json(&body).send().await.unwrap().status(), 403);
    f.receiver.set_routes(routes());
    assert_eq!(c.post(&url).json(&body).send().await.unwrap().status(), 200);
    assert_eq!(f.next_event().await.account, "airbly-school");
    f.shutdown().await;
}
