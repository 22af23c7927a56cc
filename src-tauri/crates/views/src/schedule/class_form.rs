//! What the "Schedule a class" form offers for one Flylogs account (its subjects with their
//! lessons and exams, teachers, students and locations, from the cache), and turning the
//! form's Flylogs ids into a [`Proposal`] the checks understand.

use std::collections::BTreeMap;

use chrono::Duration;
use chrono_tz::Tz;
use flightdesk_core::identity::EntityKind;
use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::Proposal;
use crate::calendar::parse_instant;
use crate::error::{QueryContext, Result, ViewError};
use crate::lookup::{EntityRef, Lookup};
use crate::rows;

/// A class as the form holds it: Flylogs ids of one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClassRequest {
    /// The store id of the Flylogs account.
    #[ts(type = "number")]
    pub account_id: i64,
    /// RFC 3339, or a wall clock in the chosen zone.
    pub starts_at: String,
    /// Flylogs takes no end; the form's length only places the class in the calendar and
    /// the checks.
    pub minutes: u32,
    pub teacher_id: String,
    #[serde(default)]
    pub student_ids: Vec<String>,
    pub location_id: Option<String>,
    /// A lesson flown in an aircraft (a `flight` lesson): counts toward 61.195(a).
    #[serde(default)]
    pub flight_training: bool,
    /// The class's own calendar item when editing it (`classes/account/id`).
    pub editing: Option<String>,
}

/// What the form saves: the checked class and what only Flylogs needs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClassSave {
    pub request: ClassRequest,
    /// The class's Flylogs id (or `local:` id) when editing it.
    pub class_id: Option<String>,
    pub subject_id: String,
    pub lesson_id: Option<String>,
    pub exam_id: Option<String>,
    #[serde(default)]
    pub remarks: String,
    #[serde(default)]
    pub notify: bool,
    /// Save despite the checks' warnings, for this reason (kept in the remarks).
    pub anyway: Option<String>,
    /// The title the calendar shows until Flylogs' copy arrives.
    pub title: Option<String>,
}

/// One choice of the form.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Choice {
    /// The Flylogs id the write sends.
    pub id: String,
    pub name: String,
}

/// A lesson, with what the form derives from it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct LessonChoice {
    pub id: String,
    pub name: String,
    /// `ground`, `flight`, `simulator`, ...
    pub category: Option<String>,
    /// The lesson's length when Flylogs gives one; the form's default.
    pub minutes: Option<u32>,
}

/// A subject and what a class of it can cover.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SubjectChoice {
    pub id: String,
    pub name: String,
    pub lessons: Vec<LessonChoice>,
    pub exams: Vec<Choice>,
}

/// Everything the form offers for one account, sorted by name.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ClassForm {
    #[ts(type = "number")]
    pub account_id: i64,
    pub subjects: Vec<SubjectChoice>,
    /// Who teaches (by role, or a cached class they teach), and everyone else.
    pub teachers: Vec<Choice>,
    pub students: Vec<Choice>,
    pub locations: Vec<Choice>,
}

