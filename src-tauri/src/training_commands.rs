//! A teacher's and a manager's Flylogs training writes from the window: a class's roster
//! (read from Flylogs, or from the cache offline), its attendance and each student's
//! evaluation, enrolling students in a training, and a student's lesson completed. Each
//! write goes through the outbox (`flightdesk_sync::training_writes`, as the CLI's
//! `class attendance|evaluate`, `enrol` and `lesson complete`), so it is kept and sent
//! when Flylogs can be reached.

use flightdesk_ipc::UiError;
use flightdesk_sync::account_choice::flylogs_account;
use flightdesk_sync::class_roster::{self, ClassRoster, RosterError};
use flightdesk_sync::outbox_view::OutboxItem;
use flightdesk_sync::training_writes::{self, Attendance, Enrolment, Evaluation, LessonDone};
use flightdesk_sync::SyncOptions;
use tauri::{AppHandle, State};

use crate::error::store_error;
use crate::state::{AppState, Ready};
use crate::write_commands::queued;

fn roster_error(e: RosterError) -> UiError {
    let code = match &e {
        RosterError::Account(_) => "bad_request",
        RosterError::Refused(_) => "refused",
        RosterError::Connector(_) | RosterError::Store(_) => "failed",
    };
    UiError::new(code, e.to_string())
}

/// The store id of a Flylogs account named in the window.
async fn account_id(ready: &Ready, account: &str) -> Result<i64, UiError> {
    flylogs_account(&ready.workspace, Some(account))
        .await
        .map(|a| a.id)
        .map_err(|e| UiError::new("bad_request", e.to_string()))
}

#[tauri::command]
pub async fn class_roster(
    state: State<'_, AppState>,
    account: String,
    class_id: String,
) -> Result<ClassRoster, UiError> {
    let ready = state.ready()?;
    ready
        .job
        .ensure_demo_sandbox()
        .await
        .map_err(|e| UiError::new(e.code, e.message))?;
    class_roster::class_roster(
        &ready.workspace,
        Some(&account),
        &class_id,
        &SyncOptions::default(),
    )
    .await
    .map_err(roster_error)
}

#[tauri::command]
pub async fn class_attendance_save(
    app: AppHandle,
    state: State<'_, AppState>,
    account: String,
    class_id: String,
    attendance: Attendance,
) -> Result<OutboxItem, UiError> {
    if attendance.marks.is_empty() {
        return Err(UiError::new("bad_request", "mark at least one student"));
    }
    let ready = state.ready()?;
    let account = account_id(&ready, &account).await?;
    let row = training_writes::record_attendance(
        ready.workspace.store(),
        account,
        &class_id,
        &attendance,
    )
    .await
    .map_err(store_error)?;
    queued(&app, &ready, row.id).await
}

#[tauri::command]
pub async fn class_evaluation_save(
    app: AppHandle,
    state: State<'_, AppState>,
    account: String,
    class_id: String,
    evaluation: Evaluation,
) -> Result<OutboxItem, UiError> {
    let ready = state.ready()?;
    let account = account_id(&ready, &account).await?;
    let row = training_writes::evaluate(ready.workspace.store(), account, &class_id, &evaluation)
        .await
        .map_err(store_error)?;
    queued(&app, &ready, row.id).await
}

#[tauri::command]
pub async fn training_enrol(
    app: AppHandle,
    state: State<'_, AppState>,
    account: String,
    training_id: String,
    enrolment: Enrolment,
) -> Result<OutboxItem, UiError> {
    if enrolment.students.is_empty() {
        return Err(UiError::new("bad_request", "pick at least one student"));
    }
    let ready = state.ready()?;
    let account = account_id(&ready, &account).await?;
    let row = training_writes::enrol(ready.workspace.store(), account, &training_id, &enrolment)
        .await
        .map_err(store_error)?;
    queued(&app, &ready, row.id).await
}

#[tauri::command]
pub async fn lesson_complete(
    app: AppHandle,
    state: State<'_, AppState>,
    account: String,
    lesson_id: String,
    enrollment_id: String,
    minutes: i64,
) -> Result<OutboxItem, UiError> {
    if !(0..=24 * 60).contains(&minutes) {
        return Err(UiError::new(
            "bad_request",
            "the time spent is between 0 and 1440 minutes",
        ));
    }
    let ready = state.ready()?;
    let account = account_id(&ready, &account).await?;
    let done = LessonDone {
        enrollment_id,
        seconds: minutes * 60,
        seconds_before: None,
    };
    let row = training_writes::complete_lesson(ready.workspace.store(), account, &lesson_id, &done)
        .await
        .map_err(store_error)?;
    queued(&app, &ready, row.id).await
}
