//! The Logbook view's commands: thin calls into `flightdesk-logbook`, which the CLI's
//! `logbook`, `totals` and `currency` call too. Reads first bring the materialized logbook
//! up to date with the cache (a no-op when nothing changed since the last build).

use chrono_tz::Tz;
use flightdesk_currency::Verdict;
use flightdesk_logbook::{
    Annotation, Entry, EntryDetail, LogbookPerson, Page, PageQuery, RebuildStats, SourceKey, Totals,
};
use flightdesk_store::Store;
use flightdesk_views::lookup::Lookup;
use tauri::{AppHandle, State};

use crate::error::{logbook_error, view_error};
use crate::preferences;
use crate::state::AppState;
use flightdesk_ipc::UiError;

/// The store with its logbook fresh (dates on the user's zone where the departure
/// airport is unknown), and the user's zone.
async fn fresh(app: &AppHandle, state: &State<'_, AppState>) -> Result<(Store, Tz), UiError> {
    let ready = state.ready()?;
    let zone = preferences::load(app, &ready.preferences_path())?.zone();
    let store = ready.workspace.store().clone();
    let lookup: std::sync::Arc<Lookup> = ready.lookups.get(&store).await.map_err(view_error)?;
    flightdesk_logbook::ensure_fresh(&store, &lookup, zone)
        .await
        .map_err(logbook_error)?;
    Ok((store, zone))
}

#[tauri::command]
pub async fn logbook_people(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Vec<LogbookPerson>, UiError> {
    let (store, _) = fresh(&app, &state).await?;
    flightdesk_logbook::people(&store)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_page(
    app: AppHandle,
    state: State<'_, AppState>,
    query: PageQuery,
) -> Result<Page, UiError> {
    let (store, _) = fresh(&app, &state).await?;
    flightdesk_logbook::page(&store, &query)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_entry(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
) -> Result<EntryDetail, UiError> {
    let (store, _) = fresh(&app, &state).await?;
    flightdesk_logbook::entry(&store, &id)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_split(
    app: AppHandle,
    state: State<'_, AppState>,
    entry_id: String,
    source: String,
) -> Result<RebuildStats, UiError> {
    let key: SourceKey = source.parse().map_err(|text| {
        UiError::new(
            "bad_request",
            format!("`{text}` does not name a source record (expected provider/account/id)"),
        )
    })?;
    let (store, _) = fresh(&app, &state).await?;
    flightdesk_logbook::split(&store, &entry_id, &key)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_merge(
    app: AppHandle,
    state: State<'_, AppState>,
    a: String,
    b: String,
) -> Result<RebuildStats, UiError> {
    let (store, _) = fresh(&app, &state).await?;
    flightdesk_logbook::merge(&store, &a, &b)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_annotate(
    app: AppHandle,
    state: State<'_, AppState>,
    entry_id: String,
    annotation: Annotation,
) -> Result<Entry, UiError> {
    let (store, _) = fresh(&app, &state).await?;
    flightdesk_logbook::annotate(&store, &entry_id, annotation)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_totals(
    app: AppHandle,
    state: State<'_, AppState>,
    person: String,
) -> Result<Totals, UiError> {
    let (store, zone) = fresh(&app, &state).await?;
    let today = chrono::Utc::now().with_timezone(&zone).date_naive();
    flightdesk_logbook::totals(&store, &person, today)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_currency(
    app: AppHandle,
    state: State<'_, AppState>,
    person: String,
) -> Result<Vec<Verdict>, UiError> {
    let (store, zone) = fresh(&app, &state).await?;
    let now = chrono::Utc::now().with_timezone(&zone).fixed_offset();
    flightdesk_logbook::currency(&store, &person, now)
        .await
        .map_err(logbook_error)
}
