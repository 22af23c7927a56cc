//! The `large` preset's size, start time and memory. Ignored by default (slow in debug);
//! run with `cargo test -p flightdesk-sandbox --release --test large -- --ignored`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use flightdesk_sandbox::{start, Preset, Provider, SandboxConfig};

fn vm(key: &str) -> u64 {
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
#[ignore]
async fn large_preset_size_time_memory() {
    let t0 = Instant::now();
    let sb = start(SandboxConfig {
        preset: Preset::Large,
        ..config()
    })
    .await
    .unwrap();
    let took = t0.elapsed();
    assert!(took < Duration::from_secs(30), "generation took {took:?}");
    let w = admin_get(&sb, "/world").await.json();
    assert!(w["bookings"].as_u64().unwrap() >= 50_000, "{w}");
    let entries: u64 = {
        let world = sb.state().world();
        world
            .flights
            .iter()
            .map(|f| {
                // AviationAlley (one per pilot) + PilotFlows + Airbly + FSB training.
                (1 + f.student.is_some() as u64)
                    + f.in_pilotflows as u64
                    + f.by_device as u64
                    + f.in_fsb as u64
            })
            .sum()
    };
    assert!(entries >= 100_000, "{entries}");
    // Serving stays responsive on the big world.
    let t = token(&sb, Provider::AviationAlley, "live_full");
    let r = get(
        &format!(
            "{}/flight-log?limit=200",
            sb.base_url(Provider::AviationAlley)
        ),
        Some(&t),
    )
    .await;
    assert_eq!(r.status, 200);
    let hwm = vm("VmHWM:");
    println!(
        "large: start {took:?}, {w}, flight-log entries {entries}, VmRSS {} kB, VmHWM {hwm} kB",
        vm("VmRSS:")
    );
    assert!(hwm < 1024 * 1024, "VmHWM {hwm} kB");
    sb.shutdown().await;
}
