//! The provider-neutral shape of a connector: which resources it offers and how to read one
//! page of one of them from a persisted position.

use std::time::Duration;

use chrono::{DateTime, Utc};

use flightdesk_core::{Kind, Provider, Record, SkippedRow};
use flightdesk_secrets::Secret;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ConnectorError, Result};

/// Everything a connector needs to know about one account. The credential is read from
/// the keyring by the caller just before the connector is built and lives only here.
#[derive(Debug, Clone)]
pub struct AccountConfig {
    /// The account's name in FlightDesk (for log lines; never a secret).
    pub name: String,
    /// Base URL without a trailing slash; documented paths are appended unchanged.
    pub base_url: String,
    /// Token, API key, group key, or password.
    pub credential: Secret,
    /// Provider-specific options (`organization`, `email`, ...).
    pub options: serde_json::Map<String, serde_json::Value>,
    /// A session token an earlier login left (Flylogs), read from the keyring like the
    /// credential; the connector uses it before logging in again.
    pub session: Option<Secret>,
}

impl AccountConfig {
    /// A string option (numbers are accepted as their decimal text).
    pub fn option(&self, key: &str) -> Option<String> {
        match self.options.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// The base URL with any trailing slash removed.
    pub fn base(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// How a resource's deletions become visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    /// Every pass lists the whole resource (no change filter, or none worth trusting);
    /// after a completed pass, cached records of the resource's kinds that the pass did
    /// not see are marked removed.
    Snapshot {
        /// Keep unseen records whose start lies before the pass began: the provider lists
        /// future records only (Flight School Booking), so leaving the list by moving into
        /// the past is not a deletion.
        keep_past: bool,
    },
    /// Passes after the first ask only for changes (a watermark or change token kept in
    /// the position); deletions arrive as records marked [`Record::removed`].
    Incremental,
}

/// How often a resource is worth reading: what a scheduled sync may cost the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncPolicy {
    /// A scheduled sync reads the resource again only once this long has passed since its
    /// last completed pass (a manual sync reads it regardless).
    pub every: Duration,
    /// How often a full listing (a sweep) replaces the cheaper read of recent changes,
    /// where the connector has one; `None` where every pass is the same.
    pub sweep_every: Option<Duration>,
    /// The steady cost the policy is designed to stay under, in requests per hour per
    /// laptop, for documentation and the polling-cost measurement.
    pub budget_per_hour: u32,
}

impl SyncPolicy {
    /// Every scheduled sync, no sweep: for cheap change-filtered reads.
    pub const EVERY_SYNC: SyncPolicy = SyncPolicy {
        every: Duration::ZERO,
        sweep_every: None,
        budget_per_hour: 60,
    };

    /// Whether a pass starting at `now` (unix seconds, the provider's clock) must list the
    /// resource whole: it never has, or the last sweep began `sweep_every` ago or more.
    /// Without a sweep cadence every pass is whole.
    pub fn sweep_due(&self, swept_at: Option<i64>, now: i64) -> bool {
        let Some(every) = self.sweep_every else {
            return true;
        };
        let every = i64::try_from(every.as_secs()).unwrap_or(i64::MAX);
        swept_at.is_none_or(|s| now.saturating_sub(s) >= every)
    }
}

impl Default for SyncPolicy {
    fn default() -> Self {
        Self::EVERY_SYNC
    }
}

/// One syncable resource of a provider (usually one endpoint).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Stable name, used as the `sync_state.resource` key and in summaries.
    pub name: &'static str,
    /// The kinds of record the resource yields.
    pub kinds: &'static [Kind],
    pub mode: SyncMode,
    pub policy: SyncPolicy,
}

/// A connector's persisted place in a resource: opaque JSON to everyone but the connector
/// that wrote it. [`Position::start`] (JSON `null`) means "no history: read everything".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Position(pub serde_json::Value);

impl Position {
    /// The beginning: a first or `--full` sync.
    pub fn start() -> Self {
        Position(serde_json::Value::Null)
    }

    pub fn is_start(&self) -> bool {
        self.0.is_null()
    }

