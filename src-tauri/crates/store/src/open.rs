use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use flightdesk_secrets::Secret;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, MutexGuard};

use crate::checkpoint::{Checkpointer, WRITER_AUTOCHECKPOINT_PAGES};
use crate::error::{QueryContext, Result, StoreError};

/// The database file inside a data directory.
pub const DB_FILE_NAME: &str = "flightdesk.db";

/// How SQLCipher lays out a database's pages. It cannot read the layout from the
/// (encrypted) header, so an existing file is opened with each layout this or an earlier
/// build created, newest first.
#[derive(Debug, Clone, Copy)]
struct Layout {
    page_size: u32,
    hmac: &'static str,
}

/// The layout of databases this build creates, then those of earlier builds.
///
/// - 16 KB pages: record tables are WITHOUT ROWID b-trees, which keep at most about a
///   quarter of a page of a row in the leaf; on SQLCipher's default 4 KB pages a row of
///   raw JSON plus its normalized columns (often over 1 KB) spilled into an overflow page
///   of its own, so every record cost a page write (and its encryption) twice.
/// - HMAC-SHA256 authenticates each page instead of SQLCipher 4's default HMAC-SHA512:
///   an equally sound MAC for a page, and on processors with SHA instructions (most of
///   the last decade's) twice as fast, which every page written or read pays.
const LAYOUTS: [Layout; 3] = [
    Layout {
        page_size: 16_384,
        hmac: "HMAC_SHA256",
    },
    Layout {
        page_size: 16_384,
        hmac: "HMAC_SHA512",
    },
    // SQLCipher 4's defaults, used by the first databases.
    Layout {
        page_size: 4_096,
        hmac: "HMAC_SHA512",
    },
];

/// The writer's page cache, in KiB (SQLite's negative `cache_size`).
const WRITER_CACHE_KB: &str = "-8000";

