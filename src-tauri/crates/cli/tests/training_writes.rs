//! `flightdesk class roster|attendance|evaluate`, `enrol` and `lesson complete` over the
//! sandbox's Flylogs: as a manager, a class scheduled offline gets its attendance and an
//! evaluation after it is created, its roster shows them (and, with Flylogs failing, the
//! cached roster with the waiting change), and a pilot group's enrolment reaches Flylogs
//! once; as a student, a lesson completed offline reaches Flylogs with the next sync.

mod common;

use serde_json::Value;

use common::{class_to_schedule, json, run, set_faults, synced_flylogs, text, truth};

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

    let student_in = |roster: &Value| {
        roster["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["user_id"] == student.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("{student} is not on the roster: {roster}"))
    };
    let roster = json(dir, &["class", "roster", id, "--account", "office"]).await;
    assert!(roster["offline"].is_null(), "read from Flylogs: {roster}");
    let line = student_in(&roster);
    assert_eq!(line["attended"], true, "{line}");
    assert_eq!(line["remarks"], "good briefing");
    assert!(line["waiting"].is_null());

    // Flylogs failing: the roster comes from the cache and the outbox, with the absence
    // still waiting drawn over it.
    set_faults(&sb, "flylogs:5xx=1").await;
    let absent = [
        "class",
        "attendance",
        id,
        "--account",
        "office",
        "--absent",
        &student,
        "--offline",
    ];
    let waiting = json(dir, &absent).await;
    let out = run(dir, &["class", "roster", id, "--account", "office"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cannot answer now"),
        "{}",
        text(&out.stderr)
    );
    let roster: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(roster["offline"].is_string());
    let line = student_in(&roster);
    assert_eq!(line["attended"], false, "the waiting absence: {line}");
    assert_eq!(line["waiting"], waiting["id"]);
    set_faults(&sb, "").await;
    assert!(run(dir, &["sync"], None).await.status.success());

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lesson_completed_offline_reaches_flylogs_with_the_next_sync() {
    let (sb, dir) = synced_flylogs("student", "me").await;
    let dir = dir.path();
    let cache = json(dir, &["export"]).await;
    let rows = |kind: &str| cache[kind].as_array().unwrap().clone();
    let t = truth(&sb, "flylogs").await;
    let active = |training: &Value| {
        t["trainings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == *training && t["active"] == true)
    };
    let completed = |t: &Value, enrolment: &str, lesson: &str| {
        t["completed_lessons"].as_array().unwrap().iter().any(|c| {
            c["enrollment"] == enrolment
                && c["lesson"] == lesson
                && c["seconds"].as_i64() >= Some(25 * 60)
        })
    };
    // A lesson of an active training of the student's that Flylogs has not seen completed.
    let (enrolment, lesson) = rows("enrolments")
        .iter()
        .filter(|e| e["class_id"].is_null() && active(&e["training_id"]))
        .find_map(|e| {
            let enrolment = e["source_id"].as_str()?;
            let l = rows("lessons").into_iter().find(|l| {
                l["training_id"] == e["training_id"]
                    && !completed(&t, enrolment, l["source_id"].as_str().unwrap_or_default())
            })?;
            Some((enrolment.to_string(), l["source_id"].as_str()?.to_string()))
        })
        .expect("an enrolment in an active training with a lesson not completed");
    let done_in_flylogs = |t: &Value| completed(t, &enrolment, &lesson);

    let complete = [
        "lesson",
        "complete",
        &lesson,
        "--account",
        "me",
        "--enrolment",
        &enrolment,
        "--minutes",
        "25",
        "--offline",
    ];
    let queued = json(dir, &complete).await;
    assert_eq!(queued["state"], "pending", "only queued: {queued}");
    assert!(!done_in_flylogs(&truth(&sb, "flylogs").await));

    let out = run(dir, &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = json(dir, &["outbox", "list"]).await;
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == queued["id"])
        .unwrap();
    assert_eq!(row["state"], "sent", "{row}");
    assert!(done_in_flylogs(&truth(&sb, "flylogs").await));

    let unknown = [
        "lesson",
        "complete",
        &lesson,
        "--account",
        "me",
        "--enrolment",
        "no-such-enrolment",
    ];
    let out = run(dir, &unknown, None).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Enrollment not found"),
        "Flylogs' own words: {}",
        text(&out.stderr)
    );
}
