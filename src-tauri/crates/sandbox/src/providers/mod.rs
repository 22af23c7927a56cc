//! The five provider APIs, each a view of the shared [`World`].
//!
//! Each provider module exposes `router(state) -> Router` (paths relative to its base URL),
//! `credentials(world) -> Vec<Credential>`, `error(status, code, message) -> Response` (its
//! documented error envelope, used by the fault layer too), `on_change(state, change)`
//! (webhooks) and `truth(state) -> Value` (everything it would serve, for tests).

pub mod airbly;
pub mod aviationalley;
pub mod common;
pub mod flightschoolbooking;
pub mod flylogs;
pub mod pilotflows;

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;
use serde::Serialize;

use crate::faults::{fault_layer, FaultCtx};
use crate::world::World;
use crate::{AppState, Provider, SandboxConfig};

/// One credential in the manifest.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Credential {
    /// What the credential is for, e.g. `live_full`, `organization_plan`, `no_billing`.
    pub role: String,
    /// The secret to send (bearer token, API key, group key, ...).
    pub token: String,
    /// Provider-specific facts (scopes, organisation id, centre, plan, ...).
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Credential {
    pub fn new(role: &str, token: impl Into<String>) -> Self {
        Credential {
            role: role.into(),
            token: token.into(),
            extra: BTreeMap::new(),
        }
    }
    pub fn with(mut self, k: &str, v: impl Serialize) -> Self {
        self.extra
            .insert(k.into(), serde_json::to_value(v).unwrap_or_default());
        self
    }
}

/// What kind of world record changed (for webhooks).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Person,
    Aircraft,
    Booking,
    Flight,
    WorkOrder,
    Invoice,
    Compliance,
    Expense,
    Duty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeAction {
    Created,
    Updated,
    Cancelled,
    Completed,
    Paid,
    Voided,
    Deleted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: RecordKind,
    pub id: u32,
    pub action: ChangeAction,
}

/// Per-provider mutable state that is not world data (rate-limit counters, ...).
pub struct ProviderStates {
    pub pilotflows: pilotflows::State,
    pub airbly: airbly::State,
    pub flylogs: flylogs::State,
}

impl ProviderStates {
    pub fn new(cfg: &SandboxConfig) -> Self {
        ProviderStates {
            pilotflows: pilotflows::State::new(cfg),
            airbly: airbly::State::default(),
            flylogs: flylogs::State::default(),
        }
    }
}

/// All providers, nested under their prefixes, each behind its fault layer.
pub fn router(state: AppState) -> Router {
    let mut r = Router::new();
    for p in Provider::ALL {
        let inner = match p {
            Provider::AviationAlley => aviationalley::router(state.clone()),
            Provider::PilotFlows => pilotflows::router(state.clone()),
            Provider::Airbly => airbly::router(state.clone()),
            Provider::FlightSchoolBooking => flightschoolbooking::router(state.clone()),
            Provider::Flylogs => flylogs::router(state.clone()),
        };
        let faulty = inner.layer(axum::middleware::from_fn_with_state(
            FaultCtx {
                state: state.clone(),
                provider: p,
            },
            fault_layer,
        ));
        // Rate-limit headers go on every PilotFlows response, injected faults included.
        let wrapped = if p == Provider::PilotFlows {
            faulty.layer(axum::middleware::from_fn_with_state(
                state.clone(),
                pilotflows::rate_limit_layer,
            ))
        } else {
            faulty
        };
        let dated = wrapped.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            sandbox_date,
        ));
        r = r.nest(p.prefix(), dated);
    }
    r
}

/// Every answer, injected faults included, carries the sandbox clock in its `Date` header,
/// as a real server's carries its own, so clients can judge time by the server's clock
/// (and `/clock/advance` moves it). hyper's own `Date` would be the machine's clock.
async fn sandbox_date(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let now = state.clock.now_ts();
    let mut r = next.run(req).await;
    let date = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    if let Ok(v) = axum::http::HeaderValue::from_str(&date) {
        r.headers_mut().insert(axum::http::header::DATE, v);
    }
    r
}

pub fn credentials(p: Provider, w: &World) -> Vec<Credential> {
    match p {
        Provider::AviationAlley => aviationalley::credentials(w),
        Provider::PilotFlows => pilotflows::credentials(w),
        Provider::Airbly => airbly::credentials(w),
        Provider::FlightSchoolBooking => flightschoolbooking::credentials(w),
        Provider::Flylogs => flylogs::credentials(w),
    }
}

/// The provider's own error envelope.
pub fn error_response(p: Provider, status: StatusCode, code: &str, message: &str) -> Response {
    match p {
        Provider::AviationAlley => aviationalley::error(status, code, message),
        Provider::PilotFlows => pilotflows::error(status, code, message),
        Provider::Airbly => airbly::error(status, code, message),
        Provider::FlightSchoolBooking => flightschoolbooking::error(status, code, message),
        Provider::Flylogs => flylogs::error(status, code, message),
    }
}

/// Tells every provider about a world change (webhooks).
pub fn on_change(state: &AppState, change: Change) {
    aviationalley::on_change(state, change);
    pilotflows::on_change(state, change);
    airbly::on_change(state, change);
    flightschoolbooking::on_change(state, change);
    flylogs::on_change(state, change);
}

/// Everything the provider currently serves, as JSON (admin `truth` endpoint).
pub fn truth(state: &AppState, p: Provider) -> serde_json::Value {
    match p {
        Provider::AviationAlley => aviationalley::truth(state),
        Provider::PilotFlows => pilotflows::truth(state),
        Provider::Airbly => airbly::truth(state),
        Provider::FlightSchoolBooking => flightschoolbooking::truth(state),
        Provider::Flylogs => flylogs::truth(state),
    }
}

/// `--webhook URL`: an AviationAlley endpoint (all events) and the Airbly group webhook.
pub fn register_startup_webhook(state: &AppState, url: &str) {
    state
        .hooks
        .register(Provider::AviationAlley, url, None, vec![]);
    state.hooks.register(Provider::Airbly, url, None, vec![]);
}

/// Plain JSON error helper for providers whose docs show no error shape.
pub fn json_error(status: StatusCode, body: serde_json::Value) -> Response {
    use axum::response::IntoResponse;
    (status, axum::Json(body)).into_response()
}
