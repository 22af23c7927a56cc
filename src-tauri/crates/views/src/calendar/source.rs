//! The calendar's SQL path: a range's rows read through the start index (migration
//! 0009). The one-shot CLI answers this way, and the window until its in-memory index
//! is up to date.

use chrono::{DateTime, Duration, Utc};
use flightdesk_core::instant;
use flightdesk_store::Store;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::slim::Table;
use super::MAX_RANGE_DAYS;
use crate::error::{QueryContext, Result};

/// The longest live item's length, in days: an O(log n) max over the span index.
fn longest_sql(table: Table) -> String {
    format!(
        "SELECT max(julianday(ends_at) - julianday(starts_at)) FROM {} WHERE removed = 0",
        table.name()
    )
}

/// The longest live item's length (capped at the longest range a view asks for).
pub(super) async fn longest(store: &Store, table: Table) -> Result<Duration> {
    let longest: Option<f64> = sqlx::query_scalar(&longest_sql(table))
        .fetch_one(store.pool())
        .await
        .context("finding the longest calendar item")?;
    let days = longest.unwrap_or(0.0).clamp(0.0, MAX_RANGE_DAYS as f64);
    Ok(Duration::seconds((days * 86_400.0).ceil() as i64))
}

/// The rows overlapping `[?3, ?2)` that start at or after `?1`: a range scan of the
/// start index.
fn range_sql(table: Table) -> String {
    format!(
        "SELECT {} FROM {}
         WHERE removed = 0 AND starts_at >= ?1 AND starts_at < ?2 AND ends_at > ?3",
        table.columns(),
        table.name()
    )
}

/// The rows overlapping `[from, to)`: those that start before `to` and no earlier than
/// `from` less the longest item's length, and end after `from`.
pub(super) async fn rows(
    store: &Store,
    table: Table,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<SqliteRow>> {
    let longest = longest(store, table).await?;
    sqlx::query(&range_sql(table))
        .bind(instant::encode(&(from - longest)))
        .bind(instant::encode(&to))
        .bind(instant::encode(&from))
        .fetch_all(store.pool())
        .await
        .context("reading the calendar range")
}

/// How SQLite runs each of these queries (`EXPLAIN QUERY PLAN`).
pub(super) async fn query_plans(store: &Store) -> Result<Vec<(String, String)>> {
    let mut plans = Vec::new();
    for table in Table::ALL {
        for sql in [longest_sql(table), range_sql(table)] {
            let explain = format!("EXPLAIN QUERY PLAN {sql}");
            let mut query = sqlx::query(&explain);
            for _ in 0..sql.matches('?').count() {
                query = query.bind("");
            }
            let rows = query
                .fetch_all(store.pool())
                .await
                .context("explaining a calendar query")?;
            let detail: Vec<String> = rows.iter().map(|r| r.get("detail")).collect();
            plans.push((sql, detail.join("; ")));
        }
    }
    Ok(plans)
}
