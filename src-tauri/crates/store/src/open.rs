use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use flightdesk_secrets::Secret;
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::error::{QueryContext, Result, StoreError};

/// The database file inside a data directory.
pub const DB_FILE_NAME: &str = "flightdesk.db";

/// The page size of databases this build creates. Record tables are WITHOUT ROWID
/// b-trees, which keep at most about a quarter of a page of a row in the leaf; on
/// SQLCipher's default 4 KB pages a row of raw JSON plus its normalized columns (often
/// over 1 KB) spilled into an overflow page of its own, so every record cost a page
/// write (and its encryption) twice, to the log and at checkpoint. 16 KB pages keep rows
/// up to about 4 KB in the leaf.
const PAGE_SIZE: u32 = 16_384;

/// SQLCipher 4's default page size, used by databases created before [`PAGE_SIZE`].
const LEGACY_PAGE_SIZE: u32 = 4_096;

/// How long a connection waits for another writer (the app or the CLI) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// An open, migrated, decrypted database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, unlocks it with `key` and brings
    /// its schema up to date.
    pub async fn open(path: &Path, key: &Secret) -> Result<Self> {
        crate::crypto_exit::keep_libcrypto_until_exit();
        // SQLCipher cannot read the page size from the (encrypted) header, so an existing
        // file is tried with this build's size first and then with SQLCipher's default,
        // which databases created before it use.
        let is_new = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
        let opened = Self::open_with_page_size(path, key, PAGE_SIZE).await;
        match opened {
            Err(StoreError::CannotDecrypt { .. }) if !is_new => {
                Self::open_with_page_size(path, key, LEGACY_PAGE_SIZE).await
            }
            other => other,
        }
    }

    async fn open_with_page_size(path: &Path, key: &Secret, page_size: u32) -> Result<Self> {
        let options = SqliteConnectOptions::from_str("sqlite://")
            .map_err(|source| StoreError::Open {
                path: path.to_path_buf(),
                source,
            })?
            .filename(path)
            // sqlx sends `key` (then the cipher settings) before any other pragma, as
            // SQLCipher requires.
            .pragma("key", format!("\"x'{}'\"", key.expose()))
            .pragma("cipher_page_size", page_size.to_string())
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
            // A bigger page cache than the 2 MB default: page writes of a few hundred
            // records otherwise re-read (and re-decrypt) index pages for every row. It is
            // per connection and fills as the cache grows, so it is kept at 8 MB: with
            // the pool's 4 connections, 32 MB of the process at most.
            .pragma("cache_size", "-8000")
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A connection of this process cannot go stale the way a network one can;
            // a ping before every acquire only costs each page write a round trip.
            .test_before_acquire(false)
            .connect_with(options)
            .await
            .map_err(|source| classify_open_error(path, source))?;
        let store = Self {
            pool,
            path: path.to_path_buf(),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        match MIGRATOR.run(&self.pool).await {
            Ok(()) => Ok(()),
            Err(MigrateError::VersionMissing(found)) => Err(StoreError::NewerSchema {
                found,
                supported: Self::supported_schema_version(),
            }),
            Err(MigrateError::Execute(source)) if is_not_a_database(&source) => {
                Err(StoreError::CannotDecrypt {
                    path: self.path.clone(),
                })
            }
            Err(e) => Err(StoreError::Migrate(e)),
        }
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

    /// The connection pool, for repositories in this crate and for tests.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the write-ahead log into the main file and closes every connection.
    pub async fn close(self) {
        let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await;
        self.pool.close().await;
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
