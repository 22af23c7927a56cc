//! The supervised sync runner: one task per workspace that runs a sync on the user's
//! schedule or when asked, and keeps the status a window shows.
//!
//! Each run is its own task, so a panic in the engine (or in anything a job calls) ends
//! that run only: the runner clears its running state, counts the run as finished, records
//! a [`SyncRun`] whose error says what happened, and goes on with the schedule. What it does
//! is reported to a [`RunnerEvents`] sink (the app forwards it to the window). Status
//! reports carry a `revision` that grows with every report, so a consumer can drop one that
//! arrives after a newer one.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use flightdesk_core::Provider;
use flightdesk_store::{AccountHealth, Counts, Store, StoreError, SyncState};
use flightdesk_workspace::{Workspace, WorkspaceError};
use serde::{Deserialize, Serialize};
use tokio::sync::{watch, Notify};
use ts_rs::TS;

use crate::{LockPolicy, Outcome, ProgressEvent, SyncError, SyncOptions, SyncReport};

/// What started a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SyncTrigger {
    /// The user asked for it.
    Manual,
    /// The background schedule (the first one right after start when a sync is overdue).
    Schedule,
}

/// A sync under way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunningSync {
    pub trigger: SyncTrigger,
    pub started_at: DateTime<Utc>,
}

/// Why a run could not run, or stopped: a stable `code` and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct RunError {
    pub code: String,
    pub message: String,
}

impl RunError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// The code a window branches on for a workspace failure.
pub fn workspace_error_code(error: &WorkspaceError) -> &'static str {
    match error {
        WorkspaceError::Secrets(_) => "keyring_unavailable",
        WorkspaceError::MissingDatabaseKey { .. } => "database_key_missing",
        WorkspaceError::Store(StoreError::NewerSchema { .. }) => "newer_schema",
        WorkspaceError::Store(StoreError::CannotDecrypt { .. }) => "cannot_decrypt",
        WorkspaceError::Store(_) => "database",
        WorkspaceError::SyncRunning { .. } => "sync_running",
        WorkspaceError::NoDataDir
        | WorkspaceError::Io { .. }
        | WorkspaceError::BadWorkspaceFile { .. } => "data_dir",
    }
}

impl From<SyncError> for RunError {
    fn from(error: SyncError) -> Self {
        match error {
            SyncError::Workspace(e) => Self::new(workspace_error_code(&e), e.to_string()),
            SyncError::Store(e) => Self::from(SyncError::Workspace(WorkspaceError::Store(e))),
            e @ SyncError::Busy { .. } => Self::new("sync_running", e.to_string()),
            SyncError::NoAccounts(_) => Self::new(
                "no_accounts",
                "No account is connected yet, so there is nothing to sync.",
            ),
        }
    }
}

/// How one sync ended: a report when it ran (resources may still have failed), or the
/// reason it could not run at all.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SyncRun {
    pub trigger: SyncTrigger,
    pub started_at: DateTime<Utc>,
    pub finished_at: DateTime<Utc>,
    pub report: Option<SyncReport>,
    pub error: Option<RunError>,
}

/// Where one resource of one account stands, from the persisted sync state.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ResourceState {
    pub account: String,
    pub provider: Provider,
    pub resource: String,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// A pass stopped in its middle; the next sync resumes it.
    pub in_progress: bool,
    pub last_counts: Option<Counts>,
    /// How its last attempt ended, as a run would have reported it; `None` before any.
    pub outcome: Option<Outcome>,
    pub error_code: Option<String>,
    pub error: Option<String>,
}

impl ResourceState {
    /// The state of one resource of `account` as the store keeps it.
    pub fn from_stored(account: &flightdesk_store::Account, state: SyncState) -> Self {
        let outcome = stored_outcome(&state);
        Self {
            account: account.name.clone(),
            provider: account.provider,
            // Before the fields below move out of `state`.
            in_progress: state.resumes(),
            resource: state.resource,
            last_success_at: state.last_success_at,
            last_attempt_at: state.last_attempt_at,
            last_counts: state.last_counts,
            outcome,
            error_code: state.last_error_code,
            error: state.last_error,
        }
    }
}

/// The outcome a stored state implies: the same classification the engine applies to a
/// connector error (403 not permitted, 401 needs a credential, anything else failed).
fn stored_outcome(state: &SyncState) -> Option<Outcome> {
    match (state.last_error_code.as_deref(), &state.last_error) {
        (Some("forbidden"), _) => Some(Outcome::NotPermitted),
        (Some("unauthorized"), _) => Some(Outcome::NeedsCredential),
        (_, Some(_)) | (Some(_), None) => Some(Outcome::Failed),
        (None, None) => state.last_success_at.map(|_| Outcome::Synced),
    }
}

