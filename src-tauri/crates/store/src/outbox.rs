//! The durable outbox of write flows (migration 0012): every write is a row committed in
//! the same transaction as its optimistic local change (`pending_changes`), replayed in
//! order per (account, resource) under a lease, retried with backoff, and kept for the
//! user when the provider rejects it. See docs/outbox.md.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use flightdesk_core::{instant, Kind};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::{Connection, Row, SqliteConnection};

use crate::error::{QueryContext, Result, StoreError};
use crate::Store;

/// Same reason as in records.rs: take the write lock when the transaction begins.
const WRITE_TRANSACTION: &str = "BEGIN IMMEDIATE";

/// The prefix of the ids given to records created offline until the provider names them.
pub const LOCAL_ID_PREFIX: &str = "local:";

/// Where an outbox row stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum OutboxState {
    /// Waiting to be sent (at `next_attempt_at`).
    Pending,
    /// Claimed by a process under a lease.
    Sending,
    /// Accepted by the provider.
    Sent,
    /// The last attempt failed transiently; retried at `next_attempt_at`.
    Failed,
    /// The provider refused it; its overlay is rolled back and it waits for the user.
    Rejected,
    /// It needs the user's password, which is never stored; waits for the user.
    NeedsPassword,
}

impl OutboxState {
    /// Not accepted yet and sent again by itself (pending, sending, failed): what a view
    /// draws as "waiting to send". Refused writes wait for the user instead.
    pub fn is_waiting(self) -> bool {
        matches!(
            self,
            OutboxState::Pending | OutboxState::Sending | OutboxState::Failed
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OutboxState::Pending => "pending",
            OutboxState::Sending => "sending",
            OutboxState::Sent => "sent",
            OutboxState::Failed => "failed",
            OutboxState::Rejected => "rejected",
            OutboxState::NeedsPassword => "needs_password",
        }
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutboxState {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        Ok(match s {
            "pending" => OutboxState::Pending,
            "sending" => OutboxState::Sending,
            "sent" => OutboxState::Sent,
            "failed" => OutboxState::Failed,
            "rejected" => OutboxState::Rejected,
            "needs_password" => OutboxState::NeedsPassword,
            other => return Err(format!("unknown outbox state `{other}`")),
        })
    }
}

/// The optimistic change a write makes to the local copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", content = "fields", rename_all = "snake_case")]
pub enum Overlay {
    /// These fields are the record's new values (all of them for a record created offline).
    Upsert(Value),
    /// The record is gone.
    Delete,
}

impl Overlay {
    fn change(&self) -> &'static str {
        match self {
            Overlay::Upsert(_) => "upsert",
            Overlay::Delete => "delete",
        }
    }

    fn fields(&self) -> String {
        match self {
            Overlay::Upsert(v) => v.to_string(),
            Overlay::Delete => "{}".into(),
        }
    }
}

/// A write to queue.
#[derive(Debug, Clone)]
pub struct NewWrite<'a> {
    pub account_id: i64,
    pub resource: &'a str,
    /// The typed operation the replay engine dispatches on (`flylogs.class.save`).
    pub operation: &'a str,
    /// The operation's arguments; never a password.
    pub payload: &'a Value,
    /// A key stable across attempts; `None` makes one.
    pub idempotency_key: Option<&'a str>,
    pub record_kind: Kind,
    /// The provider id of the target, or a [`LOCAL_ID_PREFIX`] id for a new record.
    pub target_id: &'a str,
    /// An earlier row this one waits for.
    pub depends_on: Option<i64>,
    /// The optimistic change, written in the same transaction.
    pub overlay: Option<Overlay>,
}

/// One outbox row as the Outbox view and the replay engine see it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub account_id: i64,
    pub resource: String,
    pub operation: String,
    pub payload: Value,
    pub idempotency_key: String,
    pub state: OutboxState,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub claimed_by: Option<String>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub record_kind: String,
    pub target_id: String,
    pub remote_id: Option<String>,
    pub depends_on: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    /// Every transition: `{at, state, note}`.
    pub history: Value,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// An optimistic change readers merge over the cached record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PendingChange {
    pub outbox_id: i64,
    pub account_id: i64,
    pub record_kind: String,
    pub target_id: String,
    pub overlay: Overlay,
}

