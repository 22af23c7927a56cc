//! "Explore with demo data" and "Leave the demo": the demo is a workspace of its own
//! beside the real one, so switching starts the app again on the other data directory
//! (the workspace, its sync runner and its keyring entries all belong to one directory).

use flightdesk_ipc::UiError;
use flightdesk_sync::demo::{self, DemoError};
use flightdesk_workspace::{WorkspaceKind, DATA_DIR_ENV};
use tauri::{AppHandle, State};

use crate::error::{store_error, workspace_error};
use crate::state::AppState;

/// Where the real workspace was when the app switched to the demo, to go back to.
const REAL_DATA_DIR_ENV: &str = "FLIGHTDESK_REAL_DATA_DIR";

fn demo_error(error: DemoError) -> UiError {
    match error {
        DemoError::Workspace(e) => workspace_error(e),
        DemoError::Store(e) => store_error(e),
        other => UiError::new("demo_failed", other.to_string()),
    }
}

#[tauri::command]
pub async fn explore_demo(app: AppHandle, state: State<'_, AppState>) -> Result<(), UiError> {
    let ready = state.ready()?;
    if ready.workspace.info().kind == WorkspaceKind::Demo {
        return Ok(());
    }
    let real = ready.workspace.data_dir().to_path_buf();
    let dir = demo::beside(&real);
    demo::create(&dir, &|_| {}).await.map_err(demo_error)?;
    // The restarted app inherits this process's environment.
    std::env::set_var(REAL_DATA_DIR_ENV, &real);
    std::env::set_var(DATA_DIR_ENV, &dir);
    app.restart()
}

#[tauri::command]
pub fn leave_demo(app: AppHandle) {
    match std::env::var_os(REAL_DATA_DIR_ENV) {
        Some(real) => std::env::set_var(DATA_DIR_ENV, real),
        None => std::env::remove_var(DATA_DIR_ENV),
    }
    app.restart()
}
