//! Secrets (provider tokens, passwords, the database key) live only in the OS keyring.
//!
//! [`SecretStore`] is the small seam: [`KeyringStore`] is the real one (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows), [`MemoryStore`] serves unit
//! tests, and [`AsyncSecretStore`] is how async code calls either without blocking its
//! worker. There is deliberately no file-backed fallback: when no keyring is reachable the
//! caller gets [`SecretError::Unavailable`] and tells the user.

mod keyring_store;
mod memory;
mod off_thread;
mod secret;

pub use keyring_store::KeyringStore;
pub use memory::MemoryStore;
pub use off_thread::AsyncSecretStore;
pub use secret::Secret;

/// What can go wrong reaching a secret.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keyring service answered (on Linux: no Secret Service on the session bus).
    #[error(
        "no OS keyring is available ({0}); FlightDesk keeps secrets only in the keyring, \
         so start one (on Linux: gnome-keyring or KeePassXC's Secret Service) and try again"
    )]
    Unavailable(String),
    /// The keyring is there but refused us (locked, or access denied).
    #[error("the OS keyring refused access to `{key}`: {reason}")]
    Denied { key: String, reason: String },
    /// The stored value could not be read back as text.
    #[error("the keyring entry `{0}` does not hold text")]
    Corrupt(String),
    /// The thread making the keyring call stopped before it answered.
    #[error("the keyring call did not finish: {0}")]
    Interrupted(String),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, SecretError>;

/// Where secrets are kept. Keys are short names such as `account:3:token`; the store
/// namespaces them by workspace so two data directories never share an entry.
pub trait SecretStore: Send + Sync {
    /// Reads a secret; `Ok(None)` when nothing is stored under `key`.
    fn get(&self, key: &str) -> Result<Option<Secret>>;
    /// Stores or replaces a secret.
    fn set(&self, key: &str, value: &Secret) -> Result<()>;
    /// Removes a secret; removing a missing one is not an error.
    fn delete(&self, key: &str) -> Result<()>;
}
