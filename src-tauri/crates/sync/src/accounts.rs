//! Connecting an account: check the credential with the provider, save the account and
//! keep its secrets in the keyring. The CLI's `connect` and the app call this.
//!
//! A login with a one-time two-factor code (Flylogs `--set code=...`) happens here, once:
//! the session token it yields is kept in the keyring as the account's second secret, and
//! the code itself is never saved, so later syncs run unattended on the session.

use flightdesk_connectors::{AccountConfig, ClientOptions, ConnectorError};
use flightdesk_core::Provider;
use flightdesk_secrets::Secret;
use flightdesk_store::{Account, NewAccount, StoreError};
use flightdesk_workspace::{Workspace, WorkspaceError};
use serde_json::{Map, Value};

use flightdesk_connectors::flylogs::{ONE_TIME_OPTIONS, TWO_FACTOR_OPTION};

/// What the user gives to connect (or re-key) an account.
#[derive(Debug, Clone)]
pub struct Connection {
    pub provider: Provider,
    /// The account's name; an existing account of that name is updated (key rotation).
    pub name: String,
    pub base_url: String,
    pub credential: Secret,
    /// Provider options; the ones of an existing account are kept unless given again.
    /// One-time options (a two-factor `code`) are used for the login and never saved.
    pub options: Map<String, Value>,
    /// Check the credential with one request (and log in) before saving.
    pub verify: bool,
}

/// A saved account.
#[derive(Debug, Clone)]
pub struct Connected {
    pub account: Account,
    /// What the provider said about the credential ("live key accepted ..."), or that it
    /// was not verified.
    pub summary: String,
    /// A session token from the login was kept in the keyring.
    pub session_saved: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The name belongs to an account of another provider.
    #[error(
        "the account `{name}` is a {existing} account; disconnect it first or choose another name"
    )]
    OtherProvider { name: String, existing: Provider },
    /// The request cannot work as given.
    #[error("{0}")]
    Config(String),
    /// The provider did not accept the credential: nothing was saved.
    #[error("{provider} did not accept the credential: {error}")]
    Rejected {
        provider: Provider,
        error: ConnectorError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

/// Verifies (unless told not to) and saves an account with its credential, and the
/// session token a login left. Nothing is saved when the provider rejects the credential.
pub async fn connect_account(
    workspace: &Workspace,
    connection: Connection,
    client: ClientOptions,
) -> Result<Connected, ConnectError> {
    let Connection {
        provider,
        name,
        base_url,
        credential,
        mut options,
        verify,
    } = connection;
    let store = workspace.store();
    match store.account(&name).await {
        Ok(existing) if existing.provider != provider => {
            return Err(ConnectError::OtherProvider {
                name,
                existing: existing.provider,
            })
        }
        Ok(existing) => {
            for (k, v) in existing.options {
                options.entry(k).or_insert(v);
            }
        }
        Err(StoreError::NoSuchAccount(_)) => {}
        Err(e) => return Err(e.into()),
    }
    // The one-time code goes to the login only (and an old saved one is dropped).
    let mut one_time = Map::new();
    for k in ONE_TIME_OPTIONS {
        if let Some(v) = options.remove(k) {
            one_time.insert(k.to_string(), v);
        }
    }
    if !verify && !one_time.is_empty() {
        return Err(ConnectError::Config(
            "a two-factor code is only used to log in while connecting; connect without \
             --no-verify"
                .into(),
        ));
    }
    let mut summary = "not verified (--no-verify)".to_string();
    let mut session = None;
    if verify {
        let mut login_options = options.clone();
        login_options.extend(one_time);
        // A fresh login: a session saved earlier is not reused while connecting.
        login_options.remove(TWO_FACTOR_OPTION);
        let connector = flightdesk_connectors::connect(
            provider,
            AccountConfig {
                name: name.clone(),
                base_url: base_url.clone(),
                credential: credential.clone(),
                options: login_options,
                session: None,
            },
            client,
        )
        .map_err(|e| ConnectError::Config(e.to_string()))?;
        let verified = connector
            .verify()
            .await
            .map_err(|error| ConnectError::Rejected { provider, error })?;
        for (k, v) in verified.discovered {
            if k == TWO_FACTOR_OPTION {
                // What the login just said replaces what an earlier one said.
                options.insert(k, v);
            } else {
                options.entry(k).or_insert(v);
            }
        }
        summary = verified.summary;
        session = connector.session_token();
    }
    let account = store
        .upsert_account(&NewAccount {
            provider,
            name,
            base_url,
            options,
        })
        .await?;
    workspace
        .secrets()
        .set_credential(&account, &credential)
        .await?;
    if verify {
        match &session {
            Some(token) => workspace.secrets().set_session(&account, token).await?,
            // An API key now, or a login that left nothing: forget an older session.
            None => workspace.secrets().delete_session(&account).await?,
        }
    }
    store.set_disconnected(account.id, false).await?;
    store.set_needs_credential(account.id, false).await?;
    Ok(Connected {
        account,
        summary,
        session_saved: session.is_some(),
    })
}
