//! The records FTS5 finds, best first, with only the shown ones read: the limit goes into
//! the full-text query itself, and the records' keys are read for those rows alone.

use flightdesk_store::Store;
use sqlx::Row;

use crate::error::{QueryContext, Result};

/// One matching record of the index.
pub(super) struct Match {
    pub kind: String,
    pub account_id: i64,
    pub source_id: String,
    pub title: String,
    pub body: String,
}

/// The first `limit` matches of the FTS5 `query`: by bm25 when `ranked`, else newest
/// first (rowid order, which FTS5 walks without a sort).
pub(super) async fn best(
    store: &Store,
    query: &str,
    ranked: bool,
    limit: usize,
) -> Result<Vec<Match>> {
    if limit == 0 {
        return Ok(vec![]);
    }
    let order = if ranked { "rank" } else { "rowid DESC" };
    let rows = sqlx::query(&format!(
        "SELECT rowid, title, body FROM search_index WHERE search_index MATCH ?1
         ORDER BY {order} LIMIT ?2"
    ))
    .bind(query)
    .bind(limit as i64)
    .fetch_all(store.pool())
    .await
    .context("searching the cache")?;
    if rows.is_empty() {
        return Ok(vec![]);
    }
    let placeholders = vec!["?"; rows.len()].join(", ");
    let sql = format!(
        "SELECT rowid, kind, account_id, source_id FROM search_keys WHERE rowid IN ({placeholders})"
    );
    let mut keys = sqlx::query(&sql);
    for row in &rows {
        keys = keys.bind(row.get::<i64, _>("rowid"));
    }
    let keys = keys
        .fetch_all(store.pool())
        .await
        .context("reading what the search found")?;
    let key_of: std::collections::HashMap<i64, &sqlx::sqlite::SqliteRow> =
        keys.iter().map(|k| (k.get("rowid"), k)).collect();
    Ok(rows
        .iter()
        .filter_map(|row| {
            let key = key_of.get(&row.get::<i64, _>("rowid"))?;
            Some(Match {
                kind: key.get("kind"),
                account_id: key.get("account_id"),
                source_id: key.get("source_id"),
                title: row.get("title"),
                body: row.get("body"),
            })
        })
        .collect())
}
