//! Queueing a manager's and a teacher's Flylogs training writes: a class's attendance, a
//! student's evaluation in a class, a lesson completed, and an enrolment of students or
//! whole pilot groups. Each is an outbox row on the account's trainings queue, behind any
//! write of the same class or training not sent yet (a class scheduled offline is created
//! before its attendance is sent, with Flylogs' id). The app and the CLI both call these.

use chrono::Utc;
use flightdesk_connectors::flylogs::RESOURCE;
use flightdesk_core::Kind;
use flightdesk_store::{NewWrite, OutboxRow, Result, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::replay::{
    FLYLOGS_ATTENDANCE, FLYLOGS_ENROL, FLYLOGS_EVALUATION, FLYLOGS_LESSON_COMPLETE,
};

/// Who attended a class, by Flylogs user id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Attendance {
    pub marks: Vec<(String, bool)>,
}

/// A student's evaluation in a class; fields not given stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Evaluation {
    pub student_id: String,
    pub remarks: Option<String>,
    pub measures: Option<String>,
    pub objectives: Option<String>,
}

/// A lesson's slides completed by the student of an enrolment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonDone {
    pub enrollment_id: String,
    pub seconds: i64,
    /// Flylogs' seconds on the lesson just before the first send, noted by the replay:
    /// a completion adds its time, so a resend must first tell whether the last one
    /// landed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_before: Option<i64>,
}

/// Students (user ids) or pilot groups (their ids) to enrol in a training.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Enrolment {
    pub students: Vec<String>,
    pub supervisor_id: Option<String>,
    /// A deadline, as Unix seconds.
    #[ts(type = "number | null")]
    pub finish_before: Option<i64>,
}

/// Queues the attendance of class `class_id`.
pub async fn record_attendance(
    store: &Store,
    account_id: i64,
    class_id: &str,
    attendance: &Attendance,
) -> Result<OutboxRow> {
    queue(
        store,
        account_id,
        FLYLOGS_ATTENDANCE,
        Kind::Classes,
        class_id,
        attendance,
    )
    .await
}

/// Queues a student's evaluation in class `class_id`.
pub async fn evaluate(
    store: &Store,
    account_id: i64,
    class_id: &str,
    evaluation: &Evaluation,
) -> Result<OutboxRow> {
    queue(
        store,
        account_id,
        FLYLOGS_EVALUATION,
        Kind::Classes,
        class_id,
        evaluation,
    )
    .await
}

/// Queues lesson `lesson_id` as completed.
pub async fn complete_lesson(
    store: &Store,
    account_id: i64,
    lesson_id: &str,
    done: &LessonDone,
) -> Result<OutboxRow> {
    queue(
        store,
        account_id,
        FLYLOGS_LESSON_COMPLETE,
        Kind::Lessons,
        lesson_id,
        done,
    )
    .await
}

/// Queues an enrolment in training `training_id`.
pub async fn enrol(
    store: &Store,
    account_id: i64,
    training_id: &str,
    enrolment: &Enrolment,
) -> Result<OutboxRow> {
    queue(
        store,
        account_id,
        FLYLOGS_ENROL,
        Kind::Enrolments,
        training_id,
        enrolment,
    )
    .await
}

async fn queue(
    store: &Store,
    account_id: i64,
    operation: &str,
    kind: Kind,
    target: &str,
    payload: &impl Serialize,
) -> Result<OutboxRow> {
    let depends_on = store.last_unsent_write(account_id, target).await?;
    let payload: Value = serde_json::to_value(payload).expect("a training write serializes");
    store
        .enqueue(
            &NewWrite {
                account_id,
                resource: RESOURCE,
                operation,
                payload: &payload,
                idempotency_key: None,
                record_kind: kind,
                target_id: target,
                depends_on,
                overlay: None,
            },
            Utc::now(),
        )
        .await
}
