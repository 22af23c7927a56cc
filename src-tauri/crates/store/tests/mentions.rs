//! Migration 0010's `entity_mentions` stays equal to what a scan of the records says, through
//! inserts, edits, a removal by a completed snapshot pass and an account purge.

mod common;

use common::{open, store_with_account};
use flightdesk_core::records::Booking;
use flightdesk_core::{Kind, Record};
use flightdesk_store::{PageWrite, PassEnd, Store};
use serde_json::json;

fn booking(id: &str, instructor: Option<&str>, student: &str, aircraft: &str) -> Record {
    Record::new(
        id,
        Booking {
            starts_at: Some("2026-03-02T09:00:00Z".parse().unwrap()),
            ends_at: Some("2026-03-02T10:00:00Z".parse().unwrap()),
            resource_kind: Some("aircraft".into()),
            resource_name: Some(aircraft.into()),
            instructor_name: instructor.map(String::from),
            person_id: Some(format!("p-{student}")),
            person_name: Some(student.into()),
            ..Default::default()
        },
        json!({"id": id, "instructor": instructor, "student": student, "aircraft": aircraft}),
    )
}

/// Writes `records` as one snapshot pass of the bookings: what it does not list goes.
async fn snapshot(store: &Store, account_id: i64, records: &[Record]) {
    let pass = store
        .begin_pass(account_id, "bookings", true)
        .await
        .unwrap()
        .pass;
    store
        .write_page(&PageWrite {
            account_id,
            resource: "bookings",
            pass,
            records,
            skipped: &[],
            position: None,
            end: PassEnd::CompletesSnapshot {
                kinds: &[Kind::Bookings],
                keep_starting_before: None,
            },
        })
        .await
        .unwrap();
}

type Row = (String, i64, String, String, String, String, i64);

/// The table as the triggers left it, and as a scan of the live bookings computes it.
async fn kept_and_scanned(store: &Store) -> (Vec<Row>, Vec<Row>) {
    let kept = sqlx::query_as(
        "SELECT mention, account_id, id, name, kind, location, uses FROM entity_mentions
         WHERE mention LIKE 'bookings.%' ORDER BY 1, 2, 3, 4, 5, 6",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    let scanned = sqlx::query_as(
        "SELECT * FROM (
           SELECT 'bookings.resource', account_id, coalesce(resource_id, ''),
                  coalesce(resource_name, ''), coalesce(resource_kind, ''),
                  coalesce(location_id, ''), count(*)
           FROM bookings WHERE removed = 0 AND (resource_id IS NOT NULL OR resource_name IS NOT NULL)
           GROUP BY 2, 3, 4, 5, 6
           UNION ALL
           SELECT 'bookings.instructor', account_id, coalesce(instructor_id, ''),
                  coalesce(instructor_name, ''), '', '', count(*)
           FROM bookings WHERE removed = 0 AND (instructor_id IS NOT NULL OR instructor_name IS NOT NULL)
           GROUP BY 2, 3, 4
           UNION ALL
           SELECT 'bookings.person', account_id, coalesce(person_id, ''),
                  coalesce(person_name, ''), '', '', count(*)
           FROM bookings WHERE removed = 0 AND (person_id IS NOT NULL OR person_name IS NOT NULL)
           GROUP BY 2, 3, 4
         ) ORDER BY 1, 2, 3, 4, 5, 6",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    (kept, scanned)
}

#[tokio::test]
async fn the_mentions_follow_every_change_of_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let (store, id) = store_with_account(&dir).await;

    snapshot(
        &store,
        id,
        &[
            booking("1", Some("Ann Lee"), "bo", "N44API"),
            booking("2", Some("Ann Lee"), "cy", "N44API"),
            booking("3", None, "bo", "D-EABC"),
        ],
    )
    .await;
    let (kept, scanned) = kept_and_scanned(&store).await;
    assert_eq!(kept, scanned);
    let ann = kept
        .iter()
        .find(|r| r.0 == "bookings.instructor" && r.3 == "Ann Lee")
        .expect("Ann is named");
    assert_eq!(ann.6, 2, "two bookings name Ann");
    assert!(
        !kept
            .iter()
            .any(|r| r.0 == "bookings.instructor" && r.3.is_empty()),
        "a booking without an instructor names none"
    );

    // Booking 2 changes instructor, booking 3 is no longer listed (removed), and a new
    // one names a new aircraft.
    snapshot(
        &store,
        id,
        &[
            booking("1", Some("Ann Lee"), "bo", "N44API"),
            booking("2", Some("Dee Fox"), "cy", "N44API"),
            booking("4", Some("Dee Fox"), "bo", "G-ABCD"),
        ],
    )
    .await;
    let (kept, scanned) = kept_and_scanned(&store).await;
    assert_eq!(kept, scanned);
    let names: Vec<&str> = kept
        .iter()
        .filter(|r| r.0 == "bookings.resource")
        .map(|r| r.3.as_str())
        .collect();
    assert_eq!(
        names,
        ["G-ABCD", "N44API"],
        "D-EABC went with its only booking"
    );
    assert!(kept
        .iter()
        .any(|r| r.0 == "bookings.instructor" && r.3 == "Ann Lee" && r.6 == 1));

    // Reopening changes nothing; purging the account's data empties its mentions.
    drop(store);
    let store = open(&dir).await;
    assert_eq!(kept_and_scanned(&store).await.0, kept);
    store.purge_account_data(id).await.unwrap();
    let (kept, scanned) = kept_and_scanned(&store).await;
    assert!(kept.is_empty(), "{kept:?}");
    assert!(scanned.is_empty());
}
