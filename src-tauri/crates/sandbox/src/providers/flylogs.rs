//! Flylogs provider. helper B: implement here (router, credentials, error, on_change, truth).

use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;

use super::{Change, Credential};
use crate::world::World;
use crate::AppState;

/// Provider-local mutable state (helper B: add fields as needed).
#[derive(Debug, Default)]
pub struct State {}

pub fn router(_state: AppState) -> Router {
    // helper B
    Router::new()
}

pub fn credentials(_world: &World) -> Vec<Credential> {
    // helper B
    vec![]
}

pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    super::json_error(status, serde_json::json!({"error": message, "code": code}))
}

pub fn on_change(_state: &AppState, _change: Change) {
    // helper B
}

pub fn truth(_state: &AppState) -> serde_json::Value {
    // helper B
    serde_json::json!({})
}

/// Admin `POST /_sandbox/webhooks/trigger` for this provider: returns delivery log ids.
pub fn trigger(_state: &AppState, event: &str, _id: Option<u32>) -> Result<Vec<u64>, String> {
    Err(format!(
        "this provider sends no `{event}` webhooks in the sandbox"
    ))
}
