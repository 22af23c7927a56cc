//! `mission sign` against the sandbox's Flylogs as a student: a wrong password is refused
//! in Flylogs' words, the right one signs (and the mission is signed in the cache after),
//! a second signature says it was signed already, offline says signing needs the network,
//! and neither password appears in the logs or an export.

mod common;

use flightdesk_sandbox::Provider;
use serde_json::Value;

use common::{run, set_faults, synced_flylogs, text};

fn missions(export: &Value) -> Vec<Value> {
    export["missions"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_debrief_is_signed_once_with_the_right_password_which_is_kept_nowhere() {
    let (sb, dir) = synced_flylogs("student", "me").await;
    let credential = sb.credential(Provider::Flylogs, "student").unwrap();
    let password = credential["password"].as_str().unwrap().to_string();
    let export = |dir: std::path::PathBuf| async move {
        let out = run(&dir, &["export"], None).await;
        assert!(out.status.success());
        (
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
            text(&out.stdout),
        )
    };
    let (cache, _) = export(dir.path().to_path_buf()).await;
    let mission = missions(&cache)
        .into_iter()
        .find(|m| m["signature_state"] == "unsigned" && m["status"] == "completed")
        .expect("a flown mission waiting for its debrief signature");
    let id = mission["source_id"].as_str().unwrap().to_string();

    // A wrong password: Flylogs' words, not the password.
    let wrong = "not-my-password-42";
    let refused = run(
        dir.path(),
        &["mission", "sign", &id, "--password-stdin"],
        Some(&format!("{wrong}\n")),
    )
    .await;
    assert_eq!(refused.status.code(), Some(1));
    let said = text(&refused.stderr);
    assert!(said.contains("Incorrect password"), "{said}");
    assert!(!said.contains(wrong));

    // The right one signs, and the cache is read again.
    let signed = run(
        dir.path(),
        &["mission", "sign", &id, "--password-stdin"],
        Some(&format!("{password}\n")),
    )
    .await;
    assert!(signed.status.success(), "{}", text(&signed.stderr));
    let answer: Value = serde_json::from_slice(&signed.stdout).unwrap();
    assert_eq!(answer["changed"], true);
    assert_eq!(answer["refreshed"], true);
    let (cache, cache_text) = export(dir.path().to_path_buf()).await;
    let now = missions(&cache)
        .into_iter()
        .find(|m| m["source_id"] == id.as_str())
        .unwrap();
    assert_eq!(now["signature_state"], "signed");

    // Again: it says so.
    let again = run(
        dir.path(),
        &["mission", "sign", &id, "--password-stdin"],
        Some(&format!("{password}\n")),
    )
    .await;
    assert!(again.status.success(), "{}", text(&again.stderr));
    let answer: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(answer["changed"], false);
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .contains("already signed"));

    // Flylogs failing with server errors is no refusal: try again later, like offline.
    set_faults(&sb, "flylogs:5xx=1").await;
    let failing = run(
        dir.path(),
        &["mission", "sign", &id, "--password-stdin"],
        Some(&format!("{password}\n")),
    )
    .await;
    assert_eq!(failing.status.code(), Some(1));
    let said = text(&failing.stderr);
    assert!(said.contains("Signing needs the network"), "{said}");
    assert!(!said.contains(&password));
    set_faults(&sb, "").await;

    // Offline: said in words, nothing queued.
    sb.shutdown().await;
    let offline = run(
        dir.path(),
        &["mission", "sign", &id, "--password-stdin"],
        Some(&format!("{password}\n")),
    )
    .await;
    assert_eq!(offline.status.code(), Some(1));
    let said = text(&offline.stderr);
    assert!(said.contains("Signing needs the network"), "{said}");
    assert!(!said.contains(&password));
    let outbox = run(dir.path(), &["outbox", "list"], None).await;
    assert_eq!(text(&outbox.stdout).trim(), "[]");

    // Neither password is in the logs or the export.
    assert!(!cache_text.contains(&password) && !cache_text.contains(wrong));
    for entry in std::fs::read_dir(dir.path().join("logs")).unwrap() {
        let log = std::fs::read_to_string(entry.unwrap().path()).unwrap_or_default();
        assert!(!log.contains(&password), "a log holds the password");
        assert!(!log.contains(wrong), "a log holds the wrong password");
    }
}
