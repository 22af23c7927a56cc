//! AviationAlley REST API v1: keyset cursors, scoped keys (a missing scope is a 403 for
//! that resource only), `{data, pagination: {limit, nextCursor}}` envelopes.
use std::sync::Arc;

use flightdesk_core::{Kind, Provider};

use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Page, Position, Resource,
    Result, SyncMode, Verified,
};

/// The documented production base URL.
pub const DEFAULT_BASE_URL: &str = "https://aviationalley.com/api/v1";

/// The AviationAlley connector of one account.
pub struct AviationAlley {
    #[allow(dead_code)] // used once the connector is filled in
    account: AccountConfig,
    #[allow(dead_code)]
    http: Arc<Http>,
}

impl AviationAlley {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }
}

#[async_trait::async_trait]
impl Connector for AviationAlley {
    fn provider(&self) -> Provider {
        Provider::AviationAlley
    }

    fn resources(&self) -> Vec<Resource> {
        vec![
            Resource {
                name: "trainees",
                kinds: &[Kind::People],
                mode: SyncMode::Snapshot { keep_past: false },
            },
            Resource {
                name: "bookings",
                kinds: &[Kind::Bookings],
                mode: SyncMode::Snapshot { keep_past: false },
            },
            Resource {
                name: "work_orders",
                kinds: &[Kind::WorkOrders],
                mode: SyncMode::Snapshot { keep_past: false },
            },
            Resource {
                name: "invoices",
                kinds: &[Kind::Invoices],
                mode: SyncMode::Snapshot { keep_past: false },
            },
            Resource {
                name: "compliance_items",
                kinds: &[Kind::ComplianceItems],
                mode: SyncMode::Snapshot { keep_past: false },
            },
            Resource {
                name: "flight_log",
                kinds: &[Kind::FlightLogs],
                mode: SyncMode::Snapshot { keep_past: false },
            },
            Resource {
                name: "crew",
                kinds: &[Kind::CrewDuty],
                mode: SyncMode::Snapshot { keep_past: false },
            },
        ]
    }

    async fn verify(&self) -> Result<Verified> {
        Err(ConnectorError::Config(
            "AviationAlley is not implemented yet".into(),
        ))
    }

    async fn fetch_page(&self, resource: &str, _position: &Position) -> Result<Page> {
        Err(unknown_resource(self.provider(), resource))
    }
}
