//! The logbook's writes from the window: correcting, adding or deleting a PilotFlows flight
//! log through the outbox (`flightdesk_sync::logbook_writes`, as the CLI's `logbook
//! add|edit|delete`). A field the check refuses comes back with the code
//! `invalid:<field>`, for the form to show the words on that field.

use flightdesk_connectors::pilotflows_logbook::FlightLogFields;
use flightdesk_ipc::UiError;
use flightdesk_sync::logbook_writes::{self, LogbookWriteError};
use flightdesk_sync::outbox_view::OutboxItem;
use tauri::{AppHandle, State};

use crate::error::store_error;
use crate::state::AppState;
use crate::write_commands::queued;

fn ui(e: LogbookWriteError) -> UiError {
    match e {
        LogbookWriteError::Invalid { field, message } => {
            UiError::new(format!("invalid:{field}"), message)
        }
        LogbookWriteError::Store(e) => store_error(e),
        other => UiError::new("bad_request", other.to_string()),
    }
}

#[tauri::command]
pub async fn flight_log_save(
    app: AppHandle,
    state: State<'_, AppState>,
    account: String,
    id: Option<String>,
    fields: FlightLogFields,
) -> Result<OutboxItem, UiError> {
    let ready = state.ready()?;
    let account = logbook_writes::account(&ready.workspace, Some(&account))
        .await
        .map_err(|e| ui(e.into()))?;
    let store = ready.workspace.store();
    let row = match id {
        None => logbook_writes::add(store, &account, &fields).await,
        Some(id) => logbook_writes::edit(store, &account, &id, &fields).await,
    }
    .map_err(ui)?;
    queued(&app, &ready, row.id).await
}

#[tauri::command]
pub async fn flight_log_delete(
    app: AppHandle,
    state: State<'_, AppState>,
    account: String,
    id: String,
) -> Result<OutboxItem, UiError> {
    let ready = state.ready()?;
    let account = logbook_writes::account(&ready.workspace, Some(&account))
        .await
        .map_err(|e| ui(e.into()))?;
    let row = logbook_writes::delete(ready.workspace.store(), &account, &id)
        .await
        .map_err(ui)?;
    queued(&app, &ready, row.id).await
}
