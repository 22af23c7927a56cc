//! A process killed (SIGKILL) in the middle of sending the outbox, a write on the wire.
//! The next run claims that write again, adopts the class if it landed instead of making a
//! second, and sends the rest: every write once, none lost.

mod common;

use std::process::Stdio;
use std::time::Duration;

use flightdesk_sandbox::RunningSandbox;

use common::{class_to_schedule, command, json, run, set_faults, synced_flylogs, text, truth};

async fn live_classes(sb: &RunningSandbox) -> u64 {
    truth(sb, "flylogs").await["classes"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_killed_mid_write_sends_every_class_once_on_the_next_run() {
    let (sb, dir) = synced_flylogs("manager", "office").await;

    let (teacher, subject, student) = class_to_schedule(dir.path()).await;
    for day in ["10", "11", "12"] {
        let start = format!("2026-04-{day}T08:00:00Z");
        let queued = json(
            dir.path(),
            &[
                "class",
                "schedule",
                "--account",
                "office",
                "--subject",
                &subject,
                "--start",
                &start,
                "--teacher",
                &teacher,
                "--students",
                &student,
                "--force-reason",
                "kill test",
                "--offline",
            ],
        )
        .await;
        assert_eq!(queued["state"], "pending");
    }
    let before = live_classes(&sb).await;

    // Answers crawl out in chunks a second apart: the process dies while a write is on
    // the wire (the server may or may not have applied it).
    set_faults(&sb, "flylogs:slow=1s").await;
    let mut child = command(dir.path(), &["sync"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as a write is on the wire.
    for _ in 0..150 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let outbox = json(dir.path(), &["outbox", "list"]).await;
        if outbox
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["state"] == "sending")
        {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let outbox = json(dir.path(), &["outbox", "list"]).await;
    let states: Vec<&str> = outbox
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert!(
        states.contains(&"sending"),
        "killed while a write was on the wire: {states:?}"
    );
    let sent = states.iter().filter(|s| **s == "sent").count() as u64;
    assert!(live_classes(&sb).await >= before + sent);

    set_faults(&sb, "").await;
    let out = run(dir.path(), &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let outbox = json(dir.path(), &["outbox", "list"]).await;
    let rows = outbox.as_array().unwrap();
    assert_eq!(rows.len(), 3, "nothing lost or added");
    assert!(rows.iter().all(|r| r["state"] == "sent"), "{outbox:#}");
    let remote: std::collections::BTreeSet<&str> = rows
        .iter()
        .map(|r| r["remote_id"].as_str().unwrap())
        .collect();
    assert_eq!(remote.len(), 3, "three classes");
    assert_eq!(live_classes(&sb).await, before + 3, "each made once");
    sb.shutdown().await;
}
