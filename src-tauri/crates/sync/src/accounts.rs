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
    /// The login needs the one-time code the provider just sent (by `mode`, e.g. e-mail):
    /// nothing was saved; connect again with the code.
    #[error("{provider} sent a two-factor code ({mode}); enter it to finish connecting")]
    CodeRequired { provider: Provider, mode: String },
    /// Removing an account's data waits for the sync that is writing it.
    #[error("a sync is running (process {holder}); remove the account when it has finished")]
    SyncRunning { holder: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

/// The base URL to connect to: the one given (without a trailing `/`), else the
/// provider's documented default. Flight School Booking has one site per school, so it
/// must be given.
pub fn base_url(provider: Provider, given: Option<&str>) -> Result<String, ConnectError> {
    let given = given.map(str::trim).filter(|u| !u.is_empty());
    let url = match (given, flightdesk_connectors::default_base_url(provider)) {
        (Some(url), _) => url.trim_end_matches('/').to_string(),
        (None, Some(url)) => url.to_string(),
        (None, None) => {
            return Err(ConnectError::Config(format!(
                "{} has no common URL: give your school's site (e.g. https://acme.flightschoolbooking.com)",
                provider.display_name()
            )))
        }
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(ConnectError::Config(format!(
            "the base URL must start with http:// or https://, not `{url}`"
        )));
    }
    Ok(url)
}

/// What a successful login told.
struct Login {
    summary: String,
    discovered: Map<String, Value>,
    session: Option<Secret>,
}

/// One request with the credential (a login first where the provider has one), saving
/// nothing.
async fn login(
    provider: Provider,
    name: &str,
    base_url: &str,
    credential: &Secret,
    options: &Map<String, Value>,
    one_time: Map<String, Value>,
    client: ClientOptions,
) -> Result<Login, ConnectError> {
    let mut login_options = options.clone();
    login_options.extend(one_time);
    // A fresh login: a session saved earlier is not reused while connecting.
    login_options.remove(TWO_FACTOR_OPTION);
    let connector = flightdesk_connectors::connect(
        provider,
        AccountConfig {
            name: name.to_string(),
            base_url: base_url.to_string(),
            credential: credential.clone(),
            options: login_options,
            session: None,
        },
        client,
    )
    .map_err(|e| ConnectError::Config(e.to_string()))?;
    let verified =
        connector
            .verify()
            .await
            .map_err(|error| match connector.two_factor_required() {
                Some(mode) if error.code() == "unauthorized" => {
                    ConnectError::CodeRequired { provider, mode }
                }
                _ => ConnectError::Rejected { provider, error },
            })?;
    Ok(Login {
        summary: verified.summary,
        discovered: verified.discovered,
        session: connector.session_token(),
    })
}

/// "Test connection": one request with the credential, as connecting would send it, and
/// what the provider said, in words. Nothing is saved; a two-factor code is not asked for
/// (the provider would send one), so such an account is tested by connecting.
pub async fn test_connection(
    connection: &Connection,
    client: ClientOptions,
) -> Result<String, ConnectError> {
    let mut options = connection.options.clone();
    let mut one_time = Map::new();
    for k in ONE_TIME_OPTIONS {
        if let Some(v) = options.remove(k) {
            one_time.insert(k.to_string(), v);
        }
    }
    let login = login(
        connection.provider,
        &connection.name,
        &connection.base_url,
        &connection.credential,
        &options,
        one_time,
        client,
    )
    .await?;
    Ok(login.summary)
}

/// Removes an account for good: its secrets from the keyring, then the account and every
/// record cached for it. Holds the sync lock, so a sync writing the account finishes first
/// (or this says to wait).
pub async fn remove_account(workspace: &Workspace, name: &str) -> Result<Account, ConnectError> {
    let account = workspace.store().account(name).await?;
    let _lock =
        flightdesk_workspace::SyncLock::try_acquire(workspace.data_dir()).map_err(|e| match e {
            WorkspaceError::SyncRunning { holder } => ConnectError::SyncRunning { holder },
            other => ConnectError::Workspace(other),
        })?;
    workspace.secrets().delete_all(&account).await?;
    Ok(workspace.store().remove_account(&account.name).await?)
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
        let login = login(
            provider,
            &name,
            &base_url,
            &credential,
            &options,
            one_time,
            client,
        )
        .await?;
        for (k, v) in login.discovered {
            if k == TWO_FACTOR_OPTION {
                // What the login just said replaces what an earlier one said.
                options.insert(k, v);
            } else {
                options.entry(k).or_insert(v);
            }
        }
        summary = login.summary;
        session = login.session;
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
