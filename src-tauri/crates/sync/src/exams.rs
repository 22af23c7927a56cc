//! Taking a Flylogs exam on bad Wi-Fi (issue 13, flow 2).
//!
//! Preview and start need the network. Once started, the attempt's questions are kept in
//! the store ([`flightdesk_store::ExamAttempt`]) and every answer is an outbox row on the
//! attempt's own queue (`exam:<attempt id>`), so answers are saved at once, sent in the
//! order they were given (Flylogs keeps the last option per question, so order is what
//! counts), and survive a dropped network, a crash or a restart. A refused class write
//! never holds an exam back: queues are per resource. Finish is one more row on the same
//! queue, so Flylogs grades the attempt only after it has acknowledged every answer.
//!
//! The app and the CLI call the same functions; the state they show is read back from
//! the kept attempt and its queue ([`state`]).

use chrono::{DateTime, Duration, Utc};
use flightdesk_connectors::flylogs::{ExamPreview, ExamQuestion, ExamResult, QuestionOption};
use flightdesk_connectors::ConnectorError;
use flightdesk_core::Kind;
use flightdesk_store::{ExamAttempt, NewWrite, OutboxRow, OutboxState, StoreError};
use flightdesk_workspace::Workspace;
use serde::Serialize;
use serde_json::json;

use crate::account_choice::{flylogs_account, AccountChoice};
use crate::replay::{writer, FLYLOGS_EXAM_ANSWER, FLYLOGS_EXAM_FINISH};
use crate::SyncOptions;

/// The outbox queue (resource) of one attempt.
pub fn queue_of(attempt_id: &str) -> String {
    format!("exam:{attempt_id}")
}

/// An attempt as the window and the CLI show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ExamSession {
    /// The Flylogs account the attempt is taken with.
    pub account: String,
    pub attempt_id: String,
    pub enrollment_id: String,
    pub exam_id: String,
    pub name: Option<String>,
    pub started_at: DateTime<Utc>,
    /// When Flylogs stops taking answers, if it said.
    pub ends_at: Option<DateTime<Utc>>,
    pub questions: Vec<QuestionState>,
    /// The question to show (where the student was).
    #[ts(type = "number")]
    pub position: usize,
    #[ts(type = "number")]
    pub answered: usize,
    #[ts(type = "number")]
    pub unanswered: usize,
    /// Answers given here that Flylogs has not acknowledged yet.
    #[ts(type = "number")]
    pub waiting: usize,
    /// Why the next answer (or the finish) is not sent yet, in words: the network, or
    /// Flylogs' refusal.
    pub problem: Option<String>,
    pub finish: FinishState,
}

/// One question and the student's answer.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct QuestionState {
    pub detail_id: String,
    pub text: Option<String>,
    pub options: Vec<QuestionOption>,
    /// The option chosen last (here, or at Flylogs before the attempt was kept).
    pub answer: Option<String>,
    pub delivery: AnswerDelivery,
}

/// Where a question's answer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AnswerDelivery {
    Unanswered,
    /// Saved here, not yet acknowledged by Flylogs.
    Waiting,
    /// Flylogs has it.
    Acknowledged,
    /// Flylogs refused it (see the session's `problem`).
    Refused,
}

/// Where the finish stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum FinishState {
    NotAsked,
    /// Asked; sent once every answer before it is acknowledged.
    Waiting,
    Refused,
    /// Flylogs graded the attempt.
    Graded,
}

