//! Queueing Flylogs class writes: each is an outbox row and its optimistic change in one
//! transaction ([`flightdesk_store::Store::enqueue`]); [`crate::replay`] sends them. The
//! app and the CLI both call these.

use chrono::{DateTime, Duration, Utc};
use flightdesk_connectors::flylogs::{ClassDraft, RESOURCE};
use flightdesk_core::Kind;
use flightdesk_store::{NewWrite, OutboxRow, Overlay, Result, Store, LOCAL_ID_PREFIX};
use serde_json::{json, Value};

use crate::replay::{FLYLOGS_CLASS_DELETE, FLYLOGS_CLASS_SAVE};

/// How the calendar shows a class until Flylogs' copy arrives (Flylogs takes no end and
/// sends the name itself).
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub ends_at: Option<DateTime<Utc>>,
    pub name: Option<String>,
}

/// Queues a new class under a fresh local id, shown at once through its overlay.
pub async fn schedule_class(
    store: &Store,
    account_id: i64,
    draft: &ClassDraft,
    shown: &Shown,
) -> Result<OutboxRow> {
    let local = format!("{LOCAL_ID_PREFIX}class-{}", Utc::now().timestamp_micros());
    queue(
        store,
        account_id,
        FLYLOGS_CLASS_SAVE,
        draft_json(draft),
        &local,
        Some(Overlay::Upsert(overlay_fields(draft, shown))),
    )
    .await
}

/// Queues new values for class `id` (a provider id, or the local id of a class still
/// waiting to be created, whose row this one then waits for).
pub async fn edit_class(
    store: &Store,
    account_id: i64,
    id: &str,
    draft: &ClassDraft,
    shown: &Shown,
) -> Result<OutboxRow> {
    queue(
        store,
        account_id,
        FLYLOGS_CLASS_SAVE,
        draft_json(draft),
        id,
        Some(Overlay::Upsert(overlay_fields(draft, shown))),
    )
    .await
}

/// Queues the deletion of class `id`.
pub async fn delete_class(store: &Store, account_id: i64, id: &str) -> Result<OutboxRow> {
    queue(
        store,
        account_id,
        FLYLOGS_CLASS_DELETE,
        json!({}),
        id,
        Some(Overlay::Delete),
    )
    .await
}

async fn queue(
    store: &Store,
    account_id: i64,
    operation: &str,
    payload: Value,
    target: &str,
    overlay: Option<Overlay>,
) -> Result<OutboxRow> {
    // A later write of the same record waits for the last one not sent yet: the create
    // whose id it needs, or the earlier edit it must not overtake.
    let depends_on = store.last_unsent_write(account_id, target).await?;
    store
        .enqueue(
            &NewWrite {
                account_id,
                resource: RESOURCE,
                operation,
                payload: &payload,
                idempotency_key: None,
                record_kind: Kind::Classes,
                target_id: target,
                depends_on,
                overlay,
            },
            Utc::now(),
        )
        .await
}

fn draft_json(draft: &ClassDraft) -> Value {
    serde_json::to_value(draft).expect("a class draft serializes")
}

/// The class's normalized fields as the calendar shows them until Flylogs' copy arrives.
fn overlay_fields(draft: &ClassDraft, shown: &Shown) -> Value {
    let ends_at = shown.ends_at.unwrap_or(draft.start + Duration::minutes(60));
    json!({
        "name": shown.name,
        "starts_at": flightdesk_core::instant::encode(&draft.start),
        "ends_at": flightdesk_core::instant::encode(&ends_at),
        "lesson_id": draft.lesson_id,
        "instructor_id": draft.teacher_id,
        "location_id": draft.location_id,
        "status": "scheduled",
    })
}
