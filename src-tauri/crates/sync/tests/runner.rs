//! The supervised runner: real syncs against the sandbox before and after a run that
//! panics, and status reports that never go back in time.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use common::{world, World};
use flightdesk_core::Provider;
use flightdesk_sync::runner::{
    EngineJob, JobFuture, Progress, Runner, RunnerEvents, SyncJob, SyncStatus,
};
use flightdesk_sync::{Outcome, ProgressEvent, SyncOptions};
use serde_json::json;

/// Records what the runner reports, in arrival order.
#[derive(Default)]
struct Recorder {
    statuses: Mutex<Vec<SyncStatus>>,
}

impl RunnerEvents for Recorder {
    fn status(&self, status: &SyncStatus) {
        self.statuses.lock().unwrap().push(status.clone());
    }
    fn progress(&self, _: &ProgressEvent) {}
}

/// The real engine, except that the run after `explode` is set panics midway.
struct PanicsOnce {
    engine: EngineJob,
    explode: Arc<AtomicBool>,
}

impl SyncJob for PanicsOnce {
    fn run(&self, options: SyncOptions, progress: Progress) -> JobFuture {
        let explode = self.explode.swap(false, Ordering::SeqCst);
        let engine = self.engine.run(options, progress);
        Box::pin(async move {
            if explode {
                panic!("decoder overflow");
            }
            engine.await
        })
    }
}

async fn school() -> World {
    let w = world("").await;
    w.connect(
        Provider::FlightSchoolBooking,
        "school",
        "all_areas",
        json!({}),
    )
    .await;
    w
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_panics_is_reported_and_the_runner_syncs_again() {
    let w = school().await;
    let events = Arc::new(Recorder::default());
    let explode = Arc::new(AtomicBool::new(false));
    let job = Arc::new(PanicsOnce {
        engine: EngineJob {
            workspace: w.workspace.clone(),
        },
        explode: explode.clone(),
    });
    let runner = Runner::start(w.workspace.clone(), 0, events.clone(), job).await;

    let first = runner.sync_now().await;
    let report = first.report.expect("the first sync ran");
    assert!(!report.failed(), "{report:?}");

    explode.store(true, Ordering::SeqCst);
    let crashed = tokio::time::timeout(std::time::Duration::from_secs(30), runner.sync_now())
        .await
        .expect("sync_now returns after a panic");
    let error = crashed.error.expect("the crash is reported");
    assert_eq!(error.code, "sync_crashed");
    assert!(
        error.message.contains("stopped unexpectedly")
            && error.message.contains("decoder overflow"),
        "{}",
        error.message
    );
    let status = runner.status().await.unwrap();
    assert!(status.running.is_none(), "not left syncing");
    assert_eq!(
        status.last_run.and_then(|r| r.error).map(|e| e.code),
        Some("sync_crashed".to_string())
    );

    let again = runner.sync_now().await;
    let report = again
        .report
        .expect("the runner syncs again after the panic");
    assert!(!report.failed(), "{report:?}");
    let status = runner.status().await.unwrap();
    assert!(status.running.is_none());
    assert!(status
        .resources
        .iter()
        .all(|r| r.outcome == Some(Outcome::Synced)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_reports_arrive_in_order_and_the_last_is_the_newest() {
    let w = school().await;
    let events = Arc::new(Recorder::default());
    let job = Arc::new(EngineJob {
        workspace: w.workspace.clone(),
    });
    let runner = Runner::start(w.workspace.clone(), 0, events.clone(), job).await;
    // Refreshes racing a run, as webhook-triggered syncs do.
    let refreshes: Vec<_> = (0..8)
        .map(|_| {
            let runner = runner.clone();
            tokio::spawn(async move { runner.refresh().await })
        })
        .collect();
    let run = runner.sync_now().await;
    for r in refreshes {
        r.await.unwrap();
    }
    assert!(run.report.is_some());

    let statuses = events.statuses.lock().unwrap().clone();
    let revisions: Vec<u64> = statuses.iter().map(|s| s.revision).collect();
    assert!(
        revisions.windows(2).all(|w| w[0] < w[1]),
        "reports leave in revision order: {revisions:?}"
    );
    let last = statuses.last().unwrap();
    assert!(last.running.is_none(), "the last report is after the run");
    assert!(last.last_run.is_some());
    // A status asked for now is never older than the last report.
    assert!(runner.status().await.unwrap().revision >= last.revision);
}
