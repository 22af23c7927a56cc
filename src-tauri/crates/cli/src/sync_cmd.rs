//! `sync`: the engine with a progress bar on stderr and a per-resource summary.

use std::path::Path;
use std::time::Duration;

use flightdesk_sync::{Outcome, ProgressEvent, SyncError, SyncOptions, SyncReport};
use indicatif::{ProgressBar, ProgressStyle};

use crate::args::SyncArgs;
use crate::exit::Failure;
use crate::open::open;

pub async fn run(data_dir: &Path, args: SyncArgs) -> Result<(), Failure> {
    let opened = open(data_dir, true).await?;
    let options = SyncOptions {
        provider: args.provider,
        account: args.account.clone(),
        full: args.full,
        ..Default::default()
    };
    let report = run_engine(&opened.workspace, &options).await;
    opened.close().await;
    let report = report?;
    print_summary(&report);
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("reports serialize")
        );
    }
    if report.failed() {
        return Err(Failure::failed(format!(
            "{} of {} resources failed (see above)",
            report
                .resources
                .iter()
                .filter(|r| r.outcome.is_failure())
                .count(),
            report.resources.len()
        )));
    }
    Ok(())
}

/// Runs the engine with a progress bar (hidden when stderr is not a terminal).
pub async fn run_engine(
    workspace: &flightdesk_workspace::Workspace,
    options: &SyncOptions,
) -> Result<SyncReport, Failure> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("the template is valid"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let progress = |event: &ProgressEvent| match event {
        ProgressEvent::Waiting {
            holder,
            this_process,
        } => {
            bar.suspend(|| {
                eprintln!(
                    "flightdesk: {}; waiting for it to finish",
                    waiting_for(holder, *this_process)
                )
            });
        }
        ProgressEvent::ResourceStarted {
            account, resource, ..
        } => bar.set_message(format!("{account}: {resource}")),
        ProgressEvent::PageWritten {
            account,
            resource,
            pages,
            counts,
            ..
        } => bar.set_message(format!(
            "{account}: {resource}, page {pages} ({} new, {} updated, {} removed)",
            counts.new, counts.updated, counts.removed
        )),
        ProgressEvent::ResourceFinished(_) => {}
    };
    let result = flightdesk_sync::sync(workspace, options, &progress).await;
    bar.finish_and_clear();
    result.map_err(|e| match e {
        SyncError::NoAccounts(_) => Failure::config(e.to_string()),
        SyncError::Workspace(w) => Failure::from(w),
        other => Failure::failed(other.to_string()),
    })
}

/// Who holds the sync lock, for the line saying this sync waits.
pub fn waiting_for(holder: &str, this_process: bool) -> String {
    if this_process {
        "an earlier sync of this process is still running".to_string()
    } else {
        format!("another sync is running on this data directory (process {holder})")
    }
}

pub fn print_summary(report: &SyncReport) {
    for r in &report.resources {
        let what = match r.outcome {
            Outcome::Synced => "synced",
            Outcome::Unchanged => "unchanged",
            Outcome::NotPermitted => "not permitted",
            Outcome::NeedsCredential => "needs a new key",
            Outcome::Failed => "FAILED",
        };
        let error = r
            .error
            .as_deref()
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        eprintln!(
            "{:<18} {:<20} {:<15} new {:>5}  updated {:>5}  removed {:>5}{}{error}",
            r.account,
            r.resource,
            what,
            r.counts.new,
            r.counts.updated,
            r.counts.removed,
            skipped_note(r.counts.skipped)
        );
    }
    let t = report.totals();
    eprintln!(
        "{} resources, {} requests, {:.1} s: {} new, {} updated, {} removed{}",
        report.resources.len(),
        report.requests,
        report.elapsed_ms as f64 / 1000.0,
        t.new,
        t.updated,
        t.removed,
        skipped_note(t.skipped)
    );
    if t.skipped > 0 {
        eprintln!("`flightdesk skipped` shows the rows that could not be read, as sent");
    }
}

/// ", 2 rows skipped" when a provider sent rows that could not become records.
pub fn skipped_note(skipped: u64) -> String {
    match skipped {
        0 => String::new(),
        1 => ", 1 row skipped".into(),
        n => format!(", {n} rows skipped"),
    }
}
