//! Search over everything cached, across every system: a tail number, a person, a booking
//! note, a work order, a training. SQLite FTS5 (migration 0009) answers; the sync keeps
//! it in step with every page it writes, so there is nothing to rebuild here.

use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::Serialize;
use sqlx::Row;

use crate::error::{QueryContext, Result};
use crate::lookup::{EntityRef, Lookup};

/// One record that matches.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SearchHit {
    /// The cache table (`aircraft`, `bookings`, `work_orders`, ...).
    pub kind: String,
    pub source: Provider,
    pub account: String,
    pub source_id: String,
    pub title: String,
    /// Where the words matched, the matches between `[` and `]`.
    pub snippet: String,
    /// The unified aircraft or person this record is, to open it.
    pub entity: Option<EntityRef>,
    /// The calendar item this record is (`bookings/account/id`), to open it.
    pub item: Option<String>,
    /// When that item starts (UTC), so the calendar can open on its day.
    pub starts_at: Option<String>,
}

/// A page of hits and how many there are in all.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SearchResults {
    pub query: String,
    #[ts(type = "number")]
    pub total: i64,
    pub hits: Vec<SearchHit>,
}

/// The FTS5 query for what the user typed: every word must match, each as a prefix (so
/// "N44" finds N44API as it is typed), quoted so FTS syntax in the text is taken
/// literally. Words split where the index's tokenizer splits them (at anything but a
/// letter or digit).
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The best `limit` matches of `text`, and the count of all matching records. Aircraft
/// and people come first, each unified entity once (its records in other systems are the
/// same thing); then the other records by FTS5 rank.
pub async fn search(
    store: &Store,
    lookup: &Lookup,
    text: &str,
    limit: u32,
) -> Result<SearchResults> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let Some(query) = fts_query(text) else {
        return Ok(SearchResults {
            query: text.to_string(),
            total: 0,
            hits: vec![],
        });
    };
    let total: i64 =
        sqlx::query_scalar("SELECT count(*) FROM search_index WHERE search_index MATCH ?1")
            .bind(&query)
            .fetch_one(store.pool())
            .await
            .context("counting search matches")?;
    // No snippet here: SQLite computes the selected columns of every match before it sorts,
    // and a two-letter prefix matches tens of thousands of records. The shown hits are
    // quoted one by one below.
    let rows = sqlx::query(
        "SELECT s.rowid, k.kind, k.account_id, k.source_id, s.title
         FROM search_index s JOIN search_keys k ON k.rowid = s.rowid
         WHERE search_index MATCH ?1
         ORDER BY k.kind NOT IN ('aircraft', 'people'), s.rank LIMIT ?2",
    )
    .bind(&query)
    .bind(limit)
    .fetch_all(store.pool())
    .await
    .context("searching the cache")?;
    let mut hits: Vec<SearchHit> = Vec::with_capacity(rows.len());
    let mut entities_seen = std::collections::HashSet::new();
    for row in rows {
        let Some(account) = lookup.account(row.get("account_id")) else {
            continue;
        };
        let kind: String = row.get("kind");
        let source_id: String = row.get("source_id");
        let entity = match kind.as_str() {
            "aircraft" => lookup.entity(account, false, Some(&source_id), None),
            "people" | "crew_duty" => lookup.entity(account, true, Some(&source_id), None),
            _ => None,
        };
        if entity.is_some_and(|e| !entities_seen.insert(e.id.clone())) {
            continue;
        }
        let item = matches!(kind.as_str(), "bookings" | "classes")
            .then(|| format!("{kind}/{}/{source_id}", account.name));
        let starts_at = match item {
            Some(_) => starts_at(store, &kind, row.get("account_id"), &source_id).await?,
            None => None,
        };
        let title: String = row.get("title");
        hits.push(SearchHit {
            title: title.trim().to_string(),
            snippet: snippet(store, &words, row.get("rowid")).await?,
            entity: entity.cloned(),
            item,
            starts_at,
            kind,
            source: account.provider,
            account: account.name.clone(),
            source_id,
        });
    }
    Ok(SearchResults {
        query: text.to_string(),
        total,
        hits,
    })
}

/// Where the typed words matched one indexed record: its text with each word that starts
/// with a typed word between `[` and `]`, cut to a few words around the first match. Made
/// here from the record's text (one rowid read): FTS5's `snippet()` would re-run the
/// query's whole prefix doclist for every hit.
async fn snippet(store: &Store, words: &[String], rowid: i64) -> Result<String> {
    let text: Option<(String, String)> =
        sqlx::query_as("SELECT title, body FROM search_index WHERE rowid = ?1")
            .bind(rowid)
            .fetch_optional(store.pool())
            .await
            .context("quoting a search match")?;
    Ok(text.map_or_else(String::new, |(title, body)| {
        quote(&format!("{title} {body}"), words)
    }))
}

/// The words of `text` around the first that starts with one of `words` (lower case),
/// each match marked.
fn quote(text: &str, words: &[String]) -> String {
    const AROUND: usize = 5;
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let hit = |t: &str| {
        let t = t.to_lowercase();
        t.split(|c: char| !c.is_alphanumeric())
            .any(|part| words.iter().any(|w| part.starts_with(w.as_str())))
    };
    let first = tokens.iter().position(|t| hit(t)).unwrap_or(0);
    let from = first.saturating_sub(AROUND);
    let to = (first + AROUND + 1).min(tokens.len());
    let mut out: Vec<String> = tokens[from..to]
        .iter()
        .map(|t| {
            if hit(t) {
                format!("[{t}]")
            } else {
                (*t).to_string()
            }
        })
        .collect();
    if from > 0 {
        out.insert(0, "…".into());
    }
    if to < tokens.len() {
        out.push("…".into());
    }
    out.join(" ")
}

/// When a calendar record starts: one primary-key lookup.
async fn starts_at(store: &Store, kind: &str, account: i64, id: &str) -> Result<Option<String>> {
    let table = match kind {
        "bookings" => "bookings",
        _ => "classes",
    };
    let at: Option<Option<String>> = sqlx::query_scalar(&format!(
        "SELECT starts_at FROM {table} WHERE account_id = ?1 AND source_id = ?2"
    ))
    .bind(account)
    .bind(id)
    .fetch_optional(store.pool())
    .await
    .context("reading when a found item starts")?;
    Ok(at.flatten())
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn typed_text_becomes_quoted_prefix_terms() {
        assert_eq!(fts_query("N44").as_deref(), Some("\"N44\"*"));
        assert_eq!(
            fts_query("ann lee@x.org").as_deref(),
            Some("\"ann\"* \"lee\"* \"x\"* \"org\"*")
        );
        // FTS operators in the text are words, not syntax.
        assert_eq!(
            fts_query("NOT \"a\" OR b*").as_deref(),
            Some("\"NOT\"* \"a\"* \"OR\"* \"b\"*")
        );
        assert_eq!(fts_query("  -- "), None);
    }

    #[test]
    fn a_quote_marks_each_word_that_starts_with_a_typed_one() {
        let words = ["n44".to_string(), "ann".to_string()];
        assert_eq!(
            super::quote("N44API Cessna 172 with Ann Lee", &words),
            "[N44API] Cessna 172 with [Ann] Lee"
        );
        let long = "one two three four five six seven eight nine ten eleven twelve N44API end";
        assert_eq!(
            super::quote(long, &words),
            "… eight nine ten eleven twelve [N44API] end"
        );
    }
}