/// Why an exam step did not happen, in words.
#[derive(Debug, thiserror::Error)]
pub enum ExamError {
    #[error(transparent)]
    Account(#[from] AccountChoice),
    #[error(
        "{0} needs the network and Flylogs cannot be reached now ({1}); answers already given \
         are kept and sent when it is back"
    )]
    Offline(&'static str, String),
    /// Flylogs refused it, in its own words ("No attempts left for this exam").
    #[error("Flylogs refused it: {0}")]
    Refused(String),
    #[error("no exam attempt {0} is kept here (start it first)")]
    NoSuchAttempt(String),
    #[error("question {detail} of this attempt has no option {option}")]
    NotAnOption { detail: String, option: String },
    #[error("this attempt is already finished or being finished")]
    Finishing,
    #[error("the exam request failed: {0}")]
    Connector(ConnectorError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExamError {
    /// The code the window branches on.
    pub fn code(&self) -> &'static str {
        match self {
            ExamError::Account(_) | ExamError::NotAnOption { .. } => "bad_request",
            ExamError::NoSuchAttempt(_) => "not_found",
            ExamError::Offline(..) => "offline",
            ExamError::Refused(_) | ExamError::Finishing => "refused",
            ExamError::Connector(_) | ExamError::Store(_) => "failed",
        }
    }
}

fn online_error(what: &'static str, e: ConnectorError) -> ExamError {
    match e.root() {
        ConnectorError::Network(_) | ConnectorError::Timeout => {
            ExamError::Offline(what, e.to_string())
        }
        _ => match e.refusal() {
            Some(words) => ExamError::Refused(words.to_string()),
            None => ExamError::Connector(e),
        },
    }
}

async fn connector(
    workspace: &Workspace,
    account: Option<&str>,
    options: &SyncOptions,
) -> Result<
    (
        flightdesk_store::Account,
        std::sync::Arc<flightdesk_connectors::flylogs::Flylogs>,
    ),
    ExamError,
> {
    let account = flylogs_account(workspace, account).await?;
    let flylogs = writer(workspace, &account, options, &mut Default::default())
        .await
        .map_err(ExamError::Connector)?;
    Ok((account, flylogs))
}

/// The exam's details and past attempts (needs the network).
pub async fn preview(
    workspace: &Workspace,
    account: Option<&str>,
    enrollment_id: &str,
    exam_id: &str,
    options: &SyncOptions,
) -> Result<ExamPreview, ExamError> {
    let (_, flylogs) = connector(workspace, account, options).await?;
    flylogs
        .exam_preview(enrollment_id, exam_id)
        .await
        .map_err(|e| online_error("the exam preview", e))
}

/// Starts an attempt, or resumes the open one, and keeps its questions (needs the
/// network). A resumed attempt kept already keeps the answers given here.
pub async fn start(
    workspace: &Workspace,
    account: Option<&str>,
    enrollment_id: &str,
    exam_id: &str,
    options: &SyncOptions,
) -> Result<ExamSession, ExamError> {
    let (account, flylogs) = connector(workspace, account, options).await?;
    let online = |e| online_error("starting an exam", e);
    let attempt_id = flylogs
        .exam_start(enrollment_id, exam_id)
        .await
        .map_err(online)?;
    let store = workspace.store();
    if store.exam_attempt(account.id, &attempt_id).await?.is_none() {
        let questions = flylogs.exam_questions(&attempt_id).await.map_err(online)?;
        let name = flylogs
            .exam_preview(enrollment_id, exam_id)
            .await
            .ok()
            .and_then(|p| p.name);
        let now = Utc::now();
        store
            .keep_exam_attempt(&ExamAttempt {
                account_id: account.id,
                attempt_id: attempt_id.clone(),
                enrollment_id: enrollment_id.to_string(),
                exam_id: exam_id.to_string(),
                name,
                questions: serde_json::to_value(&questions.questions).expect("questions serialize"),
                ends_at: questions
                    .remaining_seconds
                    .map(|s| now + Duration::seconds(s)),
                started_at: now,
                position: 0,
            })
            .await?;
    }
    state(workspace, &attempt_id).await
}

/// The kept attempt `attempt_id` (of whichever account took it).
async fn kept(workspace: &Workspace, attempt_id: &str) -> Result<ExamAttempt, ExamError> {
    workspace
        .store()
        .exam_attempts()
        .await?
        .into_iter()
        .find(|a| a.attempt_id == attempt_id)
        .ok_or_else(|| ExamError::NoSuchAttempt(attempt_id.to_string()))
}

fn new_write<'a>(
    attempt: &ExamAttempt,
    queue: &'a str,
    target: &'a str,
    operation: &'a str,
    payload: &'a serde_json::Value,
) -> NewWrite<'a> {
    NewWrite {
        account_id: attempt.account_id,
        resource: queue,
        operation,
        payload,
        idempotency_key: None,
        record_kind: Kind::Exams,
        target_id: target,
        depends_on: None,
        overlay: None,
    }
}

