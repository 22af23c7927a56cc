//! The store against a real SQLCipher file in a throwaway directory.

use flightdesk_core::Provider;
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, Store, StoreError, DB_FILE_NAME};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const OTHER_KEY: &str = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

fn new_account(name: &str) -> NewAccount {
    NewAccount {
        provider: Provider::Flylogs,
        name: name.to_string(),
        base_url: "http://127.0.0.1:9/flylogs".to_string(),
        options: serde_json::Map::new(),
    }
}

async fn open(dir: &tempfile::TempDir, key: &str) -> Result<Store, StoreError> {
    Store::open(&dir.path().join(DB_FILE_NAME), &Secret::new(key)).await
}

#[tokio::test]
async fn the_file_on_disk_holds_no_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, KEY).await.unwrap();
    store
        .upsert_account(&new_account("Canary Flight Academy Zulu"))
        .await
        .unwrap();
    store.close().await;

    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        // The last connection removes the (already checkpointed, empty) WAL and shm files
        // on its worker thread, which may finish just after `close` returns.
        match std::fs::read(entry.unwrap().path()) {
            Ok(content) => bytes.extend(content),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(bytes.len() > 4096, "the database should have been written");
    let haystack = String::from_utf8_lossy(&bytes);
    assert!(
        !haystack.contains("Canary Flight Academy Zulu"),
        "account name found in plain text"
    );
    assert!(
        !haystack.contains("SQLite format 3"),
        "an unencrypted SQLite header was found"
    );
    assert!(
        !haystack.contains("CREATE TABLE"),
        "schema found in plain text"
    );

    // And the right key reads it back.
    let store = open(&dir, KEY).await.unwrap();
    assert_eq!(
        store.accounts().await.unwrap()[0].name,
        "Canary Flight Academy Zulu"
    );
}

#[tokio::test]
async fn a_wrong_key_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    open(&dir, KEY).await.unwrap().close().await;
    let err = open(&dir, OTHER_KEY).await.unwrap_err();
    assert!(
        matches!(err, StoreError::CannotDecrypt { .. }),
        "got {err:?}"
    );
    assert!(err.to_string().contains("cannot be decrypted"));
}

#[tokio::test]
async fn a_newer_schema_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, KEY).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (999999, 'from the future', 1, x'00', 0)",
    )
    .execute(store.pool())
    .await
    .unwrap();
    store.close().await;

    let err = open(&dir, KEY).await.unwrap_err();
    match &err {
        StoreError::NewerSchema { found, supported } => {
            assert_eq!(*found, 999999);
            assert_eq!(*supported, Store::supported_schema_version());
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(err.to_string().contains("newer FlightDesk"));
}

#[tokio::test]
async fn connections_use_wal_foreign_keys_and_a_busy_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, KEY).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(fk, 1);
    assert!(busy >= 10_000, "busy timeout was {busy} ms");
    assert_eq!(
        store.schema_version().await.unwrap(),
        Store::supported_schema_version()
    );
}

#[tokio::test]
async fn reusing_a_name_replaces_the_definition_and_keeps_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, KEY).await.unwrap();
    let first = store
        .upsert_account(&new_account("School A"))
        .await
        .unwrap();
    let mut changed = new_account("School A");
    changed.base_url = "http://127.0.0.1:10/flylogs".into();
    let second = store.upsert_account(&changed).await.unwrap();
    assert_eq!(first.id, second.id);
    assert_eq!(second.base_url, "http://127.0.0.1:10/flylogs");
    assert_eq!(store.accounts().await.unwrap().len(), 1);

    store.remove_account("School A").await.unwrap();
    assert!(matches!(
        store.account("School A").await,
        Err(StoreError::NoSuchAccount(_))
    ));
}

#[tokio::test]
async fn two_openers_of_one_file_write_without_losing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let a = open(&dir, KEY).await.unwrap();
    let b = open(&dir, KEY).await.unwrap();
    let write = |store: Store, prefix: &'static str| async move {
        for i in 0..40 {
            store
                .upsert_account(&new_account(&format!("{prefix}-{i}")))
                .await
                .unwrap();
        }
    };
    tokio::join!(write(a.clone(), "app"), write(b.clone(), "cli"));
    assert_eq!(a.accounts().await.unwrap().len(), 80);
}

/// A cipher setting, which SQLCipher answers as text.
async fn cipher_setting(store: &Store, pragma: &str) -> String {
    sqlx::query_scalar(&format!("PRAGMA {pragma}"))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn new_files_use_16_kb_pages_and_hmac_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir, KEY).await.unwrap();
    assert_eq!(cipher_setting(&store, "cipher_page_size").await, "16384");
    assert_eq!(
        cipher_setting(&store, "cipher_hmac_algorithm").await,
        "HMAC_SHA256"
    );
}

/// Files written by earlier builds: SQLCipher 4's defaults (4 KB pages, HMAC-SHA512),
/// then 16 KB pages with HMAC-SHA512.
#[tokio::test]
async fn files_of_earlier_layouts_still_open_and_keep_their_layout() {
    use sqlx::ConnectOptions;
    use std::str::FromStr;

    for (page_size, hmac) in [("4096", "HMAC_SHA512"), ("16384", "HMAC_SHA512")] {
        let legacy = tempfile::tempdir().unwrap();
        let path = legacy.path().join(DB_FILE_NAME);
        let mut conn = sqlx::sqlite::SqliteConnectOptions::from_str("sqlite://")
            .unwrap()
            .filename(&path)
            .pragma("key", format!("\"x'{KEY}'\""))
            .pragma("cipher_page_size", page_size)
            .pragma("cipher_hmac_algorithm", hmac)
            .create_if_missing(true)
            .connect()
            .await
            .unwrap();
        sqlx::query("CREATE TABLE before (x)")
            .execute(&mut conn)
            .await
            .unwrap();
        drop(conn);
        let store = open(&legacy, KEY).await.unwrap();
        assert_eq!(cipher_setting(&store, "cipher_page_size").await, page_size);
        assert_eq!(cipher_setting(&store, "cipher_hmac_algorithm").await, hmac);
        store
            .upsert_account(&new_account("older file"))
            .await
            .unwrap();
        store.close().await;
        assert!(matches!(
            open(&legacy, OTHER_KEY).await,
            Err(StoreError::CannotDecrypt { .. })
        ));
        assert_eq!(
            open(&legacy, KEY).await.unwrap().accounts().await.unwrap()[0].name,
            "older file"
        );
    }
}
