//! FlightDesk's optional local webhook receiver.
//!
//! Off by default. When started it binds `127.0.0.1` (unless the caller chooses another
//! address) and accepts:
//!
//! - **AviationAlley** event posts at `POST /webhooks/aviationalley/{account}`. Each post must
//!   carry `X-AviationAlley-Signature`: the hex HMAC-SHA256 of the raw body under that
//!   endpoint's signing secret. The signature is checked in constant time; unsigned or badly
//!   signed posts get 401 and yield nothing.
//! - **Airbly** asset pushes at `POST /webhooks/airbly/{account}` (or `POST /webhooks/airbly`,
//!   matched by group). Airbly does not sign, so a post is accepted only when its group UUID
//!   is the group of a connected account. The reply is the documented confirmation
//!   (`cmd`, `group_uuid`, `server_timestamp`, `asset_count`, `error`); malformed bodies get
//!   400 with a non-empty `error`, so Airbly retries rather than counting them delivered.
//!
//! Every accepted post yields one [`WebhookEvent`] naming the account and the resources that
//! changed, so the sync engine can run an incremental sync of just those. The receiver never
//! writes to the store itself: the posted data is only a hint, and the sync reads the truth
//! from the provider's API.
//!
//! A real provider must reach this receiver from the internet, which a laptop's loopback
//! address is not: put a tunnel or relay with a public URL in front of it (see
//! `docs/webhooks.md`).

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use flightdesk_core::Provider;
use flightdesk_secrets::Secret;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::mpsc;

/// The header AviationAlley signs its posts with.
pub const AVIATIONALLEY_SIGNATURE_HEADER: &str = "X-AviationAlley-Signature";
/// The only command Airbly pushes.
pub const AIRBLY_WEBHOOK_CMD: &str = "webhookAssetList";
/// The port the app uses when the user turns the receiver on without choosing one.
pub const DEFAULT_PORT: u16 = 47_810;

const ZERO_UUID: &str = "00000000-0000-0000-0000-000000000000";

/// Where and how the receiver listens.
#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// Defaults to `127.0.0.1:47810`; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Largest body accepted (Airbly pushes carry GPS points and can be large).
    pub max_body_bytes: usize,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

impl ReceiverConfig {
    /// Loopback on a free port (tests).
    pub fn loopback_any_port() -> Self {
        ReceiverConfig {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..ReceiverConfig::default()
        }
    }
}

/// One connected account the receiver accepts posts for.
#[derive(Debug, Clone)]
pub struct Route {
    /// The account's name (as in `flightdesk accounts`); also the last path segment.
    pub account: String,
    pub kind: RouteKind,
}

#[derive(Debug, Clone)]
pub enum RouteKind {
    /// The endpoint's signing secret, from the keyring.
    AviationAlley { signing_secret: Secret },
    /// The connected group's UUID (Airbly's posts are unsigned).
    Airbly { group_uuid: String },
}

impl Route {
    pub fn aviationalley(account: impl Into<String>, signing_secret: Secret) -> Self {
        Route {
            account: account.into(),
            kind: RouteKind::AviationAlley { signing_secret },
        }
    }
    pub fn airbly(account: impl Into<String>, group_uuid: impl Into<String>) -> Self {
        Route {
            account: account.into(),
            kind: RouteKind::Airbly {
                group_uuid: group_uuid.into(),
            },
        }
    }
    fn provider(&self) -> Provider {
        match self.kind {
            RouteKind::AviationAlley { .. } => Provider::AviationAlley,
            RouteKind::Airbly { .. } => Provider::Airbly,
        }
    }
}

/// What an accepted post says changed: run an incremental sync of these resources of this
/// account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookEvent {
    pub provider: Provider,
    /// The account name.
    pub account: String,
    /// Connector resource names (`sync_state` keys) to sync: `bookings`, `assets`, ...
    pub resources: Vec<String>,
    /// The provider's event name (`booking.created`, `webhookAssetList`).
    pub event: String,
    /// Provider ids named in the post (the AviationAlley object id, the Airbly asset UUIDs).
    pub ids: Vec<String>,
}

