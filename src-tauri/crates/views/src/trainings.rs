//! Training progress from the Flylogs cache: one student's enrolments in full (progress,
//! syllabus, upcoming classes, exam attempts, missions waiting for a debrief signature),
//! or, with no student, every training with its students' progress.
//!
//! Progress is what Flylogs computes: a student's own `/trainings.json` rows carry
//! `Lessons` and `FlightProgress`, a manager's students list carries `Progress` (lessons).
//! Where no row carries flight progress it is counted from the cached missions, as the API
//! defines it: distinct training flights completed, over the training's `flights_count`.

mod load;
mod student;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use flightdesk_store::Store;
use serde::Serialize;

use crate::error::Result;
use crate::lookup::Lookup;
use crate::rows::{self, EntityIndex, Synced};

use load::Cache;

/// The trainings view.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Trainings {
    pub now: DateTime<Utc>,
    /// The student asked for; `None` for the instructor/manager view.
    pub student: Option<Student>,
    /// The student's enrolments (empty without a student).
    pub enrolments: Vec<EnrolmentView>,
    /// Every training with its students (empty with a student).
    pub trainings: Vec<TrainingOverview>,
    pub synced: Vec<Synced>,
    /// The least recently synced resource of this view.
    pub as_of: Option<DateTime<Utc>>,
}

/// Who the student view is for.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Student {
    /// The unified person id (`person:ann@example.org`), when the person is one.
    pub id: Option<String>,
    pub name: Option<String>,
    /// The person's Flylogs users, `flylogs/account/user_id`.
    pub flylogs: Vec<String>,
}

/// Completed out of total.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Progress {
    #[ts(type = "number")]
    pub completed: i64,
    #[ts(type = "number")]
    pub total: i64,
    pub finished: Option<bool>,
    /// `provider` (as Flylogs computed it) or `missions` (counted from cached missions).
    pub basis: &'static str,
}

/// One enrolment of the student.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct EnrolmentView {
    pub enrolment_id: String,
    /// `flylogs/account/enrolment_id` of each account that has it.
    pub sources: Vec<String>,
    /// The accounts signed in as the student (Flylogs lists the enrolment as their own):
    /// only through these can a lesson be completed.
    pub own_accounts: Vec<String>,
    pub training_id: Option<String>,
    pub training: Option<String>,
    /// Whether the training is active (Flylogs refuses lessons of one that is not).
    pub training_active: Option<bool>,
    /// `ONSITE`, `DISTANCE`, `REMOTE`.
    pub training_type: Option<String>,
    /// `active` or `finished`.
    pub status: Option<String>,
    pub enrolled_on: Option<NaiveDate>,
    /// The enrolment's `finish_before`, else the training's end.
    pub deadline: Option<NaiveDate>,
    /// Ground-school progress (theory trainings).
    pub lessons: Option<Progress>,
    /// Flight progress (trainings with flights).
    pub flights: Option<Progress>,
    /// Class attendance records marked attended.
    pub classes_attended: usize,
    pub subjects: Vec<SubjectView>,
    /// Classes of the training from now on, soonest first.
    pub upcoming_classes: Vec<ClassView>,
    /// Completed missions still waiting for the student's debrief signature, oldest first.
    pub unsigned_missions: Vec<MissionView>,
}

/// A subject of the syllabus.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SubjectView {
    pub id: String,
    pub name: Option<String>,
    pub code: Option<String>,
    pub lessons: Vec<LessonView>,
    pub exams: Vec<ExamView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct LessonView {
    pub id: String,
    pub name: Option<String>,
    pub category: Option<String>,
    pub minutes: Option<f64>,
    /// The enrolment's own attendance of the lesson (its slides, not a class) says done.
    pub completed: bool,
}

