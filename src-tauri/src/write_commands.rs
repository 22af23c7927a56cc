//! The write flows' commands: the class form (its choices, its checks against every cached
//! system, saving and deleting through the outbox) and the Outbox view. The CLI's `class`
//! and `outbox` commands call the same functions. A write is committed to the outbox with
//! its optimistic change first; sending it is a sync run started in the background, so the
//! window answers at once, online or not.

use std::sync::Arc;

use chrono::{Duration, Utc};
use chrono_tz::Tz;
use flightdesk_connectors::flylogs::ClassDraft;
use flightdesk_ipc::{RecordsChanged, UiError, OUTBOX_CHANGED_EVENT, RECORDS_CHANGED_EVENT};
use flightdesk_ipc::{SignKind, SignRequest};
use flightdesk_store::{OutboxRow, OutboxState};
use flightdesk_sync::class_writes::{self, Shown};
use flightdesk_sync::outbox_view::{self, OutboxCounts, OutboxItem};
use flightdesk_sync::signing::{self, SignTarget, Signed};
use flightdesk_views::lookup::Lookup;
use flightdesk_views::schedule::{self, ClassCheck, ClassForm, ClassRequest, ClassSave, Proposal};
use tauri::{AppHandle, Emitter, State};

use crate::error::{store_error, view_error};
use crate::preferences;
use crate::state::{AppState, Ready};

#[tauri::command]
pub async fn class_form(state: State<'_, AppState>, account_id: i64) -> Result<ClassForm, UiError> {
    let ready = state.ready()?;
    let store = ready.workspace.store();
    let lookup = ready.lookups.get(store).await.map_err(view_error)?;
    schedule::class_form(store, &lookup, account_id)
        .await
        .map_err(view_error)
}

#[tauri::command]
pub async fn class_check(
    app: AppHandle,
    state: State<'_, AppState>,
    request: ClassRequest,
) -> Result<ClassCheck, UiError> {
    let ready = state.ready()?;
    let (proposal, lookup, tz) = resolve(&app, &ready, &request).await?;
    schedule::check_with_slots(ready.workspace.store(), &lookup, &proposal, Utc::now(), tz)
        .await
        .map_err(view_error)
}

/// The form's class as the checks see it, with the entities and the zone they read.
async fn resolve(
    app: &AppHandle,
    ready: &Ready,
    request: &ClassRequest,
) -> Result<(Proposal, Arc<Lookup>, Tz), UiError> {
    let tz = preferences::load(app, &ready.preferences_path())?.zone();
    let lookup = ready
        .lookups
        .get(ready.workspace.store())
        .await
        .map_err(view_error)?;
    let proposal = Proposal::for_class(request, &lookup, tz).map_err(view_error)?;
    Ok((proposal, lookup, tz))
}

#[tauri::command]
pub async fn class_save(
    app: AppHandle,
    state: State<'_, AppState>,
    save: ClassSave,
) -> Result<OutboxItem, UiError> {
    let ready = state.ready()?;
    // The cache may have changed since the form checked: check again (the warnings
    // only; slots are the form's business), so nothing in the way is saved without the
    // user's reason.
    let (proposal, lookup, tz) = resolve(&app, &ready, &save.request).await?;
    let checked = schedule::check(ready.workspace.store(), &lookup, &proposal, Utc::now(), tz)
        .await
        .map_err(view_error)?;
    let reason = save
        .anyway
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if !checked.warnings.is_empty() && reason.is_none() {
        return Err(UiError::new(
            "needs_reason",
            format!(
                "{} to check first: {}. Pick a free slot, or save anyway with a reason.",
                plural(checked.warnings.len(), "thing", "things"),
                checked.warnings[0].message
            ),
        ));
    }
    let start = proposal.starts_at;
    let draft = ClassDraft {
        subject_id: save.subject_id.clone(),
        lesson_id: save.lesson_id.clone(),
        exam_id: save.exam_id.clone(),
        start,
        teacher_id: save.request.teacher_id.clone(),
        location_id: save.request.location_id.clone(),
        student_ids: save.request.student_ids.clone(),
        remarks: match reason {
            Some(reason) => schedule::with_override(&save.remarks, reason),
            None => save.remarks.clone(),
        },
        notify: save.notify,
    };
    let shown = Shown {
        ends_at: Some(start + Duration::minutes(save.request.minutes.max(1).into())),
        name: save.title.clone(),
    };
    let store = ready.workspace.store();
    let account = save.request.account_id;
    let row = match &save.class_id {
        Some(id) => class_writes::edit_class(store, account, id, &draft, &shown).await,
        None => class_writes::schedule_class(store, account, &draft, &shown).await,
    }
    .map_err(store_error)?;
    queued(&app, &ready, row.id).await
}

#[tauri::command]
pub async fn class_delete(
    app: AppHandle,
    state: State<'_, AppState>,
    account_id: i64,
    class_id: String,
) -> Result<OutboxItem, UiError> {
    let ready = state.ready()?;
    let row = class_writes::delete_class(ready.workspace.store(), account_id, &class_id)
        .await
        .map_err(store_error)?;
    queued(&app, &ready, row.id).await
}

#[tauri::command]
pub async fn outbox_items(state: State<'_, AppState>) -> Result<Vec<OutboxItem>, UiError> {
    let ready = state.ready()?;
    outbox_view::outbox_items(ready.workspace.store())
        .await
        .map_err(store_error)
}

