//! `mission sign ID` and `class sign|unsign ID`: a signature in Flylogs, online only. The
//! password is read from standard input (`--password-stdin`, never an argument), used for
//! the one request and dropped. Prints `{"changed", "message", "refreshed"}`.

use std::path::Path;

use flightdesk_sync::signing::{self, SignError, SignTarget};
use flightdesk_sync::SyncOptions;

use crate::exit::Failure;
use crate::open::open;

#[derive(Debug, clap::Args)]
pub struct MissionArgs {
    #[command(subcommand)]
    pub action: MissionAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum MissionAction {
    /// Sign a flown mission's debrief, as the student who flew it.
    Sign(SignArgs),
}

#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The mission (or class) id.
    pub id: String,
    /// The Flylogs account (default: the only one).
    #[arg(long)]
    pub account: Option<String>,
    /// Read the Flylogs password from standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Signs `target` as the account `args` names.
pub async fn run(data_dir: &Path, args: &SignArgs, target: SignTarget) -> Result<(), Failure> {
    if !args.password_stdin {
        return Err(Failure::config(
            "give the password on standard input with --password-stdin (it is never an argument)",
        ));
    }
    let password = crate::secret_input::read_line("the password", false)?;
    let opened = open(data_dir, true).await?;
    let options = SyncOptions::default();
    let signed = signing::sign(
        &opened.workspace,
        args.account.as_deref(),
        &target,
        password,
        &options,
    )
    .await
    .map_err(|e| match e {
        SignError::Account(_) => Failure::config(e.to_string()),
        _ => Failure::failed(e.to_string()),
    });
    opened.close().await;
    let signed = signed?;
    println!(
        "{}",
        serde_json::to_string_pretty(&signed).expect("a signature serializes")
    );
    Ok(())
}
