//! Materializing the logbook: every entry matched from the cache, written in one
//! transaction, so a page is an index range scan instead of a match per view.
//!
//! The materialized tables are a cache of the cache: a rebuild deletes and rewrites them.
//! The user's tables (splits, merges, annotations) are only read here.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use flightdesk_store::Store;
use flightdesk_views::lookup::Lookup;
use sqlx::Row;

use crate::columns;
use crate::error::{QueryContext, Result};
use crate::facts::Facts;
use crate::matching::{self, Decisions};
use crate::model::{Annotation, Entry, RebuildStats, SourceKey};
use crate::sources;

/// The `logbook_state` key of the last build's fingerprint.
const FINGERPRINT: &str = "fingerprint";

/// What the logbook is built from, summarized: when any of it changes, so does this.
const FINGERPRINT_SQL: &str = "SELECT
    (SELECT count(*) || ':' || coalesce(max(changed_at), '') || ':' || coalesce(sum(version), 0)
       FROM flight_logs)
    || '|' || (SELECT count(*) || ':' || coalesce(max(changed_at), '') FROM aircraft)
    || '|' || (SELECT count(*) || ':' || coalesce(max(changed_at), '') FROM people)
    || '|' || (SELECT count(*) || ':' || coalesce(max(made_at), '') FROM entity_decisions)
    || '|' || (SELECT count(*) || ':' || coalesce(max(made_at), '') FROM logbook_splits)
    || '|' || (SELECT count(*) || ':' || coalesce(max(id), 0) FROM logbook_merges)
    || '|' || (SELECT count(*) FROM accounts)";

async fn fingerprint(store: &Store) -> Result<String> {
    sqlx::query_scalar(FINGERPRINT_SQL)
        .fetch_one(store.pool())
        .await
        .context("summarizing what the logbook is built from")
}

/// Rebuilds the logbook when the cache or the user's decisions changed since the last
/// build; otherwise does nothing (`rebuilt: false`).
pub async fn ensure_fresh(store: &Store, lookup: &Lookup) -> Result<RebuildStats> {
    let now = fingerprint(store).await?;
    let built: Option<String> = sqlx::query_scalar("SELECT value FROM logbook_state WHERE key = ?")
        .bind(FINGERPRINT)
        .fetch_optional(store.pool())
        .await
        .context("reading when the logbook was built")?;
    if built.as_deref() == Some(now.as_str()) {
        let entries: i64 = sqlx::query_scalar("SELECT count(*) FROM logbook_entries")
            .fetch_one(store.pool())
            .await
            .context("counting the logbook entries")?;
        return Ok(RebuildStats {
            records: 0,
            entries: entries as u64,
            people: 0,
            rebuilt: false,
            millis: 0,
        });
    }
    rebuild(store, lookup).await
}

/// Matches every cached flight log into entries and rewrites the materialized tables.
pub async fn rebuild(store: &Store, lookup: &Lookup) -> Result<RebuildStats> {
    let started = Instant::now();
    let stamp = fingerprint(store).await?;
    let records = sources::read(store, lookup).await?;
    let decisions = decisions(store).await?;
    let annotations = annotations(store).await?;
    let matched = matching::entries(&records, &decisions);
    let entries: Vec<Entry> = matched
        .iter()
        .map(|m| {
            let annotation = m.records.iter().find_map(|&i| {
                annotations.get(&(m.person.id.clone(), records[i].source().clone()))
            });
            columns::entry(&records, m, annotation)
        })
        .collect();
    write(store, &entries, &stamp).await?;
    let people: HashSet<&str> = entries.iter().map(|e| e.person.id.as_str()).collect();
    Ok(RebuildStats {
        records: records.len() as u64,
        entries: entries.len() as u64,
        people: people.len() as u64,
        rebuilt: true,
        millis: started.elapsed().as_millis() as u64,
    })
}

