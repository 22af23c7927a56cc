//! The demo workspace's sandbox: whichever process opens a demo workspace (the app or the
//! CLI) starts its own in-process sandbox and re-points the demo accounts at it, since the
//! sandbox of the process that created the demo is gone. The same seed yields the same
//! credentials, so the keyring entries stay valid.

use std::path::Path;

use flightdesk_core::Provider;
use flightdesk_sandbox::{RunningSandbox, SandboxConfig, SandboxError};
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, StoreError};
use flightdesk_workspace::{
    SecretsBackend, Workspace, WorkspaceError, WorkspaceInfo, WorkspaceKind,
};

use crate::{ProgressEvent, SyncError, SyncOptions, SyncReport};

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

/// The demo's data directory beside a real one (`…/app.flightdesk.desktop-demo`), so demo
/// data never mixes with a school's.
pub fn beside(real: &Path) -> std::path::PathBuf {
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| flightdesk_workspace::IDENTIFIER.to_string());
    real.with_file_name(format!("{name}-demo"))
}

/// The credential role each demo account uses (the first one where not listed).
const ROLES: [(Provider, &str); 5] = [
    (Provider::AviationAlley, "live_full"),
    // The school's own group (its whole fleet, and the group the sandbox pushes for).
    (Provider::Airbly, "group"),
    (Provider::PilotFlows, "organization_plan"),
    (Provider::FlightSchoolBooking, "all_areas"),
    // A manager sees every student and may schedule classes (the manager area).
    (Provider::Flylogs, "manager"),
];

/// Fields of a sandbox credential that are not account options.
const NOT_OPTIONS: [&str; 6] = ["token", "role", "password", "email", "auth", "note"];

/// Why a demo workspace could not be made.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The directory is not one a demo may use (it holds a real workspace).
    #[error("{0}")]
    NotForADemo(String),
    #[error("cannot start the demo sandbox: {0}")]
    Sandbox(#[from] SandboxError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Sync(#[from] SyncError),
}

/// Labels a new directory as a demo workspace; refuses a real one.
fn label_demo(dir: &Path) -> Result<(), DemoError> {
    let file = dir.join("workspace.json");
    let not_for = |why: String| DemoError::NotForADemo(why);
    match std::fs::read(&file) {
        Ok(bytes) => {
            let info: WorkspaceInfo = serde_json::from_slice(&bytes)
                .map_err(|e| not_for(format!("{} is damaged: {e}", file.display())))?;
            if info.kind != WorkspaceKind::Demo {
                return Err(not_for(format!(
                    "{} holds a real workspace; the demo needs a directory of its own",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(_) => {
            if dir.join(flightdesk_store::DB_FILE_NAME).exists() {
                return Err(not_for(format!(
                    "{} already holds a database; the demo needs a directory of its own",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(dir)
                .map_err(|e| not_for(format!("cannot create {}: {e}", dir.display())))?;
            let info = WorkspaceInfo {
                id: uuid::Uuid::new_v4().to_string(),
                kind: WorkspaceKind::Demo,
                created_at: chrono::Utc::now(),
            };
            std::fs::write(
                &file,
                serde_json::to_vec_pretty(&info).expect("info serializes"),
            )
            .map_err(|e| not_for(format!("cannot write {}: {e}", file.display())))
        }
    }
}

/// Makes (or refreshes) the demo workspace in `dir`: labelled demo, one account per
/// provider connected to a sandbox of this process, and a first sync. The CLI's `demo`
/// and the window's "Explore with demo data" both call this.
pub async fn create(
    dir: &Path,
    progress: &(dyn Fn(&ProgressEvent) + Send + Sync),
) -> Result<SyncReport, DemoError> {
    label_demo(dir)?;
    let sandbox = start_sandbox().await?;
    let result = async {
        let workspace = Workspace::open(dir, SecretsBackend::Keyring).await?;
        let manifest = sandbox.manifest();
        for provider in Provider::ALL {
            let entry = &manifest[provider.as_str()];
            let credentials = entry["credentials"].as_array().cloned().unwrap_or_default();
            let role = ROLES.iter().find(|(p, _)| *p == provider).map(|(_, r)| *r);
            let Some(credential) = credentials
                .iter()
                .find(|c| role.is_none_or(|r| c["role"] == r))
                .or(credentials.first())
            else {
                continue;
            };
            // The demo connects with each credential's API token. Its password and login
            // e-mail stay out of the options: they would be stored in the account, and an
            // e-mail switches Flylogs to a password login.
            let mut options = serde_json::Map::new();
            for (k, v) in credential.as_object().into_iter().flatten() {
                let kept = !NOT_OPTIONS.contains(&k.as_str());
                if kept && (v.is_string() || v.is_number()) {
                    options.insert(k.clone(), v.clone());
                }
            }
            let account = workspace
                .store()
                .upsert_account(&NewAccount {
                    provider,
                    name: format!("demo-{provider}"),
                    base_url: sandbox.base_url(sandbox_provider(provider)),
                    options,
                })
                .await?;
            let token = credential["token"].as_str().unwrap_or_default();
            workspace
                .secrets()
                .set_credential(&account, &Secret::new(token))
                .await?;
        }
        let report = crate::sync(&workspace, &SyncOptions::default(), progress).await?;
        Ok::<_, DemoError>(report)
    }
    .await;
    sandbox.shutdown().await;
    result
}
