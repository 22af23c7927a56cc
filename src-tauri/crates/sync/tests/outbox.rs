//! The outbox over real HTTP against the sandbox's Flylogs, each test ending with the
//! sandbox's truth compared with what was asked: writes queued while the provider is
//! down and then replayed (each once, in order), an answer lost after the server applied
//! a create (no duplicate), and a rejected write (kept in the provider's words, its
//! optimistic change rolled back).

mod common;

use chrono::{DateTime, Utc};
use common::{class_view, office, options, replay, World};
use flightdesk_connectors::flylogs::ClassDraft;
use flightdesk_core::{Kind, Provider};
use flightdesk_store::{NewWrite, OutboxState, Overlay};
use flightdesk_sync::outbox_view;
use flightdesk_sync::FLYLOGS_CLASS_SAVE;
use serde_json::{json, Value};

async fn enqueue(
    w: &World,
    account: i64,
    draft: &ClassDraft,
    target: &str,
    depends_on: Option<i64>,
) -> i64 {
    let payload = serde_json::to_value(draft).unwrap();
    w.workspace
        .store()
        .enqueue(
            &NewWrite {
                account_id: account,
                resource: "trainings",
                operation: FLYLOGS_CLASS_SAVE,
                payload: &payload,
                idempotency_key: None,
                record_kind: Kind::Classes,
                target_id: target,
                depends_on,
                overlay: Some(Overlay::Upsert(json!({"remarks": draft.remarks}))),
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .id
}

async fn live_classes(w: &World) -> u64 {
    w.truth(Provider::Flylogs).await["classes"]
        .as_u64()
        .unwrap()
}

/// The classes of `draft`'s teacher at `start`, as the sandbox has them.
async fn classes_at(w: &World, start: DateTime<Utc>) -> usize {
    let base = w.sandbox.base_url(flightdesk_sandbox::Provider::Flylogs);
    let at = start.to_rfc3339();
    let events: Value = w
        .http
        .get(format!("{base}/trainings/trainings/calendar.json"))
        .query(&[
            ("start", at.as_str()),
            ("end", at.as_str()),
            ("timeZone", "UTC"),
        ])
        .bearer_auth(w.token(Provider::Flylogs, "manager"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    events.as_array().unwrap().len()
}

#[tokio::test]
async fn writes_queued_while_flylogs_is_down_reach_it_once_each_in_order() {
    let (w, account, draft) = office().await;
    let before = live_classes(&w).await;
    let store = w.workspace.store();
    // Offline: a class, an edit of it, and a second class.
    let create = enqueue(&w, account, &draft, "local:a", None).await;
    let edited = ClassDraft {
        remarks: "edited offline".into(),
        ..draft.clone()
    };
    let edit = enqueue(&w, account, &edited, "local:a", Some(create)).await;
    let second = ClassDraft {
        start: "2026-03-11T08:00:00Z".parse().unwrap(),
        remarks: "second".into(),
        ..draft.clone()
    };
    let other = enqueue(&w, account, &second, "local:b", None).await;

    // Flylogs answers every request with a 5xx: the sync sends the first and stops.
    w.set_faults("flylogs:5xx=1").await;
    w.sync_with(options()).await;
    assert_eq!(
        live_classes(&w).await,
        before,
        "nothing reached the sandbox"
    );
    let row = store.outbox_row(create).await.unwrap();
    assert_eq!(row.state, OutboxState::Failed);
    assert_eq!(row.last_error_code.as_deref(), Some("server_error"));
    for id in [edit, other] {
        let row = store.outbox_row(id).await.unwrap();
        assert_eq!(
            (row.state, row.attempts),
            (OutboxState::Pending, 0),
            "never overtakes"
        );
    }
    assert_eq!(store.pending_changes(account).await.unwrap().len(), 3);

    // Back up: the user asks to send now rather than wait out the backoff.
    w.set_faults("").await;
    store.retry_write(create, Utc::now()).await.unwrap();
    let r = w.sync_with(options()).await;
    assert!(!r.failed(), "{r:?}");
    assert_eq!(r.outbox.sent, vec![create, edit, other], "in order");
    assert_eq!(live_classes(&w).await, before + 2, "two classes, each once");
    let created = store.outbox_row(create).await.unwrap();
    let remote = created.remote_id.clone().expect("the server's id");
    assert_eq!(store.outbox_row(edit).await.unwrap().target_id, remote);
    let view = class_view(&w, &remote).await;
    assert_eq!(view["class"]["LessonClass"]["remarks"], "edited offline");
    assert_eq!(classes_at(&w, draft.start).await, 1);
    assert_eq!(classes_at(&w, second.start).await, 1);
    // The sync read the provider's copies back: the optimistic ones are gone.
    assert!(store.pending_changes(account).await.unwrap().is_empty());
    let cached = w.cached_ids(Kind::Classes, "office").await;
    assert!(
        cached.contains(&remote),
        "the new class is cached under its server id"
    );
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_not_made_twice() {
    let (w, account, draft) = office().await;
    let before = live_classes(&w).await;
    let store = w.workspace.store();
    let create = enqueue(&w, account, &draft, "local:lost", None).await;
    // The sandbox applies the create, then the answer arrives cut in half.
    w.set_faults("flylogs:truncated=1").await;
    let r = replay(&w).await;
    assert_eq!(r.failed, vec![create]);
    assert_eq!(
        live_classes(&w).await,
        before + 1,
        "the server did apply it"
    );
    w.set_faults("").await;
    store.retry_write(create, Utc::now()).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.sent, vec![create]);
    assert_eq!(live_classes(&w).await, before + 1, "no duplicate");
    assert_eq!(classes_at(&w, draft.start).await, 1);
    let row = store.outbox_row(create).await.unwrap();
    let view = class_view(&w, row.remote_id.as_deref().unwrap()).await;
    assert_eq!(view["class"]["LessonClass"]["remarks"], "first");
}

#[tokio::test]
async fn a_rejected_write_keeps_the_providers_words_and_rolls_back() {
    let (w, account, draft) = office().await;
    let before = live_classes(&w).await;
    let store = w.workspace.store();
    let stranger = ClassDraft {
        student_ids: vec!["999999".into()],
        ..draft
    };
    let id = enqueue(&w, account, &stranger, "local:r", None).await;
    let badge = outbox_view::outbox_counts(store).await.unwrap();
    assert_eq!((badge.waiting, badge.needs_you), (1, 0));
    let r = replay(&w).await;
    assert_eq!(r.rejected, vec![id]);
    // The badge now says it needs the user.
    let badge = outbox_view::outbox_counts(store).await.unwrap();
    assert_eq!((badge.waiting, badge.needs_you), (0, 1));
    let row = store.outbox_row(id).await.unwrap();
    assert_eq!(row.state, OutboxState::Rejected);
    assert_eq!(
        row.last_error.as_deref(),
        Some("Student 999999 is not enrolled in the training")
    );
    assert_eq!(row.last_error_code.as_deref(), Some("rejected"));
    assert!(store.pending_changes(account).await.unwrap().is_empty());
    assert_eq!(live_classes(&w).await, before);
    // It waits for the user: another replay does not send it.
    let r = replay(&w).await;
    assert!(r.sent.is_empty() && r.rejected.is_empty() && r.failed.is_empty());
    assert_eq!(store.outbox_row(id).await.unwrap().attempts, 1);
}
