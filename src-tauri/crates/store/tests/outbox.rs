//! The outbox: queueing with the optimistic change in one transaction, claiming in order
//! under a lease, crash recovery, completion with id rewriting, failures, rejections,
//! retry and discard, and overlays that survive a snapshot pass.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::store_with_account;
use flightdesk_core::records::Booking;
use flightdesk_core::{Kind, Record};
use flightdesk_store::{NewWrite, OutboxState, Overlay, PageWrite, PassEnd, Store, StoreError};
use serde_json::{json, Value};

const LEASE: Duration = Duration::seconds(120);

fn t0() -> DateTime<Utc> {
    "2026-12-07T08:00:00Z".parse().unwrap()
}

fn write<'a>(
    account_id: i64,
    resource: &'a str,
    target: &'a str,
    payload: &'a Value,
) -> NewWrite<'a> {
    NewWrite {
        account_id,
        resource,
        operation: "test.save",
        payload,
        idempotency_key: None,
        record_kind: Kind::Bookings,
        target_id: target,
        depends_on: None,
        overlay: Some(Overlay::Upsert(json!({"name": target}))),
    }
}

async fn state(store: &Store, id: i64) -> OutboxState {
    store.outbox_row(id).await.unwrap().state
}

#[tokio::test]
async fn enqueue_keeps_the_row_and_its_overlay_together() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let payload = json!({"subject": "1"});
    let row = store
        .enqueue(&write(account, "r", "local:a", &payload), t0())
        .await
        .unwrap();
    assert_eq!(row.state, OutboxState::Pending);
    assert_eq!(row.payload, payload);
    assert!(row.idempotency_key.starts_with("fd-"));
    assert_eq!(row.history.as_array().unwrap().len(), 1);
    let changes = store.pending_changes(account).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].outbox_id, row.id);
    assert_eq!(
        changes[0].overlay,
        Overlay::Upsert(json!({"name": "local:a"}))
    );
    // Keys are stable per row and distinct between rows.
    let other = store
        .enqueue(&write(account, "r", "local:b", &payload), t0())
        .await
        .unwrap();
    assert_ne!(other.idempotency_key, row.idempotency_key);
    // A repeated key is refused, with nothing half written.
    let mut dup = write(account, "r", "local:c", &payload);
    dup.idempotency_key = Some(&row.idempotency_key);
    assert!(store.enqueue(&dup, t0()).await.is_err());
    assert_eq!(store.outbox().await.unwrap().len(), 2);
    assert_eq!(store.pending_changes(account).await.unwrap().len(), 2);
}

#[tokio::test]
async fn claims_one_row_per_queue_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let a1 = store
        .enqueue(&write(account, "a", "1", &p), t0())
        .await
        .unwrap()
        .id;
    let a2 = store
        .enqueue(&write(account, "a", "2", &p), t0())
        .await
        .unwrap()
        .id;
    let b1 = store
        .enqueue(&write(account, "b", "3", &p), t0())
        .await
        .unwrap()
        .id;
    let claimed: Vec<i64> = store
        .claim_due("me", t0(), LEASE)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(claimed, vec![a1, b1], "the head of each queue");
    // Nothing more while the heads are being sent.
    assert!(store.claim_due("me", t0(), LEASE).await.unwrap().is_empty());
    store.complete_write(a1, None, t0()).await.unwrap();
    let next = store.claim_due("me", t0(), LEASE).await.unwrap();
    assert_eq!(next.iter().map(|r| r.id).collect::<Vec<_>>(), vec![a2]);
    assert_eq!(next[0].claimed_by.as_deref(), Some("me"));
    assert_eq!(next[0].attempts, 1);
}

