//! The FlightDesk desktop shell: a thin Tauri layer over the shared crates. Each command
//! takes typed arguments, calls one library function and maps the error for the UI.

mod commands;
mod error;
mod launch;
mod preferences;
mod state;
mod window_state;

use tauri::Manager;

use crate::state::AppState;

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
            let state = tauri::async_runtime::block_on(AppState::open(&options));
            if let Ok(prefs) = state.preferences_path() {
                window_state::restore(app.handle(), &prefs);
            }
            app.manage(state);
            Ok(())
        })
        .on_window_event(window_state::on_event)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::get_preferences,
            commands::set_preferences,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the FlightDesk window failed to start");
}
