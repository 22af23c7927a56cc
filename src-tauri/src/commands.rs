//! The commands the UI calls. Names and types match `flightdesk_ipc::COMMANDS`. All but
//! `workspace_state` need the open workspace and answer `opening` at once until it is.

use flightdesk_connectors::ClientOptions;
use flightdesk_core::identity::EntityKind;
use flightdesk_core::{Preferences, Provider};
use flightdesk_ipc::{
    AppInfo, ProviderInfo, SyncRun, SyncStatus, UiError, WebhookStatus, WorkspaceState,
};
use flightdesk_store::SkippedRowView;
use flightdesk_sync::forecast;
use flightdesk_views as views;
use flightdesk_views::board::crew::Crew;
use flightdesk_views::board::Board;
use flightdesk_views::calendar::{Calendar, CalendarRequest, ItemDetails};
use flightdesk_views::entities::EntityView;
use flightdesk_views::search::SearchResults;
use flightdesk_views::trainings::Trainings;
use tauri::{AppHandle, State};

use crate::error::{store_error, view_error};
use crate::preferences;
use crate::state::AppState;

#[tauri::command]
pub fn workspace_state(state: State<'_, AppState>) -> WorkspaceState {
    state.state()
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, UiError> {
    let ready = state.ready()?;
    let workspace = &ready.workspace;
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
    preferences::load(&app, &state.ready()?.preferences_path())
}

#[tauri::command]
pub async fn set_preferences(
    app: AppHandle,
    state: State<'_, AppState>,
    preferences: Preferences,
) -> Result<Preferences, UiError> {
    let ready = state.ready()?;
    preferences::save(&app, &ready.preferences_path(), &preferences)?;
    ready
        .sync
        .set_interval(preferences.sync_interval_minutes)
        .await;
    ready.webhooks.apply(&preferences.webhooks).await;
    Ok(preferences)
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<SyncStatus, UiError> {
    state.ready()?.sync.status().await.map_err(store_error)
}

#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Result<SyncRun, UiError> {
    Ok(state.ready()?.sync.sync_now().await)
}

#[tauri::command]
pub async fn skipped_rows(state: State<'_, AppState>) -> Result<Vec<SkippedRowView>, UiError> {
    let ready = state.ready()?;
    ready
        .workspace
        .store()
        .skipped_rows(None)
        .await
        .map_err(store_error)
}

#[tauri::command]
pub async fn webhook_status(state: State<'_, AppState>) -> Result<WebhookStatus, UiError> {
    Ok(state.ready()?.webhooks.status().await)
}

#[tauri::command]
pub async fn calendar(
    state: State<'_, AppState>,
    request: CalendarRequest,
) -> Result<Calendar, UiError> {
    let ready = state.ready()?;
    let store = ready.workspace.store();
    let query = request.query().map_err(view_error)?;
    let lookup = ready.lookups.get(store).await.map_err(view_error)?;
    views::calendar::calendar(store, &lookup, &query)
        .await
        .map_err(view_error)
}

#[tauri::command]
pub async fn calendar_item(state: State<'_, AppState>, id: String) -> Result<ItemDetails, UiError> {
    let ready = state.ready()?;
    views::calendar::item_details(ready.workspace.store(), &id)
        .await
        .map_err(view_error)
}

#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    text: String,
    limit: u32,
) -> Result<SearchResults, UiError> {
    let ready = state.ready()?;
    let store = ready.workspace.store();
    let lookup = ready.lookups.get(store).await.map_err(view_error)?;
    views::search::search(store, &lookup, &text, limit)
        .await
        .map_err(view_error)
}

#[tauri::command]
pub async fn entities(
    state: State<'_, AppState>,
    kind: Option<EntityKind>,
) -> Result<Vec<EntityView>, UiError> {
    let ready = state.ready()?;
    let lookup = ready
        .lookups
        .get(ready.workspace.store())
        .await
        .map_err(view_error)?;
    Ok(views::entities::entities(&lookup, kind))
}

#[tauri::command]
pub async fn decide_entities(
    state: State<'_, AppState>,
    a: String,
    b: String,
    same: bool,
) -> Result<(), UiError> {
    let ready = state.ready()?;
    views::entities::decide(ready.workspace.store(), &a, &b, same)
        .await
        .map_err(view_error)?;
    ready.lookups.invalidate_entities().await;
    Ok(())
}

/// `at` from the window (RFC 3339, or a wall-clock `YYYY-MM-DDTHH:MM` in the chosen
/// zone, as a time picker gives it), or now.
fn instant_or_now(
    at: Option<String>,
    tz: chrono_tz::Tz,
) -> Result<chrono::DateTime<chrono::Utc>, UiError> {
    let Some(text) = at else {
        return Ok(chrono::Utc::now());
    };
    views::calendar::parse_instant(&text, tz)
        .map_err(|_| UiError::new("bad_request", format!("`{text}` is not a time")))
}

#[tauri::command]
pub async fn board(
    app: AppHandle,
    state: State<'_, AppState>,
    at: Option<String>,
) -> Result<Board, UiError> {
    let ready = state.ready()?;
    let tz = preferences::load(&app, &ready.preferences_path())?.zone();
    let now = instant_or_now(at, tz)?;
    let store = ready.workspace.store();
    let lookup = ready.lookups.get(store).await.map_err(view_error)?;
    views::board::board(store, &lookup, now, tz)
        .await
        .map_err(view_error)
}

#[tauri::command]
pub async fn crew_forecast(
    app: AppHandle,
    state: State<'_, AppState>,
    at: String,
) -> Result<Crew, UiError> {
    let ready = state.ready()?;
    let tz = preferences::load(&app, &ready.preferences_path())?.zone();
    let at = instant_or_now(Some(at), tz)?;
    ready
        .job
        .ensure_demo_sandbox()
        .await
        .map_err(|e| UiError::new(e.code, e.message))?;
    let answers = forecast::crew_at(&ready.workspace, at, ClientOptions::default())
        .await
        .map_err(|e| {
            if e.is_offline() {
                UiError::new(
                    "offline",
                    "A forecast is asked of AviationAlley when you ask for it, so it needs the \
                     network, and AviationAlley cannot be reached now. The board shows the crew \
                     as last synced.",
                )
            } else {
                UiError::new("forecast_failed", e.to_string())
            }
        })?;
    Ok(views::board::crew::from_forecast(answers))
}

#[tauri::command]
pub async fn trainings(
    state: State<'_, AppState>,
    person: Option<String>,
) -> Result<Trainings, UiError> {
    let ready = state.ready()?;
    let store = ready.workspace.store();
    let lookup = ready.lookups.get(store).await.map_err(view_error)?;
    views::trainings::trainings(store, &lookup, person.as_deref(), chrono::Utc::now())
        .await
        .map_err(view_error)
}
