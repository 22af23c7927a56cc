//! Sends the outbox: the due rows of every account, in order per (account, resource),
//! each through its provider's typed write, under the data directory's
//! [`flightdesk_workspace::SyncLock`] so
//! the app and the CLI never send the same row twice. See docs/outbox.md.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{Duration, Utc};
use flightdesk_connectors::flylogs::{ClassDraft, Flylogs};
use flightdesk_connectors::pilotflows::PilotFlows;
use flightdesk_connectors::pilotflows_logbook::FlightLogFields;
use flightdesk_connectors::{AccountConfig, ConnectorError, Http, Provider};
use flightdesk_core::Kind;
use flightdesk_store::{Account, OutboxRow, Store, LOCAL_ID_PREFIX};
use flightdesk_workspace::Workspace;
use serde::Serialize;

use crate::engine::{take_lock, ProgressEvent, SyncError, SyncOptions};
use crate::training_writes::{Attendance, Enrolment, Evaluation, LessonDone};

/// Creates a Flylogs class, or updates it when the target is a provider id.
pub const FLYLOGS_CLASS_SAVE: &str = "flylogs.class.save";
/// Deletes a Flylogs class.
pub const FLYLOGS_CLASS_DELETE: &str = "flylogs.class.delete";
/// One answer of a Flylogs exam attempt (see `exams`).
pub const FLYLOGS_EXAM_ANSWER: &str = "flylogs.exam.answer";
/// Finishes a Flylogs exam attempt, after every answer before it.
pub const FLYLOGS_EXAM_FINISH: &str = "flylogs.exam.finish";
/// Records a Flylogs class's attendance (see `training_writes`).
pub const FLYLOGS_ATTENDANCE: &str = "flylogs.class.attendance";
/// Saves a student's evaluation in a Flylogs class.
pub const FLYLOGS_EVALUATION: &str = "flylogs.class.evaluation";
/// Marks a Flylogs lesson completed.
pub const FLYLOGS_LESSON_COMPLETE: &str = "flylogs.lesson.complete";
/// Enrols students or pilot groups in a Flylogs training.
pub const FLYLOGS_ENROL: &str = "flylogs.training.enrol";
/// Creates a PilotFlows flight log (see `logbook_writes`).
pub const PILOTFLOWS_FLIGHT_LOG_CREATE: &str = "pilotflows.flight_log.create";
/// Changes the fields given of a PilotFlows flight log.
pub const PILOTFLOWS_FLIGHT_LOG_UPDATE: &str = "pilotflows.flight_log.update";
/// Deletes a PilotFlows flight log.
pub const PILOTFLOWS_FLIGHT_LOG_DELETE: &str = "pilotflows.flight_log.delete";

/// What one replay did, by outbox row id.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReplayReport {
    pub sent: Vec<i64>,
    /// Tried and failed transiently; each waits for its backoff.
    pub failed: Vec<i64>,
    /// Refused by the provider; each waits for the user.
    pub rejected: Vec<i64>,
    /// The (account id, resource) pairs a sent row changed: read them again.
    pub touched: BTreeSet<(i64, String)>,
}

/// Replays the outbox, taking the sync lock as [`crate::sync`] does.
pub async fn replay(
    workspace: &Workspace,
    options: &SyncOptions,
    progress: &(dyn Fn(&ProgressEvent) + Send + Sync),
) -> Result<ReplayReport, SyncError> {
    let _lock = take_lock(workspace, options.lock, progress).await?;
    replay_locked(workspace, options).await
}

