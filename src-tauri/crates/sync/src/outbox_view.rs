//! The outbox as people read it (the window's Outbox view and its sidebar badge): each
//! write in words, where it stands, what went wrong in the provider's words, and its
//! history. The CLI's `outbox list` prints the raw rows instead.

use chrono::{DateTime, Utc};
use flightdesk_core::Provider;
use flightdesk_store::{OutboxRow, OutboxState, Result, Store, LOCAL_ID_PREFIX};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::replay::{
    FLYLOGS_ATTENDANCE, FLYLOGS_CLASS_DELETE, FLYLOGS_CLASS_SAVE, FLYLOGS_ENROL,
    FLYLOGS_EVALUATION, FLYLOGS_EXAM_ANSWER, FLYLOGS_EXAM_FINISH, FLYLOGS_LESSON_COMPLETE,
    PILOTFLOWS_FLIGHT_LOG_CREATE, PILOTFLOWS_FLIGHT_LOG_DELETE, PILOTFLOWS_FLIGHT_LOG_UPDATE,
};

/// One write, described.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct OutboxItem {
    #[ts(type = "number")]
    pub id: i64,
    pub account: String,
    pub provider: Option<Provider>,
    /// What it does, in words ("Schedule a class").
    pub action: String,
    /// What it does, as a stable code (`flylogs.class.save`): views mark the records
    /// their waiting writes touch with it.
    pub operation: String,
    /// When the record it writes takes place (a class's start), for the list.
    pub when: Option<DateTime<Utc>>,
    /// The record: its provider id, or `local:...` until the provider names it.
    pub target_id: String,
    /// The provider's id once a create was accepted.
    pub remote_id: Option<String>,
    pub state: OutboxState,
    #[ts(type = "number")]
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    /// The provider's own words for the last failure or refusal.
    pub last_error: Option<String>,
    /// The earlier write this one waits for.
    #[ts(type = "number | null")]
    pub waits_for: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub history: Vec<HistoryLine>,
    /// What is sent (never a password), for the details panel.
    #[ts(type = "Record<string, unknown>")]
    pub payload: Value,
}

/// One transition of a write.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct HistoryLine {
    pub at: String,
    pub state: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// How many writes wait, and how many of them need the user: the badge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct OutboxCounts {
    /// Not yet accepted: pending, sending or failed (retried by itself).
    pub waiting: u32,
    /// Refused or needing a password: waits for the user.
    pub needs_you: u32,
}

/// Every write, newest first.
pub async fn outbox_items(store: &Store) -> Result<Vec<OutboxItem>> {
    described(store, store.outbox().await?).await
}

/// The writes the providers have not accepted yet, newest first.
pub async fn unsent_items(store: &Store) -> Result<Vec<OutboxItem>> {
    described(store, store.unsent_writes().await?).await
}

/// Write `id`, described.
pub async fn outbox_item(store: &Store, id: i64) -> Result<OutboxItem> {
    let row = store.outbox_row(id).await?;
    let mut items = described(store, vec![row]).await?;
    Ok(items.remove(0))
}

/// `rows` (oldest first) described with their accounts, newest first.
async fn described(store: &Store, rows: Vec<OutboxRow>) -> Result<Vec<OutboxItem>> {
    let accounts = store.accounts().await?;
    let mut items: Vec<OutboxItem> = rows
        .into_iter()
        .map(|row| {
            let account = accounts.iter().find(|a| a.id == row.account_id);
            describe(
                row,
                account.map(|a| a.name.clone()).unwrap_or_default(),
                account.map(|a| a.provider),
            )
        })
        .collect();
    items.reverse();
    Ok(items)
}

/// The badge's counts.
pub async fn outbox_counts(store: &Store) -> Result<OutboxCounts> {
    let mut counts = OutboxCounts::default();
    for (state, n) in store.outbox_state_counts().await? {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        match state {
            OutboxState::Sent => {}
            waiting if waiting.is_waiting() => counts.waiting += n,
            _ => counts.needs_you += n,
        }
    }
    Ok(counts)
}

fn describe(row: OutboxRow, account: String, provider: Option<Provider>) -> OutboxItem {
    // A create keeps its local id until accepted; then the provider's id replaces it and
    // is kept as the remote id.
    let created = row.target_id.starts_with(LOCAL_ID_PREFIX) || row.remote_id.is_some();
    let action = match row.operation.as_str() {
        FLYLOGS_CLASS_SAVE if created => "Schedule a class".to_string(),
        FLYLOGS_CLASS_SAVE => "Change a class".to_string(),
        FLYLOGS_CLASS_DELETE => "Delete a class".to_string(),
        FLYLOGS_EXAM_ANSWER => "Answer an exam question".to_string(),
        FLYLOGS_EXAM_FINISH => "Finish an exam".to_string(),
        FLYLOGS_ATTENDANCE => "Record a class's attendance".to_string(),
        FLYLOGS_EVALUATION => "Evaluate a student".to_string(),
        FLYLOGS_LESSON_COMPLETE => "Complete a lesson".to_string(),
        FLYLOGS_ENROL => "Enrol students".to_string(),
        PILOTFLOWS_FLIGHT_LOG_CREATE => "Add a flight log".to_string(),
        PILOTFLOWS_FLIGHT_LOG_UPDATE => "Change a flight log".to_string(),
        PILOTFLOWS_FLIGHT_LOG_DELETE => "Delete a flight log".to_string(),
        other => format!("Write `{other}`"),
    };
    let when = row
        .payload
        .get("start")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.to_utc());
    let history = serde_json::from_value(row.history.clone()).unwrap_or_default();
    OutboxItem {
        id: row.id,
        account,
        provider,
        action,
        operation: row.operation,
        when,
        target_id: row.target_id,
        remote_id: row.remote_id,
        state: row.state,
        attempts: row.attempts,
        next_attempt_at: row.next_attempt_at,
        last_error: row.last_error,
        waits_for: row.depends_on,
        created_at: row.created_at,
        sent_at: row.sent_at,
        history,
        payload: row.payload,
    }
}
