//! Signing a mission debrief or a class's attendance: online only, and never through the
//! outbox, because Flylogs checks the user's password with each signature and FlightDesk
//! keeps no password. The password is borrowed for the one request and dropped (zeroed)
//! when it returns; it is never in the store, a log line, an error or an export. After a
//! signature the account's trainings are read again, so the mission leaves the unsigned
//! list. The app and the CLI both call [`sign`].

use std::collections::HashMap;

use flightdesk_connectors::flylogs::Signature;
use flightdesk_connectors::ConnectorError;
use flightdesk_secrets::Secret;
use flightdesk_workspace::Workspace;

use crate::account_choice::{flylogs_account, AccountChoice};
use crate::replay::writer;
use crate::SyncOptions;

/// What to sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignTarget {
    /// A mission's debrief (a `UserTrainingFlight` id), by the student who flew it.
    Mission(String),
    /// A class's attendance, by its teacher; `sign: false` removes the signature.
    Class { id: String, sign: bool },
}

/// How a signature ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct Signed {
    /// False when Flylogs says it was signed already.
    pub changed: bool,
    /// The sentence the window and the CLI show.
    pub message: String,
    /// The account's trainings were read again afterwards.
    pub refreshed: bool,
}

/// Why a signature did not happen, in words (never with the password).
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error(transparent)]
    Account(#[from] AccountChoice),
    /// Flylogs cannot be reached, or cannot answer (server errors, rate limit): the user
    /// can only sign again later, and may ask to be reminded.
    #[error(
        "Signing needs the network, and Flylogs cannot answer now. FlightDesk never keeps \
         your password, so sign again once Flylogs is back. ({0})"
    )]
    Offline(String),
    /// Flylogs refused it, in its own words ("Incorrect password", "Only the student who
    /// flew the mission can sign it", "The training is not active").
    #[error("Flylogs refused the signature: {0}")]
    Refused(String),
    #[error("signing failed: {0}")]
    Failed(String),
}

/// Signs `target` with `password` as Flylogs account `account` (default: the only one).
pub async fn sign(
    workspace: &Workspace,
    account: Option<&str>,
    target: &SignTarget,
    password: Secret,
    options: &SyncOptions,
) -> Result<Signed, SignError> {
    let found = flylogs_account(workspace, account).await?;
    let flylogs = writer(workspace, &found, options, &mut HashMap::new())
        .await
        .map_err(|e| SignError::Failed(e.to_string()))?;
    let answer = match target {
        SignTarget::Mission(id) => flylogs.sign_mission(id, &password).await,
        SignTarget::Class { id, sign } => flylogs.sign_class(id, &password, *sign).await,
    };
    drop(password);
    let signature = answer.map_err(sign_error)?;
    let (changed, message) = match (target, signature) {
        (_, Signature::AlreadySigned) => (false, "It was already signed.".to_string()),
        (SignTarget::Mission(_), Signature::Signed) => (true, "The debrief is signed.".to_string()),
        (SignTarget::Class { sign: true, .. }, Signature::Signed) => {
            (true, "The class attendance is signed.".to_string())
        }
        (SignTarget::Class { sign: false, .. }, Signature::Signed) => (
            true,
            "The class attendance signature is removed.".to_string(),
        ),
    };
    let refresh = SyncOptions {
        account: Some(found.name.clone()),
        resources: Some(vec![flightdesk_connectors::flylogs::RESOURCE.to_string()]),
        // An incremental pass did not bring a new signature back (tests/sign.rs in the
        // CLI): read the account's trainings whole.
        full: true,
        client: options.client.clone(),
        ..SyncOptions::default()
    };
    let refreshed = crate::sync(workspace, &refresh, &|_| {})
        .await
        .is_ok_and(|r| r.resources.iter().all(|s| s.error.is_none()));
    Ok(Signed {
        changed,
        message,
        refreshed,
    })
}

impl SignError {
    /// The code the window branches on.
    pub fn code(&self) -> &'static str {
        match self {
            SignError::Account(_) => "bad_request",
            SignError::Offline(_) => "offline",
            SignError::Refused(_) => "refused",
            SignError::Failed(_) => "failed",
        }
    }
}

fn sign_error(e: ConnectorError) -> SignError {
    if e.cannot_answer_now() {
        SignError::Offline(e.to_string())
    } else if let Some(words) = e.refusal() {
        SignError::Refused(words.to_string())
    } else {
        SignError::Failed(e.to_string())
    }
}
