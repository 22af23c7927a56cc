//! Each person's page index and figures in one row (migration 0015), and the page index
//! kept in memory while the entries stand.
//!
//! A filtered page (dates, words) used to read every row of the person, each beside about
//! 3 KB of entry JSON: 1.1 s at 100,000 entries. Here it is a binary search over the
//! person's dates and a `memmem` over their search texts, laid end to end in date order,
//! then a sort of the matching positions by the page's order: a few milliseconds at
//! 100,000 entries, with the exact count of matches. Only the page's entries are then read,
//! by their date rank (`logbook_order`'s key).
//!
//! `pages` layout (little-endian): `n: u32`, then `n` times `days: i32` (the entry's date,
//! days from 1970-01-01), `n` times the registration rank `u32`, `n` times the total rank
//! `u32`, then the `n` search texts, lower case, each ended by `\n` (a search text holds
//! no newline). Position `i` is the entry of date rank `i`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::NaiveDate;
use flightdesk_store::Store;
use memchr::memmem;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use crate::error::{LogbookError, QueryContext, Result};
use crate::facts::Facts;
use crate::freshness;
use crate::materialize::ORDERS;
use crate::model::{PageQuery, SortColumn, SortDirection};

/// The SQL ranks of every entry of the people `WHERE` selects, in each order, numbered
/// exactly as `materialize::number_pages` numbers `logbook_order` (the same `ORDER BY`s).
fn ranks_sql(filter: &str) -> String {
    let [(_, date, _), (_, registration, _), (_, total, _)] = ORDERS;
    format!(
        "SELECT person_id, date, search,
           row_number() OVER (PARTITION BY person_id ORDER BY {date}) - 1 AS d,
           row_number() OVER (PARTITION BY person_id ORDER BY {registration}) - 1 AS r,
           row_number() OVER (PARTITION BY person_id ORDER BY {total}) - 1 AS t
         FROM logbook_entries {filter} ORDER BY person_id, d"
    )
}

/// One entry's place in the index.
struct Ranked {
    days: i32,
    registration: u32,
    total: u32,
    search: String,
}

fn days(date: NaiveDate) -> i32 {
    (date - NaiveDate::default()).num_days() as i32
}

/// The `pages` blob of one person's entries, in date order.
fn encode(rows: &[Ranked]) -> Vec<u8> {
    let text: usize = rows.iter().map(|r| r.search.len() + 1).sum();
    let mut out = Vec::with_capacity(4 + rows.len() * 12 + text);
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    for r in rows {
        out.extend_from_slice(&r.days.to_le_bytes());
    }
    for r in rows {
        out.extend_from_slice(&r.registration.to_le_bytes());
    }
    for r in rows {
        out.extend_from_slice(&r.total.to_le_bytes());
    }
    for r in rows {
        out.extend(r.search.bytes().map(|b| if b == b'\n' { b' ' } else { b }));
        out.push(b'\n');
    }
    out
}