#[tauri::command]
pub async fn outbox_unsent(state: State<'_, AppState>) -> Result<Vec<OutboxItem>, UiError> {
    let ready = state.ready()?;
    outbox_view::unsent_items(ready.workspace.store())
        .await
        .map_err(store_error)
}

#[tauri::command]
pub async fn outbox_counts(state: State<'_, AppState>) -> Result<OutboxCounts, UiError> {
    let ready = state.ready()?;
    outbox_view::outbox_counts(ready.workspace.store())
        .await
        .map_err(store_error)
}

#[tauri::command]
pub async fn outbox_retry(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> Result<OutboxItem, UiError> {
    let ready = state.ready()?;
    ready
        .workspace
        .store()
        .retry_write(id, Utc::now())
        .await
        .map_err(store_error)?;
    queued(&app, &ready, id).await
}

#[tauri::command]
pub async fn outbox_discard(
    app: AppHandle,
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<i64>, UiError> {
    let ready = state.ready()?;
    let store = ready.workspace.store();
    let row = store.outbox_row(id).await.map_err(store_error)?;
    let gone = store.discard_write(id).await.map_err(store_error)?;
    changed(&app, &ready, &row).await;
    Ok(gone)
}

/// After a write was queued (or re-queued): tell the window, send it in the background,
/// and tell the window again when the run ends.
pub(crate) async fn queued(
    app: &AppHandle,
    ready: &Arc<Ready>,
    id: i64,
) -> Result<OutboxItem, UiError> {
    let store = ready.workspace.store();
    let row = store.outbox_row(id).await.map_err(store_error)?;
    changed(app, ready, &row).await;
    let (app, ready_bg) = (app.clone(), ready.clone());
    tauri::async_runtime::spawn(async move {
        // `sync_now` joins a sync under way, which may have sent the outbox before this
        // write was queued: then one more run sends it.
        for _ in 0..2 {
            ready_bg.sync.sync_now().await;
            let still_due = ready_bg
                .workspace
                .store()
                .outbox_row(id)
                .await
                .is_ok_and(|r| r.state == OutboxState::Pending && r.next_attempt_at <= Utc::now());
            if !still_due {
                break;
            }
        }
        emit_counts(&app, &ready_bg).await;
    });
    outbox_view::outbox_item(store, id)
        .await
        .map_err(store_error)
}

/// The optimistic change shows at once: the views re-read what the write touches (classes
/// for the calendar, flight logs for the logbook), the badge counts.
async fn changed(app: &AppHandle, ready: &Ready, row: &OutboxRow) {
    let accounts = ready.workspace.store().accounts().await.unwrap_or_default();
    if let Some(account) = accounts.into_iter().find(|a| a.id == row.account_id) {
        let change = RecordsChanged {
            account: account.name,
            provider: account.provider,
            resource: row.resource.clone(),
            kinds: vec![row.record_kind.clone()],
        };
        if let Err(error) = app.emit(RECORDS_CHANGED_EVENT, &change) {
            tracing::warn!(%error, "cannot tell the window that a write changed records");
        }
    }
    emit_counts(app, ready).await;
}

pub(crate) async fn emit_counts(app: &AppHandle, ready: &Ready) {
    match outbox_view::outbox_counts(ready.workspace.store()).await {
        Ok(counts) => {
            if let Err(error) = app.emit(OUTBOX_CHANGED_EVENT, counts) {
                tracing::warn!(%error, "cannot send the outbox counts to the window");
            }
        }
        Err(error) => tracing::warn!(%error, "cannot count the outbox"),
    }
}

#[tauri::command]
pub async fn sign(
    app: AppHandle,
    state: State<'_, AppState>,
    request: SignRequest,
) -> Result<Signed, UiError> {
    let ready = state.ready()?;
    let SignRequest {
        kind,
        id,
        account,
        password,
    } = request;
    // From here the password lives only in this `Secret`, zeroed when the request ends.
    let password = flightdesk_secrets::Secret::new(password);
    let target = match kind {
        SignKind::Mission => SignTarget::Mission(id),
        SignKind::SignClass => SignTarget::Class { id, sign: true },
        SignKind::UnsignClass => SignTarget::Class { id, sign: false },
    };
    // A demo workspace's accounts point at this process's sandbox once it runs.
    ready
        .job
        .ensure_demo_sandbox()
        .await
        .map_err(|e| UiError::new(e.code, e.message))?;
    let options = flightdesk_sync::SyncOptions::default();
    let signed = signing::sign(
        &ready.workspace,
        account.as_deref(),
        &target,
        password,
        &options,
    )
    .await
    .map_err(|e| UiError::new(e.code(), e.to_string()))?;
    // The mission's new state was read back: the views re-read.
    ready.lookups.invalidate().await;
    let change = RecordsChanged {
        account: account.unwrap_or_default(),
        provider: flightdesk_core::Provider::Flylogs,
        resource: flightdesk_connectors::flylogs::RESOURCE.to_string(),
        kinds: vec!["missions".to_string(), "classes".to_string()],
    };
    if let Err(error) = app.emit(RECORDS_CHANGED_EVENT, &change) {
        tracing::warn!(%error, "cannot tell the window that a signature changed records");
    }
    Ok(signed)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
