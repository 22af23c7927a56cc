//! Flylogs trainings API. // helper D: fill this in.
//!
//! To do (helper D): pages of 30 and 50, the API key or an email + password login
//! (`options.email`), older and newer model names (`LessonClass` became `Session`, ...),
//! trainings, enrolments, subjects, lessons, exams and attempts, classes, missions.
use std::sync::Arc;

use flightdesk_core::{Kind, Provider};

use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Page, Position, Resource,
    Result, SyncMode, Verified,
};

/// The seed names no production base URL; `connect` requires `--base-url`.
pub const DEFAULT_BASE_URL: Option<&str> = None;

/// The flylogs connector of one account.
pub struct Flylogs {
    #[allow(dead_code)] // used once the connector is filled in
    account: AccountConfig,
    #[allow(dead_code)]
    http: Arc<Http>,
}

impl Flylogs {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }
}

#[async_trait::async_trait]
impl Connector for Flylogs {
    fn provider(&self) -> Provider {
        Provider::Flylogs
    }

    fn resources(&self) -> Vec<Resource> {
        vec![Resource {
            name: "trainings",
            kinds: &[Kind::Trainings, Kind::Enrolments],
            mode: SyncMode::Incremental,
        }]
    }

    async fn verify(&self) -> Result<Verified> {
        Err(ConnectorError::Config(
            "flylogs is not implemented yet".into(),
        ))
    }

    async fn fetch_page(&self, resource: &str, _position: &Position) -> Result<Page> {
        Err(unknown_resource(self.provider(), resource))
    }
}
