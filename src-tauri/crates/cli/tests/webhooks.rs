//! `webhooks secret` and `webhooks serve` end to end: the binary with the real OS keyring
//! (the test command runs inside a Secret Service session), an in-process sandbox that
//! signs its AviationAlley events, and a throwaway data directory.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use flightdesk_sandbox::{start, Provider, RunningSandbox, SandboxConfig};
use serde_json::{json, Value};

use common::{command, run, text, token};

const SECRET: &str = "whsec_cli_test_signing_secret";

/// Lines of a child's output, read on a thread.
fn lines(r: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(r).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits (without blocking the runtime) for a line that satisfies `want`.
async fn wait_for(rx: &mpsc::Receiver<String>, seen: &mut Vec<String>, want: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        while let Ok(line) = rx.try_recv() {
            seen.push(line.clone());
            if line.contains(want) {
                return line;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no line with `{want}` within 30 s; saw:\n{}",
        seen.join("\n")
    );
}

async fn admin(sb: &RunningSandbox, path: &str, body: Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.admin_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
}

/// Whether any file under `dir` contains `needle`.
fn any_file_contains(dir: &Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            any_file_contains(&p, needle)
        } else {
            std::fs::read(&p)
                .map(|b| b.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_prints_the_urls_and_a_signed_event_syncs_what_changed() {
    let sb = start(SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base = sb.base_url(Provider::AviationAlley);
    let out = run(
        dir.path(),
        &[
            "connect",
            "aviationalley",
            "--base-url",
            &base,
            "--token-stdin",
            "--name",
            "centre",
        ],
        Some(&format!(
            "{}\n",
            token(&sb, Provider::AviationAlley, "live_full")
        )),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    // Without a signing secret there is nothing to serve.
    let out = run(
        dir.path(),
        &["webhooks", "serve", "--bind", "127.0.0.1:0"],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("webhooks secret centre --secret-stdin"));
    // The secret comes on stdin only, for an AviationAlley account only.
    let out = run(dir.path(), &["webhooks", "secret", "centre"], None).await;
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        dir.path(),
        &["webhooks", "secret", "nobody", "--secret-stdin"],
        Some("x\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("no account named `nobody`"));
    let out = run(
        dir.path(),
        &["webhooks", "secret", "centre", "--secret-stdin"],
        Some(&format!("{SECRET}\n")),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !any_file_contains(dir.path(), SECRET.as_bytes()),
        "the signing secret is only in the keyring"
    );
    let out = run(dir.path(), &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));

    let mut child = command(dir.path(), &["webhooks", "serve", "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = lines(child.stdout.take().unwrap());
    let stderr = lines(child.stderr.take().unwrap());
    let (mut out_seen, mut err_seen) = (vec![], vec![]);
    let line = wait_for(&stdout, &mut out_seen, "/webhooks/aviationalley/centre").await;
    let url = line.rsplit(' ').next().unwrap().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    wait_for(&stdout, &mut out_seen, "tunnel or relay").await;

    // The sandbox signs its events with the endpoint's secret, as AviationAlley does.
    admin(
        &sb,
        "/webhooks/endpoints",
        json!({"provider": "aviationalley", "url": url, "secret": SECRET}),
    )
    .await;
    admin(
        &sb,
        "/people",
        json!({"first_name": "Nova", "last_name": "Quill", "role": "student", "location": 0}),
    )
    .await;
    wait_for(
        &stderr,
        &mut err_seen,
        "accepted aviationalley `trainee.created` for centre",
    )
    .await;
    wait_for(&stderr, &mut err_seen, "syncing centre: trainees").await;
    let summary = wait_for(&stderr, &mut err_seen, "trainees").await;
    assert!(
        summary.contains("synced") && summary.contains("new     1"),
        "{summary}"
    );

    // SIGTERM (as Ctrl-C) stops it cleanly.
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert!(status.success(), "{status:?}");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_a_non_loopback_address_warns_that_the_network_can_trigger_syncs() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        dir.path(),
        &[
            "connect",
            "aviationalley",
            "--base-url",
            "http://127.0.0.1:9",
            "--token-stdin",
            "--no-verify",
        ],
        Some("aa_live_unverified\n"),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        dir.path(),
        &["webhooks", "serve", "--bind", "0.0.0.0:0"],
        None,
    )
    .await;
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("warning: 0.0.0.0:")
            && stderr.contains("anyone on that network can then trigger syncs")
            && stderr.contains("Airbly posts are unsigned"),
        "{stderr}"
    );
    let out = run(
        dir.path(),
        &["webhooks", "serve", "--bind", "127.0.0.1:0"],
        None,
    )
    .await;
    assert!(
        !text(&out.stderr).contains("warning"),
        "{}",
        text(&out.stderr)
    );
}