/// Every resource of every account of `store`.
pub async fn resource_states(store: &Store) -> Result<Vec<ResourceState>, StoreError> {
    let mut out = Vec::new();
    for account in store.accounts().await? {
        for state in store.sync_states(account.id).await? {
            out.push(ResourceState::from_stored(&account, state));
        }
    }
    Ok(out)
}

/// Whether an account is synced, waits for a new credential, or was disconnected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    Connected,
    NeedsCredential,
    Disconnected,
}

impl AccountState {
    /// A disconnected account is disconnected whatever its credential's state.
    pub fn of(health: &AccountHealth) -> Self {
        if health.disconnected_at.is_some() {
            Self::Disconnected
        } else if health.needs_credential {
            Self::NeedsCredential
        } else {
            Self::Connected
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Connected => "connected",
            Self::NeedsCredential => "needs_credential",
            Self::Disconnected => "disconnected",
        }
    }
}

/// Everything a window shows about syncing.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct SyncStatus {
    /// Grows with every status the runner reports; a smaller one is older.
    #[ts(type = "number")]
    pub revision: u64,
    pub running: Option<RunningSync>,
    pub last_run: Option<SyncRun>,
    /// 0 when background sync is off.
    pub interval_minutes: u32,
    pub next_run_at: Option<DateTime<Utc>>,
    pub resources: Vec<ResourceState>,
}

/// Where the runner reports what it does. Called from the runner's tasks; `status` calls
/// come one at a time, in revision order.
pub trait RunnerEvents: Send + Sync + 'static {
    fn status(&self, status: &SyncStatus);
    fn progress(&self, event: &ProgressEvent);
}

/// A boxed future, for [`SyncJob`].
pub type JobFuture = Pin<Box<dyn Future<Output = Result<SyncReport, RunError>> + Send>>;

/// Progress callback a job reports to.
pub type Progress = Arc<dyn Fn(&ProgressEvent) + Send + Sync>;

/// What one run does. [`EngineJob`] runs the sync engine; the app wraps it to prepare a
/// demo workspace's sandbox first.
pub trait SyncJob: Send + Sync + 'static {
    fn run(&self, options: SyncOptions, progress: Progress) -> JobFuture;
}

/// The sync engine on a workspace.
#[derive(Clone)]
pub struct EngineJob {
    pub workspace: Workspace,
}

impl SyncJob for EngineJob {
    fn run(&self, options: SyncOptions, progress: Progress) -> JobFuture {
        let workspace = self.workspace.clone();
        Box::pin(async move {
            crate::sync(&workspace, &options, &*progress)
                .await
                .map_err(RunError::from)
        })
    }
}

/// The handle the app and the CLI hold; cheap to clone. The runner stops when the last
/// handle is dropped.
#[derive(Clone)]
pub struct Runner {
    inner: Arc<Inner>,
    _stop: Arc<StopOnDrop>,
}

struct Inner {
    workspace: Workspace,
    events: Arc<dyn RunnerEvents>,
    job: Arc<dyn SyncJob>,
    /// Wakes the runner: sync-now, a changed interval, or the last handle dropped.
    wake: Notify,
    /// A sync-now request is pending.
    manual: AtomicBool,
    /// Every handle is gone: the loop ends after the run under way.
    stopped: AtomicBool,
    state: Mutex<RunnerState>,
    /// How many runs have finished; sync-now waits on it.
    finished: watch::Sender<u64>,
    /// Serialises status reports and numbers them.
    reports: tokio::sync::Mutex<u64>,
}

struct RunnerState {
    interval_minutes: u32,
    running: Option<RunningSync>,
    /// The last run a window shows (a scheduled run with no account is left out).
    last_run: Option<SyncRun>,
    /// The last run of any kind, for sync-now to answer with.
    latest: Option<SyncRun>,
    /// When the last attempt ended (from the store at start), for the schedule.
    last_finished_at: Option<DateTime<Utc>>,
    runs_started: u64,
}

