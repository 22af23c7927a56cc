use std::path::PathBuf;

use flightdesk_ipc::UiError;
use flightdesk_workspace::{SecretsBackend, Workspace};

use crate::error::workspace_error;
use crate::launch::LaunchOptions;
use crate::webhook_service::WebhookService;
use flightdesk_sync::runner::Runner;

/// The file inside the data directory that tauri-plugin-store keeps preferences in.
pub const PREFERENCES_FILE: &str = "settings.json";

/// What the app holds once started. Opening the workspace can fail (no keyring, a
/// database from a newer version); the window still opens and shows why.
pub enum AppState {
    Ready(Ready),
    Failed(UiError),
}

/// An open workspace, the sync runner serving it and its optional webhook receiver.
pub struct Ready {
    pub workspace: Workspace,
    pub sync: Runner,
    pub webhooks: WebhookService,
}

impl AppState {
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

    pub fn workspace(&self) -> Result<&Workspace, UiError> {
        Ok(&self.ready()?.workspace)
    }

    pub fn sync(&self) -> Result<&Runner, UiError> {
        Ok(&self.ready()?.sync)
    }

    pub fn webhooks(&self) -> Result<&WebhookService, UiError> {
        Ok(&self.ready()?.webhooks)
    }

    /// Where preferences are stored (see [`preferences_path`]).
    pub fn preferences_path(&self) -> Result<PathBuf, UiError> {
        Ok(preferences_path(self.workspace()?))
    }

    fn ready(&self) -> Result<&Ready, UiError> {
        match self {
            Self::Ready(ready) => Ok(ready),
            Self::Failed(error) => Err(error.clone()),
        }
    }
}

/// Where preferences are stored: inside the data directory, beside the database.
pub fn preferences_path(workspace: &Workspace) -> PathBuf {
    workspace.data_dir().join(PREFERENCES_FILE)
}
