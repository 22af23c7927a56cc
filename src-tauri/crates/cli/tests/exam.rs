//! `flightdesk exam`: a whole exam taken through the binary, one process per step (so
//! every step is a restart), with Flylogs failing halfway. The answers given meanwhile
//! are kept, the finish waits for them, and `exam send` delivers them all in order; the
//! sandbox's truth ends with exactly what was answered.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;

use common::{json, run, set_faults, synced_flylogs, text, truth};

/// An enrolment and an exam of it the student may start, from the CLI's export.
async fn startable(dir: &std::path::Path) -> (String, String) {
    let cache = json(dir, &["export"]).await;
    let rows = |kind: &str| cache[kind].as_array().unwrap().clone();
    for e in rows("enrolments") {
        for x in rows("exams").iter().filter(|x| {
            x["training_id"] == e["training_id"]
                && !x["source_id"].as_str().unwrap().starts_with("attempt:")
        }) {
            let (enrolment, exam) = (
                e["source_id"].as_str().unwrap(),
                x["source_id"].as_str().unwrap(),
            );
            let out = run(dir, &["exam", "preview", enrolment, exam], None).await;
            let Ok(preview) = serde_json::from_slice::<Value>(&out.stdout) else {
                continue;
            };
            if preview["can_start"] == true && preview["open_attempt"].is_null() {
                return (enrolment.to_string(), exam.to_string());
            }
        }
    }
    panic!("the student has no exam to start");
}

fn answers(session: &Value) -> BTreeMap<String, Value> {
    session["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["detail_id"].as_str().unwrap().to_string(),
                q["answer"].clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exam_taken_across_processes_with_flylogs_failing_halfway_delivers_every_answer() {
    let (sb, dir) = synced_flylogs("student", "me").await;
    let dir = dir.path();
    let (enrolment, exam) = startable(dir).await;
    let session = json(dir, &["exam", "start", &enrolment, &exam]).await;
    let attempt = session["attempt_id"].as_str().unwrap().to_string();
    let questions = session["questions"].as_array().unwrap().clone();
    let answer = |i: usize| {
        let q = &questions[i];
        (
            q["detail_id"].as_str().unwrap().to_string(),
            q["options"][i % 2]["id"].as_str().unwrap().to_string(),
        )
    };

    let (detail, option) = answer(0);
    let s = json(dir, &["exam", "answer", &attempt, &detail, &option]).await;
    assert_eq!(s["questions"][0]["delivery"], "acknowledged");

    // Flylogs fails: each answer is still saved, and says it waits.
    set_faults(&sb, "flylogs:5xx=1").await;
    for i in 1..questions.len() {
        let (detail, option) = answer(i);
        let s = json(dir, &["exam", "answer", &attempt, &detail, &option]).await;
        assert_eq!(s["questions"][i]["delivery"], "waiting");
        assert_eq!(s["waiting"], i);
        assert!(
            s["problem"].as_str().unwrap().contains("keeps trying"),
            "{s}"
        );
    }
    let open = json(dir, &["exam", "list"]).await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(
        open[0]["position"],
        questions.len() - 1,
        "reopens at the last answered"
    );
    let s = json(dir, &["exam", "finish", &attempt]).await;
    assert_eq!(s["finish"], "waiting");
    let out = run(dir, &["exam", "start", &enrolment, &exam], None).await;
    assert!(!out.status.success(), "starting needs Flylogs");

    // Flylogs is back: a sync waits out the failed answer's backoff, so nothing goes yet;
    // `exam send` (what the exam screen does while answers wait) sends every answer in
    // order, then the finish.
    set_faults(&sb, "").await;
    let out = run(dir, &["sync"], None).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        json(dir, &["exam", "show", &attempt]).await["finish"],
        "waiting"
    );
    let s = json(dir, &["exam", "send", &attempt]).await;
    assert_eq!(s["finish"], "graded", "{s}");
    assert_eq!(s["waiting"], 0);
    let truth = truth(&sb, "flylogs").await;
    let kept = truth["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == attempt.as_str())
        .unwrap()
        .clone();
    assert_eq!(kept["finished"], true);
    let delivered: BTreeMap<String, Value> = kept["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["detail"].as_str().unwrap().to_string(),
                d["option"].clone(),
            )
        })
        .collect();
    assert_eq!(
        delivered,
        answers(&s),
        "the sandbox has exactly what was answered"
    );
    let result = json(dir, &["exam", "result", &attempt]).await;
    assert_eq!(result["score"], kept["score"]);
    assert!(json(dir, &["exam", "list"])
        .await
        .as_array()
        .unwrap()
        .is_empty());
}
