//! FlightDesk connectors: one module per provider, each turning the provider's HTTP API
//! into pages of normalized [`Record`]s (with the raw JSON kept beside them) read from a
//! persisted [`Position`].
//!
//! The sync engine drives them through the [`Connector`] trait; [`connect`] builds the right
//! one for an account. Shared machinery: [`http`] (client, retries, rate limits),
//! [`wire`] (tolerant JSON reading) and [`ConnectorError`] (what went wrong, typed so the
//! engine can tell "needs a new key" from "this resource is not permitted" from "try
//! again later"). Conventions are in `docs/connectors.md`.

pub mod airbly;
pub mod aviationalley;
mod connector;
mod error;
pub mod flightschoolbooking;
pub mod flylogs;
pub mod http;
pub mod pilotflows;
pub mod pilotflows_logbook;
pub mod wire;

use std::sync::Arc;

pub use connector::{
    unknown_resource, AccountConfig, Connector, Next, Page, Position, Resource, SyncMode,
    SyncPolicy, Verified,
};
pub use error::{ConnectorError, Result};
pub use flightdesk_core::{Kind, Provider, Record, RecordData, SkippedRow};
pub use http::{ClientOptions, Http, RetryPolicy, USER_AGENT};

/// The documented production base URL of a provider; `None` where each customer has
/// their own site (Flight School Booking: `https://<school>.flightschoolbooking.com`).
pub fn default_base_url(provider: Provider) -> Option<&'static str> {
    match provider {
        Provider::AviationAlley => Some(aviationalley::DEFAULT_BASE_URL),
        Provider::PilotFlows => Some(pilotflows::DEFAULT_BASE_URL),
        Provider::Airbly => Some(airbly::DEFAULT_BASE_URL),
        Provider::FlightSchoolBooking => None,
        Provider::Flylogs => flylogs::DEFAULT_BASE_URL,
    }
}

/// Builds the connector for an account of `provider`, with its own HTTP client.
pub fn connect(
    provider: Provider,
    account: AccountConfig,
    options: ClientOptions,
) -> Result<Box<dyn Connector>> {
    let http = Arc::new(Http::new(options)?);
    Ok(match provider {
        Provider::AviationAlley => Box::new(aviationalley::AviationAlley::new(account, http)),
        Provider::PilotFlows => Box::new(pilotflows::PilotFlows::new(account, http)),
        Provider::Airbly => Box::new(airbly::Airbly::new(account, http)),
        Provider::FlightSchoolBooking => {
            Box::new(flightschoolbooking::FlightSchoolBooking::new(account, http))
        }
        Provider::Flylogs => Box::new(flylogs::Flylogs::new(account, http)),
    })
}
