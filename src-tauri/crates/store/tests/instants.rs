//! One text form for every stored instant: range comparisons at a boundary are exact, and
//! a database written in the older forms is rewritten by its migration.

mod common;

use chrono::{DateTime, Utc};
use common::{booking, open, store_with_account};
use flightdesk_core::{Kind, Record};
use flightdesk_store::{PageWrite, PassEnd, Store};

const BOUNDARY: &str = "2026-03-02T09:30:00Z";

fn write<'a>(account_id: i64, pass: i64, records: &'a [Record], end: PassEnd<'a>) -> PageWrite<'a> {
    PageWrite {
        account_id,
        resource: "bookings",
        pass,
        records,
        skipped: &[],
        position: None,
        end,
    }
}

/// Completes a second snapshot pass that lists one other booking, removing what starts
/// at or after the boundary and was not listed; returns the live booking ids.
async fn complete_without_the_others(store: &Store, account_id: i64) -> Vec<String> {
    let pass = store
        .begin_pass(account_id, "bookings", true)
        .await
        .unwrap()
        .pass;
    let boundary: DateTime<Utc> = BOUNDARY.parse().unwrap();
    let listed = [booking("listed", "2026-03-09T10:00:00Z")];
    store
        .write_page(&write(
            account_id,
            pass,
            &listed,
            PassEnd::CompletesSnapshot {
                kinds: &[Kind::Bookings],
                keep_starting_before: Some(boundary),
            },
        ))
        .await
        .unwrap();
    let mut live: Vec<String> = store
        .export_kind(Kind::Bookings, false)
        .await
        .unwrap()
        .iter()
        .map(|r| r["source_id"].as_str().unwrap().to_string())
        .collect();
    live.sort();
    live
}

/// Just before, exactly at and half a second after the boundary: chrono's own text for
/// these (`…:59.999Z`, `…:00Z`, `…:00.5Z`) sorts the last one before the boundary.
const AROUND: [(&str, &str); 3] = [
    ("before", "2026-03-02T09:29:59.999Z"),
    ("at", "2026-03-02T09:30:00Z"),
    ("after", "2026-03-02T09:30:00.500Z"),
];

/// A store whose account has the [`AROUND`] bookings, written by a completed pass.
async fn with_the_bookings_around(dir: &tempfile::TempDir) -> (Store, i64) {
    let (store, id) = store_with_account(dir).await;
    let first: Vec<Record> = AROUND.iter().map(|(i, s)| booking(i, s)).collect();
    store.begin_pass(id, "bookings", true).await.unwrap();
    store
        .write_page(&write(id, 1, &first, PassEnd::Completes))
        .await
        .unwrap();
    (store, id)
}

#[tokio::test]
async fn removal_at_a_boundary_keeps_exactly_what_started_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = with_the_bookings_around(&dir).await;

    let live = complete_without_the_others(&store, id).await;
    assert_eq!(
        live,
        ["before", "listed"],
        "at and after the boundary are removed"
    );
}