#[tokio::test]
async fn a_lease_left_by_a_crashed_process_is_claimed_again_after_it_expires() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let id = store
        .enqueue(&write(account, "a", "1", &p), t0())
        .await
        .unwrap()
        .id;
    assert_eq!(store.claim_due("dead", t0(), LEASE).await.unwrap().len(), 1);
    // The process died: its store is gone; a new one opens the same file.
    drop(store);
    let store = common::open(&dir).await;
    assert_eq!(state(&store, id).await, OutboxState::Sending);
    let within = t0() + LEASE - Duration::seconds(1);
    assert!(store
        .claim_due("new", within, LEASE)
        .await
        .unwrap()
        .is_empty());
    let again = store.claim_due("new", t0() + LEASE, LEASE).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].claimed_by.as_deref(), Some("new"));
    assert_eq!(again[0].attempts, 2);
}

#[tokio::test]
async fn completing_a_create_gives_later_writes_the_server_id() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let create = store
        .enqueue(&write(account, "a", "local:x", &p), t0())
        .await
        .unwrap()
        .id;
    let mut edit = write(account, "a", "local:x", &p);
    edit.depends_on = Some(create);
    let edit = store.enqueue(&edit, t0()).await.unwrap().id;
    store.claim_due("me", t0(), LEASE).await.unwrap();
    store
        .complete_write(create, Some("991"), t0())
        .await
        .unwrap();
    let sent = store.outbox_row(create).await.unwrap();
    assert_eq!(
        (sent.state, sent.remote_id.as_deref()),
        (OutboxState::Sent, Some("991"))
    );
    assert_eq!(store.outbox_row(edit).await.unwrap().target_id, "991");
    let changes = store.pending_changes(account).await.unwrap();
    assert!(changes.iter().all(|c| c.target_id == "991"), "{changes:?}");
    let claimed = store.claim_due("me", t0(), LEASE).await.unwrap();
    assert_eq!(claimed[0].id, edit);
}

#[tokio::test]
async fn a_dependent_waits_for_its_dependency_even_in_another_queue() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let first = store
        .enqueue(&write(account, "a", "local:x", &p), t0())
        .await
        .unwrap()
        .id;
    let mut later = write(account, "b", "local:x", &p);
    later.depends_on = Some(first);
    let later = store.enqueue(&later, t0()).await.unwrap().id;
    let claimed = store.claim_due("me", t0(), LEASE).await.unwrap();
    assert_eq!(
        claimed.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![first]
    );
    store.complete_write(first, Some("5"), t0()).await.unwrap();
    assert_eq!(
        store.claim_due("me", t0(), LEASE).await.unwrap()[0].id,
        later
    );
}

#[tokio::test]
async fn a_failure_backs_off_and_holds_its_queue() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let first = store
        .enqueue(&write(account, "a", "1", &p), t0())
        .await
        .unwrap()
        .id;
    store
        .enqueue(&write(account, "a", "2", &p), t0())
        .await
        .unwrap();
    store.claim_due("me", t0(), LEASE).await.unwrap();
    let retry_at = t0() + flightdesk_store::backoff(1);
    store
        .fail_write(
            first,
            "network",
            "cannot reach the provider",
            retry_at,
            t0(),
        )
        .await
        .unwrap();
    let row = store.outbox_row(first).await.unwrap();
    assert_eq!(row.state, OutboxState::Failed);
    assert_eq!(row.last_error.as_deref(), Some("cannot reach the provider"));
    assert!(row.claimed_by.is_none());
    // The second row does not overtake the first while it waits.
    assert!(store.claim_due("me", t0(), LEASE).await.unwrap().is_empty());
    let due = store.claim_due("me", retry_at, LEASE).await.unwrap();
    assert_eq!(due[0].id, first);
    assert!(flightdesk_store::backoff(2) > flightdesk_store::backoff(1));
    assert_eq!(flightdesk_store::backoff(50), Duration::hours(1));
}

