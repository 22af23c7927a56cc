//! Start-up and memory measurements: `cargo run --release -p flightdesk-sandbox --example
//! measure -- [demo|large]`.

use std::time::Instant;

use flightdesk_sandbox::{start, Preset, SandboxConfig};

fn proc_status(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l[key.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

#[tokio::main]
async fn main() {
    let preset = match std::env::args().nth(1).as_deref() {
        Some("large") => Preset::Large,
        _ => Preset::Demo,
    };
    let cfg = SandboxConfig {
        preset,
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        ..SandboxConfig::default()
    };
    let t0 = Instant::now();
    let sb = start(cfg).await.expect("start");
    let started = t0.elapsed();
    let summary = sb.state().world().summary();
    println!("preset {preset:?}: started (world generated + listening) in {started:?}");
    println!("world: {summary}");
    // Flight-log entries each provider serves (derived from the world's flights).
    {
        let w = sb.state().world();
        let flights = w.flights.iter().filter(|f| !f.deleted);
        let (mut aa, mut pf, mut airbly, mut fsb) = (0usize, 0usize, 0usize, 0usize);
        for f in flights {
            aa += 1 + f.student.is_some() as usize;
            pf += f.in_pilotflows as usize;
            airbly += f.by_device as usize;
            fsb += f.in_fsb as usize;
        }
        println!(
            "flight-log entries: aviationalley {aa}, pilotflows {pf}, airbly {airbly}, fsb training/booked-out {fsb}, total {}",
            aa + pf + airbly + fsb
        );
    }
    // A few requests so the measurement includes serving.
    let c = reqwest::Client::new();
    let aa = sb.manifest()["aviationalley"]["credentials"][0]["token"]
        .as_str()
        .unwrap()
        .to_string();
    for path in ["/flight-log?limit=200", "/bookings?limit=200", "/crew"] {
        let t = Instant::now();
        let r = c
            .get(format!(
                "{}{path}",
                sb.base_url(flightdesk_sandbox::Provider::AviationAlley)
            ))
            .bearer_auth(&aa)
            .send()
            .await
            .unwrap();
        let n = r.bytes().await.unwrap().len();
        println!("GET aviationalley{path}: {n} bytes in {:?}", t.elapsed());
    }
    let fsb = sb.manifest()["flightschoolbooking"]["credentials"][0]["token"]
        .as_str()
        .unwrap()
        .to_string();
    for path in [
        "/club/bookings?page=3",
        "/club/training?page=10",
        "/club/billing-transactions",
    ] {
        let t = Instant::now();
        let r = c
            .get(format!(
                "{}{path}",
                sb.base_url(flightdesk_sandbox::Provider::FlightSchoolBooking)
            ))
            .bearer_auth(&fsb)
            .send()
            .await
            .unwrap();
        let n = r.bytes().await.unwrap().len();
        println!(
            "GET flightschoolbooking{path}: {n} bytes in {:?}",
            t.elapsed()
        );
    }
    println!(
        "VmRSS {}  VmHWM {}",
        proc_status("VmRSS:"),
        proc_status("VmHWM:")
    );
    sb.shutdown().await;
}