/// Saves an answer at once and queues it for Flylogs; works offline.
pub async fn answer(
    workspace: &Workspace,
    attempt_id: &str,
    detail_id: &str,
    option_id: &str,
) -> Result<ExamSession, ExamError> {
    let attempt = kept(workspace, attempt_id).await?;
    let queue = queue_of(attempt_id);
    let store = workspace.store();
    let rows = store.outbox_queue(attempt.account_id, &queue).await?;
    if rows.iter().any(|r| r.operation == FLYLOGS_EXAM_FINISH) {
        return Err(ExamError::Finishing);
    }
    let questions = questions_of(&attempt)?;
    let position = questions
        .iter()
        .position(|q| q.detail_id == detail_id && q.options.iter().any(|o| o.id == option_id))
        .ok_or_else(|| ExamError::NotAnOption {
            detail: detail_id.to_string(),
            option: option_id.to_string(),
        })?;
    let payload = json!({"attempt_id": attempt_id, "detail_id": detail_id, "option_id": option_id});
    let target = format!("attempt-detail:{detail_id}");
    store
        .enqueue(
            &new_write(&attempt, &queue, &target, FLYLOGS_EXAM_ANSWER, &payload),
            Utc::now(),
        )
        .await?;
    store
        .set_exam_position(attempt.account_id, attempt_id, position as i64)
        .await?;
    state(workspace, attempt_id).await
}

/// Remembers the question the student is looking at.
pub async fn visit(
    workspace: &Workspace,
    attempt_id: &str,
    position: usize,
) -> Result<ExamSession, ExamError> {
    let attempt = kept(workspace, attempt_id).await?;
    let last = questions_of(&attempt)?.len().saturating_sub(1);
    workspace
        .store()
        .set_exam_position(attempt.account_id, attempt_id, position.min(last) as i64)
        .await?;
    state(workspace, attempt_id).await
}

/// Asks Flylogs to grade the attempt once every answer before it is acknowledged.
pub async fn finish(workspace: &Workspace, attempt_id: &str) -> Result<ExamSession, ExamError> {
    let attempt = kept(workspace, attempt_id).await?;
    let queue = queue_of(attempt_id);
    let store = workspace.store();
    let rows = store.outbox_queue(attempt.account_id, &queue).await?;
    if rows.iter().any(|r| r.operation == FLYLOGS_EXAM_FINISH) {
        return Err(ExamError::Finishing);
    }
    let payload = json!({"attempt_id": attempt_id});
    let target = format!("attempt:{attempt_id}");
    store
        .enqueue(
            &new_write(&attempt, &queue, &target, FLYLOGS_EXAM_FINISH, &payload),
            Utc::now(),
        )
        .await?;
    state(workspace, attempt_id).await
}

/// Sends what the attempt's queue holds now: a row waiting out a backoff after a
/// network failure is sent at once (a refused one waits for the user). Once the finish is
/// acknowledged the account's trainings are read again, so the attempt shows with its
/// score in the trainings view.
pub async fn deliver(
    workspace: &Workspace,
    attempt_id: &str,
    options: &SyncOptions,
) -> Result<ExamSession, ExamError> {
    let attempt = kept(workspace, attempt_id).await?;
    let store = workspace.store();
    let queue = queue_of(attempt_id);
    let rows = store.outbox_queue(attempt.account_id, &queue).await?;
    let was_graded = graded(&rows);
    if let Some(head) = rows.iter().find(|r| r.state != OutboxState::Sent) {
        if head.state == OutboxState::Failed {
            store.retry_write(head.id, Utc::now()).await?;
        }
        // A failure stays on the rows it failed (their words show in the state).
        let _ = crate::replay(workspace, options, &|_| {}).await;
    }
    let rows = store.outbox_queue(attempt.account_id, &queue).await?;
    if graded(&rows) && !was_graded {
        let account = store
            .accounts()
            .await?
            .into_iter()
            .find(|a| a.id == attempt.account_id);
        if let Some(account) = account {
            let refresh = SyncOptions {
                account: Some(account.name),
                resources: Some(vec![flightdesk_connectors::flylogs::RESOURCE.to_string()]),
                full: true,
                client: options.client.clone(),
                ..SyncOptions::default()
            };
            let _ = crate::sync(workspace, &refresh, &|_| {}).await;
        }
    }
    state(workspace, attempt_id).await
}

fn graded(rows: &[OutboxRow]) -> bool {
    rows.iter()
        .any(|r| r.operation == FLYLOGS_EXAM_FINISH && r.state == OutboxState::Sent)
}

fn questions_of(attempt: &ExamAttempt) -> Result<Vec<ExamQuestion>, ExamError> {
    serde_json::from_value(attempt.questions.clone()).map_err(|source| {
        ExamError::Store(StoreError::Json {
            what: "an exam attempt's questions",
            source,
        })
    })
}