#[tokio::test]
async fn the_migration_rewrites_older_forms_and_the_boundary_is_then_exact() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = with_the_bookings_around(&dir).await;
    // As the releases before it wrote them: chrono's serde form, microseconds, sqlx's
    // `+00:00`; and the schema as it was before 0006 (the later migrations undone too).
    let older = [
        ("before", "2026-03-02T09:29:59.999Z"),
        ("at", "2026-03-02T09:30:00Z"),
        ("after", "2026-03-02T09:30:00.5Z"),
    ];
    for (source_id, starts_at) in older {
        sqlx::query(
            "UPDATE bookings SET starts_at = ?1, changed_at = '2026-03-01T08:00:00.123456Z'
             WHERE source_id = ?2",
        )
        .bind(starts_at)
        .bind(source_id)
        .execute(store.pool())
        .await
        .unwrap();
    }
    sqlx::query("UPDATE accounts SET created_at = '2026-03-01 08:00:00.25+00:00'")
        .execute(store.pool())
        .await
        .unwrap();
    // 0009's and 0010's triggers and indexes go first (and 0011's tables after them): they name tables the others keep.
    let mut undo: Vec<String> = sqlx::query_scalar(
        "SELECT 'DROP ' || type || ' ' || name FROM sqlite_master
         WHERE type IN ('trigger', 'index') AND sql IS NOT NULL AND (name LIKE '%\\_search\\_%' ESCAPE '\\'
                OR name LIKE '%\\_by\\_%' ESCAPE '\\' OR name LIKE '%\\_mentions\\_%' ESCAPE '\\')",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    undo.extend(
        [
            "DROP TABLE search_index",
            "DROP TABLE search_keys",
            "DROP TABLE entity_mentions",
            "DROP TABLE logbook_entries",
            "DROP TABLE logbook_facts",
            "DROP TABLE logbook_entry_sources",
            "DROP TABLE logbook_state",
            "DROP TABLE logbook_splits",
            "DROP TABLE logbook_merges",
            "DROP TABLE logbook_annotations",
            "DROP TABLE exam_attempts",
            // 0012 replaces 0002's outbox: put a table of that name back for it to drop.
            "DROP TABLE pending_changes",
            "DROP TABLE outbox",
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, account_id INTEGER, kind TEXT,
               payload TEXT, state TEXT, attempts INTEGER, last_error TEXT,
               created_at TEXT, updated_at TEXT)",
            "DELETE FROM _sqlx_migrations WHERE version >= 6",
            "DROP TABLE skipped_rows",
            "ALTER TABLE sync_state ADD COLUMN pass_started_at TEXT",
        ]
        .map(String::from),
    );
    for undo in undo {
        sqlx::query(&undo).execute(store.pool()).await.unwrap();
    }
    drop(store);

    let store = open(&dir).await;
    let starts: Vec<String> =
        sqlx::query_scalar("SELECT starts_at FROM bookings ORDER BY starts_at")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(
        starts,
        [
            "2026-03-02T09:29:59.999Z",
            "2026-03-02T09:30:00.000Z",
            "2026-03-02T09:30:00.500Z"
        ]
    );
    let changed: String = sqlx::query_scalar("SELECT DISTINCT changed_at FROM bookings")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(changed, "2026-03-01T08:00:00.123Z");
    let created: String = sqlx::query_scalar("SELECT created_at FROM accounts")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(created, "2026-03-01T08:00:00.250Z");
    let account = store.accounts().await.unwrap().remove(0);
    assert_eq!(
        account.created_at.to_rfc3339(),
        "2026-03-01T08:00:00.250+00:00"
    );

    let live = complete_without_the_others(&store, id).await;
    assert_eq!(live, ["before", "listed"]);
}

#[tokio::test]
async fn every_instant_column_of_a_fresh_write_has_the_one_form() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    let records = [booking("b", "2026-03-02T09:30:00+01:00")];
    store.begin_pass(id, "bookings", true).await.unwrap();
    store
        .write_page(&write(id, 1, &records, PassEnd::Completes))
        .await
        .unwrap();
    store
        .finish_resource(id, "bookings", Utc::now(), Default::default(), None)
        .await
        .unwrap();
    let values: Vec<String> = sqlx::query_scalar(
        "SELECT starts_at FROM bookings UNION ALL SELECT first_seen_at FROM bookings
         UNION ALL SELECT changed_at FROM bookings UNION ALL SELECT created_at FROM accounts
         UNION ALL SELECT updated_at FROM accounts UNION ALL SELECT last_success_at FROM sync_state
         UNION ALL SELECT last_attempt_at FROM sync_state",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(values[0], "2026-03-02T08:30:00.000Z");
    for v in &values {
        assert!(
            v.len() == 24 && v.ends_with('Z') && v.as_bytes()[19] == b'.',
            "{v} in {values:?}"
        );
    }
}
