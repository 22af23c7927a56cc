use flightdesk_ipc::UiError;
use flightdesk_store::StoreError;
use flightdesk_workspace::WorkspaceError;

/// Maps a workspace failure to a code the UI branches on and a sentence it shows.
pub fn workspace_error(error: WorkspaceError) -> UiError {
    let code = match &error {
        WorkspaceError::Secrets(_) => "keyring_unavailable",
        WorkspaceError::MissingDatabaseKey { .. } => "database_key_missing",
        WorkspaceError::Store(StoreError::NewerSchema { .. }) => "newer_schema",
        WorkspaceError::Store(StoreError::CannotDecrypt { .. }) => "cannot_decrypt",
        WorkspaceError::Store(_) => "database",
        WorkspaceError::SyncRunning { .. } => "sync_running",
        WorkspaceError::NoDataDir
        | WorkspaceError::Io { .. }
        | WorkspaceError::BadWorkspaceFile { .. } => "data_dir",
    };
    UiError::new(code, error.to_string())
}

pub fn store_error(error: StoreError) -> UiError {
    workspace_error(WorkspaceError::Store(error))
}
