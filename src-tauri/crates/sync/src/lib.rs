//! The sync engine: for each account and each resource its connector offers, read pages
//! from the persisted position, write each page and the new position in one transaction,
//! and report progress and a per-resource summary.
//!
//! The app shell and the CLI call [`sync`] with a [`SyncOptions`] and a progress callback;
//! the callback receives [`ProgressEvent`]s (forward them to the UI or draw a progress
//! bar). One sync at a time runs per data directory ([`flightdesk_workspace::SyncLock`]).

pub mod account_choice;
pub mod accounts;
pub mod class_roster;
pub mod class_writes;
pub mod demo;
mod engine;
pub mod exams;
pub mod forecast;
pub mod logbook_writes;
pub mod outbox_view;
mod replay;
pub mod runner;
pub mod signing;
pub mod training_writes;
pub mod webhooks;

pub use engine::{
    is_due, sync, sync_account, LockPolicy, Outcome, ProgressEvent, ResourceSummary, SyncError,
    SyncOptions, SyncReport, LOCAL_ERROR_CODE,
};
pub use flightdesk_connectors::ClientOptions;
pub use flightdesk_store::Counts;
pub use replay::{replay, ReplayReport, FLYLOGS_CLASS_DELETE, FLYLOGS_CLASS_SAVE};
