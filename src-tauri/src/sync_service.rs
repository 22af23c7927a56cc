//! Background and on-demand sync for the window. One runner task per workspace runs the
//! sync engine on the user's schedule or when asked, forwards its progress to the window
//! as events, and keeps the status the Sync view shows. A demo workspace gets its own
//! sandbox here, before the first sync, because the one that created it is gone.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use flightdesk_ipc::{
    ResourceState, RunningSync, SyncRun, SyncStatus, SyncTrigger, UiError, SYNC_PROGRESS_EVENT,
    SYNC_STATUS_EVENT,
};
use flightdesk_sync::{LockPolicy, ProgressEvent, SyncError, SyncOptions};
use flightdesk_workspace::{Workspace, WorkspaceKind};
use tauri::{AppHandle, Emitter};
use tokio::sync::{watch, Notify};

use crate::error::{store_error, workspace_error};

/// The handle the commands use; cheap to clone.
#[derive(Clone)]
pub struct SyncService {
    inner: Arc<Inner>,
}

struct Inner {
    workspace: Arc<Workspace>,
    app: AppHandle,
    /// Wakes the runner: sync-now, or a changed interval.
    wake: Notify,
    /// A sync-now request is pending.
    manual: AtomicBool,
    state: Mutex<RunnerState>,
    /// How many runs have finished; sync-now waits on it.
    finished: watch::Sender<u64>,
}

struct RunnerState {
    interval_minutes: u32,
    running: Option<RunningSync>,
    /// The last run the window shows (a scheduled run with no account is left out).
    last_run: Option<SyncRun>,
    /// The last run of any kind, for sync-now to answer with.
    latest: Option<SyncRun>,
    /// When the last attempt ended (from the store at start), for the schedule.
    last_finished_at: Option<DateTime<Utc>>,
    runs_started: u64,
    /// Keeps the demo workspace's sandbox alive for as long as the app runs.
    demo_sandbox: Option<flightdesk_sandbox::RunningSandbox>,
}

impl SyncService {
    /// Starts the runner for `workspace`, syncing every `interval_minutes` (0: only on
    /// demand). A sync that is overdue when the app starts runs at once.
    pub async fn start(app: AppHandle, workspace: Arc<Workspace>, interval_minutes: u32) -> Self {
        let last_finished_at = last_attempt(&workspace).await;
        let inner = Arc::new(Inner {
            workspace,
            app,
            wake: Notify::new(),
            manual: AtomicBool::new(false),
            state: Mutex::new(RunnerState {
                interval_minutes,
                running: None,
                last_run: None,
                latest: None,
                last_finished_at,
                runs_started: 0,
                demo_sandbox: None,
            }),
            finished: watch::Sender::new(0),
        });
        tauri::async_runtime::spawn(run_loop(inner.clone()));
        Self { inner }
    }

    /// Syncs now, or joins the sync under way, and returns how it ended.
    pub async fn sync_now(&self) -> SyncRun {
        let mut finished = self.inner.finished.subscribe();
        let target = {
            let state = self.inner.lock();
            if state.running.is_some() {
                state.runs_started
            } else {
                self.inner.manual.store(true, Ordering::SeqCst);
                state.runs_started + 1
            }
        };
        self.inner.wake.notify_one();
        // The runner lives as long as the app, so the channel never closes under us.
        let _ = finished.wait_for(|n| *n >= target).await;
        self.inner
            .lock()
            .latest
            .clone()
            .expect("a finished run is recorded before it is counted")
    }

    /// Applies a new background interval; the next run is rescheduled from the last one.
    pub async fn set_interval(&self, minutes: u32) {
        self.inner.lock().interval_minutes = minutes;
        self.inner.wake.notify_one();
        self.inner.emit_status().await;
    }

    pub async fn status(&self) -> Result<SyncStatus, UiError> {
        self.inner.status().await
    }

