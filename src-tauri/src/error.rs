use flightdesk_ipc::UiError;
use flightdesk_logbook::LogbookError;
use flightdesk_store::StoreError;
use flightdesk_sync::accounts::ConnectError;
use flightdesk_sync::runner::workspace_error_code;
use flightdesk_views::ViewError;
use flightdesk_workspace::WorkspaceError;

/// Maps a workspace failure to a code the UI branches on (the sync crate's rule, so the
/// window and a failed run use the same codes) and a sentence it shows.
pub fn workspace_error(error: WorkspaceError) -> UiError {
    UiError::new(workspace_error_code(&error), error.to_string())
}

pub fn store_error(error: StoreError) -> UiError {
    workspace_error(WorkspaceError::Store(error))
}

/// A read-model failure: the store's code, or `bad_request` for what the window asked.
pub fn view_error(error: ViewError) -> UiError {
    match error {
        ViewError::Store(e) => store_error(e),
        ViewError::Query { .. } => UiError::new("cache_read", error.to_string()),
        other => UiError::new("bad_request", other.to_string()),
    }
}

/// A logbook failure: the user's mistakes as `bad_request`, the cache's as they are.
pub fn logbook_error(error: LogbookError) -> UiError {
    match error {
        LogbookError::Store(e) => store_error(e),
        LogbookError::View(e) => view_error(e),
        LogbookError::Query { .. } | LogbookError::Corrupt(_) | LogbookError::Csv(_) => {
            UiError::new("cache_read", error.to_string())
        }
        other => UiError::new("bad_request", other.to_string()),
    }
}

/// A failure to connect, test or remove an account, with a code the window branches on.
pub fn connect_error(error: ConnectError) -> UiError {
    let code = match &error {
        ConnectError::OtherProvider { .. } | ConnectError::Config(_) => "bad_request",
        ConnectError::Rejected { .. } => "rejected",
        ConnectError::CodeRequired { .. } => "code_required",
        ConnectError::SyncRunning { .. } => "sync_running",
        ConnectError::Store(_) | ConnectError::Workspace(_) => "database",
    };
    match error {
        ConnectError::Store(e) => store_error(e),
        ConnectError::Workspace(e) => workspace_error(e),
        other => UiError::new(code, other.to_string()),
    }
}
