//! The FlightDesk desktop shell: a thin Tauri layer over the shared crates. Each command
//! takes typed arguments, calls one library function and maps the error for the UI.

mod commands;
mod error;
mod launch;
mod preferences;
mod state;
mod sync_service;
mod webhook_service;
mod window_state;

use tauri::Manager;

use crate::state::{AppState, Ready};
use crate::webhook_service::WebhookService;

/// Starts the desktop app.
pub fn run() {
    let options = launch::LaunchOptions::from_env();
    // Logging starts before the window, so a failure to open the workspace is on record.
    let _log = options
        .data_dir
        .as_ref()
        .ok()
        .and_then(|dir| flightdesk_workspace::logging::init(dir, false).ok());

    tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::new().build())
        .setup(move |app| {
            let handle = app.handle().clone();
            let state = tauri::async_runtime::block_on(async {
                let workspace = match AppState::open_workspace(&options).await {
                    Ok(workspace) => workspace,
                    Err(error) => return AppState::Failed(error),
                };
                let prefs_path = state::preferences_path(&workspace);
                window_state::restore(&handle, &prefs_path);
                let prefs = preferences::load(&handle, &prefs_path).unwrap_or_default();
                let job = sync_service::AppJob::new(workspace.clone());
                let sync = sync_service::start(
                    handle.clone(),
                    workspace.clone(),
                    prefs.sync_interval_minutes,
                    job.clone(),
                )
                .await;
                let webhooks =
                    WebhookService::new(handle.clone(), workspace.clone(), sync.clone(), job);
                webhooks.apply(&prefs.webhooks).await;
                AppState::Ready(Ready {
                    workspace,
                    sync,
                    webhooks,
                })
            });
            app.manage(state);
            Ok(())
        })
        .on_window_event(window_state::on_event)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::get_preferences,
            commands::set_preferences,
            commands::sync_status,
            commands::sync_now,
            commands::webhook_status,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the FlightDesk window failed to start");
}
