//! The commands the UI calls. Names and types match `flightdesk_ipc::COMMANDS`.

use flightdesk_core::{Preferences, Provider};
use flightdesk_ipc::{AppInfo, ProviderInfo, SyncRun, SyncStatus, UiError, WebhookStatus};
use tauri::{AppHandle, State};

use crate::error::store_error;
use crate::preferences;
use crate::state::AppState;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, UiError> {
    let workspace = state.workspace()?;
    let store = workspace.store();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: workspace.data_dir().display().to_string(),
        workspace_id: workspace.info().id.clone(),
        workspace_kind: workspace.info().kind,
        schema_version: store.schema_version().await.map_err(store_error)?,
        providers: Provider::ALL.into_iter().map(ProviderInfo::from).collect(),
        accounts: store.accounts().await.map_err(store_error)?,
    })
}

#[tauri::command]
pub fn get_preferences(app: AppHandle, state: State<'_, AppState>) -> Result<Preferences, UiError> {
    let path = state.preferences_path()?;
    preferences::load(&app, &path)
}

#[tauri::command]
pub async fn set_preferences(
    app: AppHandle,
    state: State<'_, AppState>,
    preferences: Preferences,
) -> Result<Preferences, UiError> {
    let path = state.preferences_path()?;
    preferences::save(&app, &path, &preferences)?;
    state
        .sync()?
        .set_interval(preferences.sync_interval_minutes)
        .await;
    state.webhooks()?.apply(&preferences.webhooks).await;
    Ok(preferences)
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, UiError> {
    state.sync()?.status().await.map_err(store_error)
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncRun, UiError> {
    Ok(state.sync()?.sync_now().await)
}

#[tauri::command]
pub async fn webhook_status(state: State<'_, AppState>) -> Result<WebhookStatus, UiError> {
    Ok(state.webhooks()?.status().await)
}
