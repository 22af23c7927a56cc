//! One student: who the query names, and their enrolments in full.

use chrono::{DateTime, Utc};
use flightdesk_core::identity::EntityKind;
use flightdesk_core::Provider;
use flightdesk_store::Store;
use sqlx::Row;

use super::load::Cache;
use super::{EnrolmentView, ExamView, LessonView, MissionView, Student, SubjectView};
use crate::entities::{parse_source, EntityView};
use crate::error::{QueryContext, Result, ViewError};
use crate::rows::EntityIndex;

/// A resolved student: what the view shows of them, and their Flylogs users.
pub(super) struct Resolved {
    pub student: Student,
    /// (account, user id) of each Flylogs user that is the student.
    pub users: Vec<(String, String)>,
}

fn of_entity(e: &EntityView) -> Resolved {
    let users: Vec<(String, String)> = e
        .sources
        .iter()
        .filter(|s| s.provider == Provider::Flylogs)
        .map(|s| (s.account.clone(), s.source_id.clone()))
        .collect();
    Resolved {
        student: Student {
            id: Some(e.id.clone()),
            name: Some(e.name.clone()),
            flylogs: users
                .iter()
                .map(|(a, u)| format!("flylogs/{a}/{u}"))
                .collect(),
        },
        users,
    }
}

/// Who `query` names: a unified person id, a source key (`flylogs/office/1016`), an
/// e-mail, or a name (which must name one person only).
pub(super) async fn resolve(
    store: &Store,
    all: &[EntityView],
    index: &EntityIndex<'_>,
    query: &str,
) -> Result<Resolved> {
    let q = query.trim();
    let people: Vec<&EntityView> = all
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .collect();
    if let Some(e) = people.iter().find(|e| e.id == q) {
        return Ok(of_entity(e));
    }
    if let Ok(s) = parse_source(q) {
        if let Some(e) = index.holding(s.provider, &s.account, &s.source_id) {
            return Ok(of_entity(e));
        }
        if s.provider == Provider::Flylogs {
            // A Flylogs user no other system knows is still a student.
            return Ok(Resolved {
                student: Student {
                    id: None,
                    name: None,
                    flylogs: vec![s.key()],
                },
                users: vec![(s.account, s.source_id)],
            });
        }
    }
    if q.contains('@') {
        let rows = sqlx::query(
            "SELECT a.provider, a.name AS account, p.source_id FROM people p
             JOIN accounts a ON a.id = p.account_id
             WHERE p.removed = 0 AND lower(p.email) = lower(?1)",
        )
        .bind(q)
        .fetch_all(store.pool())
        .await
        .context("finding a person by e-mail")?;
        for row in rows {
            let Ok(p) = row.get::<String, _>("provider").parse::<Provider>() else {
                continue;
            };
            let account: String = row.get("account");
            let id: String = row.get("source_id");
            if let Some(e) = index.holding(p, &account, &id) {
                return Ok(of_entity(e));
            }
        }
    }
    let named: Vec<&&EntityView> = people
        .iter()
        .filter(|e| e.name.eq_ignore_ascii_case(q))
        .collect();
    match named.as_slice() {
        [one] => Ok(of_entity(one)),
        [] => Err(ViewError::UnknownPerson(q.to_string())),
        many => Err(ViewError::AmbiguousPerson {
            query: q.to_string(),
            candidates: many.iter().map(|e| e.id.clone()).collect(),
        }),
    }
}

