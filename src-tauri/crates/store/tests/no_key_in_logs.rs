//! The database key never reaches a log line, whatever the log level: sqlx logs the
//! statements it runs, and the first statement of every connection is the `key` pragma.

use std::io::Write;
use std::sync::{Arc, Mutex};

use flightdesk_core::Provider;
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, Store, DB_FILE_NAME};

const KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

/// Everything a subscriber wrote, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn opening_and_using_a_store_at_trace_level_logs_no_key() {
    let captured = Captured::default();
    let writer = captured.clone();
    // Installed for the process (this file's only test) so that it also takes the `log`
    // records sqlx writes its statement log with, as the app's logging does.
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DB_FILE_NAME);
    // Twice: a reopen runs the pragmas again on every pooled connection.
    for _ in 0..2 {
        let store = Store::open(&path, &Secret::new(KEY)).await.unwrap();
        store
            .upsert_account(&NewAccount {
                provider: Provider::Airbly,
                name: "school".into(),
                base_url: "http://127.0.0.1:9/airbly".into(),
                options: serde_json::Map::new(),
            })
            .await
            .unwrap();
        store.accounts().await.unwrap();
        store.close().await;
    }

    let logged = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let leaks = logged
        .lines()
        .filter(|l| l.to_lowercase().contains(KEY) || l.contains("PRAGMA key"))
        .count();
    assert_eq!(leaks, 0, "log lines carrying the key");
}
