//! A FlightDesk workspace is one data directory: the encrypted database, the settings
//! file, the logs, and a workspace id that namespaces this directory's keyring entries.
//! The app and the CLI both open workspaces through this crate, so they agree on every
//! path and secret name.

mod data_dir;
mod error;
pub mod logging;
mod secrets;
mod sync_lock;
mod workspace;

pub use data_dir::{resolve_data_dir, DATA_DIR_ENV, IDENTIFIER};
pub use error::{Result, WorkspaceError};
pub use secrets::AccountSecrets;
pub use sync_lock::SyncLock;
pub use workspace::{SecretsBackend, Workspace, WorkspaceInfo, WorkspaceKind};
