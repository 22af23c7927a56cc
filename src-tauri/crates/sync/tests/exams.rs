//! Taking a Flylogs exam over real HTTP against the sandbox, through a link the test cuts
//! halfway: the answers given offline are kept, survive a restart of the workspace, and
//! reach Flylogs in order once the link is back; the finish waits for them. Each test
//! ends with the sandbox's truth compared with what the student answered.

mod common;

use std::collections::BTreeMap;

use common::{options, world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_sandbox::link::Link;
use flightdesk_sync::exams::{self, AnswerDelivery, ExamError, ExamSession, FinishState};
use serde_json::{json, Value};

/// A student account reached through a link to the sandbox, synced once, and an exam it
/// may start (enrolment id, exam id).
async fn student() -> (World, Link, String, String) {
    let w = world("").await;
    let base = w.sandbox.base_url(flightdesk_sandbox::Provider::Flylogs);
    let link = Link::to(&format!("http://{}", w.sandbox.addr())).await;
    let through = link.url(&base);
    w.connect_at(Provider::Flylogs, "me", "student", json!({}), &through)
        .await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    let enrolments = w.cached(Kind::Enrolments).await;
    let exams = w.cached(Kind::Exams).await;
    for e in &enrolments {
        for x in exams.iter().filter(|x| {
            x["training_id"] == e["training_id"]
                && !x["source_id"].as_str().unwrap().starts_with("attempt:")
        }) {
            let (enrolment, exam) = (
                e["source_id"].as_str().unwrap(),
                x["source_id"].as_str().unwrap(),
            );
            let Ok(p) = exams::preview(&w.workspace, None, enrolment, exam, &options()).await
            else {
                continue;
            };
            if p.can_start && p.open_attempt.is_none() {
                return (w, link, enrolment.to_string(), exam.to_string());
            }
        }
    }
    panic!("the student has no exam to start");
}

/// The sandbox's copy of attempt `id`: finished, score, and the option of each detail.
async fn attempt_truth(w: &World, id: &str) -> (bool, i64, BTreeMap<String, Option<String>>) {
    let truth = w.truth(Provider::Flylogs).await;
    let a = truth["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("the sandbox has no attempt {id}"))
        .clone();
    let answers = a["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["detail"].as_str().unwrap().to_string(),
                d["option"].as_str().map(str::to_string),
            )
        })
        .collect();
    (a["finished"] == true, a["score"].as_i64().unwrap(), answers)
}

/// The answers the session holds, by detail.
fn asked(s: &ExamSession) -> BTreeMap<String, Option<String>> {
    s.questions
        .iter()
        .map(|q| (q.detail_id.clone(), q.answer.clone()))
        .collect()
}

fn option(s: &ExamSession, question: usize, n: usize) -> (String, String) {
    let q = &s.questions[question];
    (
        q.detail_id.clone(),
        q.options[n % q.options.len()].id.clone(),
    )
}

