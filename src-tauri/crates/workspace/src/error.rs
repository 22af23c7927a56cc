use std::path::PathBuf;

/// What can go wrong opening or using a workspace.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    #[error(
        "no data directory could be determined: set --data-dir or {}",
        crate::DATA_DIR_ENV
    )]
    NoDataDir,
    #[error("cannot use the data directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the workspace file {path} is damaged: {source}")]
    BadWorkspaceFile {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "the database key of this workspace is missing from the OS keyring, so {db} cannot \
         be read; restore the keyring or move the data directory aside to start afresh"
    )]
    MissingDatabaseKey { db: PathBuf },
    #[error(transparent)]
    Secrets(#[from] flightdesk_secrets::SecretError),
    #[error(transparent)]
    Store(#[from] flightdesk_store::StoreError),
    #[error("a sync is already running on this data directory (process {holder})")]
    SyncRunning { holder: String },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, WorkspaceError>;

pub(crate) fn io_error(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> WorkspaceError {
    let path = path.to_path_buf();
    move |source| WorkspaceError::Io { path, source }
}
