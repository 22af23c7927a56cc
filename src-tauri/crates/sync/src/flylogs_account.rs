//! Which Flylogs account a signature or an exam goes through: the one named, else the only
//! one connected.

use flightdesk_core::Provider;
use flightdesk_store::Account;
use flightdesk_workspace::Workspace;

/// Why no account could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum AccountChoice {
    #[error("no Flylogs account is named `{0}`")]
    NoAccount(String),
    #[error("no Flylogs account is connected")]
    NoneConnected,
    #[error("several Flylogs accounts are connected: choose one")]
    Several,
    #[error("cannot read the accounts: {0}")]
    Store(#[from] flightdesk_store::StoreError),
}

/// The Flylogs account named `name`, else the only one.
pub async fn flylogs_account(
    workspace: &Workspace,
    name: Option<&str>,
) -> Result<Account, AccountChoice> {
    let flylogs: Vec<Account> = workspace
        .store()
        .accounts()
        .await?
        .into_iter()
        .filter(|a| a.provider == Provider::Flylogs)
        .collect();
    match (name, flylogs.as_slice()) {
        (Some(name), all) => all
            .iter()
            .find(|a| a.name == name)
            .cloned()
            .ok_or_else(|| AccountChoice::NoAccount(name.to_string())),
        (None, [one]) => Ok(one.clone()),
        (None, []) => Err(AccountChoice::NoneConnected),
        (None, _) => Err(AccountChoice::Several),
    }
}
