use std::collections::HashMap;
use std::sync::Mutex;

use crate::{Result, Secret, SecretStore};

/// An in-process store for unit tests. Never used by the app or the CLI.
#[derive(Debug, Default)]
pub struct MemoryStore {
    entries: Mutex<HashMap<String, Secret>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<Secret>> {
        Ok(self
            .entries
            .lock()
            .expect("memory store poisoned")
            .get(key)
            .cloned())
    }

    fn set(&self, key: &str, value: &Secret) -> Result<()> {
        self.entries
            .lock()
            .expect("memory store poisoned")
            .insert(key.to_string(), value.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<()> {
        self.entries
            .lock()
            .expect("memory store poisoned")
            .remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_replace_delete() {
        let store = MemoryStore::new();
        assert!(store.get("k").unwrap().is_none());
        store.set("k", &Secret::new("one")).unwrap();
        store.set("k", &Secret::new("two")).unwrap();
        assert_eq!(store.get("k").unwrap().unwrap().expose(), "two");
        store.delete("k").unwrap();
        store.delete("k").unwrap();
        assert!(store.get("k").unwrap().is_none());
    }
}