    /// Tells the window that resource states changed outside this runner (a sync a
    /// webhook post triggered).
    pub fn refresh(&self) {
        let inner = self.inner.clone();
        tauri::async_runtime::spawn(async move { inner.emit_status().await });
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, RunnerState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How long until the next scheduled run: `None` when background sync is off.
    fn until_due(&self) -> Option<Duration> {
        let state = self.lock();
        next_run_at(&state).map(|due| (due - Utc::now()).to_std().unwrap_or(Duration::ZERO))
    }

    async fn status(&self) -> Result<SyncStatus, UiError> {
        let (running, last_run, interval_minutes, next_run_at) = {
            let state = self.lock();
            (
                state.running.clone(),
                state.last_run.clone(),
                state.interval_minutes,
                next_run_at(&state),
            )
        };
        Ok(SyncStatus {
            running,
            last_run,
            interval_minutes,
            next_run_at,
            resources: resource_states(&self.workspace).await?,
        })
    }

    async fn emit_status(&self) {
        match self.status().await {
            Ok(status) => {
                if let Err(error) = self.app.emit(SYNC_STATUS_EVENT, &status) {
                    tracing::warn!(%error, "cannot send the sync status to the window");
                }
            }
            Err(error) => tracing::warn!(%error, "cannot read the sync status"),
        }
    }

    /// A demo workspace's accounts point at a sandbox of this process: start it once, and
    /// re-point the accounts before every sync, since a CLI run on the same workspace points
    /// them at its own sandbox, which is gone when it exits.
    async fn ensure_demo_sandbox(&self) -> Result<(), UiError> {
        if self.workspace.info().kind != WorkspaceKind::Demo {
            return Ok(());
        }
        let running = self.lock().demo_sandbox.take();
        if let Some(sandbox) = running {
            let repointed = flightdesk_sync::demo::repoint(&self.workspace, &sandbox).await;
            self.lock().demo_sandbox = Some(sandbox);
            return repointed.map_err(store_error);
        }
        let sandbox = flightdesk_sync::demo::prepare(&self.workspace)
            .await
            .map_err(|message| UiError::new("demo_sandbox", message))?;
        self.lock().demo_sandbox = sandbox;
        Ok(())
    }

    async fn run_once(&self, trigger: SyncTrigger) {
        let started_at = Utc::now();
        {
            let mut state = self.lock();
            state.running = Some(RunningSync {
                trigger,
                started_at,
            });
            state.runs_started += 1;
        }
        self.emit_status().await;

        let app = self.app.clone();
        let forward = move |event: &ProgressEvent| {
            if let Err(error) = app.emit(SYNC_PROGRESS_EVENT, event) {
                tracing::warn!(%error, "cannot send sync progress to the window");
            }
        };
        let options = SyncOptions {
            lock: LockPolicy::Wait,
            ..SyncOptions::default()
        };
        let result = match self.ensure_demo_sandbox().await {
            Ok(()) => flightdesk_sync::sync(&self.workspace, &options, &forward)
                .await
                .map_err(sync_error),
            Err(error) => Err(error),
        };
        let finished_at = Utc::now();
        let (report, error) = match result {
            Ok(report) => (Some(report), None),
            Err(error) => {
                tracing::warn!(code = %error.code, %error, "sync did not run");
                (None, Some(error))
            }
        };
        // A scheduled run with nothing to sync is not news; a requested one says why.
        let quiet = trigger == SyncTrigger::Schedule
            && error.as_ref().is_some_and(|e| e.code == "no_accounts");
        {
            let mut state = self.lock();
            state.running = None;
            state.last_finished_at = Some(finished_at);
            let run = SyncRun {
                trigger,
                started_at,
                finished_at,
                report,
                error,
            };
            if !quiet {
                state.last_run = Some(run.clone());
            }
            state.latest = Some(run);
        }
        self.finished.send_modify(|n| *n += 1);
        self.emit_status().await;
    }
}

async fn run_loop(inner: Arc<Inner>) {
    if let Err(error) = inner.ensure_demo_sandbox().await {
        // The first run reports it to the window and tries again.
        tracing::error!(%error, "cannot prepare the demo workspace");
    }
    loop {
        if inner.manual.swap(false, Ordering::SeqCst) {
            inner.run_once(SyncTrigger::Manual).await;
            continue;
        }
        match inner.until_due() {
            Some(wait) if wait.is_zero() => inner.run_once(SyncTrigger::Schedule).await,
            Some(wait) => {
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = inner.wake.notified() => {}
                }
            }
            None => inner.wake.notified().await,
        }
    }
}

fn next_run_at(state: &RunnerState) -> Option<DateTime<Utc>> {
    if state.interval_minutes == 0 {
        return None;
    }
    let interval = chrono::Duration::minutes(i64::from(state.interval_minutes));
    Some(
        state
            .last_finished_at
            .map_or_else(Utc::now, |last| last + interval),
    )
}

/// The newest attempt of any resource, so a restart does not sync again at once.
async fn last_attempt(workspace: &Workspace) -> Option<DateTime<Utc>> {
    match resource_states(workspace).await {
        Ok(states) => states.iter().filter_map(|s| s.last_attempt_at).max(),
        Err(error) => {
            tracing::warn!(%error, "cannot read the sync state; syncing at once");
            None
        }
    }
}

async fn resource_states(workspace: &Workspace) -> Result<Vec<ResourceState>, UiError> {
    let store = workspace.store();
    let mut out = Vec::new();
    for account in store.accounts().await.map_err(store_error)? {
        for state in store.sync_states(account.id).await.map_err(store_error)? {
            out.push(ResourceState {
                account: account.name.clone(),
                provider: account.provider,
                // Before the fields below move out of `state`.
                in_progress: state.resumes(),
                resource: state.resource,
                last_success_at: state.last_success_at,
                last_attempt_at: state.last_attempt_at,
                last_counts: state.last_counts,
                error_code: state.last_error_code,
                error: state.last_error,
            });
        }
    }
    Ok(out)
}

fn sync_error(error: SyncError) -> UiError {
    match error {
        SyncError::Workspace(e) => workspace_error(e),
        SyncError::Store(e) => store_error(e),
        e @ SyncError::Busy { .. } => UiError::new("sync_running", e.to_string()),
        SyncError::NoAccounts(_) => UiError::new(
            "no_accounts",
            "No account is connected yet, so there is nothing to sync.",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(interval_minutes: u32, last: Option<DateTime<Utc>>) -> RunnerState {
        RunnerState {
            interval_minutes,
            running: None,
            last_run: None,
            latest: None,
            last_finished_at: last,
            runs_started: 0,
            demo_sandbox: None,
        }
    }

    #[test]
    fn the_next_run_follows_the_last_one_by_the_interval() {
        let last = "2026-12-03T08:00:00Z".parse().unwrap();
        let due = next_run_at(&state(15, Some(last))).unwrap();
        assert_eq!(due.to_rfc3339(), "2026-12-03T08:15:00+00:00");
    }

    #[test]
    fn a_workspace_never_synced_is_due_at_once_and_zero_turns_it_off() {
        let before = Utc::now();
        let due = next_run_at(&state(15, None)).unwrap();
        assert!(due >= before && due <= Utc::now());
        let last = Some(Utc::now());
        assert_eq!(next_run_at(&state(0, last)), None);
    }
}
