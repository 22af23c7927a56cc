//! One sync at a time per data directory.

mod common;

use std::time::Duration;

use common::{world, World};
use flightdesk_core::Provider;
use flightdesk_sync::{ClientOptions, LockPolicy, ProgressEvent, SyncError, SyncOptions};
use flightdesk_workspace::SyncLock;
use serde_json::json;

/// A sandbox with one Flight School Booking account connected.
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
async fn a_second_sync_fails_fast_or_waits_and_says_so() {
    let w = school().await;
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
        // The lock is held by this test, so by this very process.
        if matches!(
            e,
            ProgressEvent::Waiting {
                this_process: true,
                ..
            }
        ) {
            waited.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    })
    .await
    .unwrap();
    release.await.unwrap();
    assert!(waited.load(std::sync::atomic::Ordering::SeqCst));
    assert!(!report.failed(), "{report:#?}");
}

/// A lock held by another program (here `flock(1)`, as the CLI would hold it beside the
/// app) is reported as another process's, not as this one's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_held_by_another_process_is_named_as_such() {
    let w = school().await;
    let lock_file = w.workspace.data_dir().join("sync.lock");
    let mut holder = std::process::Command::new("flock")
        .arg(&lock_file)
        .args(["sleep", "3"])
        .spawn()
        .expect("flock(1) runs");
    // Until the other process has the lock, a try from here takes it.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match SyncLock::try_acquire(w.workspace.data_dir()) {
            Ok(lock) => drop(lock),
            Err(_) => break,
        }
        assert!(
            std::time::Instant::now() < deadline,
            "flock never took the lock"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let waits = std::sync::Mutex::new(Vec::new());
    let options = SyncOptions {
        client: ClientOptions::fast(),
        lock: LockPolicy::Wait,
        ..Default::default()
    };
    let report = flightdesk_sync::sync(&w.workspace, &options, &|e| {
        if let ProgressEvent::Waiting { this_process, .. } = e {
            waits.lock().unwrap().push(*this_process);
        }
    })
    .await
    .unwrap();
    holder.wait().unwrap();
    assert_eq!(*waits.lock().unwrap(), vec![false]);
    assert!(!report.failed(), "{report:#?}");
}
