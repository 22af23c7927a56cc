use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// FlightDesk from the command line: the same data directory, store and keyring entries
/// as the desktop app.
#[derive(Debug, Parser)]
#[command(name = "flightdesk", version, about, propagate_version = true)]
pub struct Cli {
    /// The data directory (default: the OS app-data folder of FlightDesk).
    #[arg(long, global = true, env = flightdesk_workspace::DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the workspace, its schema version and its accounts.
    Status(StatusArgs),
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print one JSON object instead of text (schema in docs/cli.md).
    #[arg(long)]
    pub json: bool,
}
