//! AviationAlley's crew at another instant (its crew endpoint's documented `at`, a
//! forecast), asked live of every connected AviationAlley account. Nothing is cached: a
//! forecast is only as good as the moment it was asked, so it needs the network. The
//! board of the CLI and of the window use this.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flightdesk_connectors::aviationalley::AviationAlley;
use flightdesk_connectors::{AccountConfig, ClientOptions, ConnectorError, Http, Record};
use flightdesk_core::Provider;
use flightdesk_store::StoreError;
use flightdesk_workspace::{Workspace, WorkspaceError};

#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    #[error("no connected AviationAlley account to ask for a crew forecast")]
    NoAccount,
    #[error("asking {account} for the crew at {at}: {error}")]
    Provider {
        account: String,
        at: DateTime<Utc>,
        error: ConnectorError,
    },
    #[error("starting the HTTP client: {0}")]
    Client(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

impl ForecastError {
    /// The provider could not be reached (no network, a timeout): the window says that a
    /// forecast needs the network rather than showing the transport error.
    pub fn is_offline(&self) -> bool {
        matches!(self, ForecastError::Provider { error, .. } if matches!(error.code(), "network" | "timeout"))
    }
}

/// Each connected AviationAlley account's crew at `at`, read live.
pub async fn crew_at(
    workspace: &Workspace,
    at: DateTime<Utc>,
    client: ClientOptions,
) -> Result<Vec<(String, Vec<Record>)>, ForecastError> {
    let accounts = workspace.store().accounts().await?;
    let mut out = Vec::new();
    // A disconnected account keeps no key: it is not asked.
    for account in accounts
        .into_iter()
        .filter(|a| a.provider == Provider::AviationAlley)
    {
        let Some(credential) = workspace.secrets().credential(&account).await? else {
            continue;
        };
        let http = Http::new(client.clone()).map_err(|e| ForecastError::Client(e.to_string()))?;
        let connector = AviationAlley::new(
            AccountConfig {
                name: account.name.clone(),
                base_url: account.base_url.clone(),
                credential,
                options: account.options.clone(),
                session: None,
            },
            Arc::new(http),
        );
        let records = connector
            .crew_at(at)
            .await
            .map_err(|error| ForecastError::Provider {
                account: account.name.clone(),
                at,
                error,
            })?;
        out.push((account.name, records));
    }
    if out.is_empty() {
        return Err(ForecastError::NoAccount);
    }
    Ok(out)
}
