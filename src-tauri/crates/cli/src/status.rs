use std::path::Path;

use flightdesk_store::{Account, Store};
use flightdesk_sync::runner::{AccountState, ResourceState};
use flightdesk_sync::Outcome;
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
    state: AccountState,
    /// Live cached records per kind.
    counts: std::collections::BTreeMap<flightdesk_core::Kind, i64>,
    resources: Vec<ResourceStatus>,
}

#[derive(Debug, Serialize)]
struct ResourceStatus {
    resource: String,
    last_success_at: Option<chrono::DateTime<chrono::Utc>>,
    last_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A pass was left unfinished; the next sync resumes it.
    in_progress: bool,
    last_counts: Option<flightdesk_store::Counts>,
    /// How its last attempt ended, by the rule the window uses.
    outcome: Option<Outcome>,
    error_code: Option<String>,
    error: Option<String>,
}

impl From<ResourceState> for ResourceStatus {
    fn from(s: ResourceState) -> Self {
        Self {
            resource: s.resource,
            last_success_at: s.last_success_at,
            last_attempt_at: s.last_attempt_at,
            in_progress: s.in_progress,
            last_counts: s.last_counts,
            outcome: s.outcome,
            error_code: s.error_code,
            error: s.error,
        }
    }
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
        accounts: Vec::new(),
    };
    let mut report = report;
    let failed = |e: flightdesk_store::StoreError| Failure::failed(e.to_string());
    for a in &accounts {
        let health = store.account_health(a.id).await.map_err(failed)?;
        let state = AccountState::of(&health);
        let resources = store
            .sync_states(a.id)
            .await
            .map_err(failed)?
            .into_iter()
            .map(|s| ResourceState::from_stored(a, s).into())
            .collect();
        report.accounts.push(AccountStatus {
            name: &a.name,
            provider: a.provider.as_str(),
            base_url: &a.base_url,
            state,
            counts: store.record_counts(a.id).await.map_err(failed)?,
            resources,
        });
    }
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
            "account     {} ({}, {}) at {}",
            account.name,
            account.provider,
            account.state.as_str(),
            account.base_url
        );
        for r in &account.resources {
            let when = r
                .last_success_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_else(|| "never".into());
            let error = r
                .error
                .as_deref()
                .map(|e| format!("  error: {e}"))
                .unwrap_or_default();
            let skipped = crate::sync_cmd::skipped_note(r.last_counts.map_or(0, |c| c.skipped));
            println!("  {:<20} last synced {when}{skipped}{error}", r.resource);
        }
        let counts: Vec<String> = account
            .counts
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        if !counts.is_empty() {
            println!("  cached: {}", counts.join(", "));
        }
    }
}
