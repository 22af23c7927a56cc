//! `flightdesk`: the same workspace, store and secrets as the desktop app, headless.

mod args;
mod exit;
mod status;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::Failure;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let data_dir = flightdesk_workspace::resolve_data_dir(cli.data_dir)?;
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| Failure::config(format!("cannot create {}: {e}", data_dir.display())))?;
    let _log = flightdesk_workspace::logging::init(&data_dir, true).map_err(|e| {
        Failure::config(format!("cannot write logs in {}: {e}", data_dir.display()))
    })?;
    match cli.command {
        Command::Status(args) => status::run(&data_dir, args).await,
    }
}
