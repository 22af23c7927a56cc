use flightdesk_secrets::{AsyncSecretStore, Secret};
use flightdesk_store::Account;

use crate::Result;

/// An account's secrets for async code (see [`crate::Workspace::secrets`]): each call runs
/// on tokio's blocking pool, so a slow or locked keyring holds only the caller, never the
/// async worker it runs on.
pub struct AccountSecrets<'a> {
    store: &'a AsyncSecretStore,
}

impl<'a> AccountSecrets<'a> {
    pub(crate) fn new(store: &'a AsyncSecretStore) -> Self {
        Self { store }
    }

    /// Stores or replaces an account's credential (token, group key or password).
    pub async fn set_credential(&self, account: &Account, credential: &Secret) -> Result<()> {
        self.store.set(&account.secret_key(), credential).await?;
        tracing::info!(account = %account.name, credential = %credential, "credential saved");
        Ok(())
    }

    /// Reads an account's credential at request time.
    pub async fn credential(&self, account: &Account) -> Result<Option<Secret>> {
        Ok(self.store.get(&account.secret_key()).await?)
    }

    /// Forgets every secret of an account (disconnect): its credential, the session token
    /// a login left and its webhook signing secret.
    pub async fn delete_all(&self, account: &Account) -> Result<()> {
        self.store.delete(&account.secret_key()).await?;
        self.store.delete(&account.session_key()).await?;
        Ok(self.store.delete(&account.webhook_secret_key()).await?)
    }

    /// Stores or replaces the session token a provider issued for the account's login.
    pub async fn set_session(&self, account: &Account, token: &Secret) -> Result<()> {
        self.store.set(&account.session_key(), token).await?;
        tracing::info!(account = %account.name, "session token saved");
        Ok(())
    }

    /// The session token a login left for the account, if any.
    pub async fn session(&self, account: &Account) -> Result<Option<Secret>> {
        Ok(self.store.get(&account.session_key()).await?)
    }

    /// Forgets the account's session token (the next sync logs in again).
    pub async fn delete_session(&self, account: &Account) -> Result<()> {
        Ok(self.store.delete(&account.session_key()).await?)
    }

    /// Stores or replaces the signing secret of the account's webhook endpoint.
    pub async fn set_webhook_secret(&self, account: &Account, secret: &Secret) -> Result<()> {
        self.store
            .set(&account.webhook_secret_key(), secret)
            .await?;
        tracing::info!(account = %account.name, "webhook signing secret saved");
        Ok(())
    }

    /// The signing secret of the account's webhook endpoint, if one was given.
    pub async fn webhook_secret(&self, account: &Account) -> Result<Option<Secret>> {
        Ok(self.store.get(&account.webhook_secret_key()).await?)
    }

    /// Forgets the account's webhook signing secret.
    pub async fn delete_webhook_secret(&self, account: &Account) -> Result<()> {
        Ok(self.store.delete(&account.webhook_secret_key()).await?)
    }
}
