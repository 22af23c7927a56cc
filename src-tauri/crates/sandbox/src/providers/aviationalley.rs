//! aviationalley provider (work in progress).

use axum::http::StatusCode;
use axum::response::Response;
use axum::Router;

use super::{Change, Credential};
use crate::world::World;
use crate::AppState;

pub fn router(_state: AppState) -> Router {
    Router::new()
}

pub fn credentials(_world: &World) -> Vec<Credential> {
    vec![]
}

pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    super::json_error(
        status,
        serde_json::json!({"error": {"code": code, "message": message}}),
    )
}

pub fn on_change(_state: &AppState, _change: Change) {}

pub fn truth(_state: &AppState) -> serde_json::Value {
    serde_json::json!({})
}

/// Admin `POST /_sandbox/webhooks/trigger` for this provider: returns delivery log ids.
pub fn trigger(_state: &AppState, event: &str, _id: Option<u32>) -> Result<Vec<u64>, String> {
    Err(format!(
        "this provider sends no `{event}` webhooks in the sandbox"
    ))
}
