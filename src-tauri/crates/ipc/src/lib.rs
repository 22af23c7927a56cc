//! The contract between the Rust backend and the web UI: the types that cross the
//! bridge and the list of commands. `ui/src/lib/bindings.ts` is generated from this
//! crate (see [`typescript`]) and a test fails when the committed file is stale.

mod bindings;
mod types;

pub use bindings::typescript;
pub use flightdesk_commands::{
    Command, Event, COMMANDS, EVENTS, OUTBOX_CHANGED_EVENT, RECORDS_CHANGED_EVENT,
    SYNC_PROGRESS_EVENT, SYNC_STATUS_EVENT, WEBHOOK_STATUS_EVENT, WORKSPACE_STATE_EVENT,
};
pub use flightdesk_sync::runner::{
    ResourceState, RunError, RunningSync, SyncRun, SyncStatus, SyncTrigger,
};
pub use types::{
    AccountView, AppInfo, ConnectRequest, Connected, ProviderInfo, RecordsChanged, SignKind,
    SignRequest, UiError, WebhookActivityLine, WebhookStatus, WorkspaceState,
};
