//! `connect`, `sync`, `status`, `export`, `disconnect` end to end: the binary against an
//! in-process sandbox on a random loopback port, with the real OS keyring (the test
//! command runs inside a Secret Service session) and throwaway data directories.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use flightdesk_sandbox::{start, FaultSpec, Provider, RunningSandbox, SandboxConfig};
use serde_json::Value;

use common::{command, run, text, token};

async fn sandbox(faults: &str) -> RunningSandbox {
    start(SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        faults: FaultSpec::parse(faults).unwrap(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

async fn truth_ids(sb: &RunningSandbox) -> BTreeSet<String> {
    let truth: Value = reqwest::get(format!("{}/truth/flightschoolbooking", sb.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    truth["bookings"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect()
}

async fn exported_ids(dir: &Path, kind: &str) -> Vec<String> {
    let out = run(dir, &["export", "--format", "json", "--kind", kind], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v[kind]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["source_id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_sync_status_export_disconnect() {
    let sb = sandbox("").await;
    let dir = tempfile::tempdir().unwrap();
    let secret = token(&sb, Provider::AviationAlley, "live_full");
    let base = sb.base_url(Provider::AviationAlley);
    let out = run(
        dir.path(),
        &[
            "connect",
            "aviationalley",
            "--base-url",
            &base,
            "--token-stdin",
            "--name",
            "centre",
        ],
        Some(&format!("{secret}\n")),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("connected centre"));

    let out = run(dir.path(), &["accounts", "--json"], None).await;
    assert!(out.status.success());
    let accounts: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(accounts[0]["name"], "centre");
    assert_eq!(accounts[0]["state"], "connected");

    let out = run(dir.path(), &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("trainees"),
        "a per-resource summary"
    );

    let out = run(dir.path(), &["status", "--json"], None).await;
    let status: Value = serde_json::from_slice(&out.stdout).unwrap();
    let account = &status["accounts"][0];
    assert_eq!(account["state"], "connected");
    assert!(account["counts"]["bookings"].as_i64().unwrap() > 0);
    assert_eq!(account["resources"].as_array().unwrap().len(), 7);
    assert!(account["resources"][0]["last_success_at"].is_string());
    // The outcome comes from the sync crate's rule, the one the window shows.
    assert_eq!(account["resources"][0]["outcome"], "synced");

    let out = run(
        dir.path(),
        &["export", "--format", "json", "--with-raw"],
        None,
    )
    .await;
    assert!(out.status.success());
    let export: Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "bookings",
        "people",
        "flight_logs",
        "crew_duty",
        "missions",
        "locations",
    ] {
        assert!(export[key].is_array(), "{key}");
    }
    let b = &export["bookings"][0];
    assert_eq!(b["source"], "aviationalley");
    assert_eq!(b["account"], "centre");
    assert!(b["source_id"].is_string());
    assert!(b["starts_at"].as_str().unwrap().ends_with('Z'));
    assert!(b["raw"].is_object());
    let everything = [text(&out.stdout), text(&out.stderr)].concat();
    assert!(
        !everything.contains(&secret),
        "the token never appears in an export"
    );
    for log in std::fs::read_dir(dir.path().join("logs")).unwrap() {
        let log = std::fs::read_to_string(log.unwrap().path()).unwrap();
        assert!(!log.contains(&secret), "the token never appears in a log");
    }

    let out = run(dir.path(), &["disconnect", "centre", "--purge"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(exported_ids(dir.path(), "bookings").await.is_empty());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_2_and_a_rejected_key_exits_1() {
    let sb = sandbox("").await;
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &["connect", "flightschoolbooking", "--token-stdin"],
        Some("x\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("--base-url"));

    let out = run(dir.path(), &["connect", "aviationalley"], None).await;
    assert_eq!(out.status.code(), Some(2));

    let base = sb.base_url(Provider::AviationAlley);
    let out = run(
        dir.path(),
        &[
            "connect",
            "aviationalley",
            "--base-url",
            &base,
            "--token-stdin",
        ],
        Some("aa_live_not-a-real-key\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("not-a-real-key"));

    let out = run(dir.path(), &["sync"], None).await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "no accounts: {}",
        text(&out.stderr)
    );
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_midway_is_completed_by_the_next_run() {
    // Slow answers so the kill lands in the middle of the bookings pages.
    let sb = sandbox("fsb:latency=150ms").await;
    let dir = tempfile::tempdir().unwrap();
    let base = sb.base_url(Provider::FlightSchoolBooking);
    let secret = token(&sb, Provider::FlightSchoolBooking, "all_areas");
    let out = run(
        dir.path(),
        &[
            "connect",
            "flightschoolbooking",
            "--base-url",
            &base,
            "--token-stdin",
            "--name",
            "school",
        ],
        Some(&format!("{secret}\n")),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    let mut child = command(dir.path(), &["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().unwrap();
    child.wait().unwrap();
    let partial = exported_ids(dir.path(), "bookings").await;
    let truth = truth_ids(&sb).await;
    assert!(
        !partial.is_empty() && partial.len() < truth.len(),
        "killed mid-read: {} of {}",
        partial.len(),
        truth.len()
    );

    let out = run(dir.path(), &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let after = exported_ids(dir.path(), "bookings").await;
    let unique: BTreeSet<String> = after.iter().cloned().collect();
    assert_eq!(unique.len(), after.len(), "no duplicates");
    assert_eq!(unique, truth, "nothing lost");
    sb.shutdown().await;
}

/// The demo's sandbox dies with the process that made it; the next process starts its own,
/// re-points the accounts and syncs every provider with the same credentials.
#[tokio::test]
async fn a_demo_workspace_syncs_again_from_a_new_process() {
    let dir = tempfile::tempdir().unwrap();
    let demo = run(dir.path(), &["demo"], None).await;
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let first = run(dir.path(), &["accounts", "--json"], None).await;
    let first: Value = serde_json::from_slice(&first.stdout).unwrap();

    let sync = run(dir.path(), &["sync"], None).await;
    assert!(
        sync.status.success(),
        "every resource syncs again: {}",
        text(&sync.stderr)
    );
    let again = run(dir.path(), &["accounts", "--json"], None).await;
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    let urls = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|a| a["base_url"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(urls(&first).len(), 5);
    assert_ne!(urls(&first), urls(&again), "re-pointed at the new sandbox");
    // Only descriptive options are kept: no password, no login e-mail.
    let listed = again.to_string();
    assert!(
        !listed.contains("password") && !listed.contains("Sky-"),
        "{listed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_purge_while_a_sync_runs_fails_fast_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "connect",
            "aviationalley",
            "--base-url",
            "http://127.0.0.1:9",
            "--token-stdin",
            "--no-verify",
            "--name",
            "centre",
        ],
        Some("aa_live_unverified\n"),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A sync in another process holds this lock for as long as it runs.
    let sync = flightdesk_workspace::SyncLock::try_acquire(dir.path()).unwrap();
    let out = run(dir.path(), &["disconnect", "centre", "--purge"], None).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("a sync is running on this data directory"),
        "{}",
        text(&out.stderr)
    );
    let out = run(dir.path(), &["accounts", "--json"], None).await;
    let accounts: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(accounts[0]["state"], "connected", "nothing was changed");

    drop(sync);
    let out = run(dir.path(), &["disconnect", "centre", "--purge"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}