/// [`replay`] for a caller that holds the sync lock.
///
/// Holding the lock means no other process is sending, so a row still `sending` was left
/// by a process that died mid-write: it is claimed again at once (lease zero) rather than
/// after the store's lease, and its create is checked for having landed before it is
/// sent again.
pub(crate) async fn replay_locked(
    workspace: &Workspace,
    options: &SyncOptions,
) -> Result<ReplayReport, SyncError> {
    let store = workspace.store();
    let claimer = format!("pid-{}", std::process::id());
    // Every account's writes, whatever a sync selects to read: a queue does not wait
    // for its account to be picked.
    let accounts: HashMap<i64, Account> = store
        .accounts()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut writers: HashMap<i64, Arc<Flylogs>> = HashMap::new();
    let mut pilotflows: HashMap<i64, Arc<PilotFlows>> = HashMap::new();
    let mut report = ReplayReport::default();
    loop {
        let now = Utc::now();
        let rows: Vec<OutboxRow> = store
            .claim_due(&claimer, now, Duration::zero())
            .await?
            .into_iter()
            .collect();
        if rows.is_empty() {
            break;
        }
        let mut progressed = false;
        for row in rows {
            progressed = true;
            // Rows cascade away with their account, so it exists.
            let Some(account) = accounts.get(&row.account_id) else {
                continue;
            };
            let outcome = match account.provider {
                Provider::PilotFlows => {
                    match pilotflows_writer(workspace, account, options, &mut pilotflows).await {
                        Ok(w) => send_pilotflows(&w, &row).await,
                        Err(e) => Err(e),
                    }
                }
                _ => match writer(workspace, account, options, &mut writers).await {
                    Ok(w) => send(store, &w, &row).await,
                    Err(e) => Err(e),
                },
            };
            let now = Utc::now();
            match outcome {
                Ok(remote) => {
                    store.complete_write(row.id, remote.as_deref(), now).await?;
                    if row.operation == PILOTFLOWS_FLIGHT_LOG_DELETE {
                        // PilotFlows lists no tombstones: without this the log would stay
                        // cached until the next whole listing.
                        store
                            .remove_record(row.account_id, Kind::FlightLogs, &row.target_id, now)
                            .await?;
                    }
                    report.sent.push(row.id);
                    report
                        .touched
                        .insert((row.account_id, row.resource.clone()));
                }
                Err(e) if e.is_refusal() => {
                    tracing::info!(
                        id = row.id,
                        code = e.code(),
                        "write refused by the provider"
                    );
                    store
                        .reject_write(row.id, &refusal_code(&e), &providers_words(&e), now)
                        .await?;
                    report.rejected.push(row.id);
                }
                Err(e) => {
                    tracing::info!(id = row.id, code = e.code(), "write failed; backing off");
                    let retry_at = now + flightdesk_store::backoff(row.attempts);
                    store
                        .fail_write(row.id, e.code(), &e.to_string(), retry_at, now)
                        .await?;
                    report.failed.push(row.id);
                }
            }
        }
        if !progressed {
            break;
        }
    }
    Ok(report)
}

/// Sends a lesson completion once. Flylogs adds each completion's time to the lesson's,
/// so before the first send the lesson's time is noted in the row; a later attempt whose
/// predecessor's answer was lost finds that time grown by this one's and sends nothing.
async fn complete_lesson(
    store: &Store,
    flylogs: &Flylogs,
    row: &OutboxRow,
) -> Result<(), ConnectorError> {
    let done: LessonDone = payload(row)?;
    let lesson = row.target_id.as_str();
    let now = flylogs.lesson_progress(lesson, &done.enrollment_id).await?;
    match done.seconds_before {
        Some(before) if now.completed && now.seconds >= before + done.seconds => {
            tracing::info!(id = row.id, "an earlier attempt landed; not sending again");
            return Ok(());
        }
        Some(_) => {}
        None => store
            .note_in_payload(row.id, "seconds_before", &now.seconds.into())
            .await
            .map_err(|e| ConnectorError::Config(format!("outbox row {}: {e}", row.id)))?,
    }
    flylogs
        .complete_lesson(lesson, &done.enrollment_id, done.seconds)
        .await
}