/// The text a page's filter matches, lower case.
fn search_text(e: &Entry) -> String {
    let mut parts: Vec<&str> = [
        e.registration.get(),
        e.make_model.get(),
        e.departure.get(),
        e.arrival.get(),
        e.route.get(),
        e.instructor_name.get(),
        e.remarks.get(),
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    parts.extend(e.crew.iter().map(|p| p.name.as_str()));
    parts.join(" ").to_lowercase()
}

/// Replaces the materialized logbook with `entries`, as a rebuild writes it. For
/// benchmarks and tests that need many entries without a cache behind them; the next
/// `ensure_fresh` rebuilds from the cache.
pub async fn materialize(store: &Store, entries: &[Entry]) -> Result<()> {
    write(store, entries, "materialized").await
}

async fn write(store: &Store, entries: &[Entry], stamp: &str) -> Result<()> {
    // The pool, not the store's own writer (private to the store crate): SQLite admits one
    // writer at a time, and a transaction that writes first waits out the busy timeout.
    let mut tx = store
        .pool()
        .begin()
        .await
        .context("starting the logbook rebuild")?;
    sqlx::query("DELETE FROM logbook_entries")
        .execute(&mut *tx)
        .await
        .context("clearing the logbook entries")?;
    sqlx::query("DELETE FROM logbook_entry_sources")
        .execute(&mut *tx)
        .await
        .context("clearing the logbook sources")?;
    sqlx::query("DELETE FROM logbook_facts")
        .execute(&mut *tx)
        .await
        .context("clearing the logbook figures")?;
    for e in entries {
        insert(&mut tx, e).await?;
    }
    sqlx::query("INSERT OR REPLACE INTO logbook_state (key, value) VALUES (?, ?)")
        .bind(FINGERPRINT)
        .bind(stamp)
        .execute(&mut *tx)
        .await
        .context("recording the logbook build")?;
    tx.commit().await.context("committing the logbook rebuild")
}

/// Writes one entry's row and its source rows (replacing an earlier version of it).
pub(crate) async fn insert(conn: &mut sqlx::SqliteConnection, e: &Entry) -> Result<()> {
    let json = serde_json::to_string(e).expect("an entry serializes");
    sqlx::query(
        "INSERT OR REPLACE INTO logbook_entries
            (id, person_id, date, block_off, registration, total_hours, search, entry)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&e.id)
    .bind(&e.person.id)
    .bind(e.date.to_string())
    .bind(e.block_off.get().map(flightdesk_core::instant::encode))
    .bind(e.registration.get().map(|r| r.to_uppercase()))
    .bind(e.total_hours.get())
    .bind(search_text(e))
    .bind(json)
    .execute(&mut *conn)
    .await
    .context("writing a logbook entry")?;
    sqlx::query(
        "INSERT OR REPLACE INTO logbook_facts (person_id, date, id, facts) VALUES (?, ?, ?, ?)",
    )
    .bind(&e.person.id)
    .bind(e.date.to_string())
    .bind(&e.id)
    .bind(Facts::of(e).line())
    .execute(&mut *conn)
    .await
    .context("writing a logbook entry's figures")?;
    for s in &e.sources {
        sqlx::query(
            "INSERT OR REPLACE INTO logbook_entry_sources
                (person_id, provider, account, source_id, entry_id) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&e.person.id)
        .bind(s.source.as_str())
        .bind(&s.account)
        .bind(&s.source_id)
        .bind(&e.id)
        .execute(&mut *conn)
        .await
        .context("writing a logbook entry's sources")?;
    }
    Ok(())
}

fn key(provider: String, account: String, source_id: String) -> Option<SourceKey> {
    Some(SourceKey {
        source: provider.parse().ok()?,
        account,
        source_id,
    })
}

/// The user's split and merge decisions.
pub(crate) async fn decisions(store: &Store) -> Result<Decisions> {
    let splits = sqlx::query("SELECT person_id, provider, account, source_id FROM logbook_splits")
        .fetch_all(store.pool())
        .await
        .context("reading the logbook splits")?;
    let merges = sqlx::query(
        "SELECT person_id, a_provider, a_account, a_source_id, b_provider, b_account, b_source_id
         FROM logbook_merges ORDER BY id",
    )
    .fetch_all(store.pool())
    .await
    .context("reading the logbook merges")?;
    Ok(Decisions {
        splits: splits
            .into_iter()
            .filter_map(|r| {
                let k = key(r.get("provider"), r.get("account"), r.get("source_id"))?;
                Some((r.get("person_id"), k))
            })
            .collect(),
        merges: merges
            .into_iter()
            .filter_map(|r| {
                let a = key(
                    r.get("a_provider"),
                    r.get("a_account"),
                    r.get("a_source_id"),
                )?;
                let b = key(
                    r.get("b_provider"),
                    r.get("b_account"),
                    r.get("b_source_id"),
                )?;
                Some((r.get("person_id"), a, b))
            })
            .collect(),
    })
}

/// The user's annotations by (person, anchor source).
pub(crate) async fn annotations(store: &Store) -> Result<HashMap<(String, SourceKey), Annotation>> {
    let rows = sqlx::query(
        "SELECT person_id, provider, account, source_id, fields FROM logbook_annotations",
    )
    .fetch_all(store.pool())
    .await
    .context("reading the logbook annotations")?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let k = key(r.get("provider"), r.get("account"), r.get("source_id"))?;
            let a: Annotation = serde_json::from_str(r.get::<&str, _>("fields")).ok()?;
            Some(((r.get("person_id"), k), a))
        })
        .collect())
}
