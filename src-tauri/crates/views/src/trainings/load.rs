//! The Flylogs part of the cache, read once per view and merged across accounts: a student's
//! own key and the office's key see the same records (same Flylogs ids), each with what
//! its answers carry.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::{AttemptView, ClassView, LessonView, Progress};
use crate::entities::EntityView;
use crate::error::{QueryContext, Result};
use crate::rows::{self, Accounts, EntityIndex};

pub(super) struct TrainingRow {
    pub id: String,
    /// The Flylogs accounts that hold it, by name.
    pub accounts: Vec<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub active: Option<bool>,
    pub flights: Option<bool>,
    pub flights_count: Option<f64>,
    pub students_count: Option<f64>,
    pub subjects_count: Option<f64>,
    pub ends_on: Option<NaiveDate>,
}

pub(super) struct EnrolmentRow {
    pub id: String,
    pub accounts: Vec<String>,
    /// The accounts whose own listing (`/trainings.json`, rows with `enrollment_id`)
    /// holds it: signed in as the student.
    pub own_accounts: Vec<String>,
    pub person_id: Option<String>,
    pub training_id: Option<String>,
    pub status: Option<String>,
    pub enrolled_on: Option<NaiveDate>,
    pub finish_before: Option<NaiveDate>,
    pub lessons: Option<Progress>,
    pub flights: Option<Progress>,
    pub last_flight: Option<DateTime<Utc>>,
}

pub(super) struct SubjectRow {
    pub training_id: Option<String>,
    pub name: Option<String>,
    pub code: Option<String>,
}

pub(super) struct ExamRow {
    pub id: String,
    pub subject_id: Option<String>,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub pass_score: Option<f64>,
    pub max_attempts: Option<f64>,
}

pub(super) struct AttemptRow {
    pub exam_id: Option<String>,
    pub person_id: Option<String>,
    pub view: AttemptView,
}

pub(super) struct MissionRow {
    pub id: String,
    pub person_id: Option<String>,
    pub training_id: Option<String>,
    /// The training flight (mission template) flown.
    pub lesson_id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    pub unsigned: bool,
    pub completed_at: Option<DateTime<Utc>>,
    pub aircraft: Option<String>,
    /// The training's end as the unsigned-missions answer gives it.
    pub training_end: Option<NaiveDate>,
}

/// Every Flylogs record the trainings view reads, keyed by Flylogs id.
#[derive(Default)]
pub(super) struct Cache {
    pub trainings: BTreeMap<String, TrainingRow>,
    pub enrolments: BTreeMap<String, EnrolmentRow>,
    /// (person, training) of each attendance marked attended.
    pub attended: Vec<(Option<String>, Option<String>)>,
    /// (enrolment, lesson) of each lesson whose slides the student completed.
    pub lessons_done: HashSet<(String, String)>,
    pub subjects: BTreeMap<String, SubjectRow>,
    /// Lessons by id, with their subject.
    pub lessons: BTreeMap<String, (Option<String>, LessonView)>,
    pub exams: BTreeMap<String, ExamRow>,
    pub attempts: BTreeMap<String, AttemptRow>,
    /// Classes by id, with their training.
    pub classes: BTreeMap<String, (Option<String>, ClassView)>,
    pub missions: BTreeMap<String, MissionRow>,
    /// Flylogs user id -> the ids of their missions: progress and signatures are asked per
    /// enrolment, and a school has far more missions than a student flies.
    missions_by_user: HashMap<String, Vec<String>>,
    /// Flylogs user id -> name.
    pub people: HashMap<String, String>,
    /// Training id -> whether it requires a debrief signature, where an answer said.
    pub requires_signature: HashMap<String, bool>,
}

/// The live Flylogs rows of a table, with their account's name.
async fn flylogs_rows(
    store: &Store,
    accounts: &Accounts,
    sql: &str,
    context: &'static str,
) -> Result<Vec<(String, SqliteRow)>> {
    let rows = sqlx::query(sql)
        .fetch_all(store.pool())
        .await
        .context(context)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| match accounts.get(row.get("account_id")) {
            Some((Provider::Flylogs, name)) => Some((name.to_string(), row)),
            _ => None,
        })
        .collect())
}

