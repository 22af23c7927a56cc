use chrono::{DateTime, Utc};
use flightdesk_core::Provider;
use flightdesk_store::Account;
use flightdesk_sync::webhooks::{AccountUrl, SkippedAccount};
use flightdesk_workspace::WorkspaceKind;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An error as the UI sees it: a stable `code` to branch on and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct UiError {
    pub code: String,
    pub message: String,
}

impl UiError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
        }
    }
}

/// Where the app stands with its workspace. The window opens before the workspace does;
/// until it is `ready`, other commands answer with the `opening` error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum WorkspaceState {
    /// The keyring and the database are being opened (a locked keyring waits for the user).
    Opening,
    Ready,
    /// It cannot be opened; `error` says why.
    Failed {
        error: UiError,
    },
}

/// One of the five providers, as the UI lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProviderInfo {
    pub id: Provider,
    pub name: String,
    /// The documented production URL; none for Flight School Booking, which has one site
    /// per school (`https://<school>.flightschoolbooking.com`).
    pub default_base_url: Option<String>,
    /// What the provider calls the secret a user pastes.
    pub secret_label: String,
}

impl From<Provider> for ProviderInfo {
    fn from(id: Provider) -> Self {
        let secret_label = match id {
            Provider::AviationAlley => "API key",
            Provider::PilotFlows => "API key",
            Provider::Airbly => "Group key",
            Provider::FlightSchoolBooking => "API token",
            Provider::Flylogs => "API key, or the password with an e-mail",
        };
        Self {
            id,
            name: id.display_name().to_string(),
            default_base_url: flightdesk_connectors::default_base_url(id).map(String::from),
            secret_label: secret_label.to_string(),
        }
    }
}

/// What the app shows about itself and the open workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub workspace_id: String,
    pub workspace_kind: WorkspaceKind,
    #[ts(type = "number")]
    pub schema_version: i64,
    pub providers: Vec<ProviderInfo>,
    pub accounts: Vec<Account>,
}

/// One line of what the webhook receiver did, newest first in [`WebhookStatus`].
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WebhookActivityLine {
    pub at: DateTime<Utc>,
    pub text: String,
    /// False for a sync that failed or could not run.
    pub ok: bool,
}

/// The local webhook receiver as the Settings view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct WebhookStatus {
    pub enabled: bool,
    /// The address it listens on while running.
    pub listening_on: Option<String>,
    /// Set while it listens where other machines can reach it: who can then trigger syncs.
    pub exposure_warning: Option<String>,
    pub urls: Vec<AccountUrl>,
    pub skipped: Vec<SkippedAccount>,
    /// Why it is not running although enabled (the address is taken, ...).
    pub error: Option<UiError>,
    pub recent: Vec<WebhookActivityLine>,
}

/// A resource's run changed cached records: views showing these kinds read again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RecordsChanged {
    pub account: String,
    pub provider: Provider,
    pub resource: String,
    /// The cache tables written (`bookings`, `classes`, ...).
    pub kinds: Vec<String>,
}

impl RecordsChanged {
    /// What a finished resource changed, or `None` when it changed nothing.
    pub fn of(summary: &flightdesk_sync::ResourceSummary) -> Option<Self> {
        let c = &summary.counts;
        (c.new + c.updated + c.removed > 0).then(|| Self {
            account: summary.account.clone(),
            provider: summary.provider,
            resource: summary.resource.clone(),
            kinds: summary
                .kinds
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
        })
    }
}

/// What to sign in Flylogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignKind {
    /// A mission's debrief, by the student who flew it.
    Mission,
    /// A class's attendance, by its teacher.
    SignClass,
    UnsignClass,
}

/// A signature the window asks for. The password is used for this one request and
/// dropped; `Debug` never shows it.
#[derive(Clone, Deserialize, TS)]
pub struct SignRequest {
    pub kind: SignKind,
    /// The mission or class id.
    pub id: String,
    /// The Flylogs account (default: the only one).
    pub account: Option<String>,
    pub password: String,
}

impl std::fmt::Debug for SignRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignRequest")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("account", &self.account)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// What the window sends to connect (or test, or re-key) an account. The secret goes
/// from here into the keyring; `Debug` never shows it.
#[derive(Clone, Deserialize, TS)]
pub struct ConnectRequest {
    pub provider: Provider,
    pub name: String,
    pub base_url: String,
    /// The API key, group key, token or (Flylogs with `email`) password.
    pub secret: String,
    /// Flylogs: the login e-mail; the secret is then the password.
    pub email: Option<String>,
    /// Flylogs: the one-time two-factor code the provider sent; used once, never saved.
    pub code: Option<String>,
    /// PilotFlows: the organisation, when the key sees several.
    pub organization: Option<String>,
}

impl std::fmt::Debug for ConnectRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectRequest")
            .field("provider", &self.provider)
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("secret", &"<redacted>")
            .field("email", &self.email)
            .field("code", &self.code.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

impl ConnectRequest {
    /// The provider options the request carries (empty values left out).
    pub fn options(&self) -> serde_json::Map<String, serde_json::Value> {
        let mut options = serde_json::Map::new();
        for (key, value) in [
            ("email", &self.email),
            ("code", &self.code),
            ("organization", &self.organization),
        ] {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                options.insert(key.to_string(), serde_json::Value::String(v.to_string()));
            }
        }
        options
    }
}

/// An account as the Accounts view lists it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct AccountView {
    pub account: Account,
    pub state: flightdesk_sync::runner::AccountState,
    /// Records cached for it, all kinds together: what removing it deletes.
    #[ts(type = "number")]
    pub records: i64,
}

/// A connected account and what the provider said about its credential.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Connected {
    pub account: Account,
    pub summary: String,
}
