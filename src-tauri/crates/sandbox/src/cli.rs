//! `flightdesk sandbox` command line.

use chrono::{DateTime, Utc};

use crate::faults::FaultSpec;
use crate::world::Preset;
use crate::{start, Provider, SandboxConfig};

const FAULTS_HELP: &str = "Faults to inject: comma-separated PROVIDER:KEY=VALUE items. \
PROVIDER: aviationalley|aa, pilotflows|pf, airbly, flightschoolbooking|fsb, flylogs, or * for all. \
KEYS: latency=DURATION (e.g. 200ms, 2s); 5xx=SHARE (0..1, answer 500/502/503); \
429burst=N (next N requests get 429); truncated=SHARE (body cut in half); \
malformed=SHARE (body replaced by non-JSON); slow=DURATION (body streamed in chunks with \
this pause); churn=SHARE (fsb: data changes between page reads); maintenance=1 (airbly: \
server_available false); expired=1 (all credentials rejected as expired); \
dialect=documented|example|mixed (fsb row shape); lostwrite=N (the next N writes are \
applied, then their answers cut in half). \
Example: airbly:5xx=0.2,pilotflows:429burst=10,flylogs:latency=200ms,fsb:malformed=0.1. \
Changeable at runtime: PUT /_sandbox/faults.";

#[derive(clap::Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Port on 127.0.0.1 (0 = pick a free one).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Size of the generated training centre.
    #[arg(long, value_enum, default_value_t = Preset::Demo)]
    pub preset: Preset,
    /// Seed for the deterministic world and faults.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Pin the clock (RFC 3339, e.g. 2026-03-01T09:00:00Z); it then moves only through
    /// POST /_sandbox/clock/advance. Without it the clock follows real time.
    #[arg(long)]
    pub now: Option<DateTime<Utc>>,
    #[arg(long, help = FAULTS_HELP)]
    pub faults: Option<FaultSpec>,
    /// Register this URL for webhooks at start (AviationAlley events, Airbly pushes).
    #[arg(long)]
    pub webhook: Option<String>,
    /// Print exactly one JSON line (base URLs and credentials per provider) on stdout.
    #[arg(long)]
    pub json: bool,
}

impl SandboxArgs {
    pub fn config(&self) -> SandboxConfig {
        SandboxConfig {
            port: self.port,
            preset: self.preset,
            seed: self.seed,
            now: self.now,
            faults: self.faults.clone().unwrap_or_default(),
            webhook: self.webhook.clone(),
            ..SandboxConfig::default()
        }
    }
}

/// Starts the sandbox, prints how to reach it, and serves until SIGTERM or Ctrl-C.
pub async fn serve(args: SandboxArgs) -> anyhow::Result<()> {
    let sb = start(args.config()).await?;
    let manifest = sb.manifest();
    if args.json {
        println!("{}", serde_json::to_string(&manifest)?);
    } else {
        println!(
            "FlightDesk sandbox on {} (admin: {})",
            sb.addr(),
            sb.admin_url()
        );
        println!("{}", sb.state().world().summary());
        for p in Provider::ALL {
            let m = &manifest[p.name()];
            println!("\n{}  {}", p.name(), m["base_url"].as_str().unwrap_or(""));
            for c in m["credentials"].as_array().into_iter().flatten() {
                println!("  {}", c);
            }
        }
    }
    wait_for_stop().await;
    sb.shutdown().await;
    Ok(())
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = match signal(SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
