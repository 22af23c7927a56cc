//! The window's side of syncing. `flightdesk_sync::runner` schedules, supervises and
//! numbers the runs; this module only forwards what it reports to the window as events
//! and, on a demo workspace, keeps the sandbox the demo accounts point at alive.

use std::sync::Arc;

use flightdesk_ipc::{
    RecordsChanged, RunError, RECORDS_CHANGED_EVENT, SYNC_PROGRESS_EVENT, SYNC_STATUS_EVENT,
};
use flightdesk_sync::runner::{JobFuture, Progress, Runner, RunnerEvents, SyncJob, SyncStatus};
use flightdesk_sync::{ProgressEvent, SyncError, SyncOptions};
use flightdesk_views::cache::LookupCache;
use flightdesk_workspace::{Workspace, WorkspaceKind};
use tauri::{AppHandle, Emitter};

/// Starts the runner for `workspace` with `job`, syncing every `interval_minutes` (0:
/// only on demand), with its reports sent to the window.
pub async fn start(
    app: AppHandle,
    workspace: Workspace,
    interval_minutes: u32,
    job: AppJob,
    lookups: Arc<LookupCache>,
) -> Runner {
    let events = Arc::new(WindowEvents { app, lookups });
    Runner::start(workspace, interval_minutes, events, Arc::new(job)).await
}

/// The Tauri `Emitter` adapter: runner reports become window events, and a resource that
/// changed records makes the views' resolved entities stale.
struct WindowEvents {
    app: AppHandle,
    lookups: Arc<LookupCache>,
}

impl RunnerEvents for WindowEvents {
    fn status(&self, status: &SyncStatus) {
        if let Err(error) = self.app.emit(SYNC_STATUS_EVENT, status) {
            tracing::warn!(%error, "cannot send the sync status to the window");
        }
    }

    fn progress(&self, event: &ProgressEvent) {
        if let Err(error) = self.app.emit(SYNC_PROGRESS_EVENT, event) {
            tracing::warn!(%error, "cannot send sync progress to the window");
        }
        let ProgressEvent::ResourceFinished(summary) = event else {
            return;
        };
        if let Some(changed) = RecordsChanged::of(summary) {
            // Mark stale before telling the window, so its re-read sees the new records.
            let (lookups, app) = (self.lookups.clone(), self.app.clone());
            tauri::async_runtime::spawn(async move {
                lookups
                    .records_changed(&changed.account, &changed.kinds)
                    .await;
                if let Err(error) = app.emit(RECORDS_CHANGED_EVENT, &changed) {
                    tracing::warn!(%error, "cannot tell the window that records changed");
                }
            });
        }
    }
}

/// The sync engine, preceded on a demo workspace by starting (once) or re-pointing its
/// sandbox. Cheap to clone; the webhook receiver runs its syncs through it too.
#[derive(Clone)]
pub struct AppJob {
    workspace: Workspace,
    /// Lives as long as the app, so the demo accounts always have a sandbox to talk to.
    demo_sandbox: Arc<tokio::sync::Mutex<Option<flightdesk_sandbox::RunningSandbox>>>,
}

impl AppJob {
    pub fn new(workspace: Workspace) -> Self {
        Self {
            workspace,
            demo_sandbox: Arc::default(),
        }
    }

    /// A demo workspace's accounts point at a sandbox of this process: start it once, and
    /// re-point the accounts before every sync, since a CLI run on the same workspace points
    /// them at its own sandbox, which is gone when it exits.
    pub async fn ensure_demo_sandbox(&self) -> Result<(), RunError> {
        if self.workspace.info().kind != WorkspaceKind::Demo {
            return Ok(());
        }
        let mut running = self.demo_sandbox.lock().await;
        if let Some(sandbox) = running.as_ref() {
            return flightdesk_sync::demo::repoint(&self.workspace, sandbox)
                .await
                .map_err(|e| RunError::from(SyncError::Store(e)));
        }
        *running = flightdesk_sync::demo::prepare(&self.workspace)
            .await
            .map_err(|message| RunError::new("demo_sandbox", message))?;
        Ok(())
    }
}

impl SyncJob for AppJob {
    fn run(&self, options: SyncOptions, progress: Progress) -> JobFuture {
        let job = self.clone();
        Box::pin(async move {
            job.ensure_demo_sandbox().await?;
            flightdesk_sync::sync(&job.workspace, &options, &*progress)
                .await
                .map_err(RunError::from)
        })
    }
}
