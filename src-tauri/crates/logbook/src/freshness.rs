//! Whether the materialized logbook is current, cheaply.
//!
//! Migration 0013's triggers bump one counter (`logbook_generation`) in the transaction of
//! every write to what the logbook is built from; a build records the counter it read
//! before reading the cache. `ensure_fresh` runs before every logbook command, so it reads
//! two one-row tables instead of summarizing every flight log.
//!
//! A second mark, the `revision` in `logbook_state`, is a fresh random token whenever the
//! materialized entries themselves change (a build, an annotation): in-process caches of a
//! person's figures ([`crate::facts`]) are keyed by it. Random rather than counted, so a
//! database recreated at the same path never repeats one.

use chrono_tz::Tz;
use flightdesk_store::Store;
use sqlx::SqliteConnection;

use crate::error::{QueryContext, Result};

/// The version of what a build derives. Bump it when a rule changes what entries hold, so
/// logbooks built by an older FlightDesk are rebuilt once.
const DERIVATIONS: u32 = 5;

/// The `logbook_state` key of the last build's stamp.
const STAMP: &str = "fingerprint";
/// The `logbook_state` key of the materialized entries' revision.
const REVISION: &str = "revision";

/// The stamp a build made now records: the derivations' version, the input generation and
/// the fallback time zone of the logbook dates (a change of the user's zone rebuilds).
pub(crate) async fn current_stamp(store: &Store, zone: Tz) -> Result<String> {
    let generation: i64 = sqlx::query_scalar("SELECT n FROM logbook_generation WHERE id = 1")
        .fetch_one(store.pool())
        .await
        .context("reading the logbook's input generation")?;
    Ok(format!("v{DERIVATIONS}:{generation}:{}", zone.name()))
}

/// The fallback zone the last build used (UTC before the first build): what a rebuild
/// after a split or merge keeps.
pub(crate) async fn built_zone(store: &Store) -> Result<Tz> {
    Ok(zone_of_stamp(built_stamp(store).await?.as_deref()))
}

fn zone_of_stamp(stamp: Option<&str>) -> Tz {
    stamp
        .and_then(|s| s.rsplit_once(':'))
        .and_then(|(_, zone)| zone.parse().ok())
        .unwrap_or(Tz::UTC)
}

/// The stamp of the last build, if any.
pub(crate) async fn built_stamp(store: &Store) -> Result<Option<String>> {
    sqlx::query_scalar("SELECT value FROM logbook_state WHERE key = ?")
        .bind(STAMP)
        .fetch_optional(store.pool())
        .await
        .context("reading when the logbook was built")
}

/// Records `stamp` as the build's, in the build's transaction.
pub(crate) async fn record_stamp(conn: &mut SqliteConnection, stamp: &str) -> Result<()> {
    sqlx::query("INSERT OR REPLACE INTO logbook_state (key, value) VALUES (?, ?)")
        .bind(STAMP)
        .bind(stamp)
        .execute(&mut *conn)
        .await
        .context("recording the logbook build")?;
    Ok(())
}

/// Gives the entries a new revision, in the transaction that changes them.
pub(crate) async fn new_revision(conn: &mut SqliteConnection) -> Result<()> {
    sqlx::query("INSERT OR REPLACE INTO logbook_state (key, value) VALUES (?, hex(randomblob(8)))")
        .bind(REVISION)
        .execute(&mut *conn)
        .await
        .context("recording a logbook change")?;
    Ok(())
}

/// The materialized entries' revision (empty before the first build).
pub(crate) async fn revision(store: &Store) -> Result<String> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM logbook_state WHERE key = ?")
        .bind(REVISION)
        .fetch_optional(store.pool())
        .await
        .context("reading the logbook's revision")?;
    Ok(value.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stamp_keeps_the_zone_a_build_used() {
        let stamp = format!("v{DERIVATIONS}:12:America/New_York");
        assert_eq!(zone_of_stamp(Some(&stamp)), Tz::America__New_York);
        // Stamps of builds before zones (`v3:12`) and no build at all: UTC.
        assert_eq!(zone_of_stamp(Some("v3:12")), Tz::UTC);
        assert_eq!(zone_of_stamp(None), Tz::UTC);
    }
}
