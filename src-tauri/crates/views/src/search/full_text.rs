//! The records FTS5 finds, with only the shown ones read: the limit goes into the
//! full-text query itself, and the records' keys and starts are read for those alone.

use std::collections::{BTreeMap, HashMap};

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

/// How many records match the FTS5 `query`.
pub(super) async fn count(store: &Store, query: &str) -> Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM search_index WHERE search_index MATCH ?1")
        .bind(query)
        .fetch_one(store.pool())
        .await
        .context("counting search matches")
}

/// The newest `limit` matches of the FTS5 `query` (rowid order, which FTS5 walks
/// without a sort).
pub(super) async fn newest(store: &Store, query: &str, limit: usize) -> Result<Vec<Match>> {
    if limit == 0 {
        return Ok(vec![]);
    }
    let rows = sqlx::query(
        "SELECT rowid, title, body FROM search_index WHERE search_index MATCH ?1
         ORDER BY rowid DESC LIMIT ?2",
    )
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
    let key_of: HashMap<i64, &sqlx::sqlite::SqliteRow> =
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

/// When each calendar record (booking or class) among `found` starts, by its position
/// in `found`: one primary-key query per table and account, not one per hit.
pub(super) async fn starts(store: &Store, found: &[Match]) -> Result<HashMap<usize, String>> {
    let mut groups: BTreeMap<(&str, i64), Vec<usize>> = BTreeMap::new();
    for (at, m) in found.iter().enumerate() {
        if matches!(m.kind.as_str(), "bookings" | "classes") {
            groups.entry((&m.kind, m.account_id)).or_default().push(at);
        }
    }
    let mut starts = HashMap::new();
    for ((table, account_id), members) in groups {
        let placeholders = vec!["?"; members.len()].join(", ");
        let sql = format!(
            "SELECT source_id, starts_at FROM {table}
             WHERE account_id = ?1 AND source_id IN ({placeholders})"
        );
        let mut query = sqlx::query(&sql).bind(account_id);
        for &at in &members {
            query = query.bind(&found[at].source_id);
        }
        let rows = query
            .fetch_all(store.pool())
            .await
            .context("reading when found items start")?;
        let by_id: HashMap<String, Option<String>> = rows
            .iter()
            .map(|r| (r.get("source_id"), r.get("starts_at")))
            .collect();
        for at in members {
            if let Some(Some(start)) = by_id.get(&found[at].source_id) {
                starts.insert(at, start.clone());
            }
        }
    }
    Ok(starts)
}