impl Runner {
    /// Starts the runner for `workspace`, running `job` every `interval_minutes` (0: only
    /// on demand). A sync that is overdue at start runs at once. Needs a tokio runtime.
    pub async fn start(
        workspace: Workspace,
        interval_minutes: u32,
        events: Arc<dyn RunnerEvents>,
        job: Arc<dyn SyncJob>,
    ) -> Self {
        let last_finished_at = last_attempt(workspace.store()).await;
        let inner = Arc::new(Inner {
            workspace,
            events,
            job,
            wake: Notify::new(),
            manual: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            state: Mutex::new(RunnerState {
                interval_minutes,
                running: None,
                last_run: None,
                latest: None,
                last_finished_at,
                runs_started: 0,
            }),
            finished: watch::Sender::new(0),
            reports: tokio::sync::Mutex::new(0),
        });
        tokio::spawn(run_loop(inner.clone()));
        Self {
            _stop: Arc::new(StopOnDrop(inner.clone())),
            inner,
        }
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
        // Every run is counted when it ends, however it ends, so this returns.
        let _ = finished.wait_for(|n| *n >= target).await;
        let latest = self.inner.lock().latest.clone();
        latest.unwrap_or_else(|| SyncRun {
            trigger: SyncTrigger::Manual,
            started_at: Utc::now(),
            finished_at: Utc::now(),
            report: None,
            error: Some(RunError::new("runner", "The sync runner stopped.")),
        })
    }

    /// Applies a new background interval; the next run is rescheduled from the last one.
    pub async fn set_interval(&self, minutes: u32) {
        self.inner.lock().interval_minutes = minutes;
        self.inner.wake.notify_one();
        self.inner.report_status().await;
    }

    /// The status now, numbered like the reports (not newer than the last one reported).
    pub async fn status(&self) -> Result<SyncStatus, StoreError> {
        let revision = self.inner.reports.lock().await;
        self.inner.status(*revision).await
    }

    /// Reports the status again, after resource states changed outside this runner (a
    /// sync a webhook post triggered).
    pub async fn refresh(&self) {
        self.inner.report_status().await;
    }
}

/// Stops the loop when the last [`Runner`] handle is dropped.
struct StopOnDrop(Arc<Inner>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.wake.notify_one();
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

    async fn status(&self, revision: u64) -> Result<SyncStatus, StoreError> {
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
            revision,
            running,
            last_run,
            interval_minutes,
            next_run_at,
            resources: resource_states(self.workspace.store()).await?,
        })
    }

    /// Reads and reports the status under one lock, so reports leave in revision order.
    async fn report_status(&self) {
        let mut revision = self.reports.lock().await;
        *revision += 1;
        match self.status(*revision).await {
            Ok(status) => self.events.status(&status),
            Err(error) => tracing::warn!(%error, "cannot read the sync status"),
        }
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
        self.report_status().await;

        let result = self.supervised(trigger).await;
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
        // Reported before it is counted, so whoever sync-now answers has seen it too.
        self.report_status().await;
        self.finished.send_modify(|n| *n += 1);
    }

    /// Runs the job supervised, with its progress sent to the events sink.
    async fn supervised(&self, trigger: SyncTrigger) -> Result<SyncReport, RunError> {
        let options = SyncOptions {
            lock: LockPolicy::Wait,
            scheduled: trigger == SyncTrigger::Schedule,
            ..SyncOptions::default()
        };
        let events = self.events.clone();
        let progress: Progress = Arc::new(move |event: &ProgressEvent| events.progress(event));
        supervise(&*self.job, options, progress).await
    }
}

/// Runs one job in its own task, so that a panic ends this run only and comes back as a
/// [`RunError`] (`sync_crashed`). The runner runs every scheduled and requested sync this
/// way; the webhook receiver runs the syncs its posts trigger this way too.
pub async fn supervise(
    job: &dyn SyncJob,
    options: SyncOptions,
    progress: Progress,
) -> Result<SyncReport, RunError> {
    match tokio::spawn(job.run(options, progress)).await {
        Ok(result) => result,
        Err(error) => {
            let detail = panic_message(error);
            tracing::error!(%detail, "the sync stopped unexpectedly");
            Err(RunError::new(
                "sync_crashed",
                format!(
                    "The sync stopped unexpectedly ({detail}). What it had written is \
                     kept; the next sync carries on from there."
                ),
            ))
        }
    }
}

/// Words for a sync task that panicked or was cancelled.
pub fn panic_message(error: tokio::task::JoinError) -> String {
    if !error.is_panic() {
        return "it was cancelled".to_string();
    }
    let payload = error.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .map_or_else(
            || "an internal error".to_string(),
            |m| format!("an internal error: {m}"),
        )
}

async fn run_loop(inner: Arc<Inner>) {
    while !inner.stopped.load(Ordering::SeqCst) {
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
            .and_then(|last| last.checked_add_signed(interval))
            .unwrap_or_else(Utc::now),
    )
}

/// The newest attempt of any resource, so a restart does not sync again at once.
async fn last_attempt(store: &Store) -> Option<DateTime<Utc>> {
    match resource_states(store).await {
        Ok(states) => states.iter().filter_map(|s| s.last_attempt_at).max(),
        Err(error) => {
            tracing::warn!(%error, "cannot read the sync state; syncing at once");
            None
        }
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
