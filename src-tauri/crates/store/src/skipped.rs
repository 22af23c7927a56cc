//! Rows a provider sent that could not become records: kept raw beside the cache, so the
//! user can see them, while the rest of their page is written (see migration 0007).

use chrono::{DateTime, Utc};
use flightdesk_core::SkippedRow;
use serde::Serialize;
use sqlx::{Row, SqliteConnection};
use xxhash_rust::xxh3::xxh3_128;

use crate::error::{QueryContext, Result, StoreError};
use crate::Store;

/// One skipped row as the user sees it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SkippedRowView {
    pub account: String,
    pub resource: String,
    /// Why it could not become a record ("flight_logs row without an `id`").
    pub reason: String,
    /// The row exactly as the provider sent it.
    #[ts(type = "unknown")]
    pub raw: serde_json::Value,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

/// Keeps a page's skipped rows, seen in `pass` at `now`; a row seen before keeps its
/// first sighting.
pub(crate) async fn keep(
    tx: &mut SqliteConnection,
    account_id: i64,
    resource: &str,
    pass: i64,
    now: &str,
    rows: &[SkippedRow],
) -> Result<()> {
    for row in rows {
        let raw = row.raw.to_string();
        sqlx::query(
            "INSERT INTO skipped_rows
               (account_id, resource, raw_hash, reason, raw, first_seen_at, last_seen_at, seen_pass)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)
             ON CONFLICT(account_id, resource, raw_hash) DO UPDATE SET
               reason = excluded.reason, last_seen_at = excluded.last_seen_at,
               seen_pass = excluded.seen_pass",
        )
        .bind(account_id)
        .bind(resource)
        .bind(xxh3_128(raw.as_bytes()).to_le_bytes().to_vec())
        .bind(&row.reason)
        .bind(&raw)
        .bind(now)
        .bind(pass)
        .execute(&mut *tx)
        .await
        .context("keeping a skipped row")?;
    }
    Ok(())
}

/// After a full listing: forgets the skipped rows it did not send again.
pub(crate) async fn forget_unseen(
    tx: &mut SqliteConnection,
    account_id: i64,
    resource: &str,
    pass: i64,
) -> Result<()> {
    sqlx::query(
        "DELETE FROM skipped_rows WHERE account_id = ?1 AND resource = ?2 AND seen_pass < ?3",
    )
    .bind(account_id)
    .bind(resource)
    .bind(pass)
    .execute(&mut *tx)
    .await
    .context("forgetting skipped rows")?;
    Ok(())
}

/// Whether `pass` of the resource skipped any row.
pub(crate) async fn any_in_pass(
    tx: &mut SqliteConnection,
    account_id: i64,
    resource: &str,
    pass: i64,
) -> Result<bool> {
    sqlx::query_scalar(
        "SELECT EXISTS(SELECT 1 FROM skipped_rows
                       WHERE account_id = ?1 AND resource = ?2 AND seen_pass = ?3)",
    )
    .bind(account_id)
    .bind(resource)
    .bind(pass)
    .fetch_one(&mut *tx)
    .await
    .context("reading the skipped rows of a pass")
}

impl Store {
    /// The skipped rows of every account (or of one), by account, resource and first
    /// sighting.
    pub async fn skipped_rows(&self, account_id: Option<i64>) -> Result<Vec<SkippedRowView>> {
        let rows = sqlx::query(
            "SELECT a.name, s.resource, s.reason, s.raw, s.first_seen_at, s.last_seen_at
             FROM skipped_rows s JOIN accounts a ON a.id = s.account_id
             WHERE ?1 IS NULL OR s.account_id = ?1
             ORDER BY a.name, s.resource, s.first_seen_at",
        )
        .bind(account_id)
        .fetch_all(self.pool())
        .await
        .context("reading the skipped rows")?;
        rows.iter()
            .map(|row| {
                let time = |name: &str| -> Result<DateTime<Utc>> {
                    row.try_get(name).context("reading a skipped row's time")
                };
                let raw: String = row.get("raw");
                Ok(SkippedRowView {
                    account: row.get("name"),
                    resource: row.get("resource"),
                    reason: row.get("reason"),
                    raw: serde_json::from_str(&raw).map_err(|source| StoreError::Json {
                        what: "a skipped row",
                        source,
                    })?,
                    first_seen_at: time("first_seen_at")?,
                    last_seen_at: time("last_seen_at")?,
                })
            })
            .collect()
    }
}
