//! `flightdesk logbook add|edit|delete` over the sandbox's PilotFlows: each change reaches
//! it (or waits offline and goes with the next sync), a mistake is refused before queueing
//! with the field named, and the sandbox's truth ends with what was asked.

mod common;

use flightdesk_sandbox::Provider;
use serde_json::Value;

use common::{json, run, synced, text, truth};

/// The sandbox's flight logs of the main organisation.
async fn logs(sb: &flightdesk_sandbox::RunningSandbox) -> Vec<Value> {
    let t = truth(sb, "pilotflows").await;
    t["organizations"]
        .as_object()
        .unwrap()
        .values()
        .find(|o| o["organization"]["attributes"]["plan"] == "organization")
        .map(|o| o["flight_logs"].as_array().unwrap().clone())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flight_log_is_added_changed_offline_and_deleted_through_the_outbox() {
    let (sb, dir) = synced(
        Provider::PilotFlows,
        "pilotflows",
        "organization_plan",
        "school",
    )
    .await;
    let dir = dir.path();
    let cache = json(dir, &["export"]).await;
    let aircraft = cache["aircraft"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|a| a["registration"].as_str().map(str::to_string))
        .unwrap();
    let before = logs(&sb).await.len();

    // The sandbox's clock is pinned at 2026-03-02: a day later is still in its past.
    let add = [
        "logbook",
        "add",
        "--date",
        "2026-03-01",
        "--aircraft",
        &aircraft,
        "--duration",
        "1.2",
        "--landings",
        "3",
        "--remarks",
        "added by the CLI",
    ];
    let row = json(dir, &add).await;
    assert_eq!(row["state"], "sent", "{row}");
    let id = row["remote_id"].as_str().unwrap().to_string();
    let now = logs(&sb).await;
    assert_eq!(now.len(), before + 1);
    let made = now.iter().find(|l| l["id"] == id.as_str()).unwrap();
    assert_eq!(made["attributes"]["remarks"], "added by the CLI");
    assert_eq!(made["attributes"]["duration"], 1.2);

    let future = [
        "logbook",
        "add",
        "--date",
        "2999-01-01",
        "--aircraft",
        &aircraft,
        "--duration",
        "1",
    ];
    let out = run(dir, &future, None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("date:"), "{}", text(&out.stderr));

    // The new log is cached by the next sync; an edit queued offline goes with the one after.
    assert!(run(dir, &["sync"], None).await.status.success());
    let edit = [
        "logbook",
        "edit",
        &id,
        "--remarks",
        "changed offline",
        "--offline",
    ];
    let row = json(dir, &edit).await;
    assert_eq!(row["state"], "pending");
    let made = logs(&sb)
        .await
        .into_iter()
        .find(|l| l["id"] == id.as_str())
        .unwrap();
    assert_eq!(
        made["attributes"]["remarks"], "added by the CLI",
        "not sent yet"
    );
    let out = run(dir, &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let made = logs(&sb)
        .await
        .into_iter()
        .find(|l| l["id"] == id.as_str())
        .unwrap();
    assert_eq!(made["attributes"]["remarks"], "changed offline");

    let row = json(dir, &["logbook", "delete", &id]).await;
    assert_eq!(row["state"], "sent");
    assert_eq!(logs(&sb).await.len(), before);
    let cache = json(dir, &["export"]).await;
    let cached = cache["flight_logs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["source_id"] == id.as_str());
    assert!(!cached, "the deleted log left the cache at once");
}
