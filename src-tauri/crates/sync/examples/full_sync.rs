//! Full-sync benchmark: one account of every provider against the sandbox, a first
//! (full) sync and then an incremental sync with nothing changed.
//!
//! `cargo run --release -p flightdesk-sync --example full_sync -- [--preset demo|large] [--dir DIR]`
//!
//! `--dir` puts the temporary workspace in DIR (default: the system's temporary folder);
//! the `large` preset's cache takes a few GB.
//!
//! The sandbox runs in a separate process (see `support`), so the peak resident memory
//! printed (`VmHWM`) is the syncing process's alone. The sandbox clock is pinned to the
//! start of the run, so the second sync sees the data exactly as the first left it. The
//! workspace is a temporary directory with the in-memory secrets backend.

mod support;

use std::sync::atomic::{AtomicU64, Ordering};

use flightdesk_sync::{ProgressEvent, SyncOptions, SyncReport};
use flightdesk_workspace::Workspace;
use support::{memory, Bench};

/// The default background sync interval.
const INTERVAL_MINUTES: u64 = 15;

#[tokio::main]
async fn main() {
    if support::serve_sandbox_if_asked().await {
        return;
    }
    let bench = Bench::start(&support::preset_name()).await;
    let workspace = &bench.workspace;

    println!("full sync, per resource (peak RSS when it finished):");
    let (first, first_records) = run(workspace, true).await;
    print_run("full sync", &first, first_records);
    let (second, second_records) = run(workspace, false).await;
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
    let db = std::fs::metadata(bench.dir.path().join(flightdesk_store::DB_FILE_NAME))
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(f64::NAN);
    let log = std::fs::metadata(
        bench
            .dir
            .path()
            .join(format!("{}-wal", flightdesk_store::DB_FILE_NAME)),
    )
    .map(|m| m.len() as f64 / 1e6)
    .unwrap_or(0.0);
    println!("database file: {db:.0} MB, write-ahead log {log:.0} MB");
    bench.stop().await;
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
