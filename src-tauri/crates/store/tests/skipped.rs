//! Rows that could not become records: kept raw, counted per page, listed for the user,
//! forgotten once a full listing no longer sends them, and purged with the account.

mod common;

use common::store_with_account;
use flightdesk_core::{Kind, Record, SkippedRow};
use flightdesk_store::{Counts, PageWrite, PassEnd, Store};
use serde_json::{json, Value};

/// A full listing of the people.
const SNAPSHOT: PassEnd<'static> = PassEnd::CompletesSnapshot {
    kinds: &[Kind::People],
    keep_starting_before: None,
};

fn person(id: &str) -> Record {
    common::person(id, &format!("P{id}"))
}

fn no_id(name: &str) -> SkippedRow {
    SkippedRow::new(json!({"name": name}), "members row without an `id`")
}

async fn write(
    store: &Store,
    account_id: i64,
    pass: i64,
    records: &[Record],
    skipped: &[SkippedRow],
    end: PassEnd<'_>,
) -> Counts {
    store
        .write_page(&PageWrite {
            account_id,
            resource: "members",
            pass,
            records,
            skipped,
            position: None,
            end,
        })
        .await
        .unwrap()
        .counts
}

#[tokio::test]
async fn a_skipped_row_is_kept_as_sent_counted_and_forgotten_when_a_full_listing_drops_it() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;

    let pass = store.begin_pass(id, "members", false).await.unwrap().pass;
    let counts = write(
        &store,
        id,
        pass,
        &[person("1")],
        &[no_id("Ana"), no_id("Ben")],
        SNAPSHOT,
    )
    .await;
    assert_eq!((counts.new, counts.skipped), (1, 2));
    let rows = store.skipped_rows(None).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].account, "school");
    assert_eq!(rows[0].resource, "members");
    assert_eq!(rows[0].reason, "members row without an `id`");
    let raws: Vec<&Value> = rows.iter().map(|r| &r.raw).collect();
    assert!(raws.contains(&&json!({"name": "Ana"})), "{raws:?}");
    // The record beside them was written.
    assert_eq!(
        store.export_kind(Kind::People, false).await.unwrap().len(),
        1
    );

    // Sent again, the same row is one row (counted again: this run skipped it too);
    // Ben is fixed at the provider, so the full listing forgets him.
    let pass = store.begin_pass(id, "members", false).await.unwrap().pass;
    let counts = write(&store, id, pass, &[person("1")], &[no_id("Ana")], SNAPSHOT).await;
    assert_eq!(counts.skipped, 1);
    let rows = store.skipped_rows(Some(id)).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].raw, json!({"name": "Ana"}));
    assert!(rows[0].first_seen_at <= rows[0].last_seen_at);

    // A changes-only pass that does not send it again keeps it.
    let pass = store.begin_pass(id, "members", false).await.unwrap().pass;
    write(&store, id, pass, &[], &[], PassEnd::Completes).await;
    assert_eq!(store.skipped_rows(Some(id)).await.unwrap().len(), 1);

    store.purge_account_data(id).await.unwrap();
    assert!(store.skipped_rows(None).await.unwrap().is_empty());
}

/// The skipped row may be a record the pass did not otherwise see (its id went missing):
/// a full listing that skipped a row removes nothing; the next clean one judges.
#[tokio::test]
async fn a_full_listing_that_skipped_a_row_removes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    let live = || async { store.export_kind(Kind::People, false).await.unwrap().len() };
    let pass = store.begin_pass(id, "members", false).await.unwrap().pass;
    write(&store, id, pass, &[person("1"), person("2")], &[], SNAPSHOT).await;

    // Person 2 comes without its id: kept, not removed.
    let pass = store.begin_pass(id, "members", false).await.unwrap().pass;
    let counts = write(&store, id, pass, &[person("1")], &[no_id("P2")], SNAPSHOT).await;
    assert_eq!((counts.removed, counts.skipped), (0, 1));
    assert_eq!(live().await, 2);

    // A clean listing without person 2: now it is gone.
    let pass = store.begin_pass(id, "members", false).await.unwrap().pass;
    let counts = write(&store, id, pass, &[person("1")], &[], SNAPSHOT).await;
    assert_eq!(counts.removed, 1);
    assert_eq!(live().await, 1);
    assert!(store.skipped_rows(None).await.unwrap().is_empty());
}