/// Sends one claimed row; the provider's id of the record it created, if any.
async fn send(
    store: &Store,
    flylogs: &Flylogs,
    row: &OutboxRow,
) -> Result<Option<String>, ConnectorError> {
    let target = row.target_id.as_str();
    let is_new = target.starts_with(LOCAL_ID_PREFIX);
    match row.operation.as_str() {
        FLYLOGS_CLASS_SAVE => {
            let draft: ClassDraft = serde_json::from_value(row.payload.clone())
                .map_err(|e| ConnectorError::Config(format!("outbox row {}: {e}", row.id)))?;
            if !is_new {
                // The class keeps its id: a remote id marks a row that created its record.
                return flylogs.save_class(&draft, Some(target)).await.map(|_| None);
            }
            // An earlier attempt (this is not the first) may have made the class and lost
            // its answer: adopt that class instead of making a second.
            if row.attempts > 1 {
                if let Some(id) = flylogs.find_class(&draft).await? {
                    tracing::info!(id = row.id, "an earlier attempt landed; not sending again");
                    return Ok(Some(id));
                }
            }
            flylogs.save_class(&draft, None).await.map(Some)
        }
        FLYLOGS_CLASS_DELETE if !is_new => flylogs.delete_class(target).await.map(|()| None),
        FLYLOGS_ATTENDANCE if !is_new => {
            let a: Attendance = payload(row)?;
            flylogs
                .store_attendance(target, &a.marks)
                .await
                .map(|()| None)
        }
        FLYLOGS_EVALUATION if !is_new => {
            let e: Evaluation = payload(row)?;
            flylogs
                .save_evaluation(
                    target,
                    &e.student_id,
                    e.remarks.as_deref(),
                    e.measures.as_deref(),
                    e.objectives.as_deref(),
                )
                .await
                .map(|()| None)
        }
        FLYLOGS_LESSON_COMPLETE => complete_lesson(store, flylogs, row).await.map(|()| None),
        // Sent again, Flylogs skips whom the first one enrolled: no one is enrolled twice.
        FLYLOGS_ENROL => {
            let e: Enrolment = payload(row)?;
            let done = flylogs
                .enroll(
                    target,
                    &e.students,
                    e.supervisor_id.as_deref(),
                    e.finish_before,
                )
                .await?;
            if !done.refused.is_empty() {
                tracing::info!(
                    id = row.id,
                    refused = done.refused.len(),
                    "some students not enrolled"
                );
            }
            Ok(None)
        }
        // Flylogs keeps the last option per question: sending one again changes nothing.
        FLYLOGS_EXAM_ANSWER => {
            let field = |k: &str| row.payload[k].as_str().unwrap_or_default().to_string();
            flylogs
                .exam_answer(&field("detail_id"), &field("option_id"))
                .await
                .map(|()| None)
        }
        FLYLOGS_EXAM_FINISH => {
            let attempt = row.payload["attempt_id"].as_str().unwrap_or_default();
            // Finish is not repeatable: an earlier one whose answer was lost shows as a
            // result (Flylogs answers `view` only for a finished attempt).
            if row.attempts > 1 && flylogs.exam_result(attempt).await.is_ok() {
                return Ok(None);
            }
            flylogs.exam_finish(attempt).await.map(|()| None)
        }
        other => Err(ConnectorError::Config(format!(
            "outbox row {} has an operation this build cannot send (`{other}`)",
            row.id
        ))),
    }
}

/// Sends one claimed PilotFlows row; the id of the flight log it created, if any.
async fn send_pilotflows(
    pilotflows: &PilotFlows,
    row: &OutboxRow,
) -> Result<Option<String>, ConnectorError> {
    let target = row.target_id.as_str();
    let fields = || -> Result<FlightLogFields, ConnectorError> {
        serde_json::from_value(row.payload.clone())
            .map_err(|e| ConnectorError::Config(format!("outbox row {}: {e}", row.id)))
    };
    match row.operation.as_str() {
        PILOTFLOWS_FLIGHT_LOG_CREATE => {
            let fields = fields()?;
            // No idempotency key: an earlier attempt whose answer was lost may have made
            // the log. Adopt it instead of making a second.
            if row.attempts > 1 {
                let age = Utc::now() - row.created_at;
                if let Some(id) = pilotflows.find_flight_log(&fields, age).await? {
                    tracing::info!(id = row.id, "an earlier attempt landed; not sending again");
                    return Ok(Some(id));
                }
            }
            pilotflows.create_flight_log(&fields).await.map(Some)
        }
        PILOTFLOWS_FLIGHT_LOG_UPDATE if !target.starts_with(LOCAL_ID_PREFIX) => pilotflows
            .update_flight_log(target, &fields()?)
            .await
            .map(|()| None),
        PILOTFLOWS_FLIGHT_LOG_DELETE if !target.starts_with(LOCAL_ID_PREFIX) => {
            pilotflows.delete_flight_log(target).await.map(|()| None)
        }
        other => Err(ConnectorError::Config(format!(
            "outbox row {} has an operation this build cannot send (`{other}`)",
            row.id
        ))),
    }
}

