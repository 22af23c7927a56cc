//! FlightDesk provider sandbox: one local HTTP server imitating the five provider APIs
//! (AviationAlley, PilotFlows, Airbly, Flight School Booking, Flylogs) over one shared,
//! deterministic training centre, with fault injection and an admin API under `/_sandbox/`.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use flightdesk_sandbox::{start, Provider, SandboxConfig};
//! let sb = start(SandboxConfig::default()).await?;
//! let base = sb.base_url(Provider::AviationAlley); // http://127.0.0.1:PORT/aviationalley/api/v1
//! # let _ = base;
//! sb.shutdown().await;
//! # Ok(()) }
//! ```

// Handlers return `Result<Response, Response>`; the error side is a full response on purpose.
#![allow(clippy::result_large_err)]

pub mod admin;
pub mod cli;
pub mod clock;
pub mod faults;
pub mod link;
pub mod providers;
pub mod webhooks;
pub mod world;

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use cli::{serve, SandboxArgs};
pub use clock::Clock;
pub use faults::FaultSpec;
pub use providers::Credential;
pub use world::{Preset, World};

/// The five providers, in manifest order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    AviationAlley,
    PilotFlows,
    Airbly,
    FlightSchoolBooking,
    Flylogs,
}

impl Provider {
    pub const ALL: [Provider; 5] = [
        Provider::AviationAlley,
        Provider::PilotFlows,
        Provider::Airbly,
        Provider::FlightSchoolBooking,
        Provider::Flylogs,
    ];

    /// The manifest / CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Provider::AviationAlley => "aviationalley",
            Provider::PilotFlows => "pilotflows",
            Provider::Airbly => "airbly",
            Provider::FlightSchoolBooking => "flightschoolbooking",
            Provider::Flylogs => "flylogs",
        }
    }

    /// Path prefix under the listener. `base_url = http://127.0.0.1:PORT + prefix`, and each
    /// provider's documented paths are appended to its base URL unchanged.
    pub fn prefix(self) -> &'static str {
        match self {
            // Real: https://aviationalley.com/api/v1 + /trainees ...
            Provider::AviationAlley => "/aviationalley/api/v1",
            // Real: https://api.pilotflows.com/v1 + /organizations ...
            Provider::PilotFlows => "/pilotflows/v1",
            // Real: https://airbly.com/api/v3 + /assetList
            Provider::Airbly => "/airbly/api/v3",
            // Real: https://acme.flightschoolbooking.com + /club/bookings (per-school host)
            Provider::FlightSchoolBooking => "/flightschoolbooking/skyhaven",
            // Real base not in the seed; paths like /trainings.json are appended.
            Provider::Flylogs => "/flylogs/api",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Provider {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "aviationalley" | "aa" => Provider::AviationAlley,
            "pilotflows" | "pf" => Provider::PilotFlows,
            "airbly" => Provider::Airbly,
            "flightschoolbooking" | "fsb" => Provider::FlightSchoolBooking,
            "flylogs" => Provider::Flylogs,
            _ => return Err(format!("unknown provider `{s}`")),
        })
    }
}

/// Timings that tests want short and real use wants realistic.
#[derive(Clone, Debug)]
pub struct Timers {
    /// PilotFlows rate-limit window (documented: one hour).
    pub rate_limit_window: Duration,
    /// Wait between webhook delivery attempts (Airbly documents 60 s).
    pub webhook_retry: Duration,
    /// Give up on a webhook delivery after this many attempts.
    pub webhook_max_attempts: u32,
    /// Added to every provider response (before fault latency).
    pub latency: Duration,
}

impl Default for Timers {
    fn default() -> Self {
        Timers {
            rate_limit_window: Duration::from_secs(3600),
            webhook_retry: Duration::from_secs(60),
            webhook_max_attempts: 10,
            latency: Duration::ZERO,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SandboxConfig {
    /// 0 picks a free port.
    pub port: u16,
    pub preset: Preset,
    pub seed: u64,
    /// Pins the clock; `None` follows real time.
    pub now: Option<DateTime<Utc>>,
    pub faults: FaultSpec,
    /// Registered at start as an AviationAlley webhook endpoint and as the Airbly group's
    /// webhook URL.
    pub webhook: Option<String>,
    pub timers: Timers,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        SandboxConfig {
            port: 0,
            preset: Preset::Demo,
            seed: 42,
            now: None,
            faults: FaultSpec::none(),
            webhook: None,
            timers: Timers::default(),
        }
    }
}

/// Shared state every handler sees.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub config: SandboxConfig,
    pub clock: Clock,
    pub world: RwLock<World>,
    pub faults: faults::Faults,
    pub hooks: webhooks::Hub,
    pub providers: providers::ProviderStates,
    /// `http://127.0.0.1:PORT`
    pub root_url: String,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// Read access to the world (a panicked writer does not make it unusable).
    pub fn world(&self) -> std::sync::RwLockReadGuard<'_, World> {
        self.0.world.read().unwrap_or_else(|e| e.into_inner())
    }
    pub fn world_mut(&self) -> std::sync::RwLockWriteGuard<'_, World> {
        self.0.world.write().unwrap_or_else(|e| e.into_inner())
    }
    pub fn base_url(&self, p: Provider) -> String {
        format!("{}{}", self.root_url, p.prefix())
    }
    /// The `--json` manifest object.
    pub fn manifest(&self) -> serde_json::Value {
        let w = self.world();
        let mut m = serde_json::Map::new();
        for p in Provider::ALL {
            m.insert(
                p.name().into(),
                serde_json::json!({
                    "base_url": self.base_url(p),
                    "credentials": providers::credentials(p, &w),
                }),
            );
        }
        serde_json::Value::Object(m)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot bind 127.0.0.1:{0}: {1}")]
    Bind(u16, std::io::Error),
}