/// Writes the index rows of every person (`person: None`, after a rebuild) or of one
/// (after an annotation changed one of their entries), with their figures.
pub(crate) async fn write(conn: &mut SqliteConnection, person: Option<&str>) -> Result<()> {
    let (filter, facts_filter) = match person {
        Some(_) => ("WHERE person_id = ?1", "WHERE person_id = ?1"),
        None => ("", ""),
    };
    let ranks = ranks_sql(filter);
    let mut q = sqlx::query(&ranks);
    if let Some(p) = person {
        q = q.bind(p);
    }
    let rows = q
        .fetch_all(&mut *conn)
        .await
        .context("indexing the logbook's pages")?;
    let facts_sql = format!(
        "SELECT person_id, facts FROM logbook_facts {facts_filter} ORDER BY person_id, date, id"
    );
    let mut q = sqlx::query(&facts_sql);
    if let Some(p) = person {
        q = q.bind(p);
    }
    let facts = q
        .fetch_all(&mut *conn)
        .await
        .context("indexing the logbook's figures")?;
    let mut figures: HashMap<String, Vec<Facts>> = HashMap::new();
    for r in &facts {
        let line: &str = r.get("facts");
        let f =
            Facts::parse(line).ok_or_else(|| LogbookError::Corrupt(format!("figures `{line}`")))?;
        figures.entry(r.get("person_id")).or_default().push(f);
    }

    let mut people: Vec<(String, Vec<Ranked>)> = Vec::new();
    for r in rows {
        let id: String = r.get("person_id");
        if people.last().is_none_or(|(p, _)| *p != id) {
            people.push((id, Vec::new()));
        }
        let date: String = r.get("date");
        people.last_mut().expect("pushed").1.push(Ranked {
            days: date.parse().map(days).unwrap_or(0),
            registration: r.get::<i64, _>("r") as u32,
            total: r.get::<i64, _>("t") as u32,
            search: r.get("search"),
        });
    }
    match person {
        Some(p) => {
            sqlx::query("DELETE FROM logbook_person_index WHERE person_id = ?")
                .bind(p)
                .execute(&mut *conn)
                .await
        }
        None => {
            sqlx::query("DELETE FROM logbook_person_index")
                .execute(&mut *conn)
                .await
        }
    }
    .context("clearing the logbook's index")?;
    // A few people a statement: one row can hold megabytes.
    for chunk in people.chunks(50) {
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO logbook_person_index (person_id, pages, figures) ");
        q.push_values(chunk, |mut row, (id, ranked)| {
            let mine = figures.get(id).map_or(&[][..], Vec::as_slice);
            row.push_bind(id)
                .push_bind(encode(ranked))
                .push_bind(crate::figures::encode(mine));
        });
        q.build()
            .execute(&mut *conn)
            .await
            .context("writing the logbook's index")?;
    }
    Ok(())
}

/// One person's page index, decoded.
#[derive(Debug, Default)]
pub struct PageIndex {
    days: Vec<i32>,
    registration: Vec<u32>,
    total: Vec<u32>,
    /// The search texts, each ended by `\n`, in date order.
    text: Vec<u8>,
    /// Where each search text starts in `text`, and `text.len()` last.
    starts: Vec<u32>,
}

