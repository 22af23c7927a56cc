//! Opening the workspace for a command, with the demo workspace's own sandbox.

use std::path::Path;

use flightdesk_sandbox::RunningSandbox;
use flightdesk_workspace::{SecretsBackend, Workspace};

use crate::exit::Failure;

/// An open workspace; a demo workspace also has the sandbox its accounts point at.
pub struct Opened {
    pub workspace: Workspace,
    pub sandbox: Option<RunningSandbox>,
}

impl Opened {
    pub async fn close(self) {
        if let Some(sandbox) = self.sandbox {
            sandbox.shutdown().await;
        }
    }
}

/// Opens the workspace. With `network`, a demo workspace starts its own sandbox and
/// re-points its accounts at it (the previous process's sandbox is gone).
pub async fn open(data_dir: &Path, network: bool) -> Result<Opened, Failure> {
    let workspace = Workspace::open(data_dir, SecretsBackend::Keyring).await?;
    let sandbox = if network {
        flightdesk_sync::demo::prepare(&workspace)
            .await
            .map_err(Failure::failed)?
    } else {
        None
    };
    Ok(Opened { workspace, sandbox })
}

pub fn store_failure(e: flightdesk_store::StoreError) -> Failure {
    Failure::from(flightdesk_workspace::WorkspaceError::Store(e))
}
