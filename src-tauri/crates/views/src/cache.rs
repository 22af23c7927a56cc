//! The window's resolved entities, kept until the cache changes. Resolving reads every
//! record that names an entity, so it runs once per change (the sync's `records-changed`
//! event or a link decision invalidates it) instead of once per view query.

use std::sync::Arc;

use flightdesk_store::Store;
use tokio::sync::Mutex;

use crate::error::Result;
use crate::lookup::Lookup;

/// A lazily loaded, shareable `Lookup`.
#[derive(Debug, Default)]
pub struct LookupCache {
    current: Mutex<Option<Arc<Lookup>>>,
}

impl LookupCache {
    /// The lookup of the cache as it is now: the kept one, or a fresh one.
    pub async fn get(&self, store: &Store) -> Result<Arc<Lookup>> {
        let mut current = self.current.lock().await;
        if let Some(lookup) = current.as_ref() {
            return Ok(lookup.clone());
        }
        let lookup = Arc::new(Lookup::load(store).await?);
        *current = Some(lookup.clone());
        Ok(lookup)
    }

    /// Forgets the kept lookup; the next `get` resolves again.
    pub async fn invalidate(&self) {
        *self.current.lock().await = None;
    }
}
