//! `flightdesk class attendance`, `class evaluate` and `enrol` over the sandbox's Flylogs,
//! as a manager: a class scheduled offline gets its attendance and an evaluation after it
//! is created, and a pilot group's enrolment reaches Flylogs once.

mod common;

use serde_json::Value;

use common::{class_to_schedule, json, synced_flylogs, truth};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attendance_an_evaluation_and_an_enrolment_go_through_the_outbox() {
    let (sb, dir) = synced_flylogs("manager", "office").await;
    let dir = dir.path();
    let (teacher, subject, student) = class_to_schedule(dir).await;
    let schedule = [
        "class",
        "schedule",
        "--account",
        "office",
        "--subject",
        &subject,
        "--start",
        "2026-04-10T08:00:00Z",
        "--teacher",
        &teacher,
        "--students",
        &student,
        "--force-reason",
        "attendance test",
        "--offline",
    ];
    let class = json(dir, &schedule).await;
    let local = class["target_id"].as_str().unwrap().to_string();
    let attendance = [
        "class",
        "attendance",
        &local,
        "--account",
        "office",
        "--present",
        &student,
        "--offline",
    ];
    let marked = json(dir, &attendance).await;
    assert_eq!(marked["depends_on"], class["id"], "it waits for the class");
    let evaluate = [
        "class",
        "evaluate",
        &local,
        "--account",
        "office",
        "--student",
        &student,
        "--remarks",
        "good briefing",
    ];
    let evaluated = json(dir, &evaluate).await;
    assert_eq!(
        evaluated["state"], "sent",
        "sent with the class before it: {evaluated}"
    );

    let rows = json(dir, &["outbox", "list"]).await;
    let row = |id: &Value| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == *id)
            .unwrap()
            .clone()
    };
    let class = row(&class["id"]);
    assert_eq!(class["state"], "sent");
    let id = class["remote_id"].as_str().unwrap();
    assert_eq!(
        row(&marked["id"])["target_id"],
        id,
        "attendance went to the new class"
    );

    let t = truth(&sb, "flylogs").await;
    let before = t["enrollments"].as_u64().unwrap();
    let training = t["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["active"] == true)
        .and_then(|t| t["id"].as_str())
        .unwrap()
        .to_string();
    let group = t["pilot_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Instructors")
        .unwrap()
        .clone();
    let members = group["members"].as_array().unwrap().len() as u64;
    let enrol = [
        "enrol",
        "--account",
        "office",
        "--training",
        &training,
        "--students",
        group["id"].as_str().unwrap(),
        "--finish-before",
        "2026-12-31",
    ];
    let enrolled = json(dir, &enrol).await;
    assert_eq!(enrolled["state"], "sent");
    let after = truth(&sb, "flylogs").await["enrollments"].as_u64().unwrap();
    assert_eq!(after, before + members, "each instructor enrolled once");
}
