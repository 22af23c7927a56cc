//! PilotFlows API v1: organisation-scoped JSON:API-style resources, `page[number]` and
//! `page[size]`, `links.next`, `filter[updated_since]`, hourly `X-RateLimit-*` windows.
use std::sync::Arc;

use flightdesk_core::{Kind, Provider};

use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Page, Position, Resource,
    Result, SyncMode, Verified,
};

/// The documented production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.pilotflows.com/v1";

/// The PilotFlows connector of one account.
pub struct PilotFlows {
    #[allow(dead_code)] // used once the connector is filled in
    account: AccountConfig,
    #[allow(dead_code)]
    http: Arc<Http>,
}

impl PilotFlows {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }
}

#[async_trait::async_trait]
impl Connector for PilotFlows {
    fn provider(&self) -> Provider {
        Provider::PilotFlows
    }

    fn resources(&self) -> Vec<Resource> {
        vec![
            Resource {
                name: "members",
                kinds: &[Kind::People],
                mode: SyncMode::Incremental,
            },
            Resource {
                name: "aircraft",
                kinds: &[Kind::Aircraft],
                mode: SyncMode::Incremental,
            },
            Resource {
                name: "flight_logs",
                kinds: &[Kind::FlightLogs],
                mode: SyncMode::Incremental,
            },
            Resource {
                name: "invoices",
                kinds: &[Kind::Invoices],
                mode: SyncMode::Incremental,
            },
            Resource {
                name: "calendar_events",
                kinds: &[Kind::Bookings],
                mode: SyncMode::Incremental,
            },
        ]
    }

    async fn verify(&self) -> Result<Verified> {
        Err(ConnectorError::Config(
            "PilotFlows is not implemented yet".into(),
        ))
    }

    async fn fetch_page(&self, resource: &str, _position: &Position) -> Result<Page> {
        Err(unknown_resource(self.provider(), resource))
    }
}
