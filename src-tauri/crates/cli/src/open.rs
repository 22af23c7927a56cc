//! Opening the workspace for a command, with the demo workspace's own sandbox.

use std::path::Path;

use flightdesk_core::Provider;
use flightdesk_sandbox::{RunningSandbox, SandboxConfig};
use flightdesk_store::NewAccount;
use flightdesk_workspace::{SecretsBackend, Workspace, WorkspaceKind};

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

/// The sandbox settings every demo uses (the same seed gives the same credentials).
pub fn demo_sandbox_config() -> SandboxConfig {
    SandboxConfig::default()
}

pub fn sandbox_provider(p: Provider) -> flightdesk_sandbox::Provider {
    p.as_str().parse().expect("the five names agree")
}

/// Opens the workspace. With `network`, a demo workspace starts its own sandbox and
/// re-points its accounts at it (the previous process's sandbox is gone).
pub async fn open(data_dir: &Path, network: bool) -> Result<Opened, Failure> {
    let workspace = Workspace::open(data_dir, SecretsBackend::Keyring).await?;
    let mut sandbox = None;
    if network && workspace.info().kind == WorkspaceKind::Demo {
        let sb = flightdesk_sandbox::start(demo_sandbox_config())
            .await
            .map_err(|e| Failure::failed(format!("cannot start the demo sandbox: {e}")))?;
        repoint(&workspace, &sb).await?;
        sandbox = Some(sb);
    }
    Ok(Opened { workspace, sandbox })
}

/// Points every account of a demo workspace at `sandbox`.
pub async fn repoint(workspace: &Workspace, sandbox: &RunningSandbox) -> Result<(), Failure> {
    let store = workspace.store();
    for account in store.accounts().await.map_err(store_failure)? {
        let base_url = sandbox.base_url(sandbox_provider(account.provider));
        if account.base_url != base_url {
            store
                .upsert_account(&NewAccount {
                    provider: account.provider,
                    name: account.name.clone(),
                    base_url,
                    options: account.options.clone(),
                })
                .await
                .map_err(store_failure)?;
        }
    }
    Ok(())
}

pub fn store_failure(e: flightdesk_store::StoreError) -> Failure {
    Failure::from(flightdesk_workspace::WorkspaceError::Store(e))
}