    /// Encodes a connector's own position type.
    pub fn of<T: Serialize>(value: &T) -> Self {
        Position(serde_json::to_value(value).expect("positions serialize"))
    }

    /// Decodes a connector's own position type; the start (or a position the connector
    /// no longer understands, e.g. after an upgrade) decodes as `None`, i.e. start over.
    pub fn decode<T: DeserializeOwned>(&self) -> Option<T> {
        if self.is_start() {
            return None;
        }
        serde_json::from_value(self.0.clone()).ok()
    }

    /// The text kept in `sync_state.position`.
    pub fn to_text(&self) -> Option<String> {
        (!self.is_start()).then(|| self.0.to_string())
    }

    /// Reads `sync_state.position`; unreadable text means start over.
    pub fn from_text(text: Option<&str>) -> Self {
        text.and_then(|t| serde_json::from_str(t).ok())
            .map(Position)
            .unwrap_or_default()
    }
}

/// What comes after a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// More pages in this pass: persist this position and ask again.
    More(Position),
    /// The pass is complete: persist this position; the next sync starts from it.
    Done(Position),
    /// The pass is complete but, though the resource is a snapshot, it asked only for
    /// changes (between two full listings): persist the position, remove nothing.
    DoneChangesOnly(Position),
    /// The data changed under a paged read (Flight School Booking's `change_id` moved):
    /// the pass starts over from this position. Records already written stay (upserts are
    /// idempotent); a snapshot's removal check waits for a pass that completes.
    Restart(Position),
    /// Nothing changed since the pass that wrote the given position (an unchanged change
    /// token): the cache is current; keep the position, remove nothing.
    Unchanged,
}

/// One page of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub records: Vec<Record>,
    /// Rows that could not become records; the rest of the page is still written.
    pub skipped: Vec<SkippedRow>,
    pub next: Next,
    /// The provider's clock when it answered (its `Date` header), where it sends one:
    /// a pass that completes judges "already in the past" by this, not by the laptop's
    /// clock or by when the pass began.
    pub server_time: Option<DateTime<Utc>>,
}

impl Page {
    /// A page with nothing skipped.
    pub fn new(records: Vec<Record>, next: Next) -> Self {
        Self {
            records,
            skipped: Vec::new(),
            next,
            server_time: None,
        }
    }

    /// The same page, stamped with the provider's clock.
    pub fn at(mut self, server_time: Option<DateTime<Utc>>) -> Self {
        self.server_time = server_time;
        self
    }
}

/// What a successful credential check learned.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verified {
    /// A line for the user ("organisation Skyhaven (101)", "centre c0").
    pub summary: String,
    /// Options discovered from the API, to be saved with the account (e.g. the only
    /// organisation a PilotFlows key sees).
    pub discovered: serde_json::Map<String, serde_json::Value>,
}

/// A provider account's API client. One instance per account per sync; it may keep state
/// (pacing, discovered ids) between pages.
#[async_trait::async_trait]
pub trait Connector: Send + Sync {
    fn provider(&self) -> Provider;

    /// The resources this connector syncs, in the order they should run.
    fn resources(&self) -> Vec<Resource>;

    /// Checks the credential with one request.
    async fn verify(&self) -> Result<Verified>;

    /// Reads one page of `resource` from `position`.
    async fn fetch_page(&self, resource: &str, position: &Position) -> Result<Page>;

    /// HTTP requests sent so far (retries included), for summaries and benchmarks.
    fn requests_sent(&self) -> u64 {
        0
    }

    /// The session token in use when the connector logs in with a password (Flylogs):
    /// the caller keeps it in the keyring and hands it back in
    /// [`AccountConfig::session`] next time. `None` for API keys.
    fn session_token(&self) -> Option<Secret> {
        None
    }

    /// After a refused login: the two-factor mode the provider asks a one-time code for
    /// (Flylogs `EMAIL`), so the window can prompt for the code. `None` for API keys.
    fn two_factor_required(&self) -> Option<String> {
        None
    }
}

/// The error for a resource name the connector does not offer.
pub fn unknown_resource(provider: Provider, resource: &str) -> ConnectorError {
    ConnectorError::Config(format!("{provider} has no resource `{resource}`"))
}
