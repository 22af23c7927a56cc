//! Exam attempts taken here (migration 0014): what Flylogs sent when the attempt started,
//! and the question the student was at. The answers themselves are outbox rows on the
//! attempt's own queue, so they are delivered in order and survive a crash with the rest
//! of the outbox.

use chrono::{DateTime, Utc};
use flightdesk_core::instant;
use serde_json::Value;
use sqlx::Row;

use crate::error::{QueryContext, Result, StoreError};
use crate::outbox::{row_of, COLUMNS};
use crate::{OutboxRow, Store};

/// One kept attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct ExamAttempt {
    pub account_id: i64,
    pub attempt_id: String,
    pub enrollment_id: String,
    pub exam_id: String,
    pub name: Option<String>,
    /// The questions as Flylogs sent them at start (a JSON array).
    pub questions: Value,
    pub ends_at: Option<DateTime<Utc>>,
    pub started_at: DateTime<Utc>,
    /// The question the student last looked at (0-based).
    pub position: i64,
}

const ATTEMPT_COLUMNS: &str = "account_id, attempt_id, enrollment_id, exam_id, name, questions, \
    ends_at, started_at, position";

fn attempt_of(r: &sqlx::sqlite::SqliteRow) -> Result<ExamAttempt> {
    let q = |source| StoreError::Query {
        context: "reading an exam attempt",
        source,
    };
    let questions: String = r.try_get("questions").map_err(q)?;
    Ok(ExamAttempt {
        account_id: r.try_get("account_id").map_err(q)?,
        attempt_id: r.try_get("attempt_id").map_err(q)?,
        enrollment_id: r.try_get("enrollment_id").map_err(q)?,
        exam_id: r.try_get("exam_id").map_err(q)?,
        name: r.try_get("name").map_err(q)?,
        questions: serde_json::from_str(&questions).map_err(|source| StoreError::Json {
            what: "an exam attempt's questions",
            source,
        })?,
        ends_at: r.try_get("ends_at").map_err(q)?,
        started_at: r.try_get("started_at").map_err(q)?,
        position: r.try_get("position").map_err(q)?,
    })
}

impl Store {
    /// Keeps an attempt just started. An attempt kept already (Flylogs resumed an open
    /// one) is left as it is: the answers given here stand.
    pub async fn keep_exam_attempt(&self, a: &ExamAttempt) -> Result<ExamAttempt> {
        let mut writer = self.writer().await;
        sqlx::query(
            "INSERT INTO exam_attempts (account_id, attempt_id, enrollment_id, exam_id, name,
                                        questions, ends_at, started_at, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (account_id, attempt_id) DO NOTHING",
        )
        .bind(a.account_id)
        .bind(&a.attempt_id)
        .bind(&a.enrollment_id)
        .bind(&a.exam_id)
        .bind(&a.name)
        .bind(a.questions.to_string())
        .bind(a.ends_at.as_ref().map(instant::encode))
        .bind(instant::encode(&a.started_at))
        .bind(a.position)
        .execute(&mut *writer)
        .await
        .context("keeping an exam attempt")?;
        drop(writer);
        self.exam_attempt(a.account_id, &a.attempt_id)
            .await?
            .ok_or_else(|| StoreError::NoSuchAttempt(a.attempt_id.clone()))
    }

    /// The attempt `attempt_id` of `account_id`, if kept.
    pub async fn exam_attempt(
        &self,
        account_id: i64,
        attempt_id: &str,
    ) -> Result<Option<ExamAttempt>> {
        sqlx::query(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM exam_attempts
             WHERE account_id = ?1 AND attempt_id = ?2"
        ))
        .bind(account_id)
        .bind(attempt_id)
        .fetch_optional(self.pool())
        .await
        .context("reading an exam attempt")?
        .as_ref()
        .map(attempt_of)
        .transpose()
    }

    /// Every kept attempt, the latest started first.
    pub async fn exam_attempts(&self) -> Result<Vec<ExamAttempt>> {
        let rows = sqlx::query(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM exam_attempts ORDER BY started_at DESC"
        ))
        .fetch_all(self.pool())
        .await
        .context("listing the exam attempts")?;
        rows.iter().map(attempt_of).collect()
    }

    /// Remembers the question the student is at.
    pub async fn set_exam_position(
        &self,
        account_id: i64,
        attempt_id: &str,
        position: i64,
    ) -> Result<()> {
        let mut writer = self.writer().await;
        sqlx::query(
            "UPDATE exam_attempts SET position = ?3 WHERE account_id = ?1 AND attempt_id = ?2",
        )
        .bind(account_id)
        .bind(attempt_id)
        .bind(position)
        .execute(&mut *writer)
        .await
        .context("saving where the student is in an exam")?;
        Ok(())
    }

    /// The rows of one queue (account, resource), oldest first, sent ones included.
    pub async fn outbox_queue(&self, account_id: i64, resource: &str) -> Result<Vec<OutboxRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE account_id = ?1 AND resource = ?2 ORDER BY id"
        ))
        .bind(account_id)
        .bind(resource)
        .fetch_all(self.pool())
        .await
        .context("reading an outbox queue")?;
        rows.iter().map(row_of).collect()
    }
}
