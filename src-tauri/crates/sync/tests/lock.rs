//! One sync at a time per data directory.

mod common;

use std::time::Duration;

use common::world;
use flightdesk_core::Provider;
use flightdesk_sync::{ClientOptions, LockPolicy, ProgressEvent, SyncError, SyncOptions};
use flightdesk_workspace::SyncLock;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_fails_fast_or_waits_and_says_so() {
    let w = world("").await;
    w.connect(
        Provider::FlightSchoolBooking,
        "school",
        "all_areas",
        json!({}),
    )
    .await;
    let held = SyncLock::try_acquire(w.workspace.data_dir()).unwrap();
    let options = SyncOptions {
        client: ClientOptions::fast(),
        lock: LockPolicy::FailFast,
        ..Default::default()
    };
    let err = flightdesk_sync::sync(&w.workspace, &options, &|_| {})
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Busy { .. }), "{err}");

    let release = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        drop(held);
    });
    let waited = std::sync::atomic::AtomicBool::new(false);
    let options = SyncOptions {
        lock: LockPolicy::Wait,
        ..options
    };
    let report = flightdesk_sync::sync(&w.workspace, &options, &|e| {
        if matches!(e, ProgressEvent::Waiting { .. }) {
            waited.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    })
    .await
    .unwrap();
    release.await.unwrap();
    assert!(waited.load(std::sync::atomic::Ordering::SeqCst));
    assert!(!report.failed(), "{report:#?}");
}
