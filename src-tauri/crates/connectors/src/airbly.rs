//! Airbly v3 (aircraft, device-recorded flight logs). // helper D: fill this in.
//!
//! To do (helper D): `assetList` with the `*_updated_after` filters, every log of every
//! asset (the per-asset log limit defaults to the newest few), requests bounded by time
//! windows since assetList has no paging, `server_available: false` as a retryable body
//! error, the group key from the credential.
use std::sync::Arc;

use flightdesk_core::{Kind, Provider};

use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Page, Position, Resource,
    Result, SyncMode, Verified,
};

/// The documented production base URL.
pub const DEFAULT_BASE_URL: &str = "https://airbly.com/api/v3";

/// The airbly connector of one account.
pub struct Airbly {
    #[allow(dead_code)] // used once the connector is filled in
    account: AccountConfig,
    #[allow(dead_code)]
    http: Arc<Http>,
}

impl Airbly {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }
}

#[async_trait::async_trait]
impl Connector for Airbly {
    fn provider(&self) -> Provider {
        Provider::Airbly
    }

    fn resources(&self) -> Vec<Resource> {
        vec![Resource {
            name: "assets",
            kinds: &[Kind::Aircraft, Kind::FlightLogs],
            mode: SyncMode::Incremental,
        }]
    }

    async fn verify(&self) -> Result<Verified> {
        Err(ConnectorError::Config(
            "airbly is not implemented yet".into(),
        ))
    }

    async fn fetch_page(&self, resource: &str, _position: &Position) -> Result<Page> {
        Err(unknown_resource(self.provider(), resource))
    }
}
