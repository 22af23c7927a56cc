//! Training progress over a cache synced from the sandbox: a student's own Flylogs key and
//! the office's manager key in one workspace, with the other systems for identity. Each
//! fact is checked against what the sandbox's Flylogs answers directly.

#[path = "../../sync/tests/common/mod.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use common::{world, World, NOW};
use flightdesk_core::Provider;
use flightdesk_views::lookup::Lookup;
use flightdesk_views::trainings::{self, Trainings};
use flightdesk_views::ViewError;
use reqwest::Method;
use serde_json::{json, Value};

async fn synced() -> World {
    let w = world("").await;
    w.connect(Provider::AviationAlley, "centre", "live_full", json!({}))
        .await;
    w.connect(Provider::PilotFlows, "club", "organization_plan", json!({}))
        .await;
    w.connect(Provider::Flylogs, "student", "student", json!({}))
        .await;
    w.connect(Provider::Flylogs, "office", "manager", json!({}))
        .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    w
}

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

/// A Flylogs API answer to the sandbox credential of `role`.
async fn flylogs(w: &World, role: &str, method: Method, path: &str) -> Value {
    let url = format!(
        "{}{path}",
        w.sandbox
            .base_url(common::sandbox_provider(Provider::Flylogs))
    );
    let r = w
        .http
        .request(method, url)
        .bearer_auth(w.token(Provider::Flylogs, role))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// The student credential's e-mail.
fn student_email(w: &World) -> String {
    w.credential_fact(Provider::Flylogs, "student", "email")
        .as_str()
        .unwrap()
        .to_string()
}

async fn view(w: &World, person: Option<&str>) -> Trainings {
    trainings::trainings(
        w.workspace.store(),
        &Lookup::load(w.workspace.store()).await.unwrap(),
        person,
        now(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_students_enrolments_carry_the_progress_flylogs_reports() {
    let w = synced().await;
    let email = student_email(&w);
    let t = view(&w, Some(&email)).await;
    let student = t.student.as_ref().unwrap();
    // The Flylogs users are one person with the other systems' records of them.
    let id = student.id.clone().unwrap();
    assert!(id.starts_with("person:"), "{student:?}");
    assert_eq!(
        student.flylogs.len(),
        2,
        "the student's and the office's: {student:?}"
    );
    // By name and by id: the same view.
    let by_name = view(&w, student.name.as_deref()).await;
    assert_eq!(by_name.enrolments, t.enrolments);
    assert_eq!(view(&w, Some(&id)).await.enrolments, t.enrolments);

    let mine = flylogs(&w, "student", Method::GET, "/trainings/page:1.json").await;
    let rows = mine["trainings"].as_array().unwrap();
    assert_eq!(t.enrolments.len(), rows.len());
    for row in rows {
        let r = row.get("Training").unwrap_or(row);
        let e = t
            .enrolments
            .iter()
            .find(|e| r["enrollment_id"] == e.enrolment_id.as_str())
            .unwrap_or_else(|| panic!("{} is not in the view", r["enrollment_id"]));
        let pair = |p: &Value| {
            (p["total"].as_i64().unwrap_or(0) > 0).then(|| {
                (
                    p["completed"].as_i64().unwrap(),
                    p["total"].as_i64().unwrap(),
                )
            })
        };
        let lessons = e.lessons.as_ref().map(|p| (p.completed, p.total));
        assert_eq!(lessons, pair(&r["Lessons"]), "{}", e.enrolment_id);
        if let Some(f) = pair(&r["FlightProgress"]) {
            let got = e.flights.as_ref().unwrap();
            assert_eq!(
                (got.completed, got.total, got.basis),
                (f.0, f.1, "provider")
            );
        }
    }
    // A theory training has its syllabus, with lessons and exams.
    let theory = t.enrolments.iter().find(|e| e.lessons.is_some()).unwrap();
    assert!(!theory.subjects.is_empty());
    assert!(theory
        .subjects
        .iter()
        .any(|s| !s.lessons.is_empty() && !s.exams.is_empty()));
    // The lessons marked done are those Flylogs holds completed, by enrolment.
    let truth = w.truth(Provider::Flylogs).await;
    let mine: BTreeSet<&str> = t
        .enrolments
        .iter()
        .map(|e| e.enrolment_id.as_str())
        .collect();
    let completed: BTreeSet<(String, String)> = truth["completed_lessons"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| mine.contains(c["enrollment"].as_str().unwrap()))
        .map(|c| {
            (
                c["enrollment"].to_string().replace('"', ""),
                c["lesson"].to_string().replace('"', ""),
            )
        })
        .collect();
    let shown: BTreeSet<(String, String)> = t
        .enrolments
        .iter()
        .flat_map(|e| {
            e.subjects
                .iter()
                .flat_map(|s| &s.lessons)
                .filter(|l| l.completed)
                .map(|l| (e.enrolment_id.clone(), l.id.clone()))
        })
        .collect();
    assert!(!completed.is_empty(), "the student has completed lessons");
    assert_eq!(shown, completed);
    // Only the student's own account may complete a lesson; the office's sees it too.
    for e in &t.enrolments {
        assert_eq!(
            e.own_accounts,
            vec!["student".to_string()],
            "{}",
            e.enrolment_id
        );
    }
    assert!(theory
        .upcoming_classes
        .iter()
        .all(|c| c.starts_at.unwrap() >= now()));

    // Missions waiting for the student's signature: what Flylogs lists, each once.
    let unsigned = flylogs(
        &w,
        "student",
        Method::GET,
        "/trainings/missions/unsigned.json",
    )
    .await;
    let listed = unsigned["missions"].as_array().unwrap();
    let shown: usize = t.enrolments.iter().map(|e| e.unsigned_missions.len()).sum();
    assert!(!listed.is_empty());
    assert_eq!(shown, listed.len());
    // A training with an end gives its missions a deadline.
    for m in listed {
        if let Some(end) = m["TrainingFlight"]["Training"]["end"].as_str() {
            let id = m["UserTrainingFlight"]["id"].as_str().unwrap();
            let v = t
                .enrolments
                .iter()
                .flat_map(|e| &e.unsigned_missions)
                .find(|x| x.id == id)
                .unwrap();
            assert_eq!(v.deadline.unwrap().to_string(), end);
        }
    }
}

#[tokio::test]
async fn an_exam_attempt_taken_in_flylogs_shows_with_its_score() {
    let w = synced().await;
    let email = student_email(&w);
    let before = view(&w, Some(&email)).await;
    // The student starts an online exam of an active enrolment and hands it in blank.
    let mut taken = None;
    'find: for e in before
        .enrolments
        .iter()
        .filter(|e| e.status.as_deref() == Some("active"))
    {
        for x in e.subjects.iter().flat_map(|s| &s.exams) {
            let url = format!(
                "{}/trainings/exams/start/{}/{}.json",
                w.sandbox
                    .base_url(common::sandbox_provider(Provider::Flylogs)),
                e.enrolment_id,
                x.id
            );
            let r = w
                .http
                .post(url)
                .bearer_auth(w.token(Provider::Flylogs, "student"))
                .send()
                .await
                .unwrap();
            if r.status().is_success() {
                let body: Value = r.json().await.unwrap();
                taken = Some((
                    x.id.clone(),
                    body["attempt_id"].as_str().unwrap().to_string(),
                ));
                break 'find;
            }
        }
    }
    let (exam, attempt) = taken.expect("one exam can be started");
    flylogs(
        &w,
        "student",
        Method::GET,
        &format!("/trainings/exams/finish/{attempt}.json"),
    )
    .await;
    // A failed attempt changes no list row, so only a sweep re-reads the subject.
    assert!(!w.sync(true).await.failed());

    let after = view(&w, Some(&email)).await;
    let x = after
        .enrolments
        .iter()
        .flat_map(|e| &e.subjects)
        .flat_map(|s| &s.exams)
        .find(|x| x.id == exam)
        .unwrap();
    assert_eq!(x.attempts.len(), 1, "{x:#?}");
    let a = &x.attempts[0];
    assert_eq!(
        (a.attempt, a.score, a.passed),
        (Some(1), Some(0.0), Some(false))
    );
    assert!(!x.passed);
}

#[tokio::test]
async fn the_manager_view_counts_each_trainings_students_as_flylogs_does() {
    let w = synced().await;
    let t = view(&w, None).await;
    assert!(t.student.is_none() && t.enrolments.is_empty());
    let truth = w.truth(Provider::Flylogs).await;
    assert_eq!(
        t.trainings.len(),
        truth["trainings"].as_array().unwrap().len()
    );
    let enrolled: usize = t.trainings.iter().map(|x| x.enrolled).sum();
    assert_eq!(enrolled as u64, truth["enrollments"].as_u64().unwrap());
    let users: BTreeMap<String, String> = truth["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["id"].to_string(), u["name"].as_str().unwrap().to_string()))
        .collect();
    for x in &t.trainings {
        // Flylogs' own count of the training's enrolments.
        assert_eq!(x.students_count, Some(x.enrolled as f64), "{}", x.id);
        assert_eq!(x.active_students + x.finished_students, x.enrolled);
        for s in &x.students {
            let uid = s.user.rsplit('/').next().unwrap();
            assert_eq!(s.name.as_ref(), users.get(uid), "{s:?}");
            if let Some(f) = &s.flights {
                assert!(f.completed <= f.total, "{s:?}");
            }
        }
    }
    // Flight progress counted from missions agrees with what Flylogs tells the student.
    let email = student_email(&w);
    let mine = view(&w, Some(&email)).await;
    let ppl = mine
        .enrolments
        .iter()
        .find(|e| e.flights.as_ref().is_some_and(|f| f.total > 1))
        .unwrap();
    let office = trainings::trainings(
        w.workspace.store(),
        &Lookup::load(w.workspace.store()).await.unwrap(),
        None,
        now(),
    )
    .await
    .unwrap();
    let row = office
        .trainings
        .iter()
        .flat_map(|x| &x.students)
        .find(|s| s.enrolment_id == ppl.enrolment_id)
        .unwrap();
    assert_eq!(row.flights, ppl.flights);

    let err = trainings::trainings(
        w.workspace.store(),
        &Lookup::load(w.workspace.store()).await.unwrap(),
        Some("Nobody Atall"),
        now(),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, ViewError::UnknownPerson(_)), "{err}");
}
