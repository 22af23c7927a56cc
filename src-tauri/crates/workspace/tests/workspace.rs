//! Workspaces opened on throwaway data directories with an in-memory secret store.

use std::sync::Arc;

use flightdesk_core::Provider;
use flightdesk_secrets::{MemoryStore, Secret, SecretStore};
use flightdesk_store::NewAccount;
use flightdesk_workspace::{logging, SecretsBackend, Workspace, WorkspaceError, WorkspaceKind};

fn memory() -> (Arc<MemoryStore>, SecretsBackend) {
    let store = Arc::new(MemoryStore::new());
    (store.clone(), SecretsBackend::Memory(store))
}

#[tokio::test]
async fn a_new_directory_gets_an_identity_and_a_database_key_in_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let (secrets, backend) = memory();
    let ws = Workspace::open(dir.path(), backend.clone()).await.unwrap();
    assert_eq!(ws.info().kind, WorkspaceKind::Real);
    let key = secrets
        .get("database-key")
        .unwrap()
        .expect("key stored in the secret store");
    assert_eq!(key.expose().len(), 64);
    let id = ws.info().id.clone();
    ws.store().clone().close().await;

    let again = Workspace::open(dir.path(), backend).await.unwrap();
    assert_eq!(
        again.info().id,
        id,
        "the identity is stable across openings"
    );
}

#[tokio::test]
async fn a_database_whose_key_is_gone_is_not_silently_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let (secrets, backend) = memory();
    Workspace::open(dir.path(), backend.clone())
        .await
        .unwrap()
        .store()
        .clone()
        .close()
        .await;
    secrets.delete("database-key").unwrap();
    let err = Workspace::open(dir.path(), backend)
        .await
        .err()
        .expect("must refuse");
    assert!(
        matches!(err, WorkspaceError::MissingDatabaseKey { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_damaged_workspace_file_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("workspace.json"), b"{not json").unwrap();
    let err = Workspace::open(dir.path(), memory().1)
        .await
        .err()
        .expect("must refuse");
    assert!(err.to_string().contains("workspace.json"), "{err}");
}

#[tokio::test]
async fn tokens_and_passwords_never_reach_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let token = "aa_live_TOKEN_must_not_leak_7f3a";
    let password = "flylogs-PASSWORD-must-not-leak-91c2";
    let (subscriber, guard) = logging::subscriber(dir.path(), false).unwrap();
    let (secrets, backend) = memory();
    {
        let _scope = tracing::subscriber::set_default(subscriber);
        let ws = Workspace::open(dir.path(), backend).await.unwrap();
        let mut options = serde_json::Map::new();
        options.insert("email".into(), "student@example.test".into());
        for (name, provider, secret) in [
            ("AA", Provider::AviationAlley, token),
            ("FL", Provider::Flylogs, password),
        ] {
            let account = ws
                .store()
                .upsert_account(&NewAccount {
                    provider,
                    name: name.into(),
                    base_url: "http://127.0.0.1:9".into(),
                    options: options.clone(),
                })
                .await
                .unwrap();
            let secret = Secret::new(secret);
            ws.set_credential(&account, &secret).unwrap();
            tracing::error!(?secret, "an error path that formats the secret");
            assert_eq!(ws.credential(&account).unwrap().unwrap(), secret);
        }
    }
    drop(guard); // flushes the writer

    let db_key = secrets.get("database-key").unwrap().unwrap();
    let mut log = String::new();
    for entry in std::fs::read_dir(dir.path().join(logging::LOG_DIR)).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(
        log.contains("credential saved"),
        "the log was written: {log}"
    );
    assert!(log.contains("[redacted]"));
    for leaked in [token, password, db_key.expose()] {
        assert!(!log.contains(leaked), "a secret reached the log");
    }
}
