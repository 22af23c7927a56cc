//! The exam screen's commands, over `flightdesk_sync::exams` (the CLI's `exam` calls the
//! same functions). Preview, start and the result need the network; an answer or the
//! finish is saved at once and sent in the background, and the window hears
//! `outbox-changed` when the queue moved, so answering never waits for Flylogs.

use flightdesk_connectors::flylogs::{ExamPreview, ExamResult};
use flightdesk_ipc::UiError;
use flightdesk_sync::exams::{self, ExamError, ExamSession};
use flightdesk_sync::SyncOptions;
use tauri::{AppHandle, State};

use crate::state::{AppState, Ready};
use crate::write_commands::emit_counts;

fn ui(e: ExamError) -> UiError {
    UiError::new(e.code(), e.to_string())
}

/// A demo workspace's accounts point at this process's sandbox once it runs.
async fn online(ready: &Ready) -> Result<SyncOptions, UiError> {
    ready
        .job
        .ensure_demo_sandbox()
        .await
        .map_err(|e| UiError::new(e.code, e.message))?;
    Ok(SyncOptions::default())
}

#[tauri::command]
pub async fn exam_preview(
    state: State<'_, AppState>,
    account: Option<String>,
    enrollment_id: String,
    exam_id: String,
) -> Result<ExamPreview, UiError> {
    let ready = state.ready()?;
    let options = online(&ready).await?;
    exams::preview(
        &ready.workspace,
        account.as_deref(),
        &enrollment_id,
        &exam_id,
        &options,
    )
    .await
    .map_err(ui)
}

#[tauri::command]
pub async fn exam_start(
    state: State<'_, AppState>,
    account: Option<String>,
    enrollment_id: String,
    exam_id: String,
) -> Result<ExamSession, UiError> {
    let ready = state.ready()?;
    let options = online(&ready).await?;
    exams::start(
        &ready.workspace,
        account.as_deref(),
        &enrollment_id,
        &exam_id,
        &options,
    )
    .await
    .map_err(ui)
}

#[tauri::command]
pub async fn exam_answer(
    app: AppHandle,
    state: State<'_, AppState>,
    attempt_id: String,
    detail_id: String,
    option_id: String,
) -> Result<ExamSession, UiError> {
    let ready = state.ready()?;
    let session = exams::answer(&ready.workspace, &attempt_id, &detail_id, &option_id)
        .await
        .map_err(ui)?;
    send_in_background(app, ready, attempt_id);
    Ok(session)
}

#[tauri::command]
pub async fn exam_visit(
    state: State<'_, AppState>,
    attempt_id: String,
    position: usize,
) -> Result<ExamSession, UiError> {
    let ready = state.ready()?;
    exams::visit(&ready.workspace, &attempt_id, position)
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn exam_finish(
    app: AppHandle,
    state: State<'_, AppState>,
    attempt_id: String,
) -> Result<ExamSession, UiError> {
    let ready = state.ready()?;
    let session = exams::finish(&ready.workspace, &attempt_id)
        .await
        .map_err(ui)?;
    send_in_background(app, ready, attempt_id);
    Ok(session)
}

#[tauri::command]
pub async fn exam_deliver(
    app: AppHandle,
    state: State<'_, AppState>,
    attempt_id: String,
) -> Result<ExamSession, UiError> {
    let ready = state.ready()?;
    let options = online(&ready).await?;
    let session = exams::deliver(&ready.workspace, &attempt_id, &options)
        .await
        .map_err(ui)?;
    after_delivery(&app, &ready, &session).await;
    Ok(session)
}

#[tauri::command]
pub async fn exam_state(
    state: State<'_, AppState>,
    attempt_id: String,
) -> Result<ExamSession, UiError> {
    let ready = state.ready()?;
    exams::state(&ready.workspace, &attempt_id)
        .await
        .map_err(ui)
}

#[tauri::command]
pub async fn exam_open(state: State<'_, AppState>) -> Result<Vec<ExamSession>, UiError> {
    let ready = state.ready()?;
    exams::open_attempts(&ready.workspace).await.map_err(ui)
}

#[tauri::command]
pub async fn exam_result(
    state: State<'_, AppState>,
    attempt_id: String,
) -> Result<ExamResult, UiError> {
    let ready = state.ready()?;
    let options = online(&ready).await?;
    exams::result(&ready.workspace, &attempt_id, &options)
        .await
        .map_err(ui)
}

/// Sends the attempt's queue without holding the answer back; the window hears
/// `outbox-changed` when it moved.
fn send_in_background(app: AppHandle, ready: std::sync::Arc<Ready>, attempt_id: String) {
    tauri::async_runtime::spawn(async move {
        emit_counts(&app, &ready).await;
        let Ok(options) = online(&ready).await else {
            return;
        };
        match exams::deliver(&ready.workspace, &attempt_id, &options).await {
            Ok(session) => after_delivery(&app, &ready, &session).await,
            Err(error) => tracing::warn!(%error, "sending an exam's answers failed"),
        }
    });
}

/// Tells the window the queue moved; a graded attempt changed the cached trainings.
async fn after_delivery(app: &AppHandle, ready: &Ready, session: &ExamSession) {
    if session.finish == exams::FinishState::Graded {
        ready.lookups.invalidate().await;
    }
    emit_counts(app, ready).await;
}
