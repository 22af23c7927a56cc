use chrono::{DateTime, Utc};
use flightdesk_core::instant;
use flightdesk_core::Provider;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use ts_rs::TS;

use crate::error::{QueryContext, Result, StoreError};
use crate::Store;

/// A connected account of one provider. Its secret is in the keyring, never here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Account {
    #[ts(type = "number")]
    pub id: i64,
    pub provider: Provider,
    pub name: String,
    pub base_url: String,
    /// Provider-specific options, e.g. `{"organisation": "42"}`.
    #[ts(type = "Record<string, unknown>")]
    pub options: serde_json::Map<String, serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Account {
    /// The keyring key of this account's credential.
    pub fn secret_key(&self) -> String {
        format!("account/{}/credential", self.id)
    }

    /// The keyring key of a session token the provider issued for this account's login
    /// (Flylogs), kept so later syncs need neither a new login nor a new two-factor code.
    pub fn session_key(&self) -> String {
        format!("account/{}/session", self.id)
    }

    /// The keyring key of the signing secret of this account's webhook endpoint
    /// (AviationAlley), which the local webhook receiver verifies posts with.
    pub fn webhook_secret_key(&self) -> String {
        format!("account/{}/webhook-signing-secret", self.id)
    }
}

/// What a user gives to connect an account.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub provider: Provider,
    pub name: String,
    pub base_url: String,
    pub options: serde_json::Map<String, serde_json::Value>,
}

impl Store {
    /// Adds an account, or replaces the definition of the one with the same name (keeping
    /// its id, so its cached data and keyring entry stay attached).
    pub async fn upsert_account(&self, new: &NewAccount) -> Result<Account> {
        let now = instant::encode(&Utc::now());
        let options = serde_json::Value::Object(new.options.clone()).to_string();
        sqlx::query(
            "INSERT INTO accounts (provider, name, base_url, options, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT(name) DO UPDATE SET
               provider = excluded.provider, base_url = excluded.base_url,
               options = excluded.options, updated_at = excluded.updated_at",
        )
        .bind(new.provider.as_str())
        .bind(&new.name)
        .bind(&new.base_url)
        .bind(options)
        .bind(now)
        .execute(&mut *self.writer().await)
        .await
        .context("saving an account")?;
        self.account(&new.name).await
    }

    /// Every account, by name.
    pub async fn accounts(&self) -> Result<Vec<Account>> {
        let rows = sqlx::query("SELECT * FROM accounts ORDER BY name")
            .fetch_all(self.pool())
            .await
            .context("listing accounts")?;
        rows.iter().map(account_from_row).collect()
    }

    /// One account by its name.
    pub async fn account(&self, name: &str) -> Result<Account> {
        let row = sqlx::query("SELECT * FROM accounts WHERE name = ?1")
            .bind(name)
            .fetch_optional(self.pool())
            .await
            .context("reading an account")?
            .ok_or_else(|| StoreError::NoSuchAccount(name.to_string()))?;
        account_from_row(&row)
    }

    /// Renames an account. Its id, cached data and keyring entries (keyed by id) stay; a
    /// name another account has is refused.
    pub async fn rename_account(&self, name: &str, new_name: &str) -> Result<Account> {
        let new_name = new_name.trim();
        if new_name.is_empty() {
            return Err(StoreError::InvalidName(new_name.to_string()));
        }
        let account = self.account(name).await?;
        if new_name != account.name && self.account(new_name).await.is_ok() {
            return Err(StoreError::NameTaken(new_name.to_string()));
        }
        sqlx::query("UPDATE accounts SET name = ?1, updated_at = ?2 WHERE id = ?3")
            .bind(new_name)
            .bind(instant::encode(&Utc::now()))
            .bind(account.id)
            .execute(&mut *self.writer().await)
            .await
            .context("renaming an account")?;
        self.account(new_name).await
    }

    /// Removes an account and, through foreign keys, everything cached for it.
    pub async fn remove_account(&self, name: &str) -> Result<Account> {
        let account = self.account(name).await?;
        sqlx::query("DELETE FROM accounts WHERE id = ?1")
            .bind(account.id)
            .execute(&mut *self.writer().await)
            .await
            .context("removing an account")?;
        Ok(account)
    }
}

fn account_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<Account> {
    let provider: String = row.get("provider");
    let options: String = row.get("options");
    let options = serde_json::from_str(&options).map_err(|source| StoreError::Json {
        what: "account options",
        source,
    })?;
    Ok(Account {
        id: row.get("id"),
        // The CHECK constraint admits only the five names, so this cannot fail.
        provider: provider
            .parse()
            .expect("provider constrained by the schema"),
        name: row.get("name"),
        base_url: row.get("base_url"),
        options,
        created_at: row
            .try_get("created_at")
            .map_err(|source| StoreError::Query {
                context: "reading an account's creation time",
                source,
            })?,
        updated_at: row
            .try_get("updated_at")
            .map_err(|source| StoreError::Query {
                context: "reading an account's update time",
                source,
            })?,
    })
}

/// An account's standing beyond its definition: disconnected (data kept, no secret, no
/// syncs) or waiting for a new credential after the provider rejected it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AccountHealth {
    pub disconnected_at: Option<DateTime<Utc>>,
    pub needs_credential: bool,
}

impl Store {
    /// The account's standing.
    pub async fn account_health(&self, account_id: i64) -> Result<AccountHealth> {
        let row =
            sqlx::query("SELECT disconnected_at, needs_credential FROM accounts WHERE id = ?1")
                .bind(account_id)
                .fetch_one(self.pool())
                .await
                .context("reading an account's standing")?;
        Ok(AccountHealth {
            disconnected_at: row
                .try_get("disconnected_at")
                .context("reading an account's standing")?,
            needs_credential: row.get::<i64, _>("needs_credential") != 0,
        })
    }

    /// Marks that the provider rejected the account's credential (or that a new one came).
    pub async fn set_needs_credential(&self, account_id: i64, needs: bool) -> Result<()> {
        sqlx::query("UPDATE accounts SET needs_credential = ?2 WHERE id = ?1")
            .bind(account_id)
            .bind(needs)
            .execute(&mut *self.writer().await)
            .await
            .context("saving an account's standing")?;
        Ok(())
    }

    /// Marks the account disconnected (keeping its cache) or connected again.
    pub async fn set_disconnected(&self, account_id: i64, disconnected: bool) -> Result<()> {
        sqlx::query("UPDATE accounts SET disconnected_at = ?2 WHERE id = ?1")
            .bind(account_id)
            .bind(disconnected.then(|| instant::encode(&Utc::now())))
            .execute(&mut *self.writer().await)
            .await
            .context("saving an account's standing")?;
        Ok(())
    }
}
