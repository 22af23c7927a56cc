//! The standalone binary: `--json` prints exactly one line, SIGTERM stops it cleanly.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn json_manifest_is_one_line_and_sigterm_stops() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_flightdesk-sandbox"))
        .args([
            "--json",
            "--seed",
            "7",
            "--now",
            "2026-03-02T09:30:00Z",
            "--faults",
            "airbly:latency=5ms",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 5);
    for p in [
        "aviationalley",
        "pilotflows",
        "airbly",
        "flightschoolbooking",
        "flylogs",
    ] {
        assert!(
            v[p]["base_url"]
                .as_str()
                .unwrap()
                .starts_with("http://127.0.0.1:"),
            "{p}"
        );
        assert!(v[p]["credentials"].is_array(), "{p}");
    }
    for p in ["aviationalley", "pilotflows", "flightschoolbooking"] {
        for c in v[p]["credentials"].as_array().unwrap() {
            assert!(c["role"].is_string() && c["token"].is_string(), "{c}");
        }
    }
    // It serves.
    let url = format!(
        "{}/trainees",
        v["aviationalley"]["base_url"].as_str().unwrap()
    );
    let tok = v["aviationalley"]["credentials"][0]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(&url)
            .bearer_auth(&tok)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    });
    assert_eq!(status, 200);
    // SIGTERM: exits 0, nothing more on stdout.
    let ok = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(ok.success());
    let t0 = Instant::now();
    let code = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(code.success(), "{code:?}");
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "", "exactly one line of stdout");
}

#[test]
fn bad_faults_spec_is_rejected_with_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_flightdesk-sandbox"))
        .args(["--faults", "airbly:explode=1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown fault key"), "{err}");
    let help = Command::new(env!("CARGO_BIN_EXE_flightdesk-sandbox"))
        .arg("--help")
        .output()
        .unwrap();
    let h = String::from_utf8_lossy(&help.stdout);
    assert!(
        h.contains("429burst") && h.contains("--preset") && h.contains("--json"),
        "{h}"
    );
}
