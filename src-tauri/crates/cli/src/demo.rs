//! `demo`: a workspace of its own, labelled demo, connected to an in-process sandbox.

use std::path::{Path, PathBuf};

use flightdesk_core::Provider;
use flightdesk_secrets::Secret;
use flightdesk_store::NewAccount;
use flightdesk_sync::SyncOptions;
use flightdesk_workspace::{SecretsBackend, Workspace, WorkspaceInfo, WorkspaceKind};

use crate::args::DemoArgs;
use crate::exit::Failure;
use crate::open::store_failure;
use crate::sync_cmd::{print_summary, run_engine};
use flightdesk_sync::demo::sandbox_provider;

/// The credential role each demo account uses (the first one where not listed).
const ROLES: [(Provider, &str); 4] = [
    (Provider::AviationAlley, "live_full"),
    // The school's own group (its whole fleet, and the group the sandbox pushes for).
    (Provider::Airbly, "group"),
    (Provider::PilotFlows, "organization_plan"),
    (Provider::FlightSchoolBooking, "all_areas"),
];

/// Fields of a sandbox credential that are not account options.
const NOT_OPTIONS: [&str; 6] = ["token", "role", "password", "email", "auth", "note"];

/// The demo's data directory: `--data-dir` when given, else a sibling of the default data
/// directory named `…-demo`, so demo data never mixes with a real workspace.
pub fn demo_dir(flag: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    let real = flightdesk_workspace::resolve_data_dir(None)?;
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| flightdesk_workspace::IDENTIFIER.to_string());
    Ok(real.with_file_name(format!("{name}-demo")))
}

/// Labels a new directory as a demo workspace; refuses a real one.
fn label_demo(dir: &Path) -> Result<(), Failure> {
    let file = dir.join("workspace.json");
    match std::fs::read(&file) {
        Ok(bytes) => {
            let info: WorkspaceInfo = serde_json::from_slice(&bytes)
                .map_err(|e| Failure::config(format!("{} is damaged: {e}", file.display())))?;
            if info.kind != WorkspaceKind::Demo {
                return Err(Failure::config(format!(
                    "{} holds a real workspace; the demo needs a directory of its own",
                    dir.display()
                )));
            }
            Ok(())
        }
        Err(_) => {
            if dir.join(flightdesk_store::DB_FILE_NAME).exists() {
                return Err(Failure::config(format!(
                    "{} already holds a database; the demo needs a directory of its own",
                    dir.display()
                )));
            }
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::config(format!("cannot create {}: {e}", dir.display())))?;
            let info = WorkspaceInfo {
                id: uuid::Uuid::new_v4().to_string(),
                kind: WorkspaceKind::Demo,
                created_at: chrono::Utc::now(),
            };
            std::fs::write(
                &file,
                serde_json::to_vec_pretty(&info).expect("info serializes"),
            )
            .map_err(|e| Failure::config(format!("cannot write {}: {e}", file.display())))
        }
    }
}

pub async fn run(dir: &Path, args: DemoArgs) -> Result<(), Failure> {
    label_demo(dir)?;
    let sandbox = flightdesk_sync::demo::start_sandbox()
        .await
        .map_err(|e| Failure::failed(format!("cannot start the demo sandbox: {e}")))?;
    let result = async {
        let workspace = Workspace::open(dir, SecretsBackend::Keyring).await?;
        let manifest = sandbox.manifest();
        for provider in Provider::ALL {
            let entry = &manifest[provider.as_str()];
            let credentials = entry["credentials"].as_array().cloned().unwrap_or_default();
            let role = ROLES.iter().find(|(p, _)| *p == provider).map(|(_, r)| *r);
            let Some(credential) = credentials
                .iter()
                .find(|c| role.is_none_or(|r| c["role"] == r))
                .or(credentials.first())
            else {
                continue;
            };
            // The demo connects with each credential's API token. Its password and login
            // e-mail stay out of the options: they would be stored in the account, and an
            // e-mail switches Flylogs to a password login.
            let mut options = serde_json::Map::new();
            for (k, v) in credential.as_object().into_iter().flatten() {
                let kept = !NOT_OPTIONS.contains(&k.as_str());
                if kept && (v.is_string() || v.is_number()) {
                    options.insert(k.clone(), v.clone());
                }
            }
            let account = workspace
                .store()
                .upsert_account(&NewAccount {
                    provider,
                    name: format!("demo-{provider}"),
                    base_url: sandbox.base_url(sandbox_provider(provider)),
                    options,
                })
                .await
                .map_err(store_failure)?;
            let token = credential["token"].as_str().unwrap_or_default();
            workspace
                .secrets()
                .set_credential(&account, &Secret::new(token))
                .await?;
        }
        let report = run_engine(&workspace, &SyncOptions::default()).await?;
        Ok::<_, Failure>(report)
    }
    .await;
    sandbox.shutdown().await;
    let report = result?;
    print_summary(&report);
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&serde_json::json!({
                "data_dir": dir,
                "kind": "demo",
                "report": report,
            }))
            .expect("reports serialize")
        );
    } else {
        let t = report.totals();
        println!(
            "demo workspace ready in {} ({} records cached); look at it with: flightdesk --data-dir {} status",
            dir.display(),
            t.new + t.updated,
            dir.display()
        );
    }
    Ok(())
}