/// The form's choices for Flylogs account `account_id`.
pub async fn class_form(store: &Store, lookup: &Lookup, account_id: i64) -> Result<ClassForm> {
    let pool = store.pool();
    let mut subjects: BTreeMap<String, SubjectChoice> = BTreeMap::new();
    for row in
        sqlx::query("SELECT source_id, name FROM subjects WHERE account_id = ? AND removed = 0")
            .bind(account_id)
            .fetch_all(pool)
            .await
            .context("reading the subjects for the class form")?
    {
        let id: String = row.get("source_id");
        subjects.insert(
            id.clone(),
            SubjectChoice {
                name: row
                    .get::<Option<String>, _>("name")
                    .unwrap_or_else(|| id.clone()),
                id,
                lessons: Vec::new(),
                exams: Vec::new(),
            },
        );
    }
    for row in sqlx::query(
        "SELECT source_id, name, subject_id, category, raw FROM lessons
         WHERE account_id = ? AND removed = 0",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
    .context("reading the lessons for the class form")?
    {
        let subject: Option<String> = row.get("subject_id");
        let Some(subject) = subject.and_then(|s| subjects.get_mut(&s)) else {
            continue;
        };
        let id: String = row.get("source_id");
        let raw = rows::raw(row.get("raw"));
        subject.lessons.push(LessonChoice {
            name: row
                .get::<Option<String>, _>("name")
                .unwrap_or_else(|| id.clone()),
            id,
            category: row.get("category"),
            minutes: rows::raw_f64(raw.get("minutes"))
                .filter(|m| *m > 0.0 && *m < 24.0 * 60.0)
                .map(|m| m.round() as u32),
        });
    }
    // The exams table holds attempts too; an exam is offered once per subject.
    for row in sqlx::query(
        "SELECT DISTINCT source_id, name, subject_id FROM exams
         WHERE account_id = ? AND removed = 0 AND person_id IS NULL",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
    .context("reading the exams for the class form")?
    {
        let subject: Option<String> = row.get("subject_id");
        if let Some(subject) = subject.and_then(|s| subjects.get_mut(&s)) {
            let id: String = row.get("source_id");
            subject.exams.push(Choice {
                name: row
                    .get::<Option<String>, _>("name")
                    .unwrap_or_else(|| id.clone()),
                id,
            });
        }
    }
    let mut subjects: Vec<SubjectChoice> = subjects.into_values().collect();
    for s in &mut subjects {
        s.lessons.sort_by(|a, b| a.name.cmp(&b.name));
        s.exams.sort_by(|a, b| a.name.cmp(&b.name));
    }
    subjects.sort_by(|a, b| a.name.cmp(&b.name));

    // Flylogs seldom sends a role: whoever teaches a cached class is a teacher too.
    let teaching: std::collections::HashSet<String> = sqlx::query_scalar(
        "SELECT DISTINCT instructor_id FROM classes
         WHERE account_id = ? AND removed = 0 AND instructor_id IS NOT NULL",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
    .context("reading the class teachers for the class form")?
    .into_iter()
    .collect();
    let roles: std::collections::HashSet<String> = sqlx::query_scalar(
        "SELECT source_id FROM people WHERE account_id = ? AND removed = 0
           AND (lower(role) LIKE '%instructor%' OR lower(role) LIKE '%teacher%'
                OR lower(role) LIKE '%manager%')",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
    .context("reading the teachers' roles for the class form")?
    .into_iter()
    .collect();
    // People come from the unified entities, so a teacher Flylogs names only in a class
    // (its user list is often partial) is offered too, under the name every system agrees on.
    let account = lookup.account(account_id);
    let (mut teachers, mut students) = (Vec::new(), Vec::new());
    for entity in lookup.entity_views() {
        if entity.kind != EntityKind::Person {
            continue;
        }
        let ids = entity.sources.iter().filter(|s| {
            account.is_some_and(|a| s.provider == a.provider && s.account == a.name)
                && !s.source_id.starts_with(crate::entities::NAME_PREFIX)
        });
        for source in ids {
            // An entity known only by this id reads as who it is, not as a bare number.
            let name = if entity.name == source.source_id {
                format!("Flylogs user {}", source.source_id)
            } else {
                entity.name.clone()
            };
            let choice = Choice {
                id: source.source_id.clone(),
                name,
            };
            if teaching.contains(&source.source_id) || roles.contains(&source.source_id) {
                teachers.push(choice);
            } else {
                students.push(choice);
            }
        }
    }
    teachers.sort_by(|a, b| a.name.cmp(&b.name));
    students.sort_by(|a, b| a.name.cmp(&b.name));

    let locations = sqlx::query(
        "SELECT source_id, name FROM locations WHERE account_id = ? AND removed = 0 ORDER BY name",
    )
    .bind(account_id)
    .fetch_all(pool)
    .await
    .context("reading the locations for the class form")?
    .into_iter()
    .map(|row| {
        let id: String = row.get("source_id");
        Choice {
            name: row
                .get::<Option<String>, _>("name")
                .unwrap_or_else(|| id.clone()),
            id,
        }
    })
    .collect();

    Ok(ClassForm {
        account_id,
        subjects,
        teachers,
        students,
        locations,
    })
}

impl Proposal {
    /// The class of `request` with its Flylogs ids resolved to unified entities, so the
    /// checks see the teacher's bookings in every other system too.
    pub fn for_class(request: &ClassRequest, lookup: &Lookup, tz: Tz) -> Result<Self> {
        let account = lookup
            .account(request.account_id)
            .filter(|a| a.provider == Provider::Flylogs)
            .ok_or_else(|| ViewError::UnknownEntity(format!("account {}", request.account_id)))?;
        let entity = |person: bool, id: &str| -> Result<EntityRef> {
            lookup
                .entity(account, person, Some(id), None)
                .cloned()
                .ok_or_else(|| ViewError::UnknownEntity(format!("Flylogs id {id}")))
        };
        let starts_at = parse_instant(&request.starts_at, tz)?;
        let minutes = if request.minutes == 0 {
            60
        } else {
            request.minutes
        };
        Ok(Self {
            starts_at,
            ends_at: starts_at + Duration::minutes(minutes.into()),
            teacher: Some(entity(true, &request.teacher_id)?),
            students: request
                .student_ids
                .iter()
                .map(|s| entity(true, s))
                .collect::<Result<_>>()?,
            resource: request
                .location_id
                .as_deref()
                .map(|l| entity(false, l))
                .transpose()?,
            flight_training: request.flight_training,
            ignore: request.editing.iter().cloned().collect(),
        })
    }
}