/// How long a failed attempt waits: 30 s doubling per attempt, at most an hour.
pub fn backoff(attempts: i64) -> Duration {
    let exp = attempts.clamp(1, 8) - 1;
    Duration::seconds((30i64 << exp).min(3600))
}

pub(crate) const COLUMNS: &str =
    "id, account_id, resource, operation, payload, idempotency_key, state, \
    attempts, next_attempt_at, claimed_by, claimed_at, record_kind, target_id, remote_id, \
    depends_on, last_error, last_error_code, history, created_at, sent_at";

pub(crate) fn row_of(r: &sqlx::sqlite::SqliteRow) -> Result<OutboxRow> {
    let q = |source| StoreError::Query {
        context: "reading an outbox row",
        source,
    };
    let json = |name: &str| -> Result<Value> {
        let text: String = r.try_get(name).map_err(q)?;
        serde_json::from_str(&text).map_err(|source| StoreError::Json {
            what: "an outbox row",
            source,
        })
    };
    let state: String = r.try_get("state").map_err(q)?;
    Ok(OutboxRow {
        id: r.try_get("id").map_err(q)?,
        account_id: r.try_get("account_id").map_err(q)?,
        resource: r.try_get("resource").map_err(q)?,
        operation: r.try_get("operation").map_err(q)?,
        payload: json("payload")?,
        idempotency_key: r.try_get("idempotency_key").map_err(q)?,
        // A state written by a newer build reads as pending: it is shown, never lost.
        state: state.parse().unwrap_or(OutboxState::Pending),
        attempts: r.try_get("attempts").map_err(q)?,
        next_attempt_at: r.try_get("next_attempt_at").map_err(q)?,
        claimed_by: r.try_get("claimed_by").map_err(q)?,
        claimed_at: r.try_get("claimed_at").map_err(q)?,
        record_kind: r.try_get("record_kind").map_err(q)?,
        target_id: r.try_get("target_id").map_err(q)?,
        remote_id: r.try_get("remote_id").map_err(q)?,
        depends_on: r.try_get("depends_on").map_err(q)?,
        last_error: r.try_get("last_error").map_err(q)?,
        last_error_code: r.try_get("last_error_code").map_err(q)?,
        history: json("history")?,
        created_at: r.try_get("created_at").map_err(q)?,
        sent_at: r.try_get("sent_at").map_err(q)?,
    })
}

/// Appends a transition to a row's history and moves its `updated_at`.
async fn note(
    tx: &mut SqliteConnection,
    id: i64,
    state: OutboxState,
    note: &str,
    now: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET updated_at = ?2,
           history = json_insert(history, '$[#]', json_object('at', ?2, 'state', ?3, 'note', ?4))
         WHERE id = ?1",
    )
    .bind(id)
    .bind(now)
    .bind(state.as_str())
    .bind(note)
    .execute(&mut *tx)
    .await
    .context("noting an outbox transition")?;
    Ok(())
}

/// Writes the overlay kept with row `id` into `pending_changes` (if it has one).
async fn restore_overlay(tx: &mut SqliteConnection, id: i64, now: &str) -> Result<()> {
    sqlx::query(
        "INSERT OR REPLACE INTO pending_changes
           (outbox_id, account_id, record_kind, target_id, change, fields, created_at)
         SELECT id, account_id, record_kind, target_id, json_extract(overlay, '$.change'),
                json(json_extract(overlay, '$.fields')), ?2
         FROM outbox WHERE id = ?1 AND overlay IS NOT NULL",
    )
    .bind(id)
    .bind(now)
    .execute(&mut *tx)
    .await
    .context("writing an optimistic change")?;
    Ok(())
}

