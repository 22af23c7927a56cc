//! Search over everything cached, across every system: a tail number, a person, a booking
//! note, a work order, a training. Entities answer from memory by name; SQLite FTS5
//! (migration 0009) answers for every record, kept in step by the sync with every page it
//! writes. Each keystroke's work is bounded: a one-letter word is left out of the full
//! text, and a short prefix that matches tens of thousands of records is not ranked.

mod full_text;
mod names;

use std::collections::HashSet;

use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::Serialize;

use crate::error::Result;
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

/// The typed words, lower case, split where the index's tokenizer splits them (at
/// anything but a letter or digit).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The FTS5 query for what the user typed: every word must match, each as a prefix (so
/// "N44" finds N44API as it is typed), quoted so FTS syntax in the text is taken
/// literally. One-letter words are left to the next keystroke: the index keeps prefixes
/// of two and three letters (migration 0009), so a one-letter prefix would merge the
/// lists of every term that starts with it. `None` when no word is long enough.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The best `limit` matches of `text`, and the count of all matching records. Aircraft,
/// simulators, rooms and people come first, each unified entity once (its records in
/// other systems are the same thing): those whose name, registration or e-mail is the
/// text, then those it starts, then those whose words it starts, found in memory; then
/// the entities the full text finds otherwise; then the other records, of which the
/// newest `limit` are shown, those with a typed word in their title first.
///
/// Records are not ranked by FTS5's bm25: ranking reads every match (a two-letter prefix
/// matches tens of thousands) and FTS5 sorts by running the query twice; in rowid order
/// FTS5 stops after the limit.
pub async fn search(
    store: &Store,
    lookup: &Lookup,
    text: &str,
    limit: u32,
) -> Result<SearchResults> {
    let words = words(text);
    let limit = limit as usize;
    let mut hits: Vec<SearchHit> = Vec::new();
    let mut entities_seen = HashSet::new();
    let named = names::matching(lookup, text, &words);
    let named_count = named.len() as i64;
    for m in named {
        let Some(source) = m.source() else { continue };
        entities_seen.insert(m.entity.id.clone());
        if hits.len() < limit {
            hits.push(SearchHit {
                kind: m.kind().to_string(),
                source: source.provider,
                account: source.account.clone(),
                source_id: source.source_id.clone(),
                title: m.entity.name.clone(),
                snippet: quote(&m.text, &words),
                entity: Some(m.entity_ref.clone()),
                item: None,
                starts_at: None,
            });
        }
    }
    let Some(query) = fts_query(text) else {
        return Ok(SearchResults {
            query: text.to_string(),
            total: named_count,
            hits,
        });
    };
    // Counting and fetching walk the same lists on two of the pool's connections.
    let wanted = limit.saturating_sub(hits.len());
    let (total, found) = tokio::try_join!(
        full_text::count(store, &query),
        full_text::newest(store, &query, wanted)
    )?;
    let mut starts = full_text::starts(store, &found).await?;
    let mut records = Vec::new();
    for (at, m) in found.into_iter().enumerate() {
        let Some(account) = lookup.account(m.account_id) else {
            continue;
        };
        let entity = match m.kind.as_str() {
            "aircraft" => lookup.entity(account, false, Some(&m.source_id), None),
            "people" | "crew_duty" => lookup.entity(account, true, Some(&m.source_id), None),
            _ => None,
        };
        if entity.is_some_and(|e| !entities_seen.insert(e.id.clone())) {
            continue;
        }
        let item = matches!(m.kind.as_str(), "bookings" | "classes")
            .then(|| format!("{}/{}/{}", m.kind, account.name, m.source_id));
        let starts_at = starts.remove(&at);
        records.push(SearchHit {
            title: m.title.trim().to_string(),
            snippet: quote(&format!("{} {}", m.title, m.body), &words),
            entity: entity.cloned(),
            item,
            starts_at,
            kind: m.kind,
            source: account.provider,
            account: account.name.clone(),
            source_id: m.source_id,
        });
    }
    // Entities the full text found (by a model, a role) before the other records, and
    // among each, records whose title has a typed word before those that have it only
    // in their text, newest first within that.
    records.sort_by_key(|h| (h.entity.is_none(), !titled(&h.title, &words)));
    hits.extend(records);
    Ok(SearchResults {
        query: text.to_string(),
        total,
        hits,
    })
}

/// Whether a word of `title` starts with one of `words` (lower case).
fn titled(title: &str, words: &[String]) -> bool {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .any(|part| !part.is_empty() && words.iter().any(|w| part.starts_with(w.as_str())))
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

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn typed_text_becomes_quoted_prefix_terms() {
        assert_eq!(fts_query("N44").as_deref(), Some("\"N44\"*"));
        assert_eq!(
            fts_query("ann lee@xy.org").as_deref(),
            Some("\"ann\"* \"lee\"* \"xy\"* \"org\"*")
        );
        // FTS operators in the text are words, not syntax.
        assert_eq!(
            fts_query("NOT \"ab\" OR bc*").as_deref(),
            Some("\"NOT\"* \"ab\"* \"OR\"* \"bc\"*")
        );
        assert_eq!(fts_query("  -- "), None);
        // One letter waits for the next keystroke.
        assert_eq!(fts_query("n"), None);
        assert_eq!(fts_query("ann l").as_deref(), Some("\"ann\"*"));
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