/// `{completed, total, finished}` in raw JSON.
fn progress(v: Option<&Value>) -> Option<Progress> {
    let v = v.filter(|v| v.is_object())?;
    // `{total: 0}` is what a training without that part sends: nothing to progress through.
    rows::raw_f64(v.get("total")).filter(|t| *t > 0.0)?;
    Some(Progress {
        completed: rows::raw_f64(v.get("completed"))? as i64,
        total: rows::raw_f64(v.get("total"))? as i64,
        finished: v.get("finished").and_then(Value::as_bool),
        basis: "provider",
    })
}

/// (enrolment, lesson) of an attendance row of a lesson's slides: one outside any class
/// (a class's row names it, or nests it without its id).
fn lesson_done(raw: &Value) -> Option<(String, String)> {
    let in_class = ["lesson_class_id", "session_id", "class_id"]
        .iter()
        .any(|k| rows::raw_str(raw.get(*k)).is_some())
        || ["LessonClass", "Session"]
            .iter()
            .any(|k| raw.get(*k).is_some_and(Value::is_object));
    if in_class {
        return None;
    }
    Some((
        rows::raw_str(raw.get("trainings_user_id"))?,
        rows::raw_str(raw.get("training_subject_lesson_id"))?,
    ))
}

/// A raw date: `YYYY-MM-DD` text or unix seconds.
fn raw_date(v: Option<&Value>) -> Option<NaiveDate> {
    rows::date(rows::raw_str(v)).or_else(|| rows::raw_instant(v).map(|t| t.date_naive()))
}