/// The student's enrolments, by enrolment date (newest first).
pub(super) fn enrolments(cache: &Cache, s: &Resolved, now: DateTime<Utc>) -> Vec<EnrolmentView> {
    let is_student = |accounts: &[String], user: Option<&str>| {
        s.users
            .iter()
            .any(|(a, u)| Some(u.as_str()) == user && accounts.contains(a))
    };
    let mut out: Vec<EnrolmentView> = cache
        .enrolments
        .values()
        .filter(|e| is_student(&e.accounts, e.person_id.as_deref()))
        .map(|e| {
            let user = e.person_id.as_deref().unwrap_or_default();
            let tid = e.training_id.as_deref();
            let training = tid.and_then(|t| cache.trainings.get(t));
            let deadline = e.finish_before.or(training.and_then(|t| t.ends_on));
            let mut unsigned: Vec<MissionView> = cache
                .unsigned(user, tid)
                .map(|m| MissionView {
                    id: m.id.clone(),
                    name: m.name.clone(),
                    completed_at: m.completed_at,
                    aircraft: m.aircraft.clone(),
                    deadline: m.training_end.or(deadline),
                })
                .collect();
            unsigned.sort_by_key(|m| m.completed_at);
            let mut classes: Vec<_> = cache
                .classes
                .values()
                .filter(|(t, c)| t.as_deref() == tid && c.starts_at.is_some_and(|at| at >= now))
                .map(|(_, c)| c.clone())
                .collect();
            classes.sort_by_key(|c| c.starts_at);
            EnrolmentView {
                enrolment_id: e.id.clone(),
                sources: e
                    .accounts
                    .iter()
                    .map(|a| format!("flylogs/{a}/{}", e.id))
                    .collect(),
                own_accounts: e.own_accounts.clone(),
                training_id: e.training_id.clone(),
                training: training.and_then(|t| t.name.clone()),
                training_active: training.and_then(|t| t.active),
                training_type: training.and_then(|t| t.kind.clone()),
                status: e.status.clone(),
                enrolled_on: e.enrolled_on,
                deadline,
                lessons: e.lessons.clone(),
                flights: cache.flights(e),
                classes_attended: cache
                    .attended
                    .iter()
                    .filter(|(p, t)| p.as_deref() == Some(user) && t.as_deref() == tid)
                    .count(),
                subjects: subjects(cache, tid, &e.id, user),
                upcoming_classes: classes,
                unsigned_missions: unsigned,
            }
        })
        .collect();
    out.sort_by(|a, b| (b.enrolled_on, &a.enrolment_id).cmp(&(a.enrolled_on, &b.enrolment_id)));
    out
}

/// The syllabus of a training, with the lessons enrolment `enrolment` completed and the
/// student's exam attempts.
fn subjects(
    cache: &Cache,
    training: Option<&str>,
    enrolment: &str,
    user: &str,
) -> Vec<SubjectView> {
    let Some(training) = training else {
        return Vec::new();
    };
    let mut out: Vec<SubjectView> = cache
        .subjects
        .iter()
        .filter(|(_, s)| s.training_id.as_deref() == Some(training))
        .map(|(id, s)| SubjectView {
            id: id.clone(),
            name: s.name.clone(),
            code: s.code.clone(),
            lessons: cache
                .lessons
                .values()
                .filter(|(s, _)| s.as_deref() == Some(id))
                .map(|(_, l)| LessonView {
                    completed: cache
                        .lessons_done
                        .contains(&(enrolment.to_string(), l.id.clone())),
                    ..l.clone()
                })
                .collect(),
            exams: cache
                .exams
                .values()
                .filter(|x| x.subject_id.as_deref() == Some(id))
                .map(|x| {
                    let mut attempts: Vec<_> = cache
                        .attempts
                        .values()
                        .filter(|a| {
                            a.exam_id.as_deref() == Some(&x.id)
                                && a.person_id.as_deref() == Some(user)
                        })
                        .map(|a| a.view.clone())
                        .collect();
                    attempts.sort_by_key(|a| (a.attempt, a.taken_at));
                    ExamView {
                        id: x.id.clone(),
                        name: x.name.clone(),
                        kind: x.kind.clone(),
                        pass_score: x.pass_score,
                        max_attempts: x.max_attempts,
                        passed: attempts.iter().any(|a| a.passed == Some(true)),
                        attempts,
                    }
                })
                .collect(),
        })
        .collect();
    out.sort_by(|a, b| (&a.code, &a.name).cmp(&(&b.code, &b.name)));
    out
}