#[tokio::test]
async fn an_exam_survives_a_dropped_network_and_a_restart_with_every_answer_delivered_in_order() {
    let (mut w, link, enrolment, exam) = student().await;
    let s = exams::start(&w.workspace, None, &enrolment, &exam, &options())
        .await
        .unwrap();
    let n = s.questions.len();
    assert!(n >= 4, "an exam of {n} questions");
    assert_eq!((s.answered, s.unanswered, s.position), (0, n, 0));
    let attempt = s.attempt_id.clone();

    // Online: the first half is answered and acknowledged.
    for i in 0..n / 2 {
        let (detail, opt) = option(&s, i, 0);
        exams::answer(&w.workspace, &attempt, &detail, &opt)
            .await
            .unwrap();
    }
    let s = exams::deliver(&w.workspace, &attempt, &options())
        .await
        .unwrap();
    assert_eq!(s.waiting, 0, "{:?}", s.problem);
    assert!(s.questions[..n / 2]
        .iter()
        .all(|q| q.delivery == AnswerDelivery::Acknowledged));
    assert_eq!(attempt_truth(&w, &attempt).await.2, asked(&s));

    // The network drops: the student keeps answering, and changes the first answer.
    link.set_up(false);
    for i in n / 2..n {
        let (detail, opt) = option(&s, i, 1);
        exams::answer(&w.workspace, &attempt, &detail, &opt)
            .await
            .unwrap();
    }
    let (detail, changed) = option(&s, 0, 2);
    exams::answer(&w.workspace, &attempt, &detail, &changed)
        .await
        .unwrap();
    exams::visit(&w.workspace, &attempt, n - 2).await.unwrap();
    let offline = exams::deliver(&w.workspace, &attempt, &options())
        .await
        .unwrap();
    assert_eq!(offline.waiting, n - n / 2 + 1);
    assert_eq!(
        offline.questions[0].answer.as_deref(),
        Some(changed.as_str())
    );
    assert_eq!(offline.questions[0].delivery, AnswerDelivery::Waiting);
    let problem = offline
        .problem
        .clone()
        .expect("the session says why nothing is sent");
    assert!(problem.contains("keeps trying"), "{problem}");
    let (finished, _, before) = attempt_truth(&w, &attempt).await;
    assert!(!finished);
    assert_ne!(
        before,
        asked(&offline),
        "nothing answered offline reached Flylogs"
    );

    // A restart, still offline: the attempt reopens where the student was.
    w.reopen().await;
    let open = exams::open_attempts(&w.workspace).await.unwrap();
    assert_eq!(open.len(), 1);
    let reopened = &open[0];
    assert_eq!(reopened.position, n - 2);
    assert_eq!(asked(reopened), asked(&offline));
    assert_eq!(reopened.waiting, offline.waiting);
    let s = exams::finish(&w.workspace, &attempt).await.unwrap();
    assert_eq!(
        s.finish,
        FinishState::Waiting,
        "the finish waits for the answers"
    );
    assert!(matches!(
        exams::answer(&w.workspace, &attempt, &detail, &changed).await,
        Err(ExamError::Finishing)
    ));
    assert!(matches!(
        exams::start(&w.workspace, None, &enrolment, &exam, &options()).await,
        Err(ExamError::Offline(..))
    ));

    // Back online: every answer reaches Flylogs in the order given, then the finish.
    link.set_up(true);
    let s = exams::deliver(&w.workspace, &attempt, &options())
        .await
        .unwrap();
    assert_eq!(s.finish, FinishState::Graded, "{:?}", s.problem);
    assert_eq!(s.waiting, 0);
    let (finished, score, answers) = attempt_truth(&w, &attempt).await;
    assert!(finished);
    assert_eq!(
        answers,
        asked(&s),
        "the sandbox has exactly what was answered"
    );
    assert_eq!(
        answers[&detail].as_deref(),
        Some(changed.as_str()),
        "the later answer won"
    );
    let result = exams::result(&w.workspace, &attempt, &options())
        .await
        .unwrap();
    assert_eq!(result.score, Some(score));
    assert_eq!(result.questions.len(), n);
    assert!(exams::open_attempts(&w.workspace).await.unwrap().is_empty());
    // The account's trainings were read again: the graded attempt is cached.
    let cached = w.cached_ids(Kind::Exams, "me").await;
    assert!(cached.contains(&format!("attempt:{attempt}")), "{cached:?}");
}

#[tokio::test]
async fn a_finish_whose_answer_was_lost_is_not_sent_twice() {
    let (w, _link, enrolment, exam) = student().await;
    let s = exams::start(&w.workspace, None, &enrolment, &exam, &options())
        .await
        .unwrap();
    let attempt = s.attempt_id.clone();
    let (detail, opt) = option(&s, 0, 0);
    exams::answer(&w.workspace, &attempt, &detail, &opt)
        .await
        .unwrap();
    exams::deliver(&w.workspace, &attempt, &options())
        .await
        .unwrap();
    exams::finish(&w.workspace, &attempt).await.unwrap();
    // Flylogs grades the attempt, then its answer arrives cut in half.
    w.set_faults("flylogs:truncated=1").await;
    let s = exams::deliver(&w.workspace, &attempt, &options())
        .await
        .unwrap();
    assert_eq!(s.finish, FinishState::Waiting);
    assert!(
        attempt_truth(&w, &attempt).await.0,
        "the sandbox did grade it"
    );
    w.set_faults("").await;
    let s = exams::deliver(&w.workspace, &attempt, &options())
        .await
        .unwrap();
    assert_eq!(
        s.finish,
        FinishState::Graded,
        "a second finish would be refused as already finished: {:?}",
        s.problem
    );
    assert_eq!(s.problem, None);
}

#[tokio::test]
async fn a_student_cannot_answer_with_an_option_of_another_question() {
    let (w, _link, enrolment, exam) = student().await;
    let s = exams::start(&w.workspace, None, &enrolment, &exam, &options())
        .await
        .unwrap();
    let (detail, _) = option(&s, 0, 0);
    let (_, other) = option(&s, 1, 0);
    let e = exams::answer(&w.workspace, &s.attempt_id, &detail, &other)
        .await
        .unwrap_err();
    assert!(matches!(e, ExamError::NotAnOption { .. }), "{e}");
    let account = w.workspace.store().accounts().await.unwrap()[0].id;
    let queued: Vec<Value> = w
        .workspace
        .store()
        .outbox_queue(account, &exams::queue_of(&s.attempt_id))
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.payload)
        .collect();
    assert!(queued.is_empty(), "nothing was queued: {queued:?}");
}
