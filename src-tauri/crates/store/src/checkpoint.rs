//! Copies the write-ahead log into the database file in the background.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its threshold: that
//! page write then also copies some thousand pages into the database file and waits for
//! two fsyncs, a fifth of the ingest benchmark's time on disk. Here a page write
//! only counts itself; every [`PAGES_PER_CHECKPOINT`] of them a passive checkpoint runs on
//! a reading connection while the writer goes on (WAL lets a checkpoint and a writer run
//! at once). The writer keeps a far higher automatic threshold as a safety net, so the
//! log stays bounded if the background checkpoints fall behind.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

use sqlx::SqlitePool;

/// Page writes between two background checkpoints: with pages of a few hundred records,
/// some megabytes of log each time.
const PAGES_PER_CHECKPOINT: u32 = 32;

/// The writer's own automatic checkpoint threshold, in database pages (SQLite's
/// `wal_autocheckpoint`): 128 MB of log at 16 KB pages. A long sync reaches it: the log
/// starts over only once a checkpoint has copied all of it, which one running beside a
/// busy writer rarely does. The background checkpoints have then copied most of it, so
/// the writer's own copies only the rest. The log file keeps its size for reuse: cutting
/// it back to 16 MB (`journal_size_limit`) made the next writes extend the file again and
/// measured no faster.
pub(crate) const WRITER_AUTOCHECKPOINT_PAGES: &str = "8000";

#[derive(Debug)]
pub(crate) struct Checkpointer {
    pool: SqlitePool,
    since_last: AtomicU32,
    running: AtomicBool,
}

impl Checkpointer {
    pub(crate) fn new(pool: SqlitePool) -> Arc<Self> {
        Arc::new(Self {
            pool,
            since_last: AtomicU32::new(0),
            running: AtomicBool::new(false),
        })
    }

    /// Counts a committed page write, and starts a checkpoint when enough have come since
    /// the last one (unless one still runs).
    pub(crate) fn page_written(self: &Arc<Self>) {
        if self.since_last.fetch_add(1, Ordering::AcqRel) + 1 < PAGES_PER_CHECKPOINT {
            return;
        }
        if self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        self.since_last.store(0, Ordering::Release);
        let this = Arc::clone(self);
        tokio::spawn(async move {
            // A failure (a closed pool at shutdown, a busy database) leaves the log to
            // the next checkpoint, or to the writer's own.
            if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&this.pool)
                .await
            {
                tracing::debug!(%error, "background checkpoint did not run");
            }
            this.running.store(false, Ordering::Release);
        });
    }
}