/// The code kept with a refusal: `invalid:<field>` when the provider named the field
/// (the form shows the words on it), else the error's code.
fn refusal_code(e: &ConnectorError) -> String {
    match e.root() {
        ConnectorError::Rejected {
            field: Some(field), ..
        } => format!("invalid:{field}"),
        other => other.code().to_string(),
    }
}

/// A row's payload as the operation's type.
fn payload<T: serde::de::DeserializeOwned>(row: &OutboxRow) -> Result<T, ConnectorError> {
    serde_json::from_value(row.payload.clone())
        .map_err(|e| ConnectorError::Config(format!("outbox row {}: {e}", row.id)))
}

/// The provider's message of a refusal, without our framing.
fn providers_words(e: &ConnectorError) -> String {
    match e.root() {
        ConnectorError::Rejected { message, .. } | ConnectorError::Conflict { message, .. } => {
            message.clone()
        }
        other => other.to_string(),
    }
}

/// The Flylogs writer of `account`, built once per replay.
pub(crate) async fn writer(
    workspace: &Workspace,
    account: &Account,
    options: &SyncOptions,
    cache: &mut HashMap<i64, Arc<Flylogs>>,
) -> Result<Arc<Flylogs>, ConnectorError> {
    if let Some(w) = cache.get(&account.id) {
        return Ok(w.clone());
    }
    let (config, http) = connection(workspace, account, Provider::Flylogs, options).await?;
    let w = Arc::new(Flylogs::new(config, http));
    cache.insert(account.id, w.clone());
    Ok(w)
}

/// The PilotFlows writer of `account`, built once per replay.
async fn pilotflows_writer(
    workspace: &Workspace,
    account: &Account,
    options: &SyncOptions,
    cache: &mut HashMap<i64, Arc<PilotFlows>>,
) -> Result<Arc<PilotFlows>, ConnectorError> {
    if let Some(w) = cache.get(&account.id) {
        return Ok(w.clone());
    }
    let (config, http) = connection(workspace, account, Provider::PilotFlows, options).await?;
    let w = Arc::new(PilotFlows::new(config, http));
    cache.insert(account.id, w.clone());
    Ok(w)
}

/// What a writer of `account` (a `provider` account) connects with.
async fn connection(
    workspace: &Workspace,
    account: &Account,
    provider: Provider,
    options: &SyncOptions,
) -> Result<(AccountConfig, Arc<Http>), ConnectorError> {
    if account.provider != provider {
        return Err(ConnectorError::Config(format!(
            "{} is not a {provider} account",
            account.name
        )));
    }
    let secrets = workspace.secrets();
    let credential = secrets
        .credential(account)
        .await
        .map_err(|e| ConnectorError::Config(e.to_string()))?
        .ok_or_else(|| ConnectorError::Unauthorized {
            message: "no credential is stored for this account".into(),
        })?;
    let session = secrets
        .session(account)
        .await
        .map_err(|e| ConnectorError::Config(e.to_string()))?;
    let mut account_options = account.options.clone();
    for k in flightdesk_connectors::flylogs::ONE_TIME_OPTIONS {
        account_options.remove(k);
    }
    let config = AccountConfig {
        name: account.name.clone(),
        base_url: account.base_url.clone(),
        credential,
        options: account_options,
        session,
    };
    let http = Arc::new(Http::new(options.client.clone())?);
    Ok((config, http))
}