/// The attempt as kept here: its questions, the answers and what Flylogs acknowledged.
pub async fn state(workspace: &Workspace, attempt_id: &str) -> Result<ExamSession, ExamError> {
    let attempt = kept(workspace, attempt_id).await?;
    let store = workspace.store();
    let rows = store
        .outbox_queue(attempt.account_id, &queue_of(attempt_id))
        .await?;
    let account = store
        .accounts()
        .await?
        .into_iter()
        .find(|a| a.id == attempt.account_id)
        .map(|a| a.name)
        .unwrap_or_default();
    Ok(session(account, &attempt, questions_of(&attempt)?, &rows))
}

/// What [`state`] shows, from the kept attempt and its queue (oldest row first).
fn session(
    account: String,
    attempt: &ExamAttempt,
    questions: Vec<ExamQuestion>,
    rows: &[OutboxRow],
) -> ExamSession {
    let mut out: Vec<QuestionState> = questions
        .into_iter()
        .map(|q| QuestionState {
            delivery: match q.chosen {
                Some(_) => AnswerDelivery::Acknowledged,
                None => AnswerDelivery::Unanswered,
            },
            answer: q.chosen,
            detail_id: q.detail_id,
            text: q.text,
            options: q.options,
        })
        .collect();
    let mut waiting = 0;
    for row in rows.iter().filter(|r| r.operation == FLYLOGS_EXAM_ANSWER) {
        let detail = row.payload["detail_id"].as_str().unwrap_or_default();
        if let Some(q) = out.iter_mut().find(|q| q.detail_id == detail) {
            q.answer = row.payload["option_id"].as_str().map(str::to_string);
            q.delivery = match row.state {
                OutboxState::Sent => AnswerDelivery::Acknowledged,
                OutboxState::Rejected => AnswerDelivery::Refused,
                _ => AnswerDelivery::Waiting,
            };
        }
        if row.state != OutboxState::Sent {
            waiting += 1;
        }
    }
    let problem = rows
        .iter()
        .find(|r| r.state != OutboxState::Sent)
        .and_then(|head| {
            let words = head.last_error.as_deref()?;
            Some(match (head.state, head.last_error_code.as_deref()) {
                (OutboxState::Rejected, _) => format!("Flylogs refused an answer: {words}"),
                // The technical words stay in the Outbox's details.
                (_, Some("network" | "timeout")) => "Flylogs cannot be reached now; FlightDesk \
                    keeps trying and sends your answers in order once it is back."
                    .to_string(),
                _ => format!(
                    "Flylogs could not take an answer yet ({words}); FlightDesk keeps trying."
                ),
            })
        });
    let finish = match rows.iter().find(|r| r.operation == FLYLOGS_EXAM_FINISH) {
        None => FinishState::NotAsked,
        Some(r) if r.state == OutboxState::Sent => FinishState::Graded,
        Some(r) if r.state == OutboxState::Rejected => FinishState::Refused,
        Some(_) => FinishState::Waiting,
    };
    let answered = out.iter().filter(|q| q.answer.is_some()).count();
    let position = usize::try_from(attempt.position)
        .unwrap_or(0)
        .min(out.len().saturating_sub(1));
    ExamSession {
        account,
        attempt_id: attempt.attempt_id.clone(),
        enrollment_id: attempt.enrollment_id.clone(),
        exam_id: attempt.exam_id.clone(),
        name: attempt.name.clone(),
        started_at: attempt.started_at,
        ends_at: attempt.ends_at,
        position,
        answered,
        unanswered: out.len() - answered,
        questions: out,
        waiting,
        problem,
        finish,
    }
}

/// The attempts kept here that Flylogs has not graded yet, to reopen after a restart.
pub async fn open_attempts(workspace: &Workspace) -> Result<Vec<ExamSession>, ExamError> {
    let mut out = vec![];
    for attempt in workspace.store().exam_attempts().await? {
        let s = state(workspace, &attempt.attempt_id).await?;
        if s.finish != FinishState::Graded {
            out.push(s);
        }
    }
    Ok(out)
}