/// An exam and the student's attempts at it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ExamView {
    pub id: String,
    pub name: Option<String>,
    /// `online`, `onsite`, ...
    pub kind: Option<String>,
    /// The score that passes.
    pub pass_score: Option<f64>,
    pub max_attempts: Option<f64>,
    /// Oldest first.
    pub attempts: Vec<AttemptView>,
    pub passed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AttemptView {
    #[ts(type = "number | null")]
    pub attempt: Option<i64>,
    pub taken_at: Option<DateTime<Utc>>,
    pub score: Option<f64>,
    pub passed: Option<bool>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ClassView {
    pub id: String,
    pub name: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub instructor: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct MissionView {
    pub id: String,
    pub name: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    /// The registration (or simulator) flown.
    pub aircraft: Option<String>,
    /// By when it must be signed: the training's end, else the enrolment's deadline.
    pub deadline: Option<NaiveDate>,
}

/// A training with its students (the instructor/manager view).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct TrainingOverview {
    pub id: String,
    /// The Flylogs accounts that hold it, by name (an enrolment is sent through one).
    pub accounts: Vec<String>,
    pub name: Option<String>,
    pub training_type: Option<String>,
    pub active: Option<bool>,
    /// Enrolments Flylogs counts (finished ones included).
    pub students_count: Option<f64>,
    pub subjects_count: Option<f64>,
    /// Enrolments in the cache, and how many of them are active and finished.
    pub enrolled: usize,
    pub active_students: usize,
    pub finished_students: usize,
    /// By name.
    pub students: Vec<StudentProgress>,
}

/// One student's progress in a training.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct StudentProgress {
    /// `flylogs/account/user_id`.
    pub user: String,
    /// The unified person id, when the user is matched to one.
    pub person_id: Option<String>,
    pub name: Option<String>,
    pub enrolment_id: String,
    pub status: Option<String>,
    pub enrolled_on: Option<NaiveDate>,
    pub lessons: Option<Progress>,
    pub flights: Option<Progress>,
    pub last_flight: Option<DateTime<Utc>>,
    pub unsigned_missions: usize,
}

/// The trainings view: of one student (`person`: a unified person id, a source key, a name
/// or an e-mail), or of every training.
pub async fn trainings(
    store: &Store,
    lookup: &Lookup,
    person: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Trainings> {
    let all = lookup.entity_views();
    let index = EntityIndex::new(all);
    let cache = Cache::load(store).await?;
    let synced = rows::synced(
        store,
        &[
            "trainings",
            "enrolments",
            "subjects",
            "lessons",
            "classes",
            "exams",
            "missions",
        ],
    )
    .await?
    .into_iter()
    .filter(|s| s.provider == flightdesk_core::Provider::Flylogs)
    .collect::<Vec<_>>();
    let (student, enrolments, trainings) = match person {
        Some(query) => {
            let s = student::resolve(store, all, &index, query).await?;
            let e = student::enrolments(&cache, &s, now);
            (Some(s.student), e, Vec::new())
        }
        None => (None, Vec::new(), overview(&cache, &index)),
    };
    Ok(Trainings {
        now,
        student,
        enrolments,
        trainings,
        as_of: rows::as_of(&synced),
        synced,
    })
}

fn overview(cache: &Cache, index: &EntityIndex<'_>) -> Vec<TrainingOverview> {
    let mut by_training: BTreeMap<&str, Vec<StudentProgress>> = BTreeMap::new();
    for e in cache.enrolments.values() {
        let (Some(training), Some(user)) = (e.training_id.as_deref(), e.person_id.as_deref())
        else {
            continue;
        };
        let (account, person) = cache.person(index, &e.accounts, user);
        by_training
            .entry(training)
            .or_default()
            .push(StudentProgress {
                user: format!("flylogs/{account}/{user}"),
                person_id: person.map(|p| p.id.clone()),
                name: person
                    .map(|p| p.name.clone())
                    .or_else(|| cache.people.get(user).cloned()),
                enrolment_id: e.id.clone(),
                status: e.status.clone(),
                enrolled_on: e.enrolled_on,
                lessons: e.lessons.clone(),
                flights: cache.flights(e),
                last_flight: e.last_flight,
                unsigned_missions: cache.unsigned(user, Some(training)).count(),
            });
    }
    let mut out: Vec<TrainingOverview> = cache
        .trainings
        .values()
        .map(|t| {
            let mut students = by_training.remove(t.id.as_str()).unwrap_or_default();
            students.sort_by(|a, b| (&a.name, &a.user).cmp(&(&b.name, &b.user)));
            let count = |s: &str| {
                students
                    .iter()
                    .filter(|p| p.status.as_deref() == Some(s))
                    .count()
            };
            TrainingOverview {
                id: t.id.clone(),
                accounts: t.accounts.clone(),
                name: t.name.clone(),
                training_type: t.kind.clone(),
                active: t.active,
                students_count: t.students_count,
                subjects_count: t.subjects_count,
                enrolled: students.len(),
                active_students: count("active"),
                finished_students: count("finished"),
                students,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    out
}
