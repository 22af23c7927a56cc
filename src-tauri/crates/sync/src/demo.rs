//! The demo workspace's sandbox: whichever process opens a demo workspace (the app or the
//! CLI) starts its own in-process sandbox and re-points the demo accounts at it, since the
//! sandbox of the process that created the demo is gone. The same seed yields the same
//! credentials, so the keyring entries stay valid.

use flightdesk_core::Provider;
use flightdesk_sandbox::{RunningSandbox, SandboxConfig, SandboxError};
use flightdesk_store::{NewAccount, StoreError};
use flightdesk_workspace::{Workspace, WorkspaceKind};

/// The sandbox settings of every demo (default seed and preset, real time).
pub fn sandbox_config() -> SandboxConfig {
    SandboxConfig::default()
}

/// The sandbox's name for a provider.
pub fn sandbox_provider(p: Provider) -> flightdesk_sandbox::Provider {
    p.as_str().parse().expect("the five names agree")
}

/// Starts the demo sandbox on a free loopback port.
pub async fn start_sandbox() -> Result<RunningSandbox, SandboxError> {
    flightdesk_sandbox::start(sandbox_config()).await
}

/// Points every account of the workspace at `sandbox`.
pub async fn repoint(workspace: &Workspace, sandbox: &RunningSandbox) -> Result<(), StoreError> {
    let store = workspace.store();
    for account in store.accounts().await? {
        let base_url = sandbox.base_url(sandbox_provider(account.provider));
        if account.base_url != base_url {
            store
                .upsert_account(&NewAccount {
                    provider: account.provider,
                    name: account.name.clone(),
                    base_url,
                    options: account.options.clone(),
                })
                .await?;
        }
    }
    Ok(())
}

/// For a demo workspace, starts its sandbox and re-points its accounts; `None` for a real
/// workspace. Keep the returned sandbox alive while syncing.
pub async fn prepare(workspace: &Workspace) -> Result<Option<RunningSandbox>, String> {
    if workspace.info().kind != WorkspaceKind::Demo {
        return Ok(None);
    }
    let sandbox = start_sandbox()
        .await
        .map_err(|e| format!("cannot start the demo sandbox: {e}"))?;
    repoint(workspace, &sandbox)
        .await
        .map_err(|e| format!("cannot re-point the demo accounts: {e}"))?;
    Ok(Some(sandbox))
}
