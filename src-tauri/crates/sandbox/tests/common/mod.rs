//! Test helpers: a pinned sandbox and a small JSON client.
#![allow(dead_code)]

use flightdesk_sandbox::{start, FaultSpec, Provider, RunningSandbox, SandboxConfig};
use serde_json::Value;

pub const NOW: &str = "2026-03-02T09:30:00Z";

pub fn config() -> SandboxConfig {
    SandboxConfig {
        now: Some(NOW.parse().unwrap()),
        ..SandboxConfig::default()
    }
}

pub async fn sandbox() -> RunningSandbox {
    start(config()).await.unwrap()
}

pub async fn sandbox_with(faults: &str) -> RunningSandbox {
    start(SandboxConfig {
        faults: FaultSpec::parse(faults).unwrap(),
        ..config()
    })
    .await
    .unwrap()
}

/// The token of the credential with `role` for provider `p`.
pub fn token(sb: &RunningSandbox, p: Provider, role: &str) -> String {
    credential(sb, p, role)["token"]
        .as_str()
        .unwrap()
        .to_string()
}

pub fn credential(sb: &RunningSandbox, p: Provider, role: &str) -> Value {
    sb.credential(p, role)
        .unwrap_or_else(|| panic!("no credential {role} for {p}"))
}

pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {:?}",
                &self.text[..self.text.len().min(300)]
            )
        })
    }
    pub fn header(&self, k: &str) -> Option<String> {
        self.headers.get(k).map(|v| v.to_str().unwrap().to_string())
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

pub async fn send(rb: reqwest::RequestBuilder) -> Resp {
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap_or_default();
    Resp {
        status,
        headers,
        text,
    }
}

pub async fn get(url: &str, bearer: Option<&str>) -> Resp {
    let mut rb = client().get(url);
    if let Some(t) = bearer {
        rb = rb.bearer_auth(t);
    }
    send(rb).await
}

pub async fn admin_post(sb: &RunningSandbox, path: &str, body: Value) -> Resp {
    send(
        client()
            .post(format!("{}{path}", sb.admin_url()))
            .json(&body),
    )
    .await
}

pub async fn admin_put(sb: &RunningSandbox, path: &str, body: Value) -> Resp {
    send(
        client()
            .put(format!("{}{path}", sb.admin_url()))
            .json(&body),
    )
    .await
}

pub async fn admin_patch(sb: &RunningSandbox, path: &str, body: Value) -> Resp {
    send(
        client()
            .patch(format!("{}{path}", sb.admin_url()))
            .json(&body),
    )
    .await
}

pub async fn admin_get(sb: &RunningSandbox, path: &str) -> Resp {
    send(client().get(format!("{}{path}", sb.admin_url()))).await
}

/// A tiny webhook receiver on a free loopback port: returns (url, received bodies+headers).
pub async fn receiver(
    status: u16,
) -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, String)>>>,
) {
    use axum::routing::post;
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        post(move |h: axum::http::HeaderMap, body: String| {
            let g = g.clone();
            async move {
                g.lock().unwrap().push((h, body));
                axum::http::StatusCode::from_u16(status).unwrap()
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", l.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(l, app).await.ok() });
    (url, got)
}

pub async fn wait_for<F: Fn() -> bool>(f: F) -> bool {
    for _ in 0..100 {
        if f() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}
