use std::sync::Arc;

use crate::{Result, Secret, SecretError, SecretStore};

/// An async face on a [`SecretStore`]: each call runs on tokio's blocking pool.
///
/// Keyring backends are blocking: Secret Service is a D-Bus round trip, and a locked
/// keyring holds the call until the user answers its unlock prompt. Made on an async
/// worker, such a call stalls every task scheduled there (on a two-core laptop, every IPC
/// handler of the app). Async code reaches secrets only through this type.
#[derive(Clone)]
pub struct AsyncSecretStore {
    store: Arc<dyn SecretStore>,
}

impl AsyncSecretStore {
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self { store }
    }

    /// The store itself, for code that is not async (and may block).
    pub fn blocking(&self) -> &dyn SecretStore {
        self.store.as_ref()
    }

    /// Reads a secret; `Ok(None)` when nothing is stored under `key`.
    pub async fn get(&self, key: &str) -> Result<Option<Secret>> {
        let key = key.to_string();
        self.off_thread(move |store| store.get(&key)).await
    }

    /// Stores or replaces a secret.
    pub async fn set(&self, key: &str, value: &Secret) -> Result<()> {
        let (key, value) = (key.to_string(), value.clone());
        self.off_thread(move |store| store.set(&key, &value)).await
    }

    /// Removes a secret; removing a missing one is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        let key = key.to_string();
        self.off_thread(move |store| store.delete(&key)).await
    }

    async fn off_thread<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || call(store.as_ref()))
            .await
            .map_err(|e| SecretError::Interrupted(e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStore;

    #[tokio::test]
    async fn calls_reach_the_store_behind_it() {
        let store = AsyncSecretStore::new(Arc::new(MemoryStore::new()));
        assert!(store.get("k").await.unwrap().is_none());
        store.set("k", &Secret::new("v")).await.unwrap();
        assert_eq!(store.get("k").await.unwrap().unwrap().expose(), "v");
        assert_eq!(store.blocking().get("k").unwrap().unwrap().expose(), "v");
        store.delete("k").await.unwrap();
        assert!(store.get("k").await.unwrap().is_none());
    }
}
