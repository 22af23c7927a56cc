//! What the app holds about its workspace. The window shows before the workspace opens
//! (a keyring may wait for its unlock prompt, a migration may take a minute), so the state
//! starts as opening; commands called meanwhile answer at once with the `opening` error
//! instead of waiting, and the window is told when the workspace is ready or failed.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use flightdesk_ipc::{UiError, WorkspaceState};
use flightdesk_sync::runner::Runner;
use flightdesk_views::cache::LookupCache;
use flightdesk_workspace::{SecretsBackend, Workspace};

use crate::error::workspace_error;
use crate::launch::LaunchOptions;
use crate::webhook_service::WebhookService;

/// The file inside the data directory that tauri-plugin-store keeps preferences in.
pub const PREFERENCES_FILE: &str = "settings.json";

/// The app's state: its workspace while opening, once open, or why it could not open.
pub type AppState = Startup<Ready>;

/// An open workspace, the sync runner serving it and its optional webhook receiver.
pub struct Ready {
    pub workspace: Workspace,
    pub sync: Runner,
    pub webhooks: WebhookService,
    /// The resolved entities the views use, until records change.
    pub lookups: Arc<LookupCache>,
    /// The sync job, whose demo sandbox a live request (a crew forecast) needs too.
    pub job: crate::sync_service::AppJob,
}

impl Ready {
    /// Where preferences are stored (see [`preferences_path`]).
    pub fn preferences_path(&self) -> PathBuf {
        preferences_path(self.workspace.data_dir())
    }
}

/// Something that opens in the background (`T` is [`Ready`] in the app); cheap to clone.
pub struct Startup<T> {
    phase: Arc<RwLock<Phase<T>>>,
}

enum Phase<T> {
    Opening,
    Ready(Arc<T>),
    Failed(UiError),
}

impl<T> Clone for Startup<T> {
    fn clone(&self) -> Self {
        Self {
            phase: self.phase.clone(),
        }
    }
}

impl<T: Send + Sync + 'static> Startup<T> {
    pub fn opening() -> Self {
        Self {
            phase: Arc::new(RwLock::new(Phase::Opening)),
        }
    }

    /// Awaits `open`, records how it ended and tells `changed`. Commands answer from the
    /// recorded phase, never from this future.
    pub async fn open(
        &self,
        open: impl Future<Output = Result<T, UiError>>,
        changed: impl FnOnce(&WorkspaceState),
    ) {
        let phase = match open.await {
            Ok(ready) => Phase::Ready(Arc::new(ready)),
            Err(error) => Phase::Failed(error),
        };
        *self.phase.write().unwrap_or_else(|p| p.into_inner()) = phase;
        changed(&self.state());
    }

    /// The open workspace, or at once the `opening` error or the reason it failed.
    pub fn ready(&self) -> Result<Arc<T>, UiError> {
        match &*self.phase.read().unwrap_or_else(|p| p.into_inner()) {
            Phase::Ready(ready) => Ok(ready.clone()),
            Phase::Opening => Err(UiError::new(
                "opening",
                "Your workspace is still opening; try again in a moment.",
            )),
            Phase::Failed(error) => Err(error.clone()),
        }
    }

    /// The phase as the window sees it.
    pub fn state(&self) -> WorkspaceState {
        match &*self.phase.read().unwrap_or_else(|p| p.into_inner()) {
            Phase::Opening => WorkspaceState::Opening,
            Phase::Ready(_) => WorkspaceState::Ready,
            Phase::Failed(error) => WorkspaceState::Failed {
                error: error.clone(),
            },
        }
    }
}

/// Opens the workspace the app was started on (not yet syncing).
pub async fn open_workspace(options: &LaunchOptions) -> Result<Workspace, UiError> {
    let data_dir = options
        .data_dir
        .as_ref()
        .map_err(|message| UiError::new("no_data_dir", message.clone()))?;
    match Workspace::open(data_dir, SecretsBackend::Keyring).await {
        Ok(workspace) => Ok(workspace),
        Err(error) => {
            tracing::error!(%error, "cannot open the workspace");
            Err(workspace_error(error))
        }
    }
}

/// Where preferences are stored: inside the data directory, beside the database.
pub fn preferences_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join(PREFERENCES_FILE)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::time::Duration;

    use tokio::sync::oneshot;
    use tokio::task::JoinHandle;

    use super::*;

    type Changes = Arc<Mutex<Vec<WorkspaceState>>>;
    /// Finishes the open when it sends.
    type Finish = oneshot::Sender<Result<&'static str, UiError>>;

    /// Starts opening a `Startup<&str>` that finishes when the returned sender sends.
    fn opening_on_a_channel() -> (Startup<&'static str>, Finish, Changes, JoinHandle<()>) {
        let state = Startup::opening();
        let (tx, rx) = oneshot::channel();
        let changes = Changes::default();
        let (opening, seen) = (state.clone(), changes.clone());
        let task = tokio::spawn(async move {
            let open = async move { rx.await.expect("the test sends") };
            let record = move |s: &WorkspaceState| seen.lock().unwrap().push(s.clone());
            opening.open(open, record).await;
        });
        (state, tx, changes, task)
    }

    #[tokio::test]
    async fn commands_answer_opening_at_once_while_the_open_waits_then_ready() {
        let (state, tx, changes, task) = opening_on_a_channel();
        tokio::time::sleep(Duration::from_millis(20)).await;
        // The open is blocked on the channel; a command's answer does not wait for it.
        let answer = tokio::time::timeout(Duration::from_millis(100), async { state.ready() })
            .await
            .expect("answers without waiting for the open");
        assert_eq!(answer.unwrap_err().code, "opening");
        assert_eq!(state.state(), WorkspaceState::Opening);
        assert!(changes.lock().unwrap().is_empty());

        tx.send(Ok("the workspace")).unwrap();
        task.await.unwrap();
        assert_eq!(*state.ready().unwrap(), "the workspace");
        assert_eq!(state.state(), WorkspaceState::Ready);
        assert_eq!(*changes.lock().unwrap(), [WorkspaceState::Ready]);
    }

    #[tokio::test]
    async fn a_failed_open_is_what_every_command_answers_and_the_window_is_told() {
        let (state, tx, changes, task) = opening_on_a_channel();
        let error = UiError::new("keyring_unavailable", "no OS keyring is available");
        tx.send(Err(error.clone())).unwrap();
        task.await.unwrap();
        assert_eq!(state.ready().unwrap_err(), error);
        let failed = WorkspaceState::Failed { error };
        assert_eq!(state.state(), failed);
        assert_eq!(*changes.lock().unwrap(), [failed]);
    }
}
