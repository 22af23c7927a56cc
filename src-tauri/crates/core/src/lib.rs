//! FlightDesk's domain vocabulary and pure rules. Nothing here performs I/O, so every
//! other crate (store, connectors, app shell, CLI) can share it without pulling in a runtime.

pub mod identity;
pub mod instant;
pub mod preferences;
pub mod provider;
pub mod records;

pub use preferences::{Preferences, PreferencesError, Theme, UserRole};
pub use provider::{Provider, UnknownProvider};
pub use records::{Kind, Record, RecordData, SkippedRow, UnknownKind};
