//! At the most verbose log level, nothing the CLI writes to its log files or to stderr
//! carries a secret it used: the database key, an API token or group key, a password, or
//! the session token a login left. The binary runs against the sandbox with the real OS
//! keyring (the test command runs inside a Secret Service session).

mod common;

use std::path::Path;
use std::process::Output;

use flightdesk_sandbox::{start, Provider, SandboxConfig};
use flightdesk_secrets::{KeyringStore, SecretStore};
use flightdesk_workspace::{SecretsBackend, Workspace};

use common::{command, text};

/// Runs the binary with every log target at `trace`.
async fn traced(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = command(dir, args);
    cmd.env("FLIGHTDESK_LOG", "trace");
    let stdin = stdin.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        use std::process::Stdio;
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(t) = stdin {
            input.write_all(t.as_bytes()).unwrap();
        }
        drop(input);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// Every secret the workspace in `dir` holds in the keyring.
async fn secrets_of(dir: &Path) -> Vec<String> {
    let workspace = Workspace::open(dir, SecretsBackend::Keyring).await.unwrap();
    let keyring = KeyringStore::new(&workspace.info().id);
    let mut secrets = vec![keyring
        .get("database-key")
        .unwrap()
        .expect("a database key")
        .expose()
        .to_string()];
    for account in workspace.store().accounts().await.unwrap() {
        for secret in [
            workspace.credential(&account).unwrap(),
            workspace.session(&account).unwrap(),
        ]
        .into_iter()
        .flatten()
        {
            secrets.push(secret.expose().to_string());
        }
    }
    workspace.store().clone().close().await;
    secrets
}

/// What the runs printed on stderr, and every log file of `dir`.
fn everything_logged(dir: &Path, runs: &[Output]) -> String {
    let mut logged: String = runs.iter().map(|o| text(&o.stderr)).collect();
    for entry in std::fs::read_dir(dir.join("logs")).unwrap() {
        logged.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    logged
}

fn assert_no_secret_in(logged: &str, secrets: &[String]) {
    // The logs are verbose enough to have carried a secret had one been logged.
    assert!(
        logged.contains("TRACE") || logged.contains("DEBUG"),
        "{logged}"
    );
    for (n, secret) in secrets.iter().enumerate() {
        assert!(secret.len() >= 8, "secret {n} is too short to search for");
        let lines = logged
            .lines()
            .filter(|l| l.contains(secret.as_str()))
            .count();
        assert_eq!(
            lines,
            0,
            "log lines carrying secret {n} of {}",
            secrets.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_workspace_synced_at_trace_level_logs_no_key_and_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for args in [&["demo"][..], &["sync"], &["status"]] {
        let out = traced(dir.path(), args, None).await;
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        runs.push(out);
    }
    let secrets = secrets_of(dir.path()).await;
    assert!(
        secrets.len() >= 6,
        "the key and five credentials: {}",
        secrets.len()
    );
    assert_no_secret_in(&everything_logged(dir.path(), &runs), &secrets);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_login_synced_at_trace_level_logs_no_password_and_no_session() {
    let sandbox = start(SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let credential = sandbox.credential(Provider::Flylogs, "instructor").unwrap();
    let email = credential["email"].as_str().unwrap();
    let password = credential["password"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = sandbox.base_url(Provider::Flylogs);
    let connect = [
        "connect",
        "flylogs",
        "--base-url",
        &base,
        "--token-stdin",
        "--set",
        &format!("email={email}"),
    ];
    let mut runs = vec![traced(dir.path(), &connect, Some(&format!("{password}\n"))).await];
    for args in [&["sync"][..], &["status"]] {
        runs.push(traced(dir.path(), args, None).await);
    }
    for out in &runs {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let secrets = secrets_of(dir.path()).await;
    assert!(secrets.contains(&password.to_string()));
    assert_eq!(
        secrets.len(),
        3,
        "the key, the password and the session token"
    );
    assert_no_secret_in(&everything_logged(dir.path(), &runs), &secrets);
}