/// How long a connection waits for another writer (the app or the CLI) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// An open, migrated, decrypted database.
///
/// Reads go through a small pool; every write of this process goes through one
/// connection of its own ([`Store::writer`]). SQLite admits one writer at a time anyway,
/// and in WAL mode a connection drops its whole page cache when another connection has
/// written since its last transaction: writes spread over the pool's connections (which
/// it hands out in turn) each began cold, re-reading and re-decrypting the pages they
/// were about to change. The one writer keeps its cache warm from page to page.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    writer: Arc<Mutex<SqliteConnection>>,
    checkpointer: Arc<Checkpointer>,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, unlocks it with `key` and brings
    /// its schema up to date.
    pub async fn open(path: &Path, key: &Secret) -> Result<Self> {
        crate::crypto_exit::keep_libcrypto_until_exit();
        let is_new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        let mut opened = Self::open_with_layout(path, key, LAYOUTS[0]).await;
        if !is_new {
            for layout in &LAYOUTS[1..] {
                match opened {
                    Err(StoreError::CannotDecrypt { .. }) => {
                        opened = Self::open_with_layout(path, key, *layout).await;
                    }
                    _ => break,
                }
            }
        }
        opened
    }

    async fn open_with_layout(path: &Path, key: &Secret, layout: Layout) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(|source| StoreError::Open {
                path: path.to_path_buf(),
                source,
            })?
            .filename(path)
            // sqlx sends `key` (then the cipher settings) before any other pragma, as
            // SQLCipher requires.
            .pragma("key", format!("\"x'{}'\"", key.expose()))
            .pragma("cipher_page_size", layout.page_size.to_string())
            .pragma("cipher_hmac_algorithm", layout.hmac)
            .create_if_missing(true)
            // WAL: the app's readers and the sync writer (this process or the CLI) do not
            // block each other, and a commit appends to the log instead of rewriting pages
            // in place. synchronous=NORMAL: with WAL a commit is not fsynced, only
            // checkpoints are; a power cut can lose the last commits but never corrupts
            // the file. That suits a local cache of provider data: every page is committed
            // with its sync position, so a lost tail is simply fetched again next sync.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // sqlx logs every statement at DEBUG and slow ones at WARN, and the first
            // statement of every connection (a pooled one is recycled every half hour) is
            // the `key` pragma: its log summary is the key itself. Nothing a statement
            // log could tell is worth that, so these connections log no statements.
            .disable_statement_logging();
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A connection of this process cannot go stale the way a network one can;
            // a ping before every acquire only costs each page write a round trip.
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(|source| classify_open_error(path, source))?;
        migrate(&pool, path).await?;
        // A bigger page cache than SQLite's 2 MB default for the writer: page writes of a
        // few hundred records otherwise re-read (and re-decrypt) index pages for every
        // row. The readers keep the default: a cache fills as the database grows, and
        // four of 8 MB made the process's memory grow with the data.
        let writer = options
            .pragma("cache_size", WRITER_CACHE_KB)
            .pragma("wal_autocheckpoint", WRITER_AUTOCHECKPOINT_PAGES)
            .connect()
            .await
            .map_err(|source| classify_open_error(path, source))?;
        Ok(Self {
            checkpointer: Checkpointer::new(pool.clone()),
            pool,
            writer: Arc::new(Mutex::new(writer)),
            path: path.to_path_buf(),
        })
    }

    /// The newest schema version this build knows.
    pub fn supported_schema_version() -> i64 {
        MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The schema version the database is at.
    pub async fn schema_version(&self) -> Result<i64> {
        let version: Option<i64> =
            sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
                .fetch_one(&self.pool)
                .await
                .context("reading the schema version")?;
        Ok(version.unwrap_or(0))
    }

    /// The connection pool for reads, for repositories in this crate and for tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The connection every write of this process goes through, held until the guard
    /// drops. Never wait for it while holding it (a repository method that writes takes
    /// it itself).
    pub(crate) async fn writer(&self) -> MutexGuard<'_, SqliteConnection> {
        use sqlx::TransactionManager;
        let mut writer = self.writer.lock().await;
        // A write whose future was dropped (a cancelled sync) between sending BEGIN and
        // getting its answer leaves the connection inside a transaction that no
        // `Transaction` owns, and every later BEGIN fails. Holding the lock means no
        // transaction of ours is alive, so any open one is such an orphan: roll it back.
        if sqlx::sqlite::SqliteTransactionManager::get_transaction_depth(&writer) > 0 {
            if let Err(e) = sqlx::sqlite::SqliteTransactionManager::rollback(&mut writer).await {
                tracing::warn!(error = %e, "rolling back a transaction left by a cancelled write");
            }
        }
        writer
    }

    /// Tells the background checkpoints that a page write was committed.
    pub(crate) fn page_written(&self) {
        self.checkpointer.page_written();
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the write-ahead log into the main file and closes the reading connections;
    /// the writer closes when the last clone of the store is dropped.
    pub async fn close(self) {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut *self.writer().await)
            .await;
        self.pool.close().await;
    }
}

async fn migrate(pool: &SqlitePool, path: &Path) -> Result<()> {
    match MIGRATOR.run(pool).await {
        Ok(()) => Ok(()),
        Err(MigrateError::VersionMissing(found)) => Err(StoreError::NewerSchema {
            found,
            supported: Store::supported_schema_version(),
        }),
        Err(MigrateError::Execute(source)) if is_not_a_database(&source) => {
            Err(StoreError::CannotDecrypt {
                path: path.to_path_buf(),
            })
        }
        Err(e) => Err(StoreError::Migrate(e)),
    }
}

/// SQLCipher reports a wrong key as "file is not a database" on first read.
fn is_not_a_database(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.message().contains("file is not a database"))
}

fn classify_open_error(path: &Path, source: sqlx::Error) -> StoreError {
    if is_not_a_database(&source) {
        StoreError::CannotDecrypt {
            path: path.to_path_buf(),
        }
    } else {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}
