//! Every live calendar row of the cache in memory, so a week is a binary search and a
//! copy instead of a range read. Reading rows is what a calendar query costs: a record
//! keeps the provider's raw JSON inline, so SQLite decrypts and walks it for each row.
//!
//! The index is split by table and account, the unit the sync reports changes in
//! (`records-changed` names an account and the tables it wrote): a change re-reads that
//! segment only. [`crate::cache::LookupCache`] decides when; it answers from SQL while a
//! segment is stale, so an answer never differs from the database's.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use flightdesk_store::Store;

use super::slim::{RowRef, SlimRows, Table};
use crate::error::{QueryContext, Result};

/// Rows read per query while loading a segment: bounded memory, and a reader that
/// gives the pool back between pages.
const PAGE: i64 = 5_000;

/// One table's live rows of one account, sorted by start.
#[derive(Debug)]
struct Segment {
    rows: SlimRows,
    /// The longest row, in milliseconds: a row that overlaps `[from, to)` starts no
    /// earlier than `from` less this, which bounds the binary search.
    longest: i64,
}

impl Segment {
    async fn load(store: &Store, table: Table, account_id: i64) -> Result<Self> {
        let sql = format!(
            "SELECT {} FROM {} WHERE account_id = ?1 AND removed = 0 AND source_id > ?2
             ORDER BY source_id LIMIT ?3",
            table.columns(),
            table.name()
        );
        let mut rows = SlimRows::default();
        let mut after = String::new();
        loop {
            let page = sqlx::query(&sql)
                .bind(account_id)
                .bind(&after)
                .bind(PAGE)
                .fetch_all(store.pool())
                .await
                .context("reading the calendar rows into memory")?;
            for row in &page {
                rows.push(table, row);
            }
            match page.last() {
                Some(last) if page.len() as i64 == PAGE => {
                    after = sqlx::Row::get(last, "source_id");
                }
                _ => break,
            }
        }
        rows.sort_by_start();
        rows.shrink();
        let longest = rows
            .rows
            .iter()
            .map(|r| r.ends_at - r.starts_at)
            .max()
            .unwrap_or(0)
            .max(0);
        Ok(Self { rows, longest })
    }

    /// The rows that overlap `[from, to)` (milliseconds): start before `to`, end after
    /// `from`, as the SQL path asks.
    fn overlapping(&self, from: i64, to: i64) -> impl Iterator<Item = RowRef<'_>> {
        let first = self
            .rows
            .rows
            .partition_point(|r| r.starts_at < from.saturating_sub(self.longest));
        self.rows.rows[first..]
            .iter()
            .take_while(move |r| r.starts_at < to)
            .filter(move |r| r.ends_at > from)
            .map(|row| RowRef {
                rows: &self.rows,
                row,
            })
    }
}

/// The in-memory calendar rows of every account. Cheap to clone: segments are shared,
/// so patching one copies only the map.
#[derive(Debug, Clone, Default)]
pub struct CalendarIndex {
    segments: BTreeMap<(Table, i64), Arc<Segment>>,
}

impl CalendarIndex {
    /// Reads every account's calendar rows.
    pub async fn load(store: &Store) -> Result<Self> {
        let mut index = Self::default();
        for account_id in account_ids(store).await? {
            for table in Table::ALL {
                index.reload(store, table, account_id).await?;
            }
        }
        Ok(index)
    }

    async fn reload(&mut self, store: &Store, table: Table, account_id: i64) -> Result<()> {
        let segment = Segment::load(store, table, account_id).await?;
        self.segments.insert((table, account_id), Arc::new(segment));
        Ok(())
    }

    /// Reads one table of the account named `account` again (after the sync wrote it);
    /// an account that is gone has nothing to read.
    pub(crate) async fn reload_account(
        &mut self,
        store: &Store,
        table: Table,
        account: &str,
    ) -> Result<()> {
        match account_id(store, account).await? {
            Some(id) => self.reload(store, table, id).await,
            None => Ok(()),
        }
    }

    /// Forgets the segments of accounts that are gone.
    pub(crate) async fn drop_removed_accounts(&mut self, store: &Store) -> Result<()> {
        let ids = account_ids(store).await?;
        self.segments.retain(|(_, id), _| ids.contains(id));
        Ok(())
    }

    /// Every row that overlaps `[from, to)`.
    pub(crate) fn overlapping(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<RowRef<'_>> {
        let (from, to) = (from.timestamp_millis(), to.timestamp_millis());
        self.segments
            .values()
            .flat_map(|s| s.overlapping(from, to))
            .collect()
    }

    /// How many rows it holds.
    pub fn len(&self) -> usize {
        self.segments.values().map(|s| s.rows.rows.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The store id of an account by its name, if it still exists.
async fn account_id(store: &Store, name: &str) -> Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM accounts WHERE name = ?1")
        .bind(name)
        .fetch_optional(store.pool())
        .await
        .context("finding an account of the calendar")
}

async fn account_ids(store: &Store) -> Result<Vec<i64>> {
    sqlx::query_scalar("SELECT id FROM accounts ORDER BY id")
        .fetch_all(store.pool())
        .await
        .context("listing the accounts of the calendar")
}
