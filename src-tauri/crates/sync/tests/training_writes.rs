//! A manager's training writes over real HTTP against the sandbox's Flylogs, each test
//! ending with the sandbox's copy compared with what was asked: attendance and an
//! evaluation of a class scheduled offline reach it after the class, with its new id; an
//! enrolment of a pilot group sent twice (its answer lost) enrols each member once; a
//! lesson completion sent again after its answer was lost adds its time once.

mod common;

use chrono::Utc;
use common::{class_view, office, replay, world};
use flightdesk_core::{Kind, Provider};
use flightdesk_sync::class_writes::{self, Shown};
use flightdesk_sync::training_writes::{self, Attendance, Enrolment, Evaluation, LessonDone};
use serde_json::{json, Value};

#[tokio::test]
async fn attendance_and_an_evaluation_of_a_class_made_offline_follow_it_with_its_new_id() {
    let (w, account, draft) = office().await;
    let store = w.workspace.store();
    let student = draft.student_ids[0].clone();
    let class = class_writes::schedule_class(store, account, &draft, &Shown::default())
        .await
        .unwrap();
    let attendance = Attendance {
        marks: vec![(student.clone(), true)],
    };
    let marked = training_writes::record_attendance(store, account, &class.target_id, &attendance)
        .await
        .unwrap();
    let evaluation = Evaluation {
        student_id: student.clone(),
        remarks: Some("steady on the radio".into()),
        ..Default::default()
    };
    let evaluated = training_writes::evaluate(store, account, &class.target_id, &evaluation)
        .await
        .unwrap();
    assert_eq!(
        marked.depends_on,
        Some(class.id),
        "attendance waits for the class"
    );

    w.set_faults("flylogs:5xx=1").await;
    let r = replay(&w).await;
    assert_eq!(r.failed, vec![class.id], "nothing goes before the class");
    w.set_faults("").await;
    store.retry_write(class.id, Utc::now()).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.sent, vec![class.id, marked.id, evaluated.id], "in order");

    let id = store.outbox_row(class.id).await.unwrap().remote_id.unwrap();
    let view = class_view(&w, &id).await;
    let row: Vec<&Value> = view["attendances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["TrainingSubjectAttendance"])
        .filter(|a| a["user_id"] == student.as_str())
        .collect();
    assert_eq!(row.len(), 1, "one attendance of the student: {view}");
    assert_eq!(row[0]["value"], true);
    assert_eq!(row[0]["remarks"], "steady on the radio");
    let marked = store.outbox_row(marked.id).await.unwrap();
    assert_eq!(marked.target_id, id, "sent to the class's new id");
}

#[tokio::test]
async fn an_enrolment_sent_again_after_a_lost_answer_enrols_no_one_twice() {
    let (w, account, _) = office().await;
    let store = w.workspace.store();
    let truth = w.truth(Provider::Flylogs).await;
    let before = truth["enrollments"].as_u64().unwrap();
    let training = truth["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["active"] == true)
        .and_then(|t| t["id"].as_str())
        .unwrap()
        .to_string();
    // The instructors: none is enrolled as a student yet.
    let group = truth["pilot_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "Instructors")
        .unwrap();
    let members = group["members"].as_array().unwrap().len() as u64;
    assert!(members > 0);
    let enrolment = Enrolment {
        students: vec![group["id"].as_str().unwrap().to_string()],
        ..Default::default()
    };
    let row = training_writes::enrol(store, account, &training, &enrolment)
        .await
        .unwrap();
    // Flylogs enrols them, then its answer arrives cut in half.
    w.set_faults("flylogs:truncated=1").await;
    let r = replay(&w).await;
    assert_eq!(r.failed, vec![row.id]);
    let after_first = w.truth(Provider::Flylogs).await["enrollments"]
        .as_u64()
        .unwrap();
    let failed = store.outbox_row(row.id).await.unwrap().last_error;
    assert!(
        after_first > before,
        "the first attempt did enrol: {failed:?}"
    );
    assert!(after_first <= before + members);
    w.set_faults("").await;
    store.retry_write(row.id, Utc::now()).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.sent, vec![row.id]);
    let after = w.truth(Provider::Flylogs).await["enrollments"]
        .as_u64()
        .unwrap();
    assert_eq!(after, after_first, "the members enrolled once are skipped");
}

#[tokio::test]
async fn a_lesson_completion_sent_again_after_a_lost_answer_adds_its_time_once() {
    let w = world("").await;
    let account = w
        .connect(Provider::Flylogs, "me", "student", json!({}))
        .await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    let store = w.workspace.store();
    let truth = w.truth(Provider::Flylogs).await;
    let active = |training: &Value| {
        truth["trainings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == *training && t["active"] == true)
    };
    let lessons = w.cached(Kind::Lessons).await;
    let (enrolment, lesson) = w
        .cached(Kind::Enrolments)
        .await
        .iter()
        .filter(|e| e["class_id"].is_null() && active(&e["training_id"]))
        .find_map(|e| {
            let l = lessons
                .iter()
                .find(|l| l["training_id"] == e["training_id"])?;
            Some((
                e["source_id"].as_str()?.to_string(),
                l["source_id"].as_str()?.to_string(),
            ))
        })
        .expect("an enrolment of the student's in an active training with a lesson");
    let seconds = |t: &Value| -> i64 {
        t["completed_lessons"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["enrollment"] == enrolment.as_str() && c["lesson"] == lesson.as_str())
            .map(|c| c["seconds"].as_i64().unwrap())
            .sum()
    };
    let before = seconds(&truth);
    let done = LessonDone {
        enrollment_id: enrolment.clone(),
        seconds: 1500,
        seconds_before: None,
    };
    let row = training_writes::complete_lesson(store, account.id, &lesson, &done)
        .await
        .unwrap();

    // Flylogs adds the 25 minutes, then its answer arrives cut in half.
    w.set_faults("flylogs:lostwrite=1").await;
    let r = replay(&w).await;
    assert_eq!(r.failed, vec![row.id]);
    let landed = seconds(&w.truth(Provider::Flylogs).await);
    assert_eq!(landed, before + 1500, "the first attempt did land");
    w.set_faults("").await;
    store.retry_write(row.id, Utc::now()).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.sent, vec![row.id]);
    assert_eq!(
        seconds(&w.truth(Provider::Flylogs).await),
        before + 1500,
        "the resend saw the first one landed and added nothing"
    );

    // A completion whose first attempt never reached Flylogs is sent on the next.
    let again = training_writes::complete_lesson(store, account.id, &lesson, &done)
        .await
        .unwrap();
    w.set_faults("flylogs:5xx=1").await;
    let r = replay(&w).await;
    assert_eq!(r.failed, vec![again.id]);
    w.set_faults("").await;
    store.retry_write(again.id, Utc::now()).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.sent, vec![again.id]);
    assert_eq!(seconds(&w.truth(Provider::Flylogs).await), before + 3000);
}