impl PageIndex {
    /// Reads a `pages` blob; `None` when it is not one.
    pub fn decode(blob: &[u8]) -> Option<PageIndex> {
        let u32_at = |i: usize| -> Option<u32> {
            Some(u32::from_le_bytes(blob.get(i..i + 4)?.try_into().ok()?))
        };
        let n = u32_at(0)? as usize;
        let column = |k: usize| -> Option<Vec<u32>> {
            (0..n).map(|i| u32_at(4 + (k * n + i) * 4)).collect()
        };
        let days = column(0)?.into_iter().map(|d| d as i32).collect();
        let (registration, total) = (column(1)?, column(2)?);
        let text = blob.get(4 + 12 * n..)?.to_vec();
        let mut starts = Vec::with_capacity(n + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', &text).map(|i| i as u32 + 1));
        if starts.len() != n + 1 {
            return None;
        }
        Some(PageIndex {
            days,
            registration,
            total,
            text,
            starts,
        })
    }

    /// Entries in the index.
    pub fn len(&self) -> usize {
        self.days.len()
    }

    /// Whether the person has no entries.
    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// The date ranks of the entries from `from` to `to` (both included) whose search text
    /// holds every word of `words` (lower case), ascending.
    pub fn matching(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        words: &[String],
    ) -> Vec<u32> {
        let lo = from.map_or(0, |d| self.days.partition_point(|&x| x < days(d)));
        let hi = to.map_or(self.len(), |d| self.days.partition_point(|&x| x <= days(d)));
        if lo >= hi {
            return Vec::new();
        }
        let mut found: Option<Vec<u32>> = None;
        for word in words {
            let finder = memmem::Finder::new(word.as_bytes());
            found = Some(match found {
                // Few entries left: look in each one's text.
                Some(before) if before.len() < (hi - lo) / 16 => before
                    .into_iter()
                    .filter(|&r| finder.find(self.text_of(r as usize)).is_some())
                    .collect(),
                before => {
                    let hits = self.scan(&finder, lo, hi);
                    match before {
                        None => hits,
                        Some(mut keep) => {
                            keep.retain(|r| hits.binary_search(r).is_ok());
                            keep
                        }
                    }
                }
            });
            if found.as_ref().is_some_and(Vec::is_empty) {
                break;
            }
        }
        found.unwrap_or_else(|| (lo as u32..hi as u32).collect())
    }

    fn text_of(&self, rank: usize) -> &[u8] {
        &self.text[self.starts[rank] as usize..self.starts[rank + 1] as usize]
    }

    /// The ranks from `lo` to `hi` (excluded) whose text holds `finder`'s word: one pass
    /// over their texts, resuming after a hit at the next entry's text, so a word found
    /// many times in one text (a single letter) costs one hit.
    fn scan(&self, finder: &memmem::Finder, lo: usize, hi: usize) -> Vec<u32> {
        let end = self.starts[hi] as usize;
        let (mut at, mut rank) = (self.starts[lo] as usize, lo);
        let mut hits = Vec::new();
        while let Some(found) = finder.find(&self.text[at..end]) {
            let pos = (at + found) as u32;
            // The entry whose text holds `pos`: hits only move forward.
            rank += self.starts[rank..].partition_point(|&s| s <= pos) - 1;
            hits.push(rank as u32);
            rank += 1;
            at = self.starts[rank] as usize;
        }
        hits
    }

    /// The date ranks of `q`'s page among `matches` (as [`PageIndex::matching`] gives them),
    /// in the page's order: the same order as the unfiltered pages (ranks are unique).
    pub fn page(&self, mut matches: Vec<u32>, q: &PageQuery, limit: usize) -> Vec<u32> {
        match q.sort {
            SortColumn::Date => {}
            SortColumn::Registration => {
                matches.sort_unstable_by_key(|&r| self.registration[r as usize])
            }
            SortColumn::Total => matches.sort_unstable_by_key(|&r| self.total[r as usize]),
        }
        if q.direction == SortDirection::Desc {
            matches.reverse();
        }
        matches
            .into_iter()
            .skip(q.offset as usize)
            .take(limit)
            .collect()
    }
}

/// The people whose page index a process keeps, at most.
const CACHED_PEOPLE: usize = 8;

type Cache = HashMap<(PathBuf, String), (String, Arc<PageIndex>)>;

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Forgets every page index this process keeps: for benchmarks and tests.
pub fn forget_cached() {
    cache().lock().expect("the page index cache").clear();
}

/// `person`'s page index: from this process's cache while the entries' revision stands,
/// otherwise read (one row).
pub async fn pages(store: &Store, person: &str) -> Result<Arc<PageIndex>> {
    let revision = freshness::revision(store).await?;
    let key = (store.path().to_path_buf(), person.to_string());
    if let Some((at, index)) = cache().lock().expect("the page index cache").get(&key) {
        if *at == revision {
            return Ok(index.clone());
        }
    }
    let blob: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT pages FROM logbook_person_index WHERE person_id = ?")
            .bind(person)
            .fetch_optional(store.pool())
            .await
            .context("reading a person's logbook index")?;
    let index = Arc::new(match blob {
        None => PageIndex::default(),
        Some(b) => PageIndex::decode(&b)
            .ok_or_else(|| LogbookError::Corrupt(format!("the page index of {person}")))?,
    });
    let mut cache = cache().lock().expect("the page index cache");
    if cache.len() >= CACHED_PEOPLE && !cache.contains_key(&key) {
        cache.clear();
    }
    cache.insert(key, (revision, index.clone()));
    Ok(index)
}

/// `person`'s figures blob ([`crate::figures`]; one of no entries without any).
pub(crate) async fn figures(store: &Store, person: &str) -> Result<Vec<u8>> {
    let blob: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT figures FROM logbook_person_index WHERE person_id = ?")
            .bind(person)
            .fetch_optional(store.pool())
            .await
            .context("reading a person's logbook figures")?;
    Ok(blob.unwrap_or_else(|| crate::figures::encode(&[])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(day: i32, registration: u32, total: u32, search: &str) -> Ranked {
        Ranked {
            days: day,
            registration,
            total,
            search: search.into(),
        }
    }

    fn index() -> PageIndex {
        // Date order; registration and total ranks are another permutation each.
        PageIndex::decode(&encode(&[
            ranked(10, 2, 0, "n1 kmtn kbay"),
            ranked(10, 0, 3, "n2 kbay\nlocal"),
            ranked(12, 3, 1, "n1 kmtn"),
            ranked(15, 1, 2, "n3 kbay checkride kmtn"),
        ]))
        .unwrap()
    }

    fn date(d: i32) -> NaiveDate {
        NaiveDate::default() + chrono::Duration::days(i64::from(d))
    }

    #[test]
    fn words_and_dates_select_entries_by_their_date_rank() {
        let ix = index();
        let w = |ws: &[&str]| ws.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(ix.matching(None, None, &[]), [0, 1, 2, 3]);
        assert_eq!(ix.matching(None, None, &w(&["kmtn"])), [0, 2, 3]);
        assert_eq!(ix.matching(None, None, &w(&["kmtn", "kbay"])), [0, 3]);
        // A newline in a text is a space: "kbay local" is one entry's text.
        assert_eq!(ix.matching(None, None, &w(&["y l"])), [1]);
        // A word never matches across two entries' texts.
        assert_eq!(
            ix.matching(None, None, &w(&["kbay\nn1"])),
            Vec::<u32>::new()
        );
        assert_eq!(ix.matching(Some(date(11)), None, &w(&["kmtn"])), [2, 3]);
        assert_eq!(ix.matching(Some(date(10)), Some(date(12)), &[]), [0, 1, 2]);
        assert_eq!(
            ix.matching(Some(date(13)), Some(date(14)), &[]),
            Vec::<u32>::new()
        );
        assert_eq!(ix.matching(None, None, &w(&["nothing"])), Vec::<u32>::new());
        // A word many times in one text is one hit; every entry holding it is found.
        assert_eq!(ix.matching(None, None, &w(&["k"])), [0, 1, 2, 3]);
        assert_eq!(ix.matching(None, None, &w(&["n"])), [0, 1, 2, 3]);
        assert_eq!(ix.matching(None, None, &w(&["k", "n3"])), [3]);
    }

    #[test]
    fn a_second_word_among_few_matches_looks_in_each_matching_text() {
        let rows: Vec<Ranked> = (0..64)
            .map(|i| ranked(i, 0, 0, if i == 5 { "rare b" } else { "a b" }))
            .collect();
        let ix = PageIndex::decode(&encode(&rows)).unwrap();
        let w = |ws: &[&str]| ws.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(ix.matching(None, None, &w(&["rare", "b"])), [5]);
        assert_eq!(
            ix.matching(None, None, &w(&["rare", "a "])),
            Vec::<u32>::new()
        );
        assert_eq!(ix.matching(None, None, &w(&["a", "b"])).len(), 64);
    }

    #[test]
    fn a_page_follows_the_orders_ranks_in_either_direction() {
        let ix = index();
        let q = |sort, direction, offset| PageQuery {
            sort,
            direction,
            offset,
            ..PageQuery::default()
        };
        let all = ix.matching(None, None, &[]);
        let page = |sort, direction, offset, limit| {
            ix.page(all.clone(), &q(sort, direction, offset), limit)
        };
        assert_eq!(
            page(SortColumn::Date, SortDirection::Desc, 0, 10),
            [3, 2, 1, 0]
        );
        assert_eq!(
            page(SortColumn::Registration, SortDirection::Asc, 0, 10),
            [1, 3, 0, 2]
        );
        assert_eq!(page(SortColumn::Total, SortDirection::Desc, 1, 2), [3, 2]);
    }

    #[test]
    fn a_broken_blob_is_refused() {
        let blob = encode(&[ranked(1, 0, 0, "a"), ranked(2, 1, 1, "b")]);
        assert!(PageIndex::decode(&blob[..blob.len() - 1]).is_none());
        assert!(PageIndex::decode(&blob[..10]).is_none());
        assert_eq!(PageIndex::decode(&blob).unwrap().len(), 2);
    }
}