/// Which AviationAlley connector resources an event touches.
pub fn aviationalley_resources(event: &str) -> Vec<String> {
    let family = event.split('.').next().unwrap_or(event);
    let r: &[&str] = match family {
        "booking" => &["bookings"],
        "workorder" => &["work-orders"],
        "invoice" => &["invoices"],
        "trainee" => &["trainees"],
        "compliance" => &["compliance-items"],
        // Not cached by FlightDesk: still reported, the engine ignores unknown resources.
        "bidding" => &["bidding"],
        "quote" => &["quotes"],
        other => return vec![other.to_string()],
    };
    r.iter().map(|s| s.to_string()).collect()
}

/// The resources an Airbly push touches: the Airbly connector's one resource, which holds
/// both aircraft and their logs.
pub const AIRBLY_RESOURCES: [&str; 1] = ["assets"];

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("cannot listen on {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
}

#[derive(Clone)]
struct Shared {
    routes: Arc<RwLock<Vec<Route>>>,
    events: mpsc::UnboundedSender<WebhookEvent>,
}

/// A running receiver. Events arrive on the channel given to [`start`].
pub struct Receiver {
    addr: SocketAddr,
    routes: Arc<RwLock<Vec<Route>>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Receiver {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The local URL a provider (or the tunnel in front of this receiver) should post to.
    pub fn url_for(&self, provider: Provider, account: &str) -> String {
        format!(
            "http://{}/webhooks/{}/{}",
            self.addr,
            provider.as_str(),
            encode_segment(account)
        )
    }

    /// Replaces the accepted accounts (after a connect, disconnect or key rotation).
    pub fn set_routes(&self, routes: Vec<Route>) {
        *self.routes.write().expect("routes lock") = routes;
    }

    pub async fn shutdown(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let abort = t.abort_handle();
            if tokio::time::timeout(Duration::from_secs(3), t)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

/// Starts the receiver. Accepted posts are sent to `events`.
pub async fn start(
    config: ReceiverConfig,
    routes: Vec<Route>,
    events: mpsc::UnboundedSender<WebhookEvent>,
) -> Result<Receiver, WebhookError> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .map_err(|e| WebhookError::Bind(config.bind, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| WebhookError::Bind(config.bind, e))?;
    let routes = Arc::new(RwLock::new(routes));
    let app = router(
        Shared {
            routes: routes.clone(),
            events,
        },
        config.max_body_bytes,
    );
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    tracing::info!(%addr, "webhook receiver listening");
    Ok(Receiver {
        addr,
        routes,
        stop: Some(tx),
        task: Some(task),
    })
}

fn router(shared: Shared, limit: usize) -> Router {
    Router::new()
        .route("/webhooks/health", get(|| async { "ok" }))
        .route("/webhooks/aviationalley/{account}", post(aviationalley))
        .route("/webhooks/airbly", post(airbly_any))
        .route("/webhooks/airbly/{account}", post(airbly_account))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(shared)
}

fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// AviationAlley.

fn aa_error(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "error": msg }))).into_response()
}

/// Checks `signature` (hex) against HMAC-SHA256(secret, body) in constant time.
pub fn verify_signature(secret: &[u8], body: &[u8], signature: &str) -> bool {
    let sig = signature.trim();
    // Some senders prefix the algorithm; the digest is what counts.
    let sig = sig.strip_prefix("sha256=").unwrap_or(sig);
    let Ok(raw) = hex::decode(sig) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return false;
    };
    mac.update(body);
    // `verify_slice` compares in constant time (and rejects a wrong length).
    mac.verify_slice(&raw).is_ok()
}

/// The hex signature of `body` under `secret` (for tests and tools that forward posts).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

