//! The Accounts view's commands: connect, test, rename and remove accounts from the
//! window. Each is a thin call into `flightdesk_sync::accounts`, which the CLI's
//! `connect` and `disconnect --purge` use too.

use flightdesk_connectors::ClientOptions;
use flightdesk_ipc::{AccountView, ConnectRequest, Connected, UiError};
use flightdesk_secrets::Secret;
use flightdesk_store::Account;
use flightdesk_sync::accounts::{self, Connection};
use flightdesk_sync::runner::AccountState;
use tauri::State;

use crate::error::{connect_error, store_error};
use crate::state::AppState;

/// The request as the connect flow takes it; the secret leaves the request here.
fn connection(request: ConnectRequest) -> Result<Connection, UiError> {
    let base_url =
        accounts::base_url(request.provider, Some(&request.base_url)).map_err(connect_error)?;
    let name = request.name.trim().to_string();
    if name.is_empty() {
        return Err(UiError::new("bad_request", "Give the account a name."));
    }
    let options = request.options();
    let secret = request.secret.trim();
    if secret.is_empty() {
        return Err(UiError::new(
            "bad_request",
            "Paste the key (or password) first.",
        ));
    }
    Ok(Connection {
        provider: request.provider,
        name,
        base_url,
        credential: Secret::new(secret.to_string()),
        options,
        verify: true,
    })
}

#[tauri::command]
pub async fn accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>, UiError> {
    let ready = state.ready()?;
    let store = ready.workspace.store();
    let mut out = Vec::new();
    for account in store.accounts().await.map_err(store_error)? {
        let health = store
            .account_health(account.id)
            .await
            .map_err(store_error)?;
        let counts = store.record_counts(account.id).await.map_err(store_error)?;
        out.push(AccountView {
            state: AccountState::of(&health),
            records: counts.values().sum(),
            account,
        });
    }
    Ok(out)
}

#[tauri::command]
pub async fn test_connection(request: ConnectRequest) -> Result<String, UiError> {
    let connection = connection(request)?;
    accounts::test_connection(&connection, ClientOptions::default())
        .await
        .map_err(connect_error)
}

#[tauri::command]
pub async fn connect_account(
    state: State<'_, AppState>,
    request: ConnectRequest,
) -> Result<Connected, UiError> {
    let ready = state.ready()?;
    let connection = connection(request)?;
    let connected =
        accounts::connect_account(&ready.workspace, connection, ClientOptions::default())
            .await
            .map_err(connect_error)?;
    // The new account's data arrives without a second click.
    let runner = ready.clone();
    tauri::async_runtime::spawn(async move { runner.sync.sync_now().await });
    Ok(Connected {
        account: connected.account,
        summary: connected.summary,
    })
}

#[tauri::command]
pub async fn rename_account(
    state: State<'_, AppState>,
    name: String,
    new_name: String,
) -> Result<Account, UiError> {
    let ready = state.ready()?;
    let account = ready
        .workspace
        .store()
        .rename_account(&name, &new_name)
        .await
        .map_err(store_error)?;
    ready.lookups.invalidate().await;
    Ok(account)
}

#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, name: String) -> Result<(), UiError> {
    let ready = state.ready()?;
    accounts::remove_account(&ready.workspace, &name)
        .await
        .map_err(connect_error)?;
    ready.lookups.invalidate().await;
    Ok(())
}
