//! The steady cost of background sync to each provider, in requests per hour per laptop.
//!
//! `cargo run --release -p flightdesk-sync --example polling_cost -- [--preset demo|large] [--hours N] [--dir DIR]`
//!
//! After a first full sync, the app's schedule is simulated on the sandbox's clock: every
//! 15 minutes the clock moves on and a scheduled sync runs, reading only what each
//! resource's sync policy says is due (sweeps included, decided by the providers' clocks).
//! The requests every provider received over the simulated hours (default a day) are
//! divided by them. For comparison, the same figure without policies: one manual sync
//! (every resource read) at the end, four times an hour.

mod support;

use std::collections::BTreeMap;

use flightdesk_core::Provider;
use flightdesk_sync::{SyncOptions, SyncReport};
use flightdesk_workspace::Workspace;
use support::Bench;

/// The app's default background sync interval.
const INTERVAL_MINUTES: i64 = 15;

/// Requests per provider in one report.
fn per_provider(report: &SyncReport) -> BTreeMap<Provider, u64> {
    let mut out = BTreeMap::new();
    for r in &report.resources {
        *out.entry(r.provider).or_default() += r.requests;
    }
    out
}

/// One sync; every resource must succeed for the figures to mean anything.
async fn sync(workspace: &Workspace, options: SyncOptions) -> SyncReport {
    let report = flightdesk_sync::sync(workspace, &options, &|_| {})
        .await
        .expect("the sync runs");
    let failed: Vec<_> = report
        .resources
        .iter()
        .filter(|r| r.outcome.is_failure())
        .collect();
    assert!(failed.is_empty(), "resources failed: {failed:#?}");
    report
}

#[tokio::main]
async fn main() {
    if support::serve_sandbox_if_asked().await {
        return;
    }
    let hours: i64 = support::arg("--hours")
        .map(|h| h.parse().expect("--hours is a whole number"))
        .unwrap_or(24);
    let bench = Bench::start(&support::preset_name()).await;
    let workspace = &bench.workspace;
    let first = sync(workspace, SyncOptions::default()).await;
    println!(
        "first sync: {} requests in {:.1} s",
        first.requests,
        first.elapsed_ms as f64 / 1000.0
    );

    let mut scheduled: BTreeMap<Provider, u64> = BTreeMap::new();
    let mut per_resource: BTreeMap<(Provider, String), (u64, u64)> = BTreeMap::new();
    let runs = hours * 60 / INTERVAL_MINUTES;
    for _ in 0..runs {
        let now = bench.advance_clock(INTERVAL_MINUTES * 60).await;
        let options = SyncOptions {
            scheduled: true,
            now: Some(now),
            ..SyncOptions::default()
        };
        let report = sync(workspace, options).await;
        for (provider, n) in per_provider(&report) {
            *scheduled.entry(provider).or_default() += n;
        }
        for r in &report.resources {
            let entry = per_resource
                .entry((r.provider, r.resource.clone()))
                .or_default();
            entry.0 += 1;
            entry.1 += r.requests;
        }
    }
    let every_resource = per_provider(&sync(workspace, SyncOptions::default()).await);

    println!("scheduled runs over {hours} simulated hours, per resource:");
    println!(
        "  {:<22} {:<18} {:>6} {:>9}",
        "provider", "resource", "runs", "requests"
    );
    for ((provider, resource), (runs, requests)) in &per_resource {
        let provider = provider.as_str();
        println!("  {provider:<22} {resource:<18} {runs:>6} {requests:>9}");
    }
    println!("requests per hour per laptop, every {INTERVAL_MINUTES} minutes:");
    println!(
        "  {:<22} {:>14} {:>18}",
        "provider", "with policies", "every resource"
    );
    let per_hour = 60 / INTERVAL_MINUTES as u64;
    for (provider, n) in &every_resource {
        let with = scheduled.get(provider).copied().unwrap_or(0) as f64 / hours as f64;
        let provider = provider.as_str();
        println!("  {provider:<22} {with:>14.1} {:>18}", n * per_hour);
    }
    bench.stop().await;
}