/// The result of a graded attempt (needs the network).
pub async fn result(
    workspace: &Workspace,
    attempt_id: &str,
    options: &SyncOptions,
) -> Result<ExamResult, ExamError> {
    let attempt = kept(workspace, attempt_id).await;
    let account = match &attempt {
        Ok(a) => workspace
            .store()
            .accounts()
            .await?
            .into_iter()
            .find(|x| x.id == a.account_id)
            .map(|x| x.name),
        Err(_) => options.account.clone(),
    };
    let (_, flylogs) = connector(workspace, account.as_deref(), options).await?;
    flylogs
        .exam_result(attempt_id)
        .await
        .map_err(|e| online_error("the exam result", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(detail: &str, chosen: Option<&str>) -> ExamQuestion {
        ExamQuestion {
            detail_id: detail.into(),
            question_id: format!("q-{detail}"),
            text: Some(format!("question {detail}")),
            options: ["a", "b"]
                .iter()
                .map(|o| QuestionOption {
                    id: format!("{detail}{o}"),
                    text: None,
                    correct: None,
                })
                .collect(),
            chosen: chosen.map(str::to_string),
        }
    }

    fn row(id: i64, operation: &str, detail: &str, option: &str, state: OutboxState) -> OutboxRow {
        OutboxRow {
            id,
            account_id: 1,
            resource: "exam:a1".into(),
            operation: operation.into(),
            payload: json!({"attempt_id": "a1", "detail_id": detail, "option_id": option}),
            idempotency_key: format!("k{id}"),
            state,
            attempts: 1,
            next_attempt_at: Utc::now(),
            claimed_by: None,
            claimed_at: None,
            record_kind: "exams".into(),
            target_id: detail.into(),
            remote_id: None,
            depends_on: None,
            last_error: (state == OutboxState::Failed).then(|| "connection refused".into()),
            last_error_code: (state == OutboxState::Failed).then(|| "network".into()),
            history: json!([]),
            created_at: Utc::now(),
            sent_at: None,
        }
    }

    fn attempt(position: i64) -> ExamAttempt {
        ExamAttempt {
            account_id: 1,
            attempt_id: "a1".into(),
            enrollment_id: "e1".into(),
            exam_id: "x1".into(),
            name: Some("Air law".into()),
            questions: json!([]),
            ends_at: None,
            started_at: Utc::now(),
            position,
        }
    }

    #[test]
    fn the_last_answer_to_a_question_wins_and_only_sent_ones_are_acknowledged() {
        let qs = vec![
            question("d1", None),
            question("d2", None),
            question("d3", Some("d3a")),
        ];
        let rows = [
            row(1, FLYLOGS_EXAM_ANSWER, "d1", "d1a", OutboxState::Sent),
            row(2, FLYLOGS_EXAM_ANSWER, "d1", "d1b", OutboxState::Failed),
            row(3, FLYLOGS_EXAM_ANSWER, "d2", "d2a", OutboxState::Pending),
        ];
        let s = session("student".into(), &attempt(1), qs, &rows);
        assert_eq!(s.questions[0].answer.as_deref(), Some("d1b"));
        assert_eq!(s.questions[0].delivery, AnswerDelivery::Waiting);
        assert_eq!(s.questions[1].delivery, AnswerDelivery::Waiting);
        assert_eq!(
            s.questions[2].delivery,
            AnswerDelivery::Acknowledged,
            "an answer Flylogs had at start counts as acknowledged"
        );
        assert_eq!((s.answered, s.unanswered, s.waiting), (3, 0, 2));
        assert_eq!(s.position, 1);
        assert_eq!(s.finish, FinishState::NotAsked);
        let problem = s.problem.unwrap();
        assert!(problem.contains("cannot be reached"), "{problem}");
        assert!(
            !problem.contains("connection refused"),
            "no technical words: {problem}"
        );
    }

    #[test]
    fn the_finish_is_graded_only_once_flylogs_acknowledged_it() {
        let qs = vec![question("d1", None)];
        let mut rows = vec![
            row(1, FLYLOGS_EXAM_ANSWER, "d1", "d1a", OutboxState::Pending),
            row(2, FLYLOGS_EXAM_FINISH, "", "", OutboxState::Pending),
        ];
        let s = session("student".into(), &attempt(9), qs.clone(), &rows);
        assert_eq!(s.finish, FinishState::Waiting);
        assert_eq!(
            s.position, 0,
            "a position past the end shows the last question"
        );
        rows[0].state = OutboxState::Sent;
        rows[1].state = OutboxState::Sent;
        let s = session("student".into(), &attempt(0), qs, &rows);
        assert_eq!(s.finish, FinishState::Graded);
        assert_eq!((s.waiting, s.problem), (0, None));
    }
}
