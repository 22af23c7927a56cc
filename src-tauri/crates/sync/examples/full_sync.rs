//! Full-sync benchmark: one account of every provider against the sandbox, a first
//! (full) sync and then an incremental sync with nothing changed.
//!
//! `cargo run --release -p flightdesk-sync --example full_sync -- [--preset demo|large] [--dir DIR]`
//!
//! `--dir` puts the temporary workspace in DIR (default: the system's temporary folder);
//! the `large` preset's cache takes a few GB.
//!
//! The sandbox runs in a separate process (this program started again in its sandbox
//! mode, which serves exactly as `flightdesk sandbox --json` does), so the world it
//! generates is not in this process: the peak resident memory printed (`VmHWM`) is the
//! syncing process's alone. The sandbox clock is pinned to the start of the run, so the
//! second sync sees the data exactly as the first left it. The workspace is a temporary
//! directory with the in-memory secrets backend.

use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use chrono::{DurationRound, Utc};
use flightdesk_core::Provider;
use flightdesk_sandbox::{Preset, SandboxArgs};
use flightdesk_secrets::{MemoryStore, Secret};
use flightdesk_store::NewAccount;
use flightdesk_sync::{ProgressEvent, SyncOptions, SyncReport};
use flightdesk_workspace::{SecretsBackend, Workspace};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

/// The sandbox credential each account uses: full access, the main centre.
const ROLES: [(Provider, &str); 5] = [
    (Provider::AviationAlley, "live_full"),
    (Provider::PilotFlows, "organization_plan"),
    (Provider::Airbly, "group"),
    (Provider::FlightSchoolBooking, "all_areas"),
    (Provider::Flylogs, "manager"),
];

/// The default background sync interval.
const INTERVAL_MINUTES: u64 = 15;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn preset(name: &str) -> Preset {
    match name {
        "demo" => Preset::Demo,
        "large" => Preset::Large,
        other => panic!("unknown preset `{other}` (demo or large)"),
    }
}

/// Peak and current resident memory of this process, in MB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |field: &str| -> f64 {
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (kb("VmHWM:") / 1024.0, kb("VmRSS:") / 1024.0)
}

