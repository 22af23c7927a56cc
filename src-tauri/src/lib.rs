//! The FlightDesk desktop shell: a thin Tauri layer over the shared crates. Each command
//! takes typed arguments, calls one library function and maps the error for the UI.

mod accounts;
mod commands;
mod demo;
mod error;
mod exam_commands;
mod launch;
mod logbook_commands;
mod logbook_write_commands;
mod preferences;
mod state;
mod sync_service;
mod training_commands;
mod webhook_service;
mod window_state;
mod write_commands;

#[cfg(test)]
mod command_table_tests;

use std::sync::Arc;

use flightdesk_ipc::{UiError, WorkspaceState, WORKSPACE_STATE_EVENT};
use flightdesk_views::cache::LookupCache;
use tauri::{AppHandle, Emitter, Manager};

use crate::launch::LaunchOptions;
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
            if let Ok(dir) = &options.data_dir {
                window_state::restore(&handle, &state::preferences_path(dir));
            }
            // The window shows now, saying "Opening your workspace…"; the keyring (which
            // may wait for its unlock prompt) and the migrations run behind it.
            let state = AppState::opening();
            app.manage(state.clone());
            tauri::async_runtime::spawn(async move {
                let notify = |s: &WorkspaceState| {
                    if let Err(error) = handle.emit(WORKSPACE_STATE_EVENT, s) {
                        tracing::warn!(%error, "cannot tell the window the workspace state");
                    }
                };
                state.open(open(handle.clone(), options), notify).await;
            });
            Ok(())
        })
        .on_window_event(window_state::on_event)
        .invoke_handler(tauri::generate_handler![
            commands::workspace_state,
            commands::app_info,
            commands::get_preferences,
            commands::set_preferences,
            commands::sync_status,
            commands::sync_now,
            commands::skipped_rows,
            commands::webhook_status,
            demo::explore_demo,
            demo::leave_demo,
            accounts::accounts,
            accounts::test_connection,
            accounts::connect_account,
            accounts::rename_account,
            accounts::remove_account,
            commands::calendar,
            commands::calendar_item,
            commands::search,
            commands::board,
            commands::crew_forecast,
            commands::trainings,
            logbook_commands::logbook_people,
            logbook_commands::logbook_page,
            logbook_commands::logbook_entry,
            logbook_commands::logbook_split,
            logbook_commands::logbook_merge,
            logbook_commands::logbook_annotate,
            logbook_commands::logbook_totals,
            logbook_commands::logbook_currency,
            write_commands::class_form,
            write_commands::class_check,
            write_commands::class_save,
            write_commands::class_delete,
            write_commands::outbox_items,
            write_commands::outbox_unsent,
            write_commands::outbox_counts,
            write_commands::outbox_retry,
            write_commands::outbox_discard,
            write_commands::sign,
            exam_commands::exam_preview,
            exam_commands::exam_start,
            exam_commands::exam_answer,
            exam_commands::exam_visit,
            exam_commands::exam_finish,
            exam_commands::exam_deliver,
            exam_commands::exam_state,
            exam_commands::exam_open,
            exam_commands::exam_result,
            logbook_write_commands::flight_log_save,
            logbook_write_commands::flight_log_delete,
            training_commands::class_roster,
            training_commands::class_attendance_save,
            training_commands::class_evaluation_save,
            training_commands::training_enrol,
            training_commands::lesson_complete,
            commands::entities,
            commands::decide_entities,
        ])
        .run(tauri::generate_context!("tauri.conf.json"))
        .expect("the FlightDesk window failed to start");
}

/// Opens the workspace, then starts its sync runner and webhook receiver.
async fn open(handle: AppHandle, options: LaunchOptions) -> Result<Ready, UiError> {
    if !options.open_delay.is_zero() {
        tokio::time::sleep(options.open_delay).await;
    }
    let workspace = state::open_workspace(&options).await?;
    let prefs_path = state::preferences_path(workspace.data_dir());
    let prefs = preferences::load(&handle, &prefs_path).unwrap_or_default();
    let job = sync_service::AppJob::new(workspace.clone());
    let lookups = Arc::new(LookupCache::default());
    let sync = sync_service::start(
        handle.clone(),
        workspace.clone(),
        prefs.sync_interval_minutes,
        job.clone(),
        lookups.clone(),
    )
    .await;
    let webhooks = WebhookService::new(handle, workspace.clone(), sync.clone(), job.clone());
    webhooks.apply(&prefs.webhooks).await;
    Ok(Ready {
        workspace,
        sync,
        webhooks,
        lookups,
        job,
    })
}
