//! The user's own changes: split a source out of an entry, merge two entries, annotate an
//! entry. Each is written to a local table no sync or rebuild writes, keyed by sources
//! (provider, account, id), so it holds through a full re-sync and every rebuild.

use chrono::Utc;
use flightdesk_core::instant;
use flightdesk_store::Store;
use flightdesk_views::lookup::Lookup;

use crate::build;
use crate::columns;
use crate::error::{LogbookError, QueryContext, Result};
use crate::materialize;
use crate::model::{Annotation, Entry, RebuildStats, SourceKey};
use crate::query::stored;

fn now() -> String {
    instant::encode(&Utc::now())
}

/// Makes `source` an entry of its own for the entry's person, then rebuilds.
pub async fn split(store: &Store, entry_id: &str, source: &SourceKey) -> Result<RebuildStats> {
    let e = stored(store, entry_id).await?;
    if !e.sources.contains(source) {
        return Err(LogbookError::NotASource {
            entry: entry_id.to_string(),
            source_key: source.to_string(),
        });
    }
    if e.sources.len() < 2 {
        return Err(LogbookError::NothingToSplit(entry_id.to_string()));
    }
    let mut tx = store.pool().begin().await.context("saving a split")?;
    sqlx::query(
        "INSERT OR REPLACE INTO logbook_splits (person_id, provider, account, source_id, made_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(&e.person.id)
    .bind(source.source.as_str())
    .bind(&source.account)
    .bind(&source.source_id)
    .bind(now())
    .execute(&mut *tx)
    .await
    .context("saving a split")?;
    // A later split undoes an earlier merge of the same source.
    sqlx::query(
        "DELETE FROM logbook_merges WHERE person_id = ?1
           AND ((a_provider = ?2 AND a_account = ?3 AND a_source_id = ?4)
             OR (b_provider = ?2 AND b_account = ?3 AND b_source_id = ?4))",
    )
    .bind(&e.person.id)
    .bind(source.source.as_str())
    .bind(&source.account)
    .bind(&source.source_id)
    .execute(&mut *tx)
    .await
    .context("saving a split")?;
    tx.commit().await.context("saving a split")?;
    rebuild_now(store).await
}

/// Makes entries `a` and `b` (of one person) one entry, then rebuilds.
pub async fn merge(store: &Store, a: &str, b: &str) -> Result<RebuildStats> {
    let (ea, eb) = (stored(store, a).await?, stored(store, b).await?);
    if ea.person.id != eb.person.id {
        return Err(LogbookError::DifferentPeople {
            a: a.to_string(),
            b: b.to_string(),
        });
    }
    let (sa, sb) = (&ea.sources[0], &eb.sources[0]);
    sqlx::query(
        "INSERT INTO logbook_merges (person_id, a_provider, a_account, a_source_id,
                                     b_provider, b_account, b_source_id, made_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&ea.person.id)
    .bind(sa.source.as_str())
    .bind(&sa.account)
    .bind(&sa.source_id)
    .bind(sb.source.as_str())
    .bind(&sb.account)
    .bind(&sb.source_id)
    .bind(now())
    .execute(store.pool())
    .await
    .context("saving a merge")?;
    rebuild_now(store).await
}

/// Rebuilds in the zone of the last build (the user's, as the caller's `ensure_fresh` gave
/// it).
async fn rebuild_now(store: &Store) -> Result<RebuildStats> {
    let lookup = Lookup::load(store).await?;
    let zone = crate::freshness::built_zone(store).await?;
    build::rebuild(store, &lookup, zone).await
}

/// Sets the entry's annotation (an empty one clears it) and returns the entry as shown.
/// The stored entry is updated in place: no rebuild is needed.
pub async fn annotate(store: &Store, entry_id: &str, annotation: Annotation) -> Result<Entry> {
    let mut e = stored(store, entry_id).await?;
    let mut tx = store.pool().begin().await.context("saving an annotation")?;
    // One annotation per entry: drop any held by another of its sources.
    for s in &e.sources {
        sqlx::query(
            "DELETE FROM logbook_annotations
             WHERE person_id = ? AND provider = ? AND account = ? AND source_id = ?",
        )
        .bind(&e.person.id)
        .bind(s.source.as_str())
        .bind(&s.account)
        .bind(&s.source_id)
        .execute(&mut *tx)
        .await
        .context("saving an annotation")?;
    }
    columns::strip(&mut e);
    if !annotation.is_empty() {
        let anchor = e.sources.iter().min().expect("an entry has sources");
        sqlx::query(
            "INSERT INTO logbook_annotations
                (person_id, provider, account, source_id, fields, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&e.person.id)
        .bind(anchor.source.as_str())
        .bind(&anchor.account)
        .bind(&anchor.source_id)
        .bind(serde_json::to_string(&annotation).expect("an annotation serializes"))
        .bind(now())
        .execute(&mut *tx)
        .await
        .context("saving an annotation")?;
        columns::apply(&mut e, &annotation);
    }
    materialize::replace_one(&mut tx, &e).await?;
    tx.commit().await.context("saving an annotation")?;
    Ok(e)
}