impl Cache {
    pub async fn load(store: &Store) -> Result<Self> {
        let accounts = Accounts::load(store).await?;
        let mut c = Cache::default();
        let q = |sql, ctx| flylogs_rows(store, &accounts, sql, ctx);

        for (account, row) in q(
            "SELECT account_id, source_id, name, ends_on, raw FROM trainings WHERE removed = 0",
            "reading the trainings",
        )
        .await?
        {
            let raw = rows::raw(row.get("raw"));
            let id: String = row.get("source_id");
            let t = c.trainings.entry(id.clone()).or_insert(TrainingRow {
                id,
                accounts: Vec::new(),
                name: None,
                kind: None,
                active: None,
                flights: None,
                flights_count: None,
                students_count: None,
                subjects_count: None,
                ends_on: None,
            });
            if !t.accounts.contains(&account) {
                t.accounts.push(account);
            }
            // A manager's catalogue row has counts a student's row lacks: fill, never erase.
            t.name = t.name.take().or(row.get("name"));
            t.kind = t.kind.take().or(rows::raw_str(raw.get("type")));
            t.active = t.active.or(raw.get("active").and_then(Value::as_bool));
            t.flights = t.flights.or(raw.get("flights").and_then(Value::as_bool));
            t.flights_count = t.flights_count.or(rows::raw_f64(raw.get("flights_count")));
            t.students_count = t
                .students_count
                .or(rows::raw_f64(raw.get("students_count")));
            t.subjects_count = t
                .subjects_count
                .or(rows::raw_f64(raw.get("subjects_count")));
            t.ends_on = t.ends_on.or(rows::date(row.get("ends_on")));
            if let Some(r) = raw
                .get("require_debriefing_signature")
                .and_then(Value::as_bool)
            {
                c.requires_signature.insert(t.id.clone(), r);
            }
        }

        for (account, row) in q(
            "SELECT account_id, source_id, person_id, training_id, status, enrolled_on, raw
             FROM enrolments WHERE removed = 0",
            "reading the enrolments",
        )
        .await?
        {
            let id: String = row.get("source_id");
            let status: Option<String> = row.get("status");
            if id.starts_with("attendance:") {
                if status.as_deref() == Some("attended") {
                    c.attended
                        .push((row.get("person_id"), row.get("training_id")));
                    c.lessons_done
                        .extend(lesson_done(&rows::raw(row.get("raw"))));
                }
                continue;
            }
            let raw = rows::raw(row.get("raw"));
            let user = raw.get("TrainingsUser").unwrap_or(&raw);
            let e = c.enrolments.entry(id.clone()).or_insert(EnrolmentRow {
                id,
                accounts: Vec::new(),
                own_accounts: Vec::new(),
                person_id: None,
                training_id: None,
                status: None,
                enrolled_on: None,
                finish_before: None,
                lessons: None,
                flights: None,
                last_flight: None,
            });
            if raw.get("enrollment_id").is_some() {
                e.own_accounts.push(account.clone());
            }
            e.accounts.push(account);
            e.person_id = e.person_id.take().or(row.get("person_id"));
            e.training_id = e.training_id.take().or(row.get("training_id"));
            e.status = e.status.take().or(status);
            e.enrolled_on = e.enrolled_on.or(rows::date(row.get("enrolled_on")));
            e.finish_before = e.finish_before.or(raw_date(user.get("finish_before")));
            // `Lessons` (a student's own rows) supersedes the legacy `Progress` (managers').
            e.lessons = e
                .lessons
                .take()
                .or(progress(raw.get("Lessons")))
                .or(progress(raw.get("Progress")));
            e.flights = e.flights.take().or(progress(raw.get("FlightProgress")));
            e.last_flight = e.last_flight.or(rows::raw_instant(raw.get("LastFlight")));
        }

        for (_, row) in q(
            "SELECT account_id, source_id, name, code, training_id FROM subjects WHERE removed = 0",
            "reading the subjects",
        )
        .await?
        {
            c.subjects
                .entry(row.get("source_id"))
                .or_insert(SubjectRow {
                    training_id: row.get("training_id"),
                    name: row.get("name"),
                    code: row.get("code"),
                });
        }

        for (_, row) in q(
            "SELECT account_id, source_id, name, subject_id, category, raw FROM lessons WHERE removed = 0",
            "reading the lessons",
        )
        .await?
        {
            let raw = rows::raw(row.get("raw"));
            let id: String = row.get("source_id");
            c.lessons.entry(id.clone()).or_insert((
                row.get("subject_id"),
                LessonView {
                    id,
                    name: row.get("name"),
                    category: row.get("category"),
                    minutes: rows::raw_f64(raw.get("minutes")),
                    completed: false,
                },
            ));
        }

        for (_, row) in q(
            "SELECT account_id, source_id, name, person_id, subject_id, taken_at, attempt, score,
                    passed, status, raw
             FROM exams WHERE removed = 0",
            "reading the exams and attempts",
        )
        .await?
        {
            let raw = rows::raw(row.get("raw"));
            let id: String = row.get("source_id");
            if id.starts_with("attempt:") {
                c.attempts.entry(id).or_insert(AttemptRow {
                    exam_id: rows::raw_str(raw.get("exam_id")),
                    person_id: row.get("person_id"),
                    view: AttemptView {
                        attempt: row.get("attempt"),
                        taken_at: rows::instant(row.get("taken_at")),
                        score: row.get("score"),
                        passed: row.get("passed"),
                        status: row.get("status"),
                    },
                });
            } else {
                c.exams.entry(id.clone()).or_insert(ExamRow {
                    id,
                    subject_id: row.get("subject_id"),
                    name: row.get("name"),
                    kind: row.get("status"),
                    pass_score: rows::raw_f64(raw.get("score")),
                    max_attempts: rows::raw_f64(raw.get("attempts")),
                });
            }
        }

        for (_, row) in q(
            "SELECT account_id, source_id, name, starts_at, ends_at, training_id, instructor_name,
                    status
             FROM classes WHERE removed = 0",
            "reading the classes",
        )
        .await?
        {
            let id: String = row.get("source_id");
            c.classes.entry(id.clone()).or_insert((
                row.get("training_id"),
                ClassView {
                    id,
                    name: row.get("name"),
                    starts_at: rows::instant(row.get("starts_at")),
                    ends_at: rows::instant(row.get("ends_at")),
                    instructor: row.get("instructor_name"),
                    status: row.get("status"),
                },
            ));
        }

        for (_, row) in q(
            "SELECT account_id, source_id, name, person_id, aircraft_id, lesson_id, training_id,
                    ends_at, status, signature_state, raw
             FROM missions WHERE removed = 0",
            "reading the missions",
        )
        .await?
        {
            let raw = rows::raw(row.get("raw"));
            let id: String = row.get("source_id");
            let training = raw.pointer("/TrainingFlight/Training");
            if let (Some(t), Some(r)) = (
                training.and_then(|t| rows::raw_str(t.get("id"))),
                training.and_then(|t| t.get("require_debriefing_signature")?.as_bool()),
            ) {
                c.requires_signature.insert(t, r);
            }
            let m = MissionRow {
                id: id.clone(),
                person_id: row.get("person_id"),
                training_id: row.get("training_id"),
                lesson_id: row.get("lesson_id"),
                name: row.get("name"),
                status: row.get("status"),
                unsigned: row.get::<Option<String>, _>("signature_state").as_deref()
                    == Some("unsigned"),
                // A mission's record ends when it was completed.
                completed_at: rows::instant(row.get("ends_at")),
                aircraft: row.get("aircraft_id"),
                training_end: raw_date(raw.pointer("/TrainingFlight/Training/end")),
            };
            // The unsigned list names the training's end; the training view does not.
            match c.missions.get_mut(&id) {
                Some(known) => known.training_end = known.training_end.or(m.training_end),
                None => {
                    c.missions.insert(id, m);
                }
            }
        }

        for (_, row) in q(
            "SELECT account_id, source_id, name FROM people WHERE removed = 0",
            "reading the Flylogs users",
        )
        .await?
        {
            if let Some(name) = row.get::<Option<String>, _>("name") {
                c.people.insert(row.get("source_id"), name);
            }
        }
        for m in c.missions.values() {
            if let Some(user) = &m.person_id {
                c.missions_by_user
                    .entry(user.clone())
                    .or_default()
                    .push(m.id.clone());
            }
        }
        Ok(c)
    }