/// The rows that wait, directly or not, for row `id`.
async fn dependents(tx: &mut SqliteConnection, id: i64) -> Result<Vec<i64>> {
    sqlx::query_scalar(
        "WITH RECURSIVE d(id) AS (SELECT id FROM outbox WHERE depends_on = ?1
           UNION SELECT o.id FROM outbox o JOIN d ON o.depends_on = d.id)
         SELECT id FROM d ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *tx)
    .await
    .context("finding the writes that wait for another")
}

impl Store {
    /// Queues a write and its optimistic change in one transaction.
    pub async fn enqueue(&self, write: &NewWrite<'_>, now: DateTime<Utc>) -> Result<OutboxRow> {
        let now = instant::encode(&now);
        let key = match write.idempotency_key {
            Some(k) => k.to_string(),
            None => new_key(write.account_id),
        };
        let overlay = write.overlay.as_ref().map(|o| {
            json!({"change": o.change(), "fields": serde_json::from_str::<Value>(&o.fields())
                .unwrap_or(Value::Null)})
            .to_string()
        });
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("queueing a write")?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO outbox (account_id, resource, operation, payload, idempotency_key,
               next_attempt_at, record_kind, target_id, depends_on, overlay, created_at,
               updated_at, history)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?6, ?6,
               json_array(json_object('at', ?6, 'state', 'pending', 'note', 'queued')))
             RETURNING id",
        )
        .bind(write.account_id)
        .bind(write.resource)
        .bind(write.operation)
        .bind(write.payload.to_string())
        .bind(&key)
        .bind(&now)
        .bind(write.record_kind.as_str())
        .bind(write.target_id)
        .bind(write.depends_on)
        .bind(overlay)
        .fetch_one(&mut *tx)
        .await
        .context("queueing a write")?;
        restore_overlay(&mut tx, id, &now).await?;
        tx.commit().await.context("queueing a write")?;
        drop(writer);
        self.outbox_row(id).await
    }

    /// One outbox row.
    pub async fn outbox_row(&self, id: i64) -> Result<OutboxRow> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .context("reading an outbox row")?
            .ok_or(StoreError::NoSuchWrite(id))?;
        row_of(&row)
    }

    /// Every outbox row, oldest first (sent rows included: they carry the history).
    pub async fn outbox(&self) -> Result<Vec<OutboxRow>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id"))
            .fetch_all(self.pool())
            .await
            .context("listing the outbox")?;
        rows.iter().map(row_of).collect()
    }

    /// The rows the provider has not accepted yet (any state but sent), oldest first: what
    /// the window marks "waiting to send" (sent rows pile up as history; never read here).
    pub async fn unsent_writes(&self) -> Result<Vec<OutboxRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox WHERE state != 'sent' ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await
        .context("listing the writes not sent yet")?;
        rows.iter().map(row_of).collect()
    }

    /// Every row of an account's record `target_id` (by its id, or the id a create of it
    /// got), oldest first.
    pub async fn writes_of(&self, account_id: i64, target_id: &str) -> Result<Vec<OutboxRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM outbox
             WHERE account_id = ?1 AND (target_id = ?2 OR remote_id = ?2) ORDER BY id"
        ))
        .bind(account_id)
        .bind(target_id)
        .fetch_all(self.pool())
        .await
        .context("listing a record's writes")?;
        rows.iter().map(row_of).collect()
    }

    /// How many rows are in each state (one indexed count, not the rows themselves).
    pub async fn outbox_state_counts(&self) -> Result<Vec<(OutboxState, i64)>> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, count(*) FROM outbox GROUP BY state")
                .fetch_all(self.pool())
                .await
                .context("counting the outbox")?;
        Ok(rows
            .into_iter()
            .filter_map(|(state, n)| Some((state.parse().ok()?, n)))
            .collect())
    }

    /// The newest write of record `target_id` of `account_id` not yet sent: the one a new
    /// write of the same record must wait for.
    pub async fn last_unsent_write(&self, account_id: i64, target_id: &str) -> Result<Option<i64>> {
        sqlx::query_scalar(
            "SELECT max(id) FROM outbox
             WHERE account_id = ?1 AND target_id = ?2 AND state != 'sent'",
        )
        .bind(account_id)
        .bind(target_id)
        .fetch_one(self.pool())
        .await
        .context("finding the write a new one waits for")
    }

    /// Claims the rows due at `now` for `claimer`, under a lease of `lease`: at most one
    /// per (account, resource), the oldest of its queue not yet sent, and only when the
    /// row it depends on (if any) is sent. A row left in `sending` by a process that died
    /// is claimed again once its lease expired. A queue whose oldest row waits (backoff,
    /// rejected, needs the password) sends nothing later, so nothing goes out of order.
    pub async fn claim_due(
        &self,
        claimer: &str,
        now: DateTime<Utc>,
        lease: Duration,
    ) -> Result<Vec<OutboxRow>> {
        let stale = instant::encode(&(now - lease));
        let now = instant::encode(&now);
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("claiming outbox rows")?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT o.id FROM outbox o
             WHERE o.id = (SELECT MIN(h.id) FROM outbox h
                           WHERE h.account_id = o.account_id AND h.resource = o.resource
                             AND h.state NOT IN ('sent'))
               AND ((o.state IN ('pending', 'failed') AND o.next_attempt_at <= ?1)
                    OR (o.state = 'sending' AND o.claimed_at <= ?2))
               AND (o.depends_on IS NULL
                    OR EXISTS (SELECT 1 FROM outbox d WHERE d.id = o.depends_on AND d.state = 'sent'))
             ORDER BY o.id",
        )
        .bind(&now)
        .bind(&stale)
        .fetch_all(&mut *tx)
        .await
        .context("claiming outbox rows")?;
        for id in &ids {
            sqlx::query(
                "UPDATE outbox SET state = 'sending', claimed_by = ?2, claimed_at = ?3,
                   attempts = attempts + 1 WHERE id = ?1",
            )
            .bind(id)
            .bind(claimer)
            .bind(&now)
            .execute(&mut *tx)
            .await
            .context("claiming outbox rows")?;
            note(&mut tx, *id, OutboxState::Sending, claimer, &now).await?;
        }
        tx.commit().await.context("claiming outbox rows")?;
        drop(writer);
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.outbox_row(id).await?);
        }
        Ok(out)
    }

    /// The provider accepted row `id`. A create whose target was a local id hands the
    /// provider's `remote_id` to every later row (and overlay) that named the local id.
    pub async fn complete_write(
        &self,
        id: i64,
        remote_id: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = instant::encode(&now);
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("completing a write")?;
        let (account_id, target): (i64, String) =
            sqlx::query_as("SELECT account_id, target_id FROM outbox WHERE id = ?1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .context("completing a write")?
                .ok_or(StoreError::NoSuchWrite(id))?;
        sqlx::query(
            "UPDATE outbox SET state = 'sent', remote_id = coalesce(?2, remote_id), sent_at = ?3,
               claimed_by = NULL, claimed_at = NULL, last_error = NULL, last_error_code = NULL
             WHERE id = ?1",
        )
        .bind(id)
        .bind(remote_id)
        .bind(&now)
        .execute(&mut *tx)
        .await
        .context("completing a write")?;
        note(
            &mut tx,
            id,
            OutboxState::Sent,
            remote_id.unwrap_or(""),
            &now,
        )
        .await?;
        if let (Some(remote), true) = (remote_id, target.starts_with(LOCAL_ID_PREFIX)) {
            for table in ["outbox", "pending_changes"] {
                sqlx::query(&format!(
                    "UPDATE {table} SET target_id = ?3 WHERE account_id = ?1 AND target_id = ?2"
                ))
                .bind(account_id)
                .bind(&target)
                .bind(remote)
                .execute(&mut *tx)
                .await
                .context("giving later writes the provider's id")?;
            }
        }
        tx.commit().await.context("completing a write")
    }

    /// Sets `field` of row `id`'s payload to `value`: what the replay learnt just before
    /// sending (the provider's state before a write that is not idempotent), kept for the
    /// next attempt to tell whether this one landed.
    pub async fn note_in_payload(&self, id: i64, field: &str, value: &Value) -> Result<()> {
        let mut writer = self.writer().await;
        let done = sqlx::query(
            "UPDATE outbox SET payload = json_set(payload, '$.' || ?2, json(?3)) WHERE id = ?1",
        )
        .bind(id)
        .bind(field)
        .bind(value.to_string())
        .execute(&mut *writer)
        .await
        .context("noting a write's state before sending")?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchWrite(id));
        }
        Ok(())
    }

    /// A transient failure of row `id`: it is tried again at `retry_at`.
    pub async fn fail_write(
        &self,
        id: i64,
        code: &str,
        message: &str,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.park(id, OutboxState::Failed, code, message, Some(retry_at), now)
            .await
    }

    /// The provider refused row `id` (`message` in its own words): its optimistic change
    /// is rolled back and it waits for the user, as does every row that depends on it.
    pub async fn reject_write(
        &self,
        id: i64,
        code: &str,
        message: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.park(id, OutboxState::Rejected, code, message, None, now)
            .await
    }

    /// Row `id` needs the user's password again (never stored): it waits for the user.
    pub async fn needs_password(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let message = "the password is needed again to send this";
        self.park(
            id,
            OutboxState::NeedsPassword,
            "needs_password",
            message,
            None,
            now,
        )
        .await
    }

    async fn park(
        &self,
        id: i64,
        state: OutboxState,
        code: &str,
        message: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = instant::encode(&now);
        let retry_at = retry_at.map(|t| instant::encode(&t));
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("recording a failed write")?;
        let done = sqlx::query(
            "UPDATE outbox SET state = ?2, last_error_code = ?3, last_error = ?4,
               next_attempt_at = coalesce(?5, next_attempt_at), claimed_by = NULL,
               claimed_at = NULL WHERE id = ?1",
        )
        .bind(id)
        .bind(state.as_str())
        .bind(code)
        .bind(message)
        .bind(&retry_at)
        .execute(&mut *tx)
        .await
        .context("recording a failed write")?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NoSuchWrite(id));
        }
        note(&mut tx, id, state, message, &now).await?;
        if state == OutboxState::Rejected {
            let mut ids = vec![id];
            for dependent in dependents(&mut tx, id).await? {
                sqlx::query(
                    "UPDATE outbox SET state = 'rejected', last_error_code = 'dependency_rejected',
                       last_error = ?2, claimed_by = NULL, claimed_at = NULL WHERE id = ?1",
                )
                .bind(dependent)
                .bind(format!("waits for write {id}, which was rejected"))
                .execute(&mut *tx)
                .await
                .context("rejecting the writes that wait for a rejected one")?;
                note(
                    &mut tx,
                    dependent,
                    state,
                    "its dependency was rejected",
                    &now,
                )
                .await?;
                ids.push(dependent);
            }
            for id in ids {
                sqlx::query("DELETE FROM pending_changes WHERE outbox_id = ?1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .context("rolling back an optimistic change")?;
            }
        }
        tx.commit().await.context("recording a failed write")
    }

    /// The user asks to send row `id` again now (a failed, rejected or waiting row, and
    /// the rows a rejection parked with it): its optimistic change shows again.
    pub async fn retry_write(&self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let now = instant::encode(&now);
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("retrying a write")?;
        let state: String = sqlx::query_scalar("SELECT state FROM outbox WHERE id = ?1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .context("retrying a write")?
            .ok_or(StoreError::NoSuchWrite(id))?;
        if matches!(state.as_str(), "sent" | "sending") {
            return Err(StoreError::WriteNotWaiting { id, state });
        }
        let mut ids = vec![id];
        ids.extend(dependents(&mut tx, id).await?);
        for row in ids {
            let done = sqlx::query(
                "UPDATE outbox SET state = 'pending', next_attempt_at = ?2
                 WHERE id = ?1 AND state IN ('failed', 'rejected', 'needs_password', 'pending')",
            )
            .bind(row)
            .bind(&now)
            .execute(&mut *tx)
            .await
            .context("retrying a write")?;
            if done.rows_affected() > 0 {
                note(&mut tx, row, OutboxState::Pending, "retry asked", &now).await?;
                restore_overlay(&mut tx, row, &now).await?;
            }
        }
        tx.commit().await.context("retrying a write")
    }

    /// The user gives up on row `id` (and the rows that wait for it): they are deleted
    /// with their optimistic changes. A row being sent or already sent cannot be.
    pub async fn discard_write(&self, id: i64) -> Result<Vec<i64>> {
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("discarding a write")?;
        let state: String = sqlx::query_scalar("SELECT state FROM outbox WHERE id = ?1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .context("discarding a write")?
            .ok_or(StoreError::NoSuchWrite(id))?;
        if matches!(state.as_str(), "sent" | "sending") {
            return Err(StoreError::WriteNotWaiting { id, state });
        }
        let mut ids = dependents(&mut tx, id).await?;
        ids.push(id);
        // Dependents first: each names the one before it.
        ids.sort_unstable_by(|a, b| b.cmp(a));
        for row in &ids {
            sqlx::query("DELETE FROM outbox WHERE id = ?1")
                .bind(row)
                .execute(&mut *tx)
                .await
                .context("discarding a write")?;
        }
        tx.commit().await.context("discarding a write")?;
        ids.reverse();
        Ok(ids)
    }

    /// The optimistic changes of an account, oldest first.
    pub async fn pending_changes(&self, account_id: i64) -> Result<Vec<PendingChange>> {
        let rows = sqlx::query(
            "SELECT outbox_id, account_id, record_kind, target_id, change, fields
             FROM pending_changes WHERE account_id = ?1 ORDER BY outbox_id",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await
        .context("reading optimistic changes")?;
        rows.iter()
            .map(|r| {
                let fields: String = r.get("fields");
                let change: String = r.get("change");
                let overlay = if change == "delete" {
                    Overlay::Delete
                } else {
                    Overlay::Upsert(serde_json::from_str(&fields).map_err(|source| {
                        StoreError::Json {
                            what: "an optimistic change",
                            source,
                        }
                    })?)
                };
                Ok(PendingChange {
                    outbox_id: r.get("outbox_id"),
                    account_id: r.get("account_id"),
                    record_kind: r.get("record_kind"),
                    target_id: r.get("target_id"),
                    overlay,
                })
            })
            .collect()
    }

    /// Drops the optimistic changes of sent rows whose resource has since completed a
    /// pass that began after they were sent: the provider's copy is in the cache now.
    /// Returns how many were dropped.
    pub async fn settle_pending_changes(&self, account_id: i64) -> Result<u64> {
        let mut writer = self.writer().await;
        let done = sqlx::query(
            "DELETE FROM pending_changes WHERE outbox_id IN (
               SELECT o.id FROM outbox o JOIN sync_state s
                 ON s.account_id = o.account_id AND s.resource = o.resource
               WHERE o.account_id = ?1 AND o.state = 'sent' AND s.in_pass = 0
                 AND s.last_success_at IS NOT NULL AND s.last_success_at > o.sent_at)",
        )
        .bind(account_id)
        .execute(&mut *writer)
        .await
        .context("dropping settled optimistic changes")?;
        Ok(done.rows_affected())
    }
}

/// A fresh idempotency key: unique per account, process and instant.
fn new_key(account_id: i64) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let seq = SEQ.fetch_add(1, Ordering::Relaxed);
    let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let seed = format!("{account_id}:{}:{nanos}:{seq}", std::process::id());
    format!("fd-{:032x}", xxhash_rust::xxh3::xxh3_128(seed.as_bytes()))
}
