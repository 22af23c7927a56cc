//! `connect`, `accounts`, `disconnect`.

use std::path::Path;

use flightdesk_connectors::ClientOptions;
use flightdesk_store::StoreError;
use flightdesk_sync::accounts::{connect_account, ConnectError, Connection};
use flightdesk_sync::runner::AccountState;
use flightdesk_workspace::{SyncLock, WorkspaceError};
use serde_json::Value;

use crate::args::{AccountsArgs, ConnectArgs, DisconnectArgs};
use crate::exit::Failure;
use crate::open::{open, store_failure};

pub async fn connect(data_dir: &Path, args: ConnectArgs) -> Result<(), Failure> {
    if !args.token_stdin {
        return Err(Failure::config(
            "give the credential on standard input with --token-stdin (it is never an argument)",
        ));
    }
    let base_url = flightdesk_sync::accounts::base_url(args.provider, args.base_url.as_deref())
        .map_err(|e| Failure::config(format!("--base-url: {e}")))?;
    let mut options = serde_json::Map::new();
    for item in &args.set {
        let (k, v) = item
            .split_once('=')
            .ok_or_else(|| Failure::config(format!("--set expects KEY=VALUE, not `{item}`")))?;
        options.insert(k.trim().to_string(), Value::String(v.trim().to_string()));
    }
    let credential = crate::secret_input::read_line("the credential", true)?;
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| args.provider.as_str().to_string());
    let opened = open(data_dir, false).await?;
    let connected = connect_account(
        &opened.workspace,
        Connection {
            provider: args.provider,
            name: name.clone(),
            base_url: base_url.clone(),
            credential,
            options,
            verify: !args.no_verify,
        },
        ClientOptions::default(),
    )
    .await
    .map_err(|e| match e {
        ConnectError::OtherProvider { .. } | ConnectError::Config(_) => {
            Failure::config(e.to_string())
        }
        ConnectError::Rejected { .. } | ConnectError::SyncRunning { .. } => {
            Failure::failed(e.to_string())
        }
        ConnectError::CodeRequired { .. } => {
            Failure::failed(format!("{e}: connect again with --set code=<the code>"))
        }
        ConnectError::Store(e) => store_failure(e),
        ConnectError::Workspace(e) => Failure::from(e),
    })?;
    let session = if connected.session_saved {
        " (session kept in the OS keyring)"
    } else {
        ""
    };
    println!(
        "connected {name} ({}) at {base_url}: {}{session}",
        args.provider, connected.summary
    );
    Ok(())
}

pub async fn accounts(data_dir: &Path, args: AccountsArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let mut rows = Vec::new();
    for a in store.accounts().await.map_err(store_failure)? {
        let health = store.account_health(a.id).await.map_err(store_failure)?;
        let state = AccountState::of(&health);
        rows.push(serde_json::json!({
            "name": a.name,
            "provider": a.provider,
            "base_url": a.base_url,
            "options": a.options,
            "state": state,
            "created_at": a.created_at,
        }));
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&rows).expect("accounts serialize")
        );
    } else if rows.is_empty() {
        println!("no accounts connected yet (flightdesk connect PROVIDER --token-stdin)");
    } else {
        for r in &rows {
            println!(
                "{:<20} {:<20} {:<17} {}",
                r["name"].as_str().unwrap_or(""),
                r["provider"].as_str().unwrap_or(""),
                r["state"].as_str().unwrap_or(""),
                r["base_url"].as_str().unwrap_or("")
            );
        }
    }
    Ok(())
}

pub async fn disconnect(data_dir: &Path, args: DisconnectArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let workspace = &opened.workspace;
    let store = workspace.store();
    let account = match store.account(&args.name).await {
        Ok(a) => a,
        Err(StoreError::NoSuchAccount(n)) => {
            return Err(Failure::config(format!("no account named `{n}`")))
        }
        Err(e) => return Err(store_failure(e)),
    };
    // Purging under a running sync would fail that sync on foreign keys midway; hold the
    // sync lock (taken before anything changes) so one waits for the other.
    let _lock = if args.purge {
        Some(purge_lock(workspace)?)
    } else {
        None
    };
    workspace.secrets().delete_all(&account).await?;
    if args.purge {
        store
            .remove_account(&account.name)
            .await
            .map_err(store_failure)?;
        println!("disconnected {} and deleted its cached data", account.name);
    } else {
        store
            .set_disconnected(account.id, true)
            .await
            .map_err(store_failure)?;
        println!(
            "disconnected {} (its cached data is kept; --purge deletes it)",
            account.name
        );
    }
    Ok(())
}

/// The sync lock for a purge, or a message saying to wait for the running sync.
fn purge_lock(workspace: &flightdesk_workspace::Workspace) -> Result<SyncLock, Failure> {
    SyncLock::try_acquire(workspace.data_dir()).map_err(|e| match e {
        WorkspaceError::SyncRunning { holder } => Failure::failed(format!(
            "a sync is running on this data directory (process {holder}); \
             try --purge again when it has finished"
        )),
        other => Failure::from(other),
    })
}