/// A started sandbox. Dropping it without `shutdown()` leaves the server task running until
/// the runtime ends.
pub struct RunningSandbox {
    state: AppState,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningSandbox {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// `http://127.0.0.1:PORT` + the provider's prefix.
    pub fn base_url(&self, p: Provider) -> String {
        self.state.base_url(p)
    }
    /// `http://127.0.0.1:PORT/_sandbox`
    pub fn admin_url(&self) -> String {
        format!("{}/_sandbox", self.state.root_url)
    }
    /// The object printed by `--json`.
    pub fn manifest(&self) -> serde_json::Value {
        self.state.manifest()
    }
    /// The manifest entry of `p`'s credential with `role` (its token and facts).
    pub fn credential(&self, p: Provider, role: &str) -> Option<serde_json::Value> {
        let mut manifest = self.manifest();
        let list = manifest[p.name()]["credentials"].as_array_mut()?;
        let at = list.iter().position(|c| c["role"] == role)?;
        Some(list.swap_remove(at))
    }
    pub fn state(&self) -> &AppState {
        &self.state
    }
    pub async fn shutdown(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            // Graceful first; long-lived client connections must not hang the caller.
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

/// Framework rejections (bad path segment, wrong method, ...) come as plain text: wrap them in
/// the common `{"error": {"code", "message"}}` shape so clients always get JSON errors.
async fn json_errors(resp: axum::response::Response) -> axum::response::Response {
    use axum::response::IntoResponse;
    let status = resp.status();
    let is_json = resp
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    if status.as_u16() < 400 || is_json {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    let code = match status.as_u16() {
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        s if s < 500 => "bad_request",
        _ => "internal_error",
    };
    let msg = String::from_utf8_lossy(&text).into_owned();
    let msg = if msg.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        msg
    };
    let mut out = (
        status,
        axum::Json(serde_json::json!({"error": {"code": code, "message": msg}})),
    )
        .into_response();
    for (k, v) in parts.headers.iter() {
        if k != axum::http::header::CONTENT_TYPE && k != axum::http::header::CONTENT_LENGTH {
            out.headers_mut().insert(k.clone(), v.clone());
        }
    }
    out
}

/// Generates the world and starts serving on 127.0.0.1.
pub async fn start(cfg: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", cfg.port))
        .await
        .map_err(|e| SandboxError::Bind(cfg.port, e))?;
    let addr = listener
        .local_addr()
        .map_err(|e| SandboxError::Bind(cfg.port, e))?;
    let clock = Clock::new(cfg.now);
    let now = clock.now_ts();
    let (preset, seed) = (cfg.preset, cfg.seed);
    let world = tokio::task::spawn_blocking(move || World::generate(preset, seed, now))
        .await
        .expect("world generation panicked");
    let state = AppState(Arc::new(Inner {
        faults: faults::Faults::new(cfg.seed, cfg.faults.clone()),
        hooks: webhooks::Hub::new(cfg.timers.webhook_retry, cfg.timers.webhook_max_attempts),
        providers: providers::ProviderStates::new(&cfg),
        world: RwLock::new(world),
        clock,
        config: cfg,
        root_url: format!("http://{addr}"),
    }));
    if let Some(url) = state.config.webhook.clone() {
        providers::register_startup_webhook(&state, &url);
    }
    let app = axum::Router::new()
        .merge(providers::router(state.clone()))
        .nest("/_sandbox", admin::router(state.clone()))
        .fallback(|| async {
            (
                axum::http::StatusCode::NOT_FOUND,
                axum::Json(serde_json::json!({"error": {"code": "not_found", "message": "No such sandbox path"}})),
            )
        })
        .layer(axum::middleware::map_response(json_errors))
        // A handler bug must still answer JSON rather than drop the connection.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| {
            use axum::response::IntoResponse;
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(serde_json::json!({"error": {"code": "internal_error", "message": "Sandbox handler failed"}})),
            )
                .into_response()
        }));
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    tracing::info!(%addr, "sandbox listening");
    Ok(RunningSandbox {
        state,
        addr,
        stop: Some(tx),
        task: Some(task),
    })
}
