use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use flightdesk_secrets::{AsyncSecretStore, KeyringStore, MemoryStore, Secret, SecretStore};
use flightdesk_store::{Account, Store, DB_FILE_NAME};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::io_error;
use crate::secrets::AccountSecrets;
use crate::{Result, WorkspaceError};

const WORKSPACE_FILE: &str = "workspace.json";
const DATABASE_KEY: &str = "database-key";

/// Whether a workspace holds a school's real data or the sandbox demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum WorkspaceKind {
    Real,
    Demo,
}

/// The identity of a data directory, kept in `workspace.json` inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WorkspaceInfo {
    /// Random id that namespaces this workspace's keyring entries.
    pub id: String,
    pub kind: WorkspaceKind,
    pub created_at: DateTime<Utc>,
}

/// Where a workspace keeps its secrets.
#[derive(Clone)]
pub enum SecretsBackend {
    /// The OS keyring: what the app and the CLI always use.
    Keyring,
    /// A shared in-memory store, for unit tests only.
    Memory(Arc<MemoryStore>),
    /// Any other store, for tests (one that is slow, or fails).
    Store(Arc<dyn SecretStore>),
}

/// An open data directory: its identity, secrets and database.
#[derive(Clone)]
pub struct Workspace {
    data_dir: PathBuf,
    info: WorkspaceInfo,
    secrets: AsyncSecretStore,
    store: Store,
}

impl Workspace {
    /// Opens the data directory (creating it and its identity on first use), fetches the
    /// database key from the keyring (creating a random one for a new database) and opens
    /// the encrypted store. The keyring calls run off the async workers.
    pub async fn open(data_dir: &Path, backend: SecretsBackend) -> Result<Self> {
        std::fs::create_dir_all(data_dir).map_err(io_error(data_dir))?;
        let info = load_or_create_info(data_dir, WorkspaceKind::Real)?;
        let secrets = AsyncSecretStore::new(match backend {
            SecretsBackend::Keyring => Arc::new(KeyringStore::new(&info.id)),
            SecretsBackend::Memory(store) => store,
            SecretsBackend::Store(store) => store,
        });
        let db = data_dir.join(DB_FILE_NAME);
        let key = database_key(&secrets, &db).await?;
        let store = Store::open(&db, &key).await?;
        tracing::info!(workspace = %info.id, kind = ?info.kind, "opened workspace");
        Ok(Self {
            data_dir: data_dir.to_path_buf(),
            info,
            secrets,
            store,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn info(&self) -> &WorkspaceInfo {
        &self.info
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The account secrets for async code: every call runs off the async workers. The
    /// methods below block on the keyring and are for code that is not async.
    pub fn secrets(&self) -> AccountSecrets<'_> {
        AccountSecrets::new(&self.secrets)
    }

    /// Stores or replaces an account's credential (token, group key or password).
    pub fn set_credential(&self, account: &Account, credential: &Secret) -> Result<()> {
        self.secrets
            .blocking()
            .set(&account.secret_key(), credential)?;
        tracing::info!(account = %account.name, credential = %credential, "credential saved");
        Ok(())
    }

    /// Reads an account's credential at request time.
    pub fn credential(&self, account: &Account) -> Result<Option<Secret>> {
        Ok(self.secrets.blocking().get(&account.secret_key())?)
    }

    /// Forgets every secret of an account (disconnect): its credential, the session token
    /// a login left and its webhook signing secret.
    pub fn delete_credential(&self, account: &Account) -> Result<()> {
        self.secrets.blocking().delete(&account.secret_key())?;
        self.secrets.blocking().delete(&account.session_key())?;
        Ok(self
            .secrets
            .blocking()
            .delete(&account.webhook_secret_key())?)
    }

    /// Stores or replaces the session token a provider issued for the account's login.
    pub fn set_session(&self, account: &Account, token: &Secret) -> Result<()> {
        self.secrets.blocking().set(&account.session_key(), token)?;
        tracing::info!(account = %account.name, "session token saved");
        Ok(())
    }

    /// The session token a login left for the account, if any.
    pub fn session(&self, account: &Account) -> Result<Option<Secret>> {
        Ok(self.secrets.blocking().get(&account.session_key())?)
    }

    /// Forgets the account's session token (the next sync logs in again).
    pub fn delete_session(&self, account: &Account) -> Result<()> {
        Ok(self.secrets.blocking().delete(&account.session_key())?)
    }

    /// Stores or replaces the signing secret of the account's webhook endpoint.
    pub fn set_webhook_secret(&self, account: &Account, secret: &Secret) -> Result<()> {
        self.secrets
            .blocking()
            .set(&account.webhook_secret_key(), secret)?;
        tracing::info!(account = %account.name, "webhook signing secret saved");
        Ok(())
    }

    /// The signing secret of the account's webhook endpoint, if one was given.
    pub fn webhook_secret(&self, account: &Account) -> Result<Option<Secret>> {
        Ok(self.secrets.blocking().get(&account.webhook_secret_key())?)
    }

    /// Forgets the account's webhook signing secret.
    pub fn delete_webhook_secret(&self, account: &Account) -> Result<()> {
        Ok(self
            .secrets
            .blocking()
            .delete(&account.webhook_secret_key())?)
    }
}

fn load_or_create_info(data_dir: &Path, kind: WorkspaceKind) -> Result<WorkspaceInfo> {
    let path = data_dir.join(WORKSPACE_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|source| WorkspaceError::BadWorkspaceFile { path, source }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let info = WorkspaceInfo {
                id: uuid::Uuid::new_v4().to_string(),
                kind,
                created_at: Utc::now(),
            };
            let json = serde_json::to_vec_pretty(&info).expect("workspace info serialises");
            // Write then rename, so a crash never leaves a half-written identity behind.
            let tmp = data_dir.join(format!("{WORKSPACE_FILE}.tmp"));
            std::fs::write(&tmp, json).map_err(io_error(&tmp))?;
            std::fs::rename(&tmp, &path).map_err(io_error(&path))?;
            Ok(info)
        }
        Err(e) => Err(io_error(&path)(e)),
    }
}

/// The database key: read from the keyring, or made up for a database not yet created.
async fn database_key(secrets: &AsyncSecretStore, db: &Path) -> Result<Secret> {
    if let Some(key) = secrets.get(DATABASE_KEY).await? {
        return Ok(key);
    }
    if db.exists() {
        return Err(WorkspaceError::MissingDatabaseKey {
            db: db.to_path_buf(),
        });
    }
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let key = Secret::new(hex::encode(bytes));
    secrets.set(DATABASE_KEY, &key).await?;
    Ok(key)
}
