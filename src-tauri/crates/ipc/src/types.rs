use flightdesk_core::Provider;
use flightdesk_store::Account;
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

/// One of the five providers, as the UI lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProviderInfo {
    pub id: Provider,
    pub name: String,
}

impl From<Provider> for ProviderInfo {
    fn from(id: Provider) -> Self {
        Self {
            id,
            name: id.display_name().to_string(),
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