async fn aviationalley(
    State(s): State<Shared>,
    Path(account): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let secret = {
        let routes = s.routes.read().expect("routes lock");
        routes.iter().find_map(|r| match &r.kind {
            RouteKind::AviationAlley { signing_secret } if r.account == account => {
                Some(signing_secret.clone())
            }
            _ => None,
        })
    };
    let Some(secret) = secret else {
        return aa_error(StatusCode::NOT_FOUND, "no such AviationAlley account");
    };
    let Some(sig) = headers
        .get(AVIATIONALLEY_SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
    else {
        tracing::warn!(%account, "unsigned AviationAlley webhook rejected");
        return aa_error(StatusCode::UNAUTHORIZED, "missing signature");
    };
    if !verify_signature(secret.expose().as_bytes(), &body, sig) {
        tracing::warn!(%account, "badly signed AviationAlley webhook rejected");
        return aa_error(StatusCode::UNAUTHORIZED, "bad signature");
    }
    let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(&body) else {
        return aa_error(StatusCode::BAD_REQUEST, "body is not a JSON object");
    };
    let event = v
        .get("type")
        .or_else(|| v.get("event"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            headers
                .get("X-AviationAlley-Event")
                .and_then(|h| h.to_str().ok())
                .map(str::to_string)
        });
    let Some(event) = event.filter(|e| !e.is_empty()) else {
        return aa_error(StatusCode::BAD_REQUEST, "no event type");
    };
    let ids = v
        .get("data")
        .and_then(|d| d.get("id"))
        .map(|id| match id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .into_iter()
        .collect();
    let _ = s.events.send(WebhookEvent {
        provider: Provider::AviationAlley,
        account,
        resources: aviationalley_resources(&event),
        event,
        ids,
    });
    (StatusCode::OK, Json(json!({ "received": true }))).into_response()
}

// ---------------------------------------------------------------------------------------------
// Airbly.

/// The documented confirmation body.
fn airbly_reply(status: StatusCode, cmd: &str, group: &str, count: usize, error: &str) -> Response {
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    (
        status,
        Json(json!({
            "cmd": cmd,
            "group_uuid": group,
            "server_timestamp": now_ms,
            "asset_count": count,
            "error": error,
        })),
    )
        .into_response()
}

/// A parsed Airbly push: group UUID, asset UUIDs.
struct AirblyPush {
    cmd: String,
    group: String,
    assets: Vec<String>,
}

/// Reads a push the way the documented PHP sample does, and also from the nested
/// `webhookAssetList` object the envelope carries. Returns (cmd, group, message) on failure.
fn parse_airbly(body: &[u8]) -> Result<AirblyPush, (String, String, String)> {
    let unknown = |g: &str, m: &str| ("unknown".to_string(), g.to_string(), m.to_string());
    if body.is_empty() {
        return Err(unknown(ZERO_UUID, "No data was received"));
    }
    let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(body) else {
        return Err(unknown(ZERO_UUID, "Invalid json data received"));
    };
    let nested = v.get(AIRBLY_WEBHOOK_CMD).filter(|n| n.is_object());
    let pick = |k: &str| v.get(k).or_else(|| nested.and_then(|n| n.get(k)));
    let Some(group) = pick("group")
        .and_then(|g| g.get("uuid"))
        .and_then(Value::as_str)
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
    else {
        return Err(unknown(ZERO_UUID, "No group uuid was received"));
    };
    let Some(cmd) = v.get("cmd").and_then(Value::as_str).map(str::to_string) else {
        return Err(unknown(&group, "No cmd was received"));
    };
    if cmd != AIRBLY_WEBHOOK_CMD {
        return Err((cmd, group, "Invalid command was received".into()));
    }
    let assets: Vec<&Value> = match pick("assets") {
        Some(Value::Array(a)) => a.iter().collect(),
        // Tolerate an object keyed by asset, as the docs show objects where tables say arrays.
        Some(Value::Object(o)) => o.values().collect(),
        _ => return Err((cmd, group, "No assets were received".into())),
    };
    let mut ids = vec![];
    for a in assets {
        match a.get("uuid").and_then(Value::as_str) {
            Some(u) => ids.push(u.to_ascii_lowercase()),
            None => return Err((cmd, group, "An asset without a uuid was received".into())),
        }
    }
    Ok(AirblyPush {
        cmd,
        group,
        assets: ids,
    })
}

fn airbly_handle(s: &Shared, account: Option<&str>, body: &[u8]) -> Response {
    let push = match parse_airbly(body) {
        Ok(p) => p,
        Err((cmd, group, msg)) => {
            tracing::warn!(%msg, "malformed Airbly webhook rejected");
            return airbly_reply(StatusCode::BAD_REQUEST, &cmd, &group, 0, &msg);
        }
    };
    let matched = {
        let routes = s.routes.read().expect("routes lock");
        routes
            .iter()
            .filter(|r| account.is_none_or(|a| r.account == a))
            .filter_map(|r| match &r.kind {
                RouteKind::Airbly { group_uuid }
                    if group_uuid.trim().eq_ignore_ascii_case(&push.group) =>
                {
                    Some(r.account.clone())
                }
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    if matched.is_empty() {
        tracing::warn!(group = %push.group, "Airbly webhook for a group that is not connected");
        return airbly_reply(
            StatusCode::FORBIDDEN,
            &push.cmd,
            &push.group,
            0,
            "This group is not connected here",
        );
    }
    for account in matched {
        let _ = s.events.send(WebhookEvent {
            provider: Provider::Airbly,
            account,
            resources: AIRBLY_RESOURCES.iter().map(|r| r.to_string()).collect(),
            event: push.cmd.clone(),
            ids: push.assets.clone(),
        });
    }
    airbly_reply(
        StatusCode::OK,
        &push.cmd,
        &push.group,
        push.assets.len(),
        "",
    )
}

async fn airbly_any(State(s): State<Shared>, body: Bytes) -> Response {
    airbly_handle(&s, None, &body)
}

async fn airbly_account(
    State(s): State<Shared>,
    Path(account): Path<String>,
    body: Bytes,
) -> Response {
    let known = s
        .routes
        .read()
        .expect("routes lock")
        .iter()
        .any(|r| r.account == account && r.provider() == Provider::Airbly);
    if !known {
        return airbly_reply(
            StatusCode::NOT_FOUND,
            "unknown",
            ZERO_UUID,
            0,
            "No such Airbly account",
        );
    }
    airbly_handle(&s, Some(&account), &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_and_reject() {
        let sig = sign(b"whsec_x", b"{\"a\":1}");
        assert!(verify_signature(b"whsec_x", b"{\"a\":1}", &sig));
        assert!(verify_signature(
            b"whsec_x",
            b"{\"a\":1}",
            &format!("sha256={sig}")
        ));
        assert!(verify_signature(
            b"whsec_x",
            b"{\"a\":1}",
            &sig.to_uppercase()
        ));
        assert!(!verify_signature(b"whsec_y", b"{\"a\":1}", &sig));
        assert!(!verify_signature(b"whsec_x", b"{\"a\":2}", &sig));
        assert!(!verify_signature(b"whsec_x", b"{\"a\":1}", &sig[..62]));
        assert!(!verify_signature(b"whsec_x", b"{\"a\":1}", "zz"));
        assert!(!verify_signature(b"whsec_x", b"{\"a\":1}", ""));
    }

    #[test]
    fn event_families_map_to_resources() {
        assert_eq!(aviationalley_resources("booking.cancelled"), ["bookings"]);
        assert_eq!(
            aviationalley_resources("workorder.completed"),
            ["work-orders"]
        );
        assert_eq!(
            aviationalley_resources("compliance.overdue"),
            ["compliance-items"]
        );
        assert_eq!(aviationalley_resources("mystery"), ["mystery"]);
    }

    #[test]
    fn airbly_bodies_are_read_like_the_sample() {
        let ok = br#"{"cmd":"webhookAssetList","group":{"uuid":"ABC"},"assets":[{"uuid":"X1"}]}"#;
        let p = parse_airbly(ok).ok().unwrap();
        assert_eq!((p.group.as_str(), p.assets.len()), ("abc", 1));
        let nested =
            br#"{"cmd":"webhookAssetList","webhookAssetList":{"group":{"uuid":"g"},"assets":[]}}"#;
        assert!(parse_airbly(nested).is_ok());
        for bad in [
            &b""[..],
            b"not json",
            b"[]",
            br#"{"cmd":"webhookAssetList","assets":[]}"#,
            br#"{"group":{"uuid":"g"},"assets":[]}"#,
            br#"{"cmd":"assetList","group":{"uuid":"g"},"assets":[]}"#,
            br#"{"cmd":"webhookAssetList","group":{"uuid":"g"}}"#,
            br#"{"cmd":"webhookAssetList","group":{"uuid":"g"},"assets":[{"ident":"N1"}]}"#,
        ] {
            assert!(
                parse_airbly(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn account_names_are_path_safe() {
        assert_eq!(encode_segment("school a/b"), "school%20a%2Fb");
    }
}
