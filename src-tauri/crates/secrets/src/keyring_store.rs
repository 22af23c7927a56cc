use keyring::Entry;

use crate::{Result, Secret, SecretError, SecretStore};

/// The keyring service name every FlightDesk entry is filed under.
pub const SERVICE: &str = "flightdesk";

/// The OS keyring, with entries named `<workspace id>/<key>` under service `flightdesk`.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    namespace: String,
}

impl KeyringStore {
    /// A store for one workspace. `namespace` is the workspace id kept in the data directory.
    pub fn new(namespace: impl Into<String>) -> Self {
        Self {
            namespace: namespace.into(),
        }
    }

    fn entry(&self, key: &str) -> Result<Entry> {
        let user = format!("{}/{key}", self.namespace);
        Entry::new(SERVICE, &user).map_err(|e| map_error(key, e))
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, key: &str) -> Result<Option<Secret>> {
        match self.entry(key)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(key, e)),
        }
    }

    fn set(&self, key: &str, value: &Secret) -> Result<()> {
        self.entry(key)?
            .set_password(value.expose())
            .map_err(|e| map_error(key, e))?;
        tracing::debug!(key, "secret stored in the OS keyring");
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<()> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(key, e)),
        }
    }
}

/// Turns keyring errors into ours. The keyring's messages never contain the secret itself.
fn map_error(key: &str, error: keyring::Error) -> SecretError {
    match error {
        keyring::Error::NoStorageAccess(inner) => SecretError::Unavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => SecretError::Unavailable(inner.to_string()),
        keyring::Error::BadEncoding(_) => SecretError::Corrupt(key.to_string()),
        other => SecretError::Denied {
            key: key.to_string(),
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uses the real keyring: the test command runs inside a Secret Service session
    /// (`tests/keyring-session.sh`); on a desktop it uses, and cleans up, a test namespace.
    #[test]
    fn round_trips_through_the_real_keyring() {
        let a = KeyringStore::new(format!("test-{}", std::process::id()));
        let b = KeyringStore::new(format!("test-other-{}", std::process::id()));
        a.set("token", &Secret::new("aa_test_value")).unwrap();
        assert_eq!(a.get("token").unwrap().unwrap().expose(), "aa_test_value");
        assert!(
            b.get("token").unwrap().is_none(),
            "namespaces must not share entries"
        );
        a.delete("token").unwrap();
        assert!(a.get("token").unwrap().is_none());
    }
}
