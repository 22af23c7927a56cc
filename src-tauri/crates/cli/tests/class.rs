//! `class check|schedule` and `outbox list|discard` on a demo workspace: a class on top of
//! a cached one's teacher is refused with warnings naming it and free slots, saved only with a
//! reason that is kept in its remarks, and queued (offline) until discarded.

mod common;

use common::{json, run, text};
use serde_json::Value;

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn a_class_with_a_busy_teacher_is_refused_until_the_user_gives_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let demo = run(dir.path(), &["demo"], None).await;
    assert!(demo.status.success(), "{}", text(&demo.stderr));

    // A future Flylogs class with a teacher: the new class goes on top of it.
    let cache = json(dir.path(), &["export"]).await;
    let now = chrono::Utc::now().to_rfc3339();
    let taken = cache["classes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["account"] == "demo-flylogs" && c["starts_at"].as_str() > Some(&now))
        .find(|c| c["instructor_id"].is_string())
        .expect("a future class with a teacher");
    let subject = cache["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["account"] == "demo-flylogs")
        .expect("a Flylogs subject")["source_id"]
        .as_str()
        .unwrap()
        .to_string();
    // A student of the demo school (who is not the teacher).
    let student = cache["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["account"] == "demo-flylogs")
        .find(|p| p["source_id"] != taken["instructor_id"])
        .expect("a Flylogs person")["source_id"]
        .as_str()
        .unwrap()
        .to_string();
    let start = taken["starts_at"].as_str().unwrap();
    let teacher = taken["instructor_id"].as_str().unwrap();
    let fields = |action: &'static str| -> Vec<String> {
        [
            "class",
            action,
            "--account",
            "demo-flylogs",
            "--subject",
            &subject,
            "--start",
            start,
            "--teacher",
            teacher,
            "--students",
            &student,
        ]
        .map(String::from)
        .to_vec()
    };

    let checked = json(dir.path(), &args(&fields("check"))).await;
    let warnings = checked["check"]["warnings"].as_array().unwrap();
    let kinds: Vec<&str> = warnings
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"teacher_busy"), "{checked:#}");
    let other = format!(
        "classes/{}/{}",
        taken["account"].as_str().unwrap(),
        taken["source_id"].as_str().unwrap()
    );
    assert!(
        warnings.iter().any(|w| w["item"]
            .as_str()
            .is_some_and(|i| i.ends_with(taken["source_id"].as_str().unwrap()))
            && w["source"] == "flylogs"),
        "a warning names {other}: {checked:#}"
    );
    let slots = checked["slots"].as_array().unwrap();
    assert!(!slots.is_empty(), "free slots are suggested: {checked:#}");
    assert!(slots.iter().all(|s| s["starts_at"].as_str() != Some(start)));

    // `slots` finds the same free times from the unified teacher, for scripts.
    let entities = json(dir.path(), &["entities", "--kind", "person"]).await;
    let key = format!("flylogs/demo-flylogs/{teacher}");
    let unified = entities
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["key"] == key.as_str())
        })
        .expect("the teacher is an entity")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let free = json(
        dir.path(),
        &[
            "slots",
            "--teacher",
            &unified,
            "--duration",
            "1h",
            "--from",
            start,
            "--limit",
            "3",
        ],
    )
    .await;
    let free = free.as_array().unwrap();
    assert_eq!(free.len(), 3, "{free:?}");
    assert!(free.iter().all(|s| s["starts_at"].as_str() != Some(start)));

    // Scheduling it as it is is refused and queues nothing.
    let mut schedule = fields("schedule");
    schedule.push("--offline".into());
    let refused = run(dir.path(), &args(&schedule), None).await;
    assert_eq!(refused.status.code(), Some(3), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("--force-reason"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(
        json(dir.path(), &["outbox", "list"]).await,
        Value::Array(vec![])
    );

    // With a reason it is queued, the reason kept in the class's remarks.
    schedule.extend([
        "--force-reason".into(),
        "the examiner's only free hour".into(),
    ]);
    let queued = json(dir.path(), &args(&schedule)).await;
    assert_eq!(queued["state"], "pending");
    assert!(queued["payload"]["remarks"]
        .as_str()
        .unwrap()
        .contains("Scheduled despite warnings: the examiner's only free hour"));
    let outbox = json(dir.path(), &["outbox", "list"]).await;
    assert_eq!(outbox.as_array().unwrap().len(), 1);

    // Discarding it empties the outbox again.
    let id = queued["id"].to_string();
    let discard = run(dir.path(), &["outbox", "discard", &id], None).await;
    assert!(discard.status.success(), "{}", text(&discard.stderr));
    assert_eq!(
        json(dir.path(), &["outbox", "list"]).await,
        Value::Array(vec![])
    );
}
