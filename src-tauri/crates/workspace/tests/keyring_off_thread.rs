//! A keyring that takes its time (a D-Bus round trip, a locked keyring waiting for its
//! unlock prompt) holds only the caller: on a current-thread runtime, where a blocking call
//! would stop everything, another task keeps running while the workspace opens and while
//! it reads and writes account secrets.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use flightdesk_core::Provider;
use flightdesk_secrets::{MemoryStore, Result, Secret, SecretStore};
use flightdesk_store::NewAccount;
use flightdesk_workspace::{SecretsBackend, Workspace};

/// How long each keyring call of [`SlowKeyring`] blocks its thread.
const CALL: Duration = Duration::from_millis(150);

/// A secret store whose every call blocks its thread, as a keyring's D-Bus call does.
struct SlowKeyring(MemoryStore);

impl SecretStore for SlowKeyring {
    fn get(&self, key: &str) -> Result<Option<Secret>> {
        std::thread::sleep(CALL);
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &Secret) -> Result<()> {
        std::thread::sleep(CALL);
        self.0.set(key, value)
    }
    fn delete(&self, key: &str) -> Result<()> {
        std::thread::sleep(CALL);
        self.0.delete(key)
    }
}

/// Counts 5 ms ticks on the same runtime; returns the counter.
fn ticker() -> Arc<AtomicU64> {
    let ticks = Arc::new(AtomicU64::new(0));
    let counter = ticks.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(5)).await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    ticks
}

/// Runs `work` and returns how many ticks the ticker made meanwhile.
async fn ticks_during<T>(
    ticks: &AtomicU64,
    work: impl std::future::Future<Output = T>,
) -> (T, u64) {
    let before = ticks.load(Ordering::SeqCst);
    let out = work.await;
    (out, ticks.load(Ordering::SeqCst) - before)
}

#[tokio::test(flavor = "current_thread")]
async fn a_slow_keyring_does_not_stop_other_tasks_on_the_same_thread() {
    let dir = tempfile::tempdir().unwrap();
    let backend = SecretsBackend::Store(Arc::new(SlowKeyring(MemoryStore::new())));
    let ticks = ticker();

    // A new workspace: the key is looked up, then made and stored (two slow calls).
    let (ws, during_open) = ticks_during(&ticks, Workspace::open(dir.path(), backend)).await;
    let ws = ws.unwrap();
    // Blocking the thread for 300 ms would leave the ticker at 0 or 1.
    assert!(during_open >= 20, "only {during_open} ticks while opening");

    let account = ws
        .store()
        .upsert_account(&NewAccount {
            provider: Provider::AviationAlley,
            name: "centre".into(),
            base_url: "http://127.0.0.1:9".into(),
            options: Default::default(),
        })
        .await
        .unwrap();
    let secrets = ws.secrets();
    let token = Secret::new("aa_live_token");
    let (saved, during_write) =
        ticks_during(&ticks, secrets.set_credential(&account, &token)).await;
    saved.unwrap();
    let (read, during_read) = ticks_during(&ticks, secrets.credential(&account)).await;
    assert_eq!(read.unwrap(), Some(token));
    let (session, during_session) = ticks_during(&ticks, secrets.session(&account)).await;
    assert_eq!(session.unwrap(), None);
    for (what, n) in [
        ("writing", during_write),
        ("reading", during_read),
        ("reading the session", during_session),
    ] {
        assert!(n >= 10, "only {n} ticks while {what} a secret");
    }
    ws.store().clone().close().await;
}