#[tokio::test]
async fn a_rejection_rolls_back_the_overlay_and_waits_for_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let create = store
        .enqueue(&write(account, "a", "local:x", &p), t0())
        .await
        .unwrap()
        .id;
    let mut edit = write(account, "a", "local:x", &p);
    edit.depends_on = Some(create);
    let edit = store.enqueue(&edit, t0()).await.unwrap().id;
    store.claim_due("me", t0(), LEASE).await.unwrap();
    let words = "Student 7 is not enrolled in the training";
    store
        .reject_write(create, "rejected", words, t0())
        .await
        .unwrap();
    let row = store.outbox_row(create).await.unwrap();
    assert_eq!(row.state, OutboxState::Rejected);
    assert_eq!(row.last_error.as_deref(), Some(words));
    assert_eq!(
        state(&store, edit).await,
        OutboxState::Rejected,
        "its dependent too"
    );
    assert!(
        store.pending_changes(account).await.unwrap().is_empty(),
        "rolled back"
    );
    // Never retried by itself.
    let much_later = t0() + Duration::days(30);
    assert!(store
        .claim_due("me", much_later, LEASE)
        .await
        .unwrap()
        .is_empty());
    // Retry: pending again, its change shows again.
    store.retry_write(create, much_later).await.unwrap();
    assert_eq!(state(&store, create).await, OutboxState::Pending);
    assert_eq!(state(&store, edit).await, OutboxState::Pending);
    assert_eq!(store.pending_changes(account).await.unwrap().len(), 2);
    let history = store.outbox_row(create).await.unwrap().history;
    let states: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["pending", "sending", "rejected", "pending"]);
}

#[tokio::test]
async fn discard_removes_a_waiting_write_and_its_dependents_but_not_a_sent_one() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let create = store
        .enqueue(&write(account, "a", "local:x", &p), t0())
        .await
        .unwrap()
        .id;
    let mut edit = write(account, "a", "local:x", &p);
    edit.depends_on = Some(create);
    let edit = store.enqueue(&edit, t0()).await.unwrap().id;
    assert_eq!(
        store.discard_write(create).await.unwrap(),
        vec![create, edit]
    );
    assert!(store.outbox().await.unwrap().is_empty());
    assert!(store.pending_changes(account).await.unwrap().is_empty());
    let sent = store
        .enqueue(&write(account, "a", "1", &p), t0())
        .await
        .unwrap()
        .id;
    store.claim_due("me", t0(), LEASE).await.unwrap();
    assert!(matches!(
        store.discard_write(sent).await,
        Err(StoreError::WriteNotWaiting { .. })
    ));
    store.complete_write(sent, None, t0()).await.unwrap();
    assert!(store.retry_write(sent, t0()).await.is_err());
    assert!(matches!(
        store.discard_write(999).await,
        Err(StoreError::NoSuchWrite(999))
    ));
}

#[tokio::test]
async fn a_snapshot_pass_leaves_overlays_alone_and_a_later_pass_settles_sent_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(&dir).await;
    let p = json!({});
    let id = store
        .enqueue(&write(account, "r", "local:new", &p), t0())
        .await
        .unwrap()
        .id;
    let pass = store.begin_pass(account, "r", true).await.unwrap().pass;
    let records = [Record::new("1", Booking::default(), json!({"id": "1"}))];
    store
        .write_page(&PageWrite {
            account_id: account,
            resource: "r",
            pass,
            records: &records,
            skipped: &[],
            position: None,
            end: PassEnd::CompletesSnapshot {
                kinds: &[Kind::Bookings],
                keep_starting_before: None,
            },
        })
        .await
        .unwrap();
    assert_eq!(store.pending_changes(account).await.unwrap().len(), 1);
    // Not sent yet: a finished pass keeps it.
    let now = Utc::now();
    store
        .finish_resource(account, "r", now, Default::default(), None)
        .await
        .unwrap();
    assert_eq!(store.settle_pending_changes(account).await.unwrap(), 0);
    store.claim_due("me", now, LEASE).await.unwrap();
    store.complete_write(id, Some("2"), now).await.unwrap();
    // Sent, but no pass has read it back since.
    assert_eq!(store.settle_pending_changes(account).await.unwrap(), 0);
    let later = now + Duration::seconds(5);
    store
        .finish_resource(account, "r", later, Default::default(), None)
        .await
        .unwrap();
    assert_eq!(store.settle_pending_changes(account).await.unwrap(), 1);
    assert!(store.pending_changes(account).await.unwrap().is_empty());
}
