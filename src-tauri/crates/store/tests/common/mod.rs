//! What the page-writing tests share: a store in a throwaway directory with one account,
//! and records to write into it.
#![allow(dead_code)] // each test binary uses its own part

use chrono::{DateTime, Utc};
use flightdesk_core::records::{Booking, Person};
use flightdesk_core::{Provider, Record};
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, Store, DB_FILE_NAME};
use serde_json::json;

pub const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// The store of `dir` (created on first open).
pub async fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join(DB_FILE_NAME), &Secret::new(KEY))
        .await
        .unwrap()
}

/// The store of `dir` with one account, `school`, and that account's id.
pub async fn store_with_account(dir: &tempfile::TempDir) -> (Store, i64) {
    let store = open(dir).await;
    let account = store
        .upsert_account(&NewAccount {
            provider: Provider::FlightSchoolBooking,
            name: "school".into(),
            base_url: "http://127.0.0.1:9".into(),
            options: Default::default(),
        })
        .await
        .unwrap();
    (store, account.id)
}

pub fn person(id: &str, name: &str) -> Record {
    Record::new(
        id,
        Person {
            name: Some(name.into()),
            ..Default::default()
        },
        json!({"id": id, "name": name, "extra": {"kept": true}}),
    )
}

pub fn booking(id: &str, starts: &str) -> Record {
    let starts_at: DateTime<Utc> = starts.parse().unwrap();
    Record::new(
        id,
        Booking {
            starts_at: Some(starts_at),
            ..Default::default()
        },
        json!({"id": id, "start": starts}),
    )
}
