use std::path::PathBuf;

use flightdesk_ipc::UiError;
use flightdesk_workspace::{SecretsBackend, Workspace};

use crate::error::workspace_error;
use crate::launch::LaunchOptions;

/// The file inside the data directory that tauri-plugin-store keeps preferences in.
pub const PREFERENCES_FILE: &str = "settings.json";

/// What the app holds once started. Opening the workspace can fail (no keyring, a
/// database from a newer version); the window still opens and shows why.
pub enum AppState {
    Ready(Workspace),
    Failed(UiError),
}

impl AppState {
    pub async fn open(options: &LaunchOptions) -> Self {
        let data_dir = match &options.data_dir {
            Ok(dir) => dir,
            Err(message) => return Self::Failed(UiError::new("no_data_dir", message.clone())),
        };
        match Workspace::open(data_dir, SecretsBackend::Keyring).await {
            Ok(workspace) => Self::Ready(workspace),
            Err(error) => {
                tracing::error!(%error, "cannot open the workspace");
                Self::Failed(workspace_error(error))
            }
        }
    }

    pub fn workspace(&self) -> Result<&Workspace, UiError> {
        match self {
            Self::Ready(workspace) => Ok(workspace),
            Self::Failed(error) => Err(error.clone()),
        }
    }

    /// Where preferences are stored: inside the data directory, beside the database.
    pub fn preferences_path(&self) -> Result<PathBuf, UiError> {
        Ok(self.workspace()?.data_dir().join(PREFERENCES_FILE))
    }
}
