//! What the benchmark examples share: a sandbox in a process of its own, and a throwaway
//! workspace with one account of every provider connected to it.
//!
//! The sandbox is this program started again in its sandbox mode (`--serve-sandbox`),
//! which serves exactly as `flightdesk sandbox --json` does, so the world it generates is
//! not in the measured process. Its clock is pinned to the start of the run; it moves only
//! through the admin API.
// Each example uses part of this.
#![allow(dead_code)]

use std::process::Stdio;
use std::sync::Arc;

use chrono::{DateTime, DurationRound, Utc};
use flightdesk_core::Provider;
use flightdesk_sandbox::{Preset, SandboxArgs};
use flightdesk_secrets::{MemoryStore, Secret};
use flightdesk_store::NewAccount;
use flightdesk_workspace::{SecretsBackend, Workspace};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

/// The sandbox credential each account uses: full access, the main centre.
const ROLES: [(Provider, &str); 5] = [
    (Provider::AviationAlley, "live_full"),
    (Provider::PilotFlows, "organization_plan"),
    (Provider::Airbly, "group"),
    (Provider::FlightSchoolBooking, "all_areas"),
    (Provider::Flylogs, "manager"),
];

/// The value after `name` on the command line.
pub fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn preset(name: &str) -> Preset {
    match name {
        "demo" => Preset::Demo,
        "large" => Preset::Large,
        other => panic!("unknown preset `{other}` (demo or large)"),
    }
}

/// The preset named by `--preset` (default `demo`).
pub fn preset_name() -> String {
    let name = arg("--preset").unwrap_or_else(|| "demo".into());
    preset(&name);
    name
}

/// In the sandbox process (`--serve-sandbox`), serves until killed and returns `true`.
pub async fn serve_sandbox_if_asked() -> bool {
    if !std::env::args().any(|a| a == "--serve-sandbox") {
        return false;
    }
    let args = SandboxArgs {
        port: 0,
        preset: preset(&preset_name()),
        seed: 42,
        now: arg("--now").map(|n| n.parse().expect("--now is RFC 3339")),
        faults: None,
        webhook: None,
        json: true,
    };
    if let Err(e) = flightdesk_sandbox::serve(args).await {
        eprintln!("sandbox: {e:#}");
        std::process::exit(1);
    }
    true
}

/// A sandbox process and a workspace connected to it.
pub struct Bench {
    pub workspace: Workspace,
    pub dir: tempfile::TempDir,
    /// Where the sandbox's admin API answers.
    pub admin_url: String,
    child: tokio::process::Child,
}

impl Bench {
    /// Starts the sandbox of `preset` (its clock pinned to now, to the minute) and
    /// connects one account per provider. `--dir` puts the workspace in that folder.
    pub async fn start(preset: &str) -> Self {
        let now = Utc::now()
            .duration_trunc(chrono::TimeDelta::minutes(1))
            .expect("a minute truncates");
        let started = std::time::Instant::now();
        let mut child = tokio::process::Command::new(std::env::current_exe().expect("own path"))
            .args(["--serve-sandbox", "--preset", preset, "--now"])
            .arg(now.to_rfc3339())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the sandbox process starts");
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let line = lines
            .next_line()
            .await
            .expect("the sandbox answers")
            .expect("the sandbox prints its manifest");
        let manifest: Value = serde_json::from_str(&line).expect("the manifest is JSON");
        println!(
            "preset {preset}: sandbox (pid {}) ready in {:.1} s, clock pinned at {now}",
            child.id().unwrap_or_default(),
            started.elapsed().as_secs_f64()
        );
        let dir = match arg("--dir") {
            Some(parent) => tempfile::tempdir_in(parent),
            None => tempfile::tempdir(),
        }
        .expect("a temporary directory");
        let workspace = Workspace::open(
            dir.path(),
            SecretsBackend::Memory(Arc::new(MemoryStore::new())),
        )
        .await
        .expect("the workspace opens");
        let mut admin_url = String::new();
        for (provider, role) in ROLES {
            let entry = &manifest[provider.as_str()];
            let base_url = entry["base_url"].as_str().expect("a base URL");
            if admin_url.is_empty() {
                let url = reqwest::Url::parse(base_url).expect("a base URL parses");
                admin_url = format!("{}/_sandbox", url.origin().ascii_serialization());
            }
            let credential = entry["credentials"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["role"] == role)
                .unwrap_or_else(|| panic!("no {role} credential for {provider}"));
            let account = workspace
                .store()
                .upsert_account(&NewAccount {
                    provider,
                    name: format!("bench-{provider}"),
                    base_url: base_url.to_string(),
                    options: Default::default(),
                })
                .await
                .expect("the account is stored");
            workspace
                .set_credential(
                    &account,
                    &Secret::new(credential["token"].as_str().expect("a token")),
                )
                .expect("the credential is stored");
        }
        Self {
            workspace,
            dir,
            admin_url,
            child,
        }
    }

    /// Moves the sandbox clock forward and returns its new time.
    pub async fn advance_clock(&self, seconds: i64) -> DateTime<Utc> {
        let answer: Value = reqwest::Client::new()
            .post(format!("{}/clock/advance", self.admin_url))
            .json(&serde_json::json!({ "seconds": seconds }))
            .send()
            .await
            .expect("the sandbox answers")
            .json()
            .await
            .expect("the clock answer is JSON");
        answer["now"]
            .as_str()
            .and_then(|t| t.parse().ok())
            .expect("the clock answer carries the time")
    }

    /// Stops the sandbox process.
    pub async fn stop(mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}

/// Peak and current resident memory of this process, in MB.
pub fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |field: &str| -> f64 {
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    (kb("VmHWM:") / 1024.0, kb("VmRSS:") / 1024.0)
}