#[tokio::main]
async fn main() {
    let preset_name = arg("--preset").unwrap_or_else(|| "demo".into());
    if std::env::args().any(|a| a == "--serve-sandbox") {
        let args = SandboxArgs {
            port: 0,
            preset: preset(&preset_name),
            seed: 42,
            now: arg("--now").map(|n| n.parse().expect("--now is RFC 3339")),
            faults: None,
            webhook: None,
            json: true,
        };
        if let Err(e) = flightdesk_sandbox::serve(args).await {
            eprintln!("sandbox: {e:#}");
            std::process::exit(1);
        }
        return;
    }
    preset(&preset_name);

    let now = Utc::now()
        .duration_trunc(chrono::TimeDelta::minutes(1))
        .expect("a minute truncates");
    let started = Instant::now();
    let mut child = tokio::process::Command::new(std::env::current_exe().expect("own path"))
        .args(["--serve-sandbox", "--preset", &preset_name, "--now"])
        .arg(now.to_rfc3339())
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the sandbox process starts");
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let line = lines
        .next_line()
        .await
        .expect("the sandbox answers")
        .expect("the sandbox prints its manifest");
    let manifest: Value = serde_json::from_str(&line).expect("the manifest is JSON");
    println!(
        "preset {preset_name}: sandbox (pid {}) ready in {:.1} s, clock pinned at {now}",
        child.id().unwrap_or_default(),
        started.elapsed().as_secs_f64()
    );

    let dir = match arg("--dir") {
        Some(parent) => tempfile::tempdir_in(parent),
        None => tempfile::tempdir(),
    }
    .expect("a temporary directory");
    let workspace = Workspace::open(
        dir.path(),
        SecretsBackend::Memory(Arc::new(MemoryStore::new())),
    )
    .await
    .expect("the workspace opens");
    for (provider, role) in ROLES {
        let entry = &manifest[provider.as_str()];
        let credential = entry["credentials"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["role"] == role)
            .unwrap_or_else(|| panic!("no {role} credential for {provider}"));
        let account = workspace
            .store()
            .upsert_account(&NewAccount {
                provider,
                name: format!("bench-{provider}"),
                base_url: entry["base_url"].as_str().expect("a base URL").to_string(),
                options: Default::default(),
            })
            .await
            .expect("the account is stored");
        workspace
            .set_credential(
                &account,
                &Secret::new(credential["token"].as_str().expect("a token")),
            )
            .expect("the credential is stored");
    }

    println!("full sync, per resource (peak RSS when it finished):");
    let (first, first_records) = run(&workspace, true).await;
    print_run("full sync", &first, first_records);
    let (second, second_records) = run(&workspace, false).await;
    print_run("no-change sync", &second, second_records);
    println!("no-change sync, requests per resource:");
    let mut per_account: Vec<(String, u64)> = Vec::new();
    for r in &second.resources {
        println!(
            "  {:<28} {:<18} {:>4}  {:?}",
            r.account, r.resource, r.requests, r.outcome
        );
        match per_account.iter_mut().find(|(a, _)| *a == r.account) {
            Some((_, n)) => *n += r.requests,
            None => per_account.push((r.account.clone(), r.requests)),
        }
    }
    println!("steady state at the default {INTERVAL_MINUTES}-minute interval:");
    for (account, n) in per_account {
        println!(
            "  {account:<28} {n:>4} requests a sync = {:>5} per hour",
            n * 60 / INTERVAL_MINUTES
        );
    }
    let failed: Vec<_> = first
        .resources
        .iter()
        .chain(&second.resources)
        .filter(|r| r.outcome.is_failure())
        .collect();
    assert!(failed.is_empty(), "resources failed: {failed:#?}");
    let db = std::fs::metadata(dir.path().join(flightdesk_store::DB_FILE_NAME))
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(f64::NAN);
    let log = std::fs::metadata(
        dir.path()
            .join(format!("{}-wal", flightdesk_store::DB_FILE_NAME)),
    )
    .map(|m| m.len() as f64 / 1e6)
    .unwrap_or(0.0);
    println!("database file: {db:.0} MB, write-ahead log {log:.0} MB");
    let _ = child.start_kill();
    let _ = child.wait().await;
}

/// One sync of every account: the report and the records the pages delivered.
async fn run(workspace: &Workspace, first: bool) -> (SyncReport, u64) {
    let records = AtomicU64::new(0);
    let report = flightdesk_sync::sync(workspace, &SyncOptions::default(), &|e| match e {
        ProgressEvent::PageWritten { records: n, .. } => {
            records.fetch_add(*n as u64, Ordering::Relaxed);
        }
        ProgressEvent::ResourceFinished(r) if first => println!(
            "  {:<28} {:<18} {:>6} pages {:>6} requests {:>8} new  {:?}, peak RSS {:.0} MB",
            r.account,
            r.resource,
            r.pages,
            r.requests,
            r.counts.new,
            r.outcome,
            memory().0
        ),
        _ => {}
    })
    .await
    .expect("the sync runs");
    (report, records.into_inner())
}

fn print_run(what: &str, report: &SyncReport, records: u64) {
    let secs = report.elapsed_ms as f64 / 1000.0;
    let t = report.totals();
    let (peak, now) = memory();
    println!(
        "{what}: {records} records, {} requests, {secs:.1} s ({:.0} records/s); \
         new {}, updated {}, removed {}; peak RSS {peak:.0} MB (now {now:.0} MB)",
        report.requests,
        records as f64 / secs.max(0.001),
        t.new,
        t.updated,
        t.removed,
    );
}
