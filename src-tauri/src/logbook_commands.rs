//! The Logbook view's commands: thin calls into `flightdesk-logbook`, which the CLI's
//! `logbook`, `totals` and `currency` call too. Reads first bring the materialized logbook
//! up to date with the cache (a no-op when nothing changed since the last build).

use flightdesk_currency::Verdict;
use flightdesk_logbook::{
    Annotation, Entry, EntryDetail, LogbookPerson, Page, PageQuery, RebuildStats, SourceKey, Totals,
};
use flightdesk_store::Store;
use flightdesk_views::lookup::Lookup;
use tauri::State;

use crate::error::{logbook_error, view_error};
use crate::state::AppState;
use flightdesk_ipc::UiError;

/// The store with its logbook fresh, and the lookup it was built with.
async fn fresh(state: &State<'_, AppState>) -> Result<Store, UiError> {
    let ready = state.ready()?;
    let store = ready.workspace.store().clone();
    let lookup: std::sync::Arc<Lookup> = ready.lookups.get(&store).await.map_err(view_error)?;
    flightdesk_logbook::ensure_fresh(&store, &lookup)
        .await
        .map_err(logbook_error)?;
    Ok(store)
}

#[tauri::command]
pub async fn logbook_people(state: State<'_, AppState>) -> Result<Vec<LogbookPerson>, UiError> {
    let store = fresh(&state).await?;
    flightdesk_logbook::people(&store)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_page(state: State<'_, AppState>, query: PageQuery) -> Result<Page, UiError> {
    let store = fresh(&state).await?;
    flightdesk_logbook::page(&store, &query)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_entry(state: State<'_, AppState>, id: String) -> Result<EntryDetail, UiError> {
    let store = fresh(&state).await?;
    flightdesk_logbook::entry(&store, &id)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_split(
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
    let store = fresh(&state).await?;
    flightdesk_logbook::split(&store, &entry_id, &key)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_merge(
    state: State<'_, AppState>,
    a: String,
    b: String,
) -> Result<RebuildStats, UiError> {
    let store = fresh(&state).await?;
    flightdesk_logbook::merge(&store, &a, &b)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_annotate(
    state: State<'_, AppState>,
    entry_id: String,
    annotation: Annotation,
) -> Result<Entry, UiError> {
    let store = fresh(&state).await?;
    flightdesk_logbook::annotate(&store, &entry_id, annotation)
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_totals(state: State<'_, AppState>, person: String) -> Result<Totals, UiError> {
    let store = fresh(&state).await?;
    flightdesk_logbook::totals(&store, &person, chrono::Utc::now().date_naive())
        .await
        .map_err(logbook_error)
}

#[tauri::command]
pub async fn logbook_currency(
    state: State<'_, AppState>,
    person: String,
) -> Result<Vec<Verdict>, UiError> {
    let store = fresh(&state).await?;
    flightdesk_logbook::currency(&store, &person, chrono::Utc::now().fixed_offset())
        .await
        .map_err(logbook_error)
}
