use std::path::Path;

use flightdesk_store::{Account, Store};
use flightdesk_workspace::{SecretsBackend, Workspace, WorkspaceInfo};
use serde::Serialize;

use crate::args::StatusArgs;
use crate::exit::Failure;

/// The `status --json` document (see docs/cli.md).
#[derive(Debug, Serialize)]
struct StatusReport<'a> {
    version: &'static str,
    data_dir: &'a Path,
    workspace: &'a WorkspaceInfo,
    schema_version: i64,
    accounts: Vec<AccountStatus<'a>>,
}

#[derive(Debug, Serialize)]
struct AccountStatus<'a> {
    name: &'a str,
    provider: &'a str,
    base_url: &'a str,
}

pub async fn run(data_dir: &Path, args: StatusArgs) -> Result<(), Failure> {
    let workspace = Workspace::open(data_dir, SecretsBackend::Keyring).await?;
    let store: &Store = workspace.store();
    let accounts: Vec<Account> = store
        .accounts()
        .await
        .map_err(|e| Failure::failed(e.to_string()))?;
    let report = StatusReport {
        version: env!("CARGO_PKG_VERSION"),
        data_dir,
        workspace: workspace.info(),
        schema_version: store
            .schema_version()
            .await
            .map_err(|e| Failure::failed(e.to_string()))?,
        accounts: accounts
            .iter()
            .map(|a| AccountStatus {
                name: &a.name,
                provider: a.provider.as_str(),
                base_url: &a.base_url,
            })
            .collect(),
    };
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&report).expect("status serialises")
        );
    } else {
        print_text(&report);
    }
    Ok(())
}

fn print_text(report: &StatusReport<'_>) {
    println!("FlightDesk {}", report.version);
    println!(
        "workspace   {} ({:?})",
        report.workspace.id, report.workspace.kind
    );
    println!("data dir    {}", report.data_dir.display());
    println!("schema      version {}", report.schema_version);
    if report.accounts.is_empty() {
        println!("accounts    none connected yet");
    }
    for account in &report.accounts {
        println!(
            "account     {} ({}) at {}",
            account.name, account.provider, account.base_url
        );
    }
}
