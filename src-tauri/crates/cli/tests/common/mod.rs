//! What the CLI's integration tests share: running the `flightdesk` binary on a data
//! directory and reading sandbox credentials.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use flightdesk_sandbox::{Provider, RunningSandbox};

/// The binary on `dir`, ignoring any data directory the environment names.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("flightdesk"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FLIGHTDESK_DATA_DIR");
    cmd
}

/// Runs the binary to its end (off the async runtime), feeding `stdin` when given.
pub async fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = command(dir, args);
    let stdin = stdin.map(str::to_string);
    tokio::task::spawn_blocking(move || {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The token of the sandbox credential of `p` with `role`.
pub fn token(sb: &RunningSandbox, p: Provider, role: &str) -> String {
    sb.credential(p, role).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A sandbox (its clock pinned) and a data directory with its Flylogs account `name`,
/// signed in as `role`, connected and synced once through the binary.
pub async fn synced_flylogs(role: &str, name: &str) -> (RunningSandbox, tempfile::TempDir) {
    synced(Provider::Flylogs, "flylogs", role, name).await
}

/// [`synced_flylogs`] for any provider (`cli` is its name on the command line).
pub async fn synced(
    provider: Provider,
    cli: &str,
    role: &str,
    name: &str,
) -> (RunningSandbox, tempfile::TempDir) {
    let sb = flightdesk_sandbox::start(flightdesk_sandbox::SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        ..Default::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = token(&sb, provider, role);
    let base = sb.base_url(provider);
    let args = [
        "connect",
        cli,
        "--base-url",
        &base,
        "--token-stdin",
        "--name",
        name,
    ];
    let out = run(dir.path(), &args, Some(&format!("{secret}\n"))).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(dir.path(), &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    (sb, dir)
}

/// Runs the binary, expecting success, and parses its standard output as JSON.
pub async fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(dir, args, None).await;
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Sets the sandbox's faults (`flylogs:5xx=1`; empty for none).
pub async fn set_faults(sb: &RunningSandbox, spec: &str) {
    let r = reqwest::Client::new()
        .put(format!("{}/faults", sb.admin_url()))
        .json(&serde_json::json!({ "spec": spec }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

/// The sandbox's truth about provider `p` (`flylogs`).
pub async fn truth(sb: &RunningSandbox, p: &str) -> serde_json::Value {
    reqwest::get(format!("{}/truth/{p}", sb.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// From the CLI's export of a manager's synced Flylogs account: a teacher of a cached
/// class, a subject, and a student enrolled in the subject's training.
pub async fn class_to_schedule(dir: &Path) -> (String, String, String) {
    let cache = json(dir, &["export"]).await;
    let rows = |kind: &str| cache[kind].as_array().unwrap().clone();
    let teacher = rows("classes")
        .iter()
        .find_map(|c| c["instructor_id"].as_str().map(str::to_string))
        .unwrap();
    let (subject, student) = rows("subjects")
        .iter()
        .find_map(|s| {
            let e = rows("enrolments").into_iter().find(|e| {
                e["training_id"] == s["training_id"]
                    && e["class_id"].is_null()
                    && e["person_id"].is_string()
            })?;
            Some((
                s["source_id"].as_str()?.to_string(),
                e["person_id"].as_str()?.to_string(),
            ))
        })
        .unwrap();
    (teacher, subject, student)
}
