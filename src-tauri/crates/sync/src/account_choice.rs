//! Which account of a provider a write goes through (a signature, an exam, a flight log):
//! the one named, else the only one connected.

use flightdesk_core::Provider;
use flightdesk_store::Account;
use flightdesk_workspace::Workspace;

/// Why no account could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum AccountChoice {
    #[error("no {provider} account is named `{1}`", provider = .0.display_name())]
    NoAccount(Provider, String),
    #[error("no {provider} account is connected", provider = .0.display_name())]
    NoneConnected(Provider),
    #[error("several {provider} accounts are connected: choose one", provider = .0.display_name())]
    Several(Provider),
    #[error("cannot read the accounts: {0}")]
    Store(#[from] flightdesk_store::StoreError),
}

/// The `provider` account named `name`, else the only one.
pub async fn account_of(
    workspace: &Workspace,
    provider: Provider,
    name: Option<&str>,
) -> Result<Account, AccountChoice> {
    let all: Vec<Account> = workspace
        .store()
        .accounts()
        .await?
        .into_iter()
        .filter(|a| a.provider == provider)
        .collect();
    match (name, all.as_slice()) {
        (Some(name), all) => all
            .iter()
            .find(|a| a.name == name)
            .cloned()
            .ok_or_else(|| AccountChoice::NoAccount(provider, name.to_string())),
        (None, [one]) => Ok(one.clone()),
        (None, []) => Err(AccountChoice::NoneConnected(provider)),
        (None, _) => Err(AccountChoice::Several(provider)),
    }
}

/// The Flylogs account named `name`, else the only one.
pub async fn flylogs_account(
    workspace: &Workspace,
    name: Option<&str>,
) -> Result<Account, AccountChoice> {
    account_of(workspace, Provider::Flylogs, name).await
}
