//! Flight School Booking read API: zero-based pages of 50 rows, `change_id` (skip the
//! re-read when unchanged; restart from page 0 when it moves mid-read), future bookings only.
use std::sync::Arc;

use flightdesk_core::{Kind, Provider};

use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Page, Position, Resource,
    Result, SyncMode, Verified,
};

/// The Flight School Booking connector of one account.
pub struct FlightSchoolBooking {
    #[allow(dead_code)] // used once the connector is filled in
    account: AccountConfig,
    #[allow(dead_code)]
    http: Arc<Http>,
}

impl FlightSchoolBooking {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }
}

#[async_trait::async_trait]
impl Connector for FlightSchoolBooking {
    fn provider(&self) -> Provider {
        Provider::FlightSchoolBooking
    }

    fn resources(&self) -> Vec<Resource> {
        vec![
            Resource {
                name: "bookings",
                kinds: &[Kind::Bookings],
                mode: SyncMode::Snapshot { keep_past: true },
            },
            Resource {
                name: "people",
                kinds: &[Kind::People],
                mode: SyncMode::Snapshot { keep_past: false },
            },
        ]
    }

    async fn verify(&self) -> Result<Verified> {
        Err(ConnectorError::Config(
            "Flight School Booking is not implemented yet".into(),
        ))
    }

    async fn fetch_page(&self, resource: &str, _position: &Position) -> Result<Page> {
        Err(unknown_resource(self.provider(), resource))
    }
}
