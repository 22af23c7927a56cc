//! Standalone sandbox server (the app's CLI mounts the same args as `flightdesk sandbox`).

use clap::Parser;
use flightdesk_sandbox::SandboxArgs;

#[derive(Parser)]
#[command(
    name = "flightdesk-sandbox",
    about = "Local provider sandbox for FlightDesk"
)]
struct Cli {
    #[command(flatten)]
    args: SandboxArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    flightdesk_sandbox::serve(Cli::parse().args).await
}
