//! What the window keeps in memory between queries, until the cache changes: the resolved
//! entities (resolving reads every record that names one) and the calendar's rows (see
//! [`CalendarIndex`]). The sync's `records-changed` event or a link decision says when.
//!
//! A lookup carries the calendar's rows only while they are up to date; otherwise the
//! calendar answers from SQL and the index catches up in the background, so a change
//! never shows late and never makes a query wait for a reload.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex as SyncMutex};

use flightdesk_store::Store;
use tokio::sync::Mutex;

use crate::calendar::{CalendarIndex, Table};
use crate::error::Result;
use crate::lookup::Lookup;

/// A lazily loaded, shareable `Lookup`, and the calendar index beside it.
#[derive(Debug, Default)]
pub struct LookupCache {
    current: Mutex<Option<Arc<Lookup>>>,
    calendar: Arc<IndexCache>,
}

impl LookupCache {
    /// The lookup of the cache as it is now: the kept entities (or freshly resolved
    /// ones), with the calendar's rows in memory when they are up to date. When they are
    /// not, the calendar reads SQL and the index catches up in the background.
    pub async fn get(&self, store: &Store) -> Result<Arc<Lookup>> {
        let lookup = self.entities(store).await?;
        Ok(match self.calendar.fresh() {
            Some(index) => Arc::new(lookup.with_calendar(index)),
            None => {
                self.calendar.clone().refresh_in_background(store.clone());
                lookup
            }
        })
    }

    async fn entities(&self, store: &Store) -> Result<Arc<Lookup>> {
        let mut current = self.current.lock().await;
        if let Some(lookup) = current.as_ref() {
            return Ok(lookup.clone());
        }
        let lookup = Arc::new(Lookup::load(store).await?);
        *current = Some(lookup.clone());
        Ok(lookup)
    }

    /// Forgets everything kept; the next queries resolve and read again. For changes
    /// that no finer method describes (an account removed).
    pub async fn invalidate(&self) {
        self.invalidate_entities().await;
        self.calendar.mark(Stale::All);
    }

    /// Forgets the resolved entities only: a link or split decision, an account renamed.
    /// The calendar's rows name sources, not entities, so they stay.
    pub async fn invalidate_entities(&self) {
        *self.current.lock().await = None;
    }

    /// The sync wrote `kinds` (cache tables) of `account`: the entities are resolved
    /// again and those calendar rows read again.
    pub async fn records_changed(&self, account: &str, kinds: &[String]) {
        self.invalidate_entities().await;
        let mut tables: Vec<Table> = kinds.iter().filter_map(|k| Table::from_name(k)).collect();
        if kinds.is_empty() {
            // Not said which: any might have.
            tables = Table::ALL.to_vec();
        }
        for table in tables {
            self.calendar
                .mark(Stale::Segment(table, account.to_string()));
        }
    }

    /// Brings the calendar index up to date now (at start-up, in tests and benchmarks),
    /// and returns it.
    pub async fn calendar_index(&self, store: &Store) -> Result<Arc<CalendarIndex>> {
        self.calendar.refresh(store).await
    }
}

/// What is out of date in the index.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Stale {
    /// Everything (or nothing was read yet).
    All,
    /// One table of one account (by name, as `records-changed` names it).
    Segment(Table, String),
}

#[derive(Debug)]
struct IndexCache {
    state: SyncMutex<IndexState>,
    /// Held by the one refresh that runs at a time.
    refreshing: Mutex<()>,
}

impl Default for IndexCache {
    fn default() -> Self {
        Self {
            state: SyncMutex::new(IndexState {
                index: Arc::default(),
                stale: BTreeSet::from([Stale::All]),
                reading: false,
            }),
            refreshing: Mutex::new(()),
        }
    }
}

#[derive(Debug)]
struct IndexState {
    index: Arc<CalendarIndex>,
    /// Marked by changes, taken by a refresh when it starts reading: a change that comes
    /// while a refresh reads stays marked for the next one.
    stale: BTreeSet<Stale>,
    /// A refresh has taken marks and not yet put its index in: `index` is behind.
    reading: bool,
}

impl IndexCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, IndexState> {
        // The state is two plain values, consistent whatever panicked while holding it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn mark(&self, stale: Stale) {
        self.lock().stale.insert(stale);
    }

    /// The index, if nothing changed since it was read.
    fn fresh(&self) -> Option<Arc<CalendarIndex>> {
        let state = self.lock();
        (state.stale.is_empty() && !state.reading).then(|| state.index.clone())
    }

    /// Starts a refresh unless one runs (it takes whatever is marked when it loops).
    fn refresh_in_background(self: Arc<Self>, store: Store) {
        if self.refreshing.try_lock().is_err() {
            return;
        }
        tokio::spawn(async move {
            // A failed read leaves its part marked; the next query tries again.
            let _ = self.refresh(&store).await;
        });
    }

    /// Reads again whatever is marked, until nothing is.
    async fn refresh(&self, store: &Store) -> Result<Arc<CalendarIndex>> {
        let _one = self.refreshing.lock().await;
        loop {
            let (mut index, stale) = {
                let mut state = self.lock();
                if state.stale.is_empty() {
                    return Ok(state.index.clone());
                }
                state.reading = true;
                (
                    CalendarIndex::clone(&state.index),
                    std::mem::take(&mut state.stale),
                )
            };
            let read = Self::read(&mut index, store, &stale).await;
            let mut state = self.lock();
            state.reading = false;
            match read {
                Ok(()) => state.index = Arc::new(index),
                Err(e) => {
                    state.stale.extend(stale);
                    return Err(e);
                }
            }
        }
    }

    async fn read(index: &mut CalendarIndex, store: &Store, stale: &BTreeSet<Stale>) -> Result<()> {
        if stale.contains(&Stale::All) {
            *index = CalendarIndex::load(store).await?;
            return Ok(());
        }
        for part in stale {
            let Stale::Segment(table, account) = part else {
                continue;
            };
            index.reload_account(store, *table, account).await?;
        }
        index.drop_removed_accounts(store).await
    }
}