    /// The account (of `accounts`) a user is read from, and the unified person it is.
    pub fn person<'e>(
        &self,
        index: &EntityIndex<'e>,
        accounts: &[String],
        user: &str,
    ) -> (String, Option<&'e EntityView>) {
        for a in accounts {
            if let Some(e) = index.holding(Provider::Flylogs, a, user) {
                return (a.clone(), Some(e));
            }
        }
        (accounts.first().cloned().unwrap_or_default(), None)
    }

    /// Flight progress: as Flylogs gave it, else counted from the cached missions.
    pub fn flights(&self, e: &EnrolmentRow) -> Option<Progress> {
        if e.flights.is_some() {
            return e.flights.clone();
        }
        let t = self.trainings.get(e.training_id.as_deref()?)?;
        let total = t.flights_count.filter(|n| *n > 0.0)? as i64;
        let flown: BTreeSet<&str> = self
            .missions_of(e.person_id.as_deref()?)
            .filter(|m| m.training_id == e.training_id)
            .filter(|m| m.status.as_deref() == Some("completed"))
            .filter_map(|m| m.lesson_id.as_deref())
            .collect();
        Some(Progress {
            completed: flown.len() as i64,
            total,
            finished: None,
            basis: "missions",
        })
    }

    /// A user's missions, in id order.
    fn missions_of<'a>(&'a self, user: &str) -> impl Iterator<Item = &'a MissionRow> + 'a {
        self.missions_by_user
            .get(user)
            .into_iter()
            .flatten()
            .filter_map(|id| self.missions.get(id))
    }

    /// A user's missions waiting for a debrief signature (of one training, or all). As
    /// Flylogs has it: a signature is asked only in an active training that requires one,
    /// so an unsigned mission of an archived training is not waiting.
    pub fn unsigned<'a>(
        &'a self,
        user: &'a str,
        training: Option<&'a str>,
    ) -> impl Iterator<Item = &'a MissionRow> + 'a {
        self.missions_of(user).filter(move |m| {
            let t = m.training_id.as_deref();
            let asks = t.is_none_or(|t| {
                self.trainings.get(t).and_then(|x| x.active) != Some(false)
                    && self.requires_signature.get(t) != Some(&false)
            });
            m.unsigned && asks && training.is_none_or(|x| t == Some(x))
        })
    }
}
