//! Materializing the logbook: every entry matched from the cache, written in one
//! transaction, so a page is an index range scan instead of a match per view.
//!
//! The materialized tables are a cache of the cache: a rebuild deletes and rewrites them.
//! The user's tables (splits, merges, annotations) are only read here.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono_tz::Tz;
use flightdesk_store::Store;
use flightdesk_views::lookup::Lookup;
use sqlx::Row;

use crate::columns;
use crate::demo;
use crate::error::{QueryContext, Result};
use crate::matching::{self, Decisions};
use crate::model::{Annotation, Entry, RebuildStats, SourceKey};
use crate::sources::{self, Record};
use crate::{facts, freshness, materialize};

/// Rebuilds the logbook when the cache or the user's decisions changed since the last
/// build (or the derivations did, see [`freshness`]); otherwise does nothing
/// (`rebuilt: false`) after reading two one-row tables.
///
/// `zone` is the user's time zone: an entry's date is the local date at its departure
/// airport, or in `zone` where that airport is unknown ([`crate::places::local_date`]); a
/// build in another zone than the last one rebuilds.
pub async fn ensure_fresh(store: &Store, lookup: &Lookup, zone: Tz) -> Result<RebuildStats> {
    let now = freshness::current_stamp(store, zone).await?;
    if freshness::built_stamp(store).await?.as_deref() == Some(now.as_str()) {
        let (entries, people): (i64, i64) =
            sqlx::query_as("SELECT coalesce(sum(entries), 0), count(*) FROM logbook_people")
                .fetch_one(store.pool())
                .await
                .context("counting the logbook entries")?;
        return Ok(RebuildStats {
            records: 0,
            entries: entries as u64,
            people: people as u64,
            rebuilt: false,
            millis: 0,
        });
    }
    rebuild(store, lookup, zone).await
}

/// Matches every cached flight log into entries and rewrites the materialized tables;
/// `zone` as for [`ensure_fresh`].
pub async fn rebuild(store: &Store, lookup: &Lookup, zone: Tz) -> Result<RebuildStats> {
    let started = Instant::now();
    // Read before the cache: a change made while this build runs moves the generation
    // past the stamp, so the next `ensure_fresh` builds again.
    let stamp = freshness::current_stamp(store, zone).await?;
    let mut records = sources::read(store, lookup).await?;
    for r in &mut records {
        r.set_local_offset(zone);
    }
    let decisions = decisions(store).await?;
    let annotations = annotations(store).await?;
    // Demo records are matched apart, and count only for people with no real entry.
    let read = records.len();
    let (demo, real): (Vec<Record>, Vec<Record>) = records.into_iter().partition(|r| r.demo);
    let build = |records: &[Record]| -> Vec<Entry> {
        matching::entries(records, &decisions)
            .iter()
            .map(|m| {
                let annotation = m.records.iter().find_map(|&i| {
                    annotations.get(&(m.person.id.clone(), records[i].source().clone()))
                });
                columns::entry(records, m, annotation, zone)
            })
            .collect()
    };
    let entries = demo::without_demo_of_real_people(build(&real), build(&demo));
    write(store, &entries, &stamp).await?;
    let people: HashSet<&str> = entries.iter().map(|e| e.person.id.as_str()).collect();
    Ok(RebuildStats {
        records: read as u64,
        entries: entries.len() as u64,
        people: people.len() as u64,
        rebuilt: true,
        millis: started.elapsed().as_millis() as u64,
    })
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
    materialize::replace_all(&mut tx, entries).await?;
    freshness::record_stamp(&mut tx, stamp).await?;
    tx.commit()
        .await
        .context("committing the logbook rebuild")?;
    warm(store, entries).await
}

/// A logbook from which this process computes the figures and page index at build time.
const WARM_FROM_ENTRIES: usize = 5_000;

/// Computes, at build time, the figures (facts and the currency engine's flights) and the
/// page index of the people with the largest logbooks (at least [`WARM_FROM_ENTRIES`]
/// entries, as many as the caches keep), so the first totals, currency and filtered page
/// after a build find them in memory: reading and parsing 100,000 entries' figures took
/// 338 ms. Smaller logbooks read theirs in a few milliseconds and are left to their first
/// call.
async fn warm(store: &Store, entries: &[Entry]) -> Result<()> {
    let mut by: HashMap<&str, Vec<&Entry>> = HashMap::new();
    for e in entries {
        by.entry(e.person.id.as_str()).or_default().push(e);
    }
    let mut big: Vec<(&str, Vec<&Entry>)> = by
        .into_iter()
        .filter(|(_, es)| es.len() >= WARM_FROM_ENTRIES)
        .collect();
    big.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    big.truncate(facts::CACHED_PEOPLE);
    if big.is_empty() {
        return Ok(());
    }
    let revision = freshness::revision(store).await?;
    for (person, mut mine) in big {
        facts::warm(store, person, &revision, &mut mine);
        crate::index::pages(store, person).await?;
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
