//! Page writes: idempotent upserts, counts, snapshot removal, positions in the same
//! transaction, export shape.

mod common;

use chrono::Utc;
use common::{booking, person, store_with_account};
use flightdesk_core::records::Person;
use flightdesk_core::{Kind, Record};
use flightdesk_store::{Counts, PageWrite, PassEnd, DB_FILE_NAME};

fn page<'a>(account_id: i64, pass: i64, records: &'a [Record], end: PassEnd<'a>) -> PageWrite<'a> {
    PageWrite {
        account_id,
        resource: "r",
        pass,
        records,
        skipped: &[],
        position: Some("{\"page\":1}"),
        end,
    }
}

#[tokio::test]
async fn a_page_written_twice_counts_once_and_keeps_one_row() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    let state = store.begin_pass(id, "r", false).await.unwrap();
    assert_eq!(state.pass, 1);
    let records = vec![person("1", "Ana"), person("2", "Ben")];
    let first = store
        .write_page(&page(id, 1, &records, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(
        first.counts,
        Counts {
            new: 2,
            ..Default::default()
        }
    );
    let again = store
        .write_page(&page(id, 1, &records, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(again.counts, Counts::default());
    let changed = vec![person("1", "Ana B")];
    let third = store
        .write_page(&page(id, 1, &changed, PassEnd::Completes))
        .await
        .unwrap();
    assert_eq!(third.counts.updated, 1);
    let state = store.sync_state(id, "r").await.unwrap().unwrap();
    assert_eq!(state.position.as_deref(), Some("{\"page\":1}"));
    assert!(!state.in_pass);
    let exported = store.export_kind(Kind::People, true).await.unwrap();
    assert_eq!(exported.len(), 2);
    assert_eq!(exported[0]["source"], "flightschoolbooking");
    assert_eq!(exported[0]["account"], "school");
    assert_eq!(exported[0]["source_id"], "1");
    assert_eq!(exported[0]["name"], "Ana B");
    assert_eq!(exported[0]["raw"]["extra"]["kept"], true);
}

#[tokio::test]
async fn a_completed_snapshot_removes_unseen_rows_but_keeps_the_past() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    store.begin_pass(id, "r", false).await.unwrap();
    let all = vec![
        booking("past", "2020-01-01T10:00:00Z"),
        booking("gone", "2099-01-01T10:00:00Z"),
        booking("stays", "2099-01-02T10:00:00Z"),
    ];
    store
        .write_page(&page(id, 1, &all, PassEnd::Completes))
        .await
        .unwrap();
    let second = store.begin_pass(id, "r", false).await.unwrap();
    assert_eq!(second.pass, 2);
    let seen = vec![booking("stays", "2099-01-02T10:00:00Z")];
    let out = store
        .write_page(&page(
            id,
            2,
            &seen,
            PassEnd::CompletesSnapshot {
                kinds: &[Kind::Bookings],
                keep_starting_before: Some(Utc::now()),
            },
        ))
        .await
        .unwrap();
    assert_eq!(out.counts.removed, 1);
    let ids: Vec<String> = store
        .export_kind(Kind::Bookings, false)
        .await
        .unwrap()
        .iter()
        .map(|r| r["source_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["past", "stays"]);
    assert_eq!(store.record_counts(id).await.unwrap()[&Kind::Bookings], 2);
}

#[tokio::test]
async fn tombstones_remove_and_a_killed_pass_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    store.begin_pass(id, "r", false).await.unwrap();
    store
        .write_page(&page(id, 1, &[person("1", "Ana")], PassEnd::Continues))
        .await
        .unwrap();
    // The process dies here; the next run resumes the same pass.
    let resumed = store.begin_pass(id, "r", false).await.unwrap();
    assert_eq!((resumed.pass, resumed.in_pass), (1, true));
    assert_eq!(resumed.position.as_deref(), Some("{\"page\":1}"));
    let gone = vec![person("1", "Ana").removed()];
    let out = store
        .write_page(&page(id, 1, &gone, PassEnd::Completes))
        .await
        .unwrap();
    assert_eq!(out.counts.removed, 1);
    assert!(store
        .export_kind(Kind::People, false)
        .await
        .unwrap()
        .is_empty());
    // --full forgets the position and starts a new pass.
    let full = store.begin_pass(id, "r", true).await.unwrap();
    assert_eq!((full.pass, full.position), (2, None));
}

#[tokio::test]
async fn a_big_page_of_mixed_kinds_counts_every_record_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    store.begin_pass(id, "r", false).await.unwrap();
    // More records of one kind than one statement carries, interleaved with another kind.
    let mut records = Vec::new();
    for i in 0..1_234 {
        records.push(person(&format!("p{i}"), &format!("Person {i}")));
        if i % 10 == 0 {
            records.push(booking(&format!("b{i}"), "2099-01-01T10:00:00Z"));
        }
    }
    let first = store
        .write_page(&page(id, 1, &records, PassEnd::Completes))
        .await
        .unwrap();
    assert_eq!(first.counts.new, 1_234 + 124);
    let counts = store.record_counts(id).await.unwrap();
    assert_eq!(
        (counts[&Kind::People], counts[&Kind::Bookings]),
        (1_234, 124)
    );

    store.begin_pass(id, "r", false).await.unwrap();
    for (i, r) in records.iter_mut().enumerate() {
        if i % 7 == 0 {
            *r = r.clone().removed();
        } else if i % 3 == 0 && r.source_id.starts_with('p') {
            *r = person(&r.source_id, "Renamed");
        }
    }
    let removed = records.iter().filter(|r| r.removed).count() as u64;
    let renamed = records
        .iter()
        .filter(|r| !r.removed && r.raw["name"] == "Renamed")
        .count() as u64;
    let second = store
        .write_page(&page(id, 2, &records, PassEnd::Completes))
        .await
        .unwrap();
    assert_eq!(
        second.counts,
        Counts {
            updated: renamed,
            removed,
            ..Default::default()
        }
    );
    let people = store.export_kind(Kind::People, true).await.unwrap();
    assert_eq!(
        people.iter().filter(|p| p["name"] == "Renamed").count() as u64,
        renamed
    );
    assert!(people.iter().all(|p| p["raw"]["id"] == p["source_id"]));
}

#[tokio::test]
async fn a_record_listed_twice_or_remapped_is_written_as_listed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    store.begin_pass(id, "r", false).await.unwrap();
    let ana = vec![person("1", "Ana")];
    store
        .write_page(&page(id, 1, &ana, PassEnd::Continues))
        .await
        .unwrap();
    // Listed twice unchanged: nothing to count.
    let twice = vec![person("1", "Ana"), person("1", "Ana")];
    let out = store
        .write_page(&page(id, 1, &twice, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(out.counts, Counts::default());
    // Listed twice with two changes: one record updated, the last listing stays.
    let edits = vec![person("1", "Ana B"), person("1", "Ana C")];
    let out = store
        .write_page(&page(id, 1, &edits, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(
        out.counts,
        Counts {
            updated: 1,
            ..Default::default()
        }
    );
    // Listed unchanged, then changed: one update.
    let edits = vec![person("1", "Ana C"), person("1", "Ana D")];
    let out = store
        .write_page(&page(id, 1, &edits, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(out.counts.updated, 1);
    assert_eq!(
        store.export_kind(Kind::People, false).await.unwrap()[0]["name"],
        "Ana D"
    );
    // A new record listed twice, the second time changed: one new record.
    let new_twice = vec![person("2", "Ben"), person("2", "Ben B")];
    let out = store
        .write_page(&page(id, 1, &new_twice, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(
        out.counts,
        Counts {
            new: 1,
            ..Default::default()
        }
    );
    let people = store.export_kind(Kind::People, false).await.unwrap();
    assert_eq!(people.len(), 2);
    assert_eq!(people[1]["name"], "Ben B");
    // The same raw record mapped differently (a newer FlightDesk): the normalized
    // columns follow, and nothing counts as changed.
    let raw = person("1", "Ana D").raw;
    let remapped = vec![Record::new(
        "1",
        Person {
            name: Some("Ana C.".into()),
            email: Some("ana@example.org".into()),
            ..Default::default()
        },
        raw,
    )];
    let out = store
        .write_page(&page(id, 1, &remapped, PassEnd::Completes))
        .await
        .unwrap();
    assert_eq!(out.counts, Counts::default());
    let exported = store.export_kind(Kind::People, true).await.unwrap();
    assert_eq!(exported[0]["name"], "Ana C.");
    assert_eq!(exported[0]["email"], "ana@example.org");
    assert_eq!(exported[0]["raw"]["name"], "Ana D");
}

#[tokio::test]
async fn rows_cached_before_the_hashes_are_compared_in_full_once() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    store.begin_pass(id, "r", false).await.unwrap();
    let records = vec![person("1", "Ana"), person("2", "Ben")];
    store
        .write_page(&page(id, 1, &records, PassEnd::Continues))
        .await
        .unwrap();
    // As a database migrated from before 0003 has them: no hashes.
    sqlx::query("UPDATE people SET content_hash = NULL, row_hash = NULL")
        .execute(store.pool())
        .await
        .unwrap();
    let hashed =
        "SELECT COUNT(*) FROM people WHERE content_hash IS NOT NULL AND row_hash IS NOT NULL";

    // The same listing again changes nothing and fills the hashes in; one edit is one
    // update, whichever way its row was compared.
    let edited = vec![person("1", "Ana"), person("2", "Ben B")];
    let outcome = store
        .write_page(&page(id, 1, &edited, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(
        outcome.counts,
        Counts {
            updated: 1,
            ..Default::default()
        }
    );
    let n: i64 = sqlx::query_scalar(hashed)
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(n, 2);
    let versions: Vec<i64> = sqlx::query_scalar("SELECT version FROM people ORDER BY source_id")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(versions, [1, 2]);
    let again = store
        .write_page(&page(id, 1, &edited, PassEnd::Continues))
        .await
        .unwrap();
    assert_eq!(again.counts, Counts::default());
}

#[tokio::test]
async fn page_writes_are_checkpointed_into_the_database_file_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;
    let file = dir.path().join(DB_FILE_NAME);
    let size = || std::fs::metadata(&file).unwrap().len();
    store.begin_pass(id, "r", false).await.unwrap();
    let write = |n: usize| {
        let records: Vec<Record> = (0..50)
            .map(|i| person(&format!("{n}-{i}"), "Ana"))
            .collect();
        let store = store.clone();
        async move {
            store
                .write_page(&page(id, 1, &records, PassEnd::Continues))
                .await
                .unwrap();
        }
    };
    // Fewer page writes than a checkpoint waits for: the records are only in the log.
    for n in 0..31 {
        write(n).await;
    }
    let before = size();
    for n in 31..40 {
        write(n).await;
    }
    // The checkpoint runs beside the writes; give it time to finish.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while size() <= before && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        size() > before,
        "the database file stayed at {before} bytes: no checkpoint copied the log into it"
    );
    let people = store.export_kind(Kind::People, false).await.unwrap();
    assert_eq!(people.len(), 40 * 50);
}
