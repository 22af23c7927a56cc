//! Flylogs trainings: enrolments, trainings, subjects, lessons, exams and attempts, classes
//! (sessions), attendance and flight missions with their debriefing-signature state.
//!
//! **Auth.** An API key (`flk_...`) sent as `Authorization: Bearer`, or, when the account has
//! the option `email`, the credential is that user's password and the connector logs in with
//! `POST /login.json` (email, password, and the one-time `code` given while connecting an
//! account with 2FA). The caller keeps the session token in the keyring
//! ([`Connector::session_token`]) and hands it back in [`AccountConfig::session`]: a sync
//! uses it first. A 401 on it (tokens expire after 14 idle days, and a login elsewhere
//! invalidates them) logs in again with the password, unless the account has 2FA (option
//! `two_factor`, learnt at the login): then the error asks the user to reconnect with a
//! fresh code, since a login without one would only make Flylogs send the user a code.
//!
//! **One resource, `trainings`, read in steps** (Flylogs offers no change filter, so every
//! pass reads everything the user can see and the engine removes what a completed pass did
//! not see):
//!
//! 1. `GET /users/view.json`: who the key acts as (manager or not).
//! 2. `GET /trainings.json/page:N`, pages of 30: enrolments (and their trainings), upcoming
//!    classes (`myClasses`).
//! 3. Managers only: `GET /manager/trainings.json/page:N`, pages of 50: every training. A 403
//!    here is not an error: that part is skipped.
//! 4. Per enrolment, `GET /trainings/trainings/view/{enrolment}.json`: subjects, lessons,
//!    exams, flight missions (`performedFlightTrainings`) with their signature state.
//! 5. Per (enrolment, subject), `GET /trainings/subjects/view/{enrolment}/{subject}.json`:
//!    attendance and exam attempts.
//! 6. `GET /trainings/missions/unsigned.json`: missions awaiting the user's signature.
//! 7. `GET /trainings/trainings/calendar.json` in yearly windows (two years back, one ahead):
//!    classes not already seen.
//!
//! A 403 or 404 on a per-item request (an enrolment the user may no longer open) skips that
//! item; a 401 stops the sync (the key needs replacing).
//!
//! **Model names.** The seed's revision names `LessonClass`, `TrainingSubjectLesson`,
//! `TrainingSubjectExam` and `TrainingSubjectAttendance`; the v2 documents rename them
//! `Session`, `Lesson`, `Exam` and `ActivityProgress`/`SessionStudent`, and list a subject's
//! lessons and exams as `TrainingActivity[]`. Both are read.
//!
//! **Mapping.** Attendance rows are enrolment records with a `class_id` (source id
//! `attendance:<id>`, status `attended` or `absent`); exam attempts are exam records with
//! source id `attempt:<id>`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{Duration, TimeDelta, Utc};
use chrono_tz::Tz;
use flightdesk_core::records::{
    Enrolment, Exam, Lesson, Location, Mission, Person, Subject, Training, TrainingClass,
};
use flightdesk_core::{Kind, Provider, Record, SkippedRow};
use flightdesk_secrets::Secret;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use tokio::sync::Mutex;

mod class_roster;
mod classes;
mod exams;
mod local_time;
mod signing;
mod training_writes;

pub use class_roster::RosterStudent;
pub use classes::ClassDraft;
pub use exams::{
    AttemptQuestions, ExamPreview, ExamQuestion, ExamResult, PastAttempt, QuestionOption,
};
pub use signing::Signature;
pub use training_writes::{Enrolled, LessonProgress};

use crate::http::Answer;
use crate::wire;
use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Next, Page, Position,
    Resource, Result, SyncMode, SyncPolicy, Verified,
};

/// The seed names no base URL; the Flylogs API reference documents this one.
pub const DEFAULT_BASE_URL: Option<&str> = Some("https://fmc.flylogs.com/v1");
/// The one resource.
pub const RESOURCE: &str = "trainings";
/// Page sizes the seed documents.
pub const MY_TRAININGS_PER_PAGE: usize = 30;
pub const MANAGER_TRAININGS_PER_PAGE: usize = 50;
/// Managers have `user_group_id <= 135`.
pub const MANAGER_MAX_GROUP: i64 = 135;

/// Account options that hold a one-time two-factor code: used for the login while
/// connecting, never saved with the account.
pub const ONE_TIME_OPTIONS: [&str; 2] = ["code", "two_factor_code"];
/// The account option that records the two-factor mode a login reported (`EMAIL`,
/// `TOTP`, `OFF`), so a sync knows whether it may log in again by itself.
pub const TWO_FACTOR_OPTION: &str = "two_factor";

/// The flylogs connector of one account.
pub struct Flylogs {
    account: AccountConfig,
    http: Arc<Http>,
    /// The bearer token in use: the API key, or a session token from a login.
    token: Mutex<Option<Secret>>,
    /// The one-time code has been sent (it is never sent twice).
    code_used: AtomicBool,
    /// The two-factor mode the last login reported.
    two_factor: std::sync::Mutex<Option<String>>,
}

impl Flylogs {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self {
            account,
            http,
            token: Mutex::new(None),
            code_used: AtomicBool::new(false),
            two_factor: std::sync::Mutex::new(None),
        }
    }

    fn login_email(&self) -> Option<String> {
        self.account.option("email").filter(|e| !e.is_empty())
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{}", self.account.base(), path.trim_start_matches('/'))
    }

    /// The one-time two-factor code given while connecting, if not sent yet.
    fn unused_code(&self) -> Option<String> {
        if self.code_used.load(Ordering::SeqCst) {
            return None;
        }
        ONE_TIME_OPTIONS
            .iter()
            .find_map(|k| self.account.option(k))
            .filter(|c| !c.is_empty())
    }

    /// Whether the account signs in with a two-factor code (as a login reported).
    fn has_two_factor(&self) -> bool {
        let learnt = self.two_factor.lock().expect("two-factor lock").clone();
        learnt
            .or_else(|| self.account.option(TWO_FACTOR_OPTION))
            .is_some_and(|m| !m.is_empty() && !m.eq_ignore_ascii_case("OFF"))
    }

    /// The two-factor mode the login of this connector reported, if it logged in.
    pub fn two_factor_mode(&self) -> Option<String> {
        self.two_factor.lock().expect("two-factor lock").clone()
    }

    /// Why a two-factor account cannot sync until it is connected again.
    fn reconnect_error(&self) -> ConnectorError {
        let name = &self.account.name;
        ConnectorError::Unauthorized {
            message: format!(
                "the Flylogs session of `{name}` has ended and the account signs in with a \
                 two-factor code, so FlightDesk cannot sign in again by itself: reconnect it \
                 with a fresh code (flightdesk connect flylogs --name {name} --set code=CODE \
                 --token-stdin)"
            ),
        }
    }

    /// `POST /login.json`: a session token for the account's email and password, with the
    /// one-time two-factor code when one was given and not used yet.
    pub async fn login(&self) -> Result<Secret> {
        let email = self.login_email().unwrap_or_default();
        let mut body = json!({"email": email, "password": self.account.credential.expose()});
        let code = self.unused_code();
        if let Some(code) = &code {
            body["code"] = Value::String(code.clone());
            self.code_used.store(true, Ordering::SeqCst);
        }
        let url = self.url("/login.json");
        let answer = self
            .http
            .send_json("logging in to flylogs", |c| c.post(&url).json(&body))
            .await?;
        // The older document wraps the answer in `response`; read a flat one too.
        let r = answer
            .body
            .get("response")
            .cloned()
            .unwrap_or(answer.body.clone());
        let ok = wire::boolean(&r, &["result"]) == Some(true);
        let two = wire::string(&r, &["two_factor"]).unwrap_or_default();
        if !two.is_empty() {
            *self.two_factor.lock().expect("two-factor lock") = Some(two.clone());
        }
        match wire::string(&r, &["token"]) {
            Some(t) if ok => Ok(Secret::new(t)),
            _ => {
                let two_factor = !two.is_empty() && two != "OFF";
                if two_factor && code.is_none() && self.account.session.is_some() {
                    return Err(self.reconnect_error());
                }
                let message = if two_factor {
                    format!(
                        "Flylogs asks for a two-factor code ({two}); connect again with \
                         --set code=<the code>"
                    )
                } else {
                    wire::string(&r, &["message"]).unwrap_or_else(|| "login refused".into())
                };
                Err(ConnectorError::Unauthorized { message })
            }
        }
    }

    /// The token to send: the one in use, else the stored session token, else a new login
    /// (`fresh`: the one in use was just rejected).
    async fn bearer(&self, fresh: bool) -> Result<Secret> {
        let mut guard = self.token.lock().await;
        if let (Some(t), false) = (guard.as_ref(), fresh) {
            return Ok(t.clone());
        }
        let t = if self.login_email().is_none() {
            self.account.credential.clone()
        } else if let (Some(session), false, None) =
            (&self.account.session, fresh, self.unused_code())
        {
            session.clone()
        } else if self.unused_code().is_none() && self.has_two_factor() {
            // A login without a code would only make Flylogs send one to the user.
            return Err(self.reconnect_error());
        } else {
            self.login().await?
        };
        *guard = Some(t.clone());
        Ok(t)
    }

    /// A GET with the bearer token; a session token rejected with 401 is renewed once.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value> {
        Ok(self.get_answer(path, query).await?.body)
    }

    /// [`Flylogs::get`] with the answer's headers (the server's `Date`).
    async fn get_answer(&self, path: &str, query: &[(&str, String)]) -> Result<Answer> {
        let url = self.url(path);
        let context = format!(
            "reading flylogs {}",
            path.split(['?', ':']).next().unwrap_or(path)
        );
        let mut fresh = false;
        loop {
            let token = self.bearer(fresh).await?;
            let result = self
                .http
                .send_json(&context, |c| {
                    c.get(&url).bearer_auth(token.expose()).query(query)
                })
                .await;
            match result {
                Err(ConnectorError::Unauthorized { .. })
                    if !fresh && self.login_email().is_some() =>
                {
                    fresh = true;
                }
                Err(e) => return Err(e),
                Ok(a) => return Ok(a),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tolerant model access: older and newer names.

/// The first of `names` that is an object in `v`.
fn model<'a>(v: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .filter_map(|n| v.get(*n))
        .find(|x| x.is_object())
}

const CLASS: &[&str] = &["LessonClass", "Session", "TrainingSession"];
const LESSON: &[&str] = &["TrainingSubjectLesson", "Lesson"];
const EXAM: &[&str] = &["TrainingSubjectExam", "Exam"];
const ATTENDANCE: &[&str] = &[
    "TrainingSubjectAttendance",
    "ActivityProgress",
    "SessionStudent",
];

fn person_name(v: Option<&Value>) -> Option<String> {
    let v = v?;
    let d = v.get("UserDetail").unwrap_or(v);
    match (
        wire::string(d, &["name", "first_name"]),
        wire::string(d, &["surname", "last_name"]),
    ) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}

fn training_record(t: &Value) -> Option<Record> {
    let id = wire::id(t, &["training_id", "id"])?;
    let active = wire::boolean(t, &["active"]);
    let data = Training {
        name: wire::string(t, &["name"]),
        person_id: None,
        status: active.map(|a| if a { "active" } else { "inactive" }.to_string()),
        starts_on: wire::date(t, &["start"]),
        ends_on: wire::date(t, &["end"]),
    };
    let mut raw = t.clone();
    if let Value::Object(o) = &mut raw {
        // Per-enrolment fields belong to the enrolment record, not the training.
        for k in [
            "enrollment_id",
            "enrollment",
            "supervisor_id",
            "finished",
            "finish_date",
            "Lessons",
            "FlightProgress",
            "Progress",
            "flight_phase",
        ] {
            o.remove(k);
        }
    }
    Some(Record::new(id, data, raw))
}

fn enrolment_record(row_training: &Value, me: Option<&str>) -> Option<Record> {
    // A `/trainings.json` row carries `enrollment_id`; a `TrainingsUser` its own `id`.
    let id = wire::id(row_training, &["enrollment_id", "trainings_user_id"]).or_else(|| {
        row_training
            .get("user_id")
            .and_then(|_| wire::id(row_training, &["id"]))
    })?;
    let finished = wire::boolean(row_training, &["finished"]);
    let data = Enrolment {
        person_id: wire::id(row_training, &["user_id"]).or_else(|| me.map(str::to_string)),
        training_id: wire::id(row_training, &["training_id"]).or_else(|| {
            wire::id(row_training, &["id"]).filter(|_| row_training.get("enrollment_id").is_some())
        }),
        class_id: None,
        status: finished.map(|f| if f { "finished" } else { "active" }.to_string()),
        enrolled_on: wire::date(row_training, &["enrollment", "created"]),
    };
    Some(Record::new(id, data, row_training.clone()))
}

/// A class from a `myClasses` row, a class view, or a calendar event.
fn class_record(row: &Value, tz: Tz) -> Option<Record> {
    let c = model(row, CLASS).unwrap_or(row);
    let id = wire::id(c, &["id"])?;
    let starts = local_time::instant(c, &["datetime", "start"], tz);
    let minutes = wire::integer(c, &["minutes", "duration_minutes"]);
    let ends = local_time::instant(c, &["end"], tz).or_else(|| after(starts?, minutes?));
    let lesson = model(row, LESSON);
    let activity = model(row, &["TrainingActivity"]);
    let teacher = row.get("Teacher");
    let data = TrainingClass {
        name: lesson
            .and_then(|l| wire::string(l, &["name"]))
            .or_else(|| model(row, EXAM).and_then(|x| wire::string(x, &["name"])))
            .or_else(|| wire::string(row, &["title", "activity"])),
        starts_at: starts,
        ends_at: ends,
        training_id: wire::id(row, &["training_id"]),
        lesson_id: wire::id(c, &["training_subject_lesson_id", "lesson_id"])
            .or_else(|| activity.and_then(|a| wire::id(a, &["lesson_id"]))),
        instructor_id: wire::id(c, &["teacher_id"])
            .or_else(|| teacher.and_then(|t| wire::id(t, &["id"]))),
        instructor_name: person_name(teacher),
        location_id: wire::id(c, &["location_id"]),
        status: wire::status(c, &["status"]).or_else(|| wire::status(row, &["type"])),
        capacity: None,
    };
    Some(Record::new(id, data, row.clone()))
}

/// `t` plus `minutes`, or none when the provider's minutes overflow a duration or the
/// calendar (a chrono `+` panics there).
fn after(t: chrono::DateTime<Utc>, minutes: i64) -> Option<chrono::DateTime<Utc>> {
    t.checked_add_signed(TimeDelta::try_minutes(minutes)?)
}

/// A Flylogs user (`User` with its `UserDetail`): the one record that names a student
/// or teacher with an e-mail, so the identity rules can match them to the same person in
/// the other systems (enrolments, missions and attempts carry only the user id).
fn person_record(user: &Value, detail: Option<&Value>, role: Option<&str>) -> Option<Record> {
    let id = wire::id(user, &["id"])?;
    let data = Person {
        name: person_name(detail.or(Some(user))),
        email: wire::string(user, &["email"]),
        role: role.map(str::to_string),
        status: wire::boolean(user, &["active"])
            .map(|a| if a { "active" } else { "inactive" }.to_string()),
        location_id: None,
    };
    Some(Record::new(id, data, user.clone()))
}

/// A training location (`TrainingLocation`): the classroom and the zone of its clock.
fn location_record(row: &Value) -> Option<Record> {
    let l = model(row, &["TrainingLocation", "Location"]).unwrap_or(row);
    let id = wire::id(l, &["id"])?;
    let data = Location {
        name: wire::string(l, &["name"]),
        code: wire::string(l, &["code", "type"]),
        time_zone: wire::string(l, &["timezone_id", "timezone", "time_zone"]),
    };
    Some(Record::new(id, data, l.clone()))
}

/// The school's zone: the first location zone chrono-tz knows (Flylogs has no company
/// zone; a school's classrooms share one clock).
fn school_zone(locations: &[Record]) -> Option<String> {
    locations.iter().find_map(|r| {
        let name = r.data.fields().get("time_zone")?.as_str()?.to_string();
        local_time::zone(&name).map(|_| name)
    })
}

fn subject_record(s: &Value, training: Option<&str>) -> Option<Record> {
    let id = wire::id(s, &["id"])?;
    let data = Subject {
        name: wire::string(s, &["name"]),
        code: wire::string(s, &["code"]),
        training_id: wire::id(s, &["training_id"]).or_else(|| training.map(str::to_string)),
    };
    let mut raw = s.clone();
    if let Value::Object(o) = &mut raw {
        for k in LESSON
            .iter()
            .chain(EXAM)
            .chain(["Progress", "TrainingActivity"].iter())
        {
            o.remove(*k);
        }
    }
    Some(Record::new(id, data, raw))
}

fn lesson_record(l: &Value, subject: Option<&str>, training: Option<&str>) -> Option<Record> {
    let id = wire::id(l, &["id"])?;
    let data = Lesson {
        name: wire::string(l, &["name"]),
        subject_id: wire::id(l, &["training_subject_id"]).or_else(|| subject.map(str::to_string)),
        training_id: training.map(str::to_string),
        category: Some("ground".into()),
    };
    let mut raw = l.clone();
    if let Value::Object(o) = &mut raw {
        for k in ATTENDANCE {
            o.remove(*k);
        }
        o.remove("Sessions");
    }
    Some(Record::new(id, data, raw))
}

fn exam_record(x: &Value, subject: Option<&str>, training: Option<&str>) -> Option<Record> {
    let id = wire::id(x, &["id"])?;
    let data = Exam {
        name: wire::string(x, &["name"]),
        person_id: None,
        subject_id: wire::id(x, &["training_subject_id"]).or_else(|| subject.map(str::to_string)),
        training_id: training.map(str::to_string),
        taken_at: None,
        attempt: None,
        score: None,
        passed: None,
        status: wire::status(x, &["type"]),
    };
    let mut raw = x.clone();
    if let Value::Object(o) = &mut raw {
        o.remove("ExamAttempt");
    }
    Some(Record::new(id, data, raw))
}

fn attempt_record(
    a: &Value,
    exam: &Value,
    subject: Option<&str>,
    training: Option<&str>,
    n: i64,
    tz: Tz,
) -> Option<Record> {
    let id = wire::id(a, &["id"])?;
    let data = Exam {
        name: wire::string(exam, &["name"]),
        person_id: wire::id(a, &["user_id"]),
        subject_id: wire::id(exam, &["training_subject_id"])
            .or_else(|| subject.map(str::to_string)),
        training_id: training.map(str::to_string),
        taken_at: local_time::instant(a, &["start", "created"], tz),
        attempt: Some(n),
        score: wire::number(a, &["score"]),
        passed: wire::boolean(a, &["passed"]),
        status: wire::status(a, &["status"]),
    };
    let mut raw = a.clone();
    if let Value::Object(o) = &mut raw {
        o.entry("exam_id")
            .or_insert(Value::String(wire::id(exam, &["id"]).unwrap_or_default()));
    }
    Some(Record::new(format!("attempt:{id}"), data, raw))
}

fn attendance_record(a: &Value, person: Option<&str>, training: Option<&str>) -> Option<Record> {
    let id = wire::id(a, &["id"])?;
    let class = wire::id(
        a,
        &[
            "lesson_class_id",
            "session_id",
            "training_session_id",
            "class_id",
        ],
    )
    .or_else(|| model(a, CLASS).and_then(|c| wire::id(c, &["id"])));
    let value = wire::boolean(a, &["value", "attended"]);
    let data = Enrolment {
        person_id: wire::id(a, &["user_id"]).or_else(|| person.map(str::to_string)),
        training_id: training.map(str::to_string),
        class_id: class,
        status: value.map(|v| if v { "attended" } else { "absent" }.to_string()),
        enrolled_on: wire::date(a, &["created"]),
    };
    Some(Record::new(format!("attendance:{id}"), data, a.clone()))
}

fn mission_record(
    row: &Value,
    person: Option<&str>,
    training: Option<&str>,
    tz: Tz,
) -> Option<Record> {
    let m = model(row, &["UserTrainingFlight", "Mission"]).unwrap_or(row);
    let tf = model(row, &["TrainingFlight"]);
    let id = wire::id(m, &["id"])?;
    // Any non-empty signature value means signed, even one that is no readable time.
    let signed = wire::string(m, &["debriefing_signature", "signed_at", "signature"]).is_some()
        || wire::boolean(m, &["signed"]) == Some(true);
    let completed = local_time::instant(m, &["completed"], tz);
    let minutes = wire::integer(m, &["time"]);
    let data = Mission {
        name: tf.and_then(|t| wire::string(t, &["name"])),
        person_id: wire::id(m, &["user_id"]).or_else(|| person.map(str::to_string)),
        instructor_id: None,
        aircraft_id: wire::string(m, &["aircraft"]),
        lesson_id: wire::id(m, &["training_flight_id"]),
        training_id: tf
            .and_then(|t| t.get("Training"))
            .and_then(|t| wire::id(t, &["id"]))
            .or_else(|| training.map(str::to_string)),
        starts_at: completed
            .zip(minutes)
            .and_then(|(c, m)| after(c, m.checked_neg()?)),
        ends_at: completed,
        status: Some(
            if completed.is_some() {
                "completed"
            } else {
                "planned"
            }
            .into(),
        ),
        signature_state: Some(if signed { "signed" } else { "unsigned" }.into()),
    };
    Some(Record::new(id, data, row.clone()))
}

// ---------------------------------------------------------------------------------------------
// Position.

/// Where a pass is, plus what the next pass needs to know (its sweep clock and the list
/// rows it saw).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Pos {
    step: Step,
    /// The acting user's id and whether they are a manager.
    me: Option<String>,
    manager: bool,
    /// The school's IANA zone (from its locations); naive times are read in it.
    #[serde(default)]
    tz: Option<String>,
    /// This pass reads everything and may mark unseen records removed.
    #[serde(default)]
    sweep: bool,
    /// Server time (unix seconds) at the start of the last sweep that completed, or of
    /// this pass when it is a sweep.
    #[serde(default)]
    swept_at: Option<i64>,
    /// Server time at the start of this pass.
    #[serde(default)]
    started_at: Option<i64>,
    /// The `paginate.count` of the listing being paged, to notice it move between pages.
    #[serde(default)]
    listed: Option<i64>,
    /// Restarts of this pass because a listing moved.
    #[serde(default)]
    restarts: u32,
    /// A listing moved and the pass went on anyway: it removes nothing.
    #[serde(default)]
    moved: bool,
    /// Fingerprints of the enrolment list rows of the last pass (enrolment id → hash):
    /// a cheap pass opens only the views whose row changed.
    #[serde(default)]
    rows: BTreeMap<String, u64>,
    /// The fingerprints this pass has seen so far.
    #[serde(default)]
    seen_rows: BTreeMap<String, u64>,
    /// Enrolments still to open: (enrolment, training).
    enrolments: Vec<(String, Option<String>)>,
    /// Subjects still to open: (enrolment, subject, training).
    subjects: Vec<(String, String, Option<String>)>,
    /// Class ids delivered in this pass (the calendar adds only the others).
    classes: Vec<String>,
    /// The acting user's own enrolments (their subject views hold attendance and attempts).
    own: Vec<String>,
    /// Managers: every training of the company (from the catalogue).
    catalog: Vec<String>,
}

impl Pos {
    fn zone(&self) -> Tz {
        self.tz
            .as_deref()
            .and_then(local_time::zone)
            .unwrap_or(local_time::FALLBACK_ZONE)
    }

    /// The first position of the pass after this one completed: only what carries over.
    fn next_pass(&self) -> Pos {
        Pos {
            tz: self.tz.clone(),
            swept_at: if self.sweep && !self.moved {
                self.started_at
            } else {
                self.swept_at
            },
            rows: self.seen_rows.clone(),
            ..Pos::default()
        }
    }

    /// The same pass from its start, after a listing moved under it.
    fn restarted(&self) -> Pos {
        Pos {
            tz: self.tz.clone(),
            swept_at: self.swept_at,
            rows: self.rows.clone(),
            restarts: self.restarts.saturating_add(1),
            ..Pos::default()
        }
    }

    /// Remembers an enrolment's list row; whether this pass should open its view.
    fn note_row(&mut self, enrolment: &str, row: &Value) -> bool {
        let print = fingerprint(row);
        let changed = self.rows.get(enrolment) != Some(&print);
        self.seen_rows.insert(enrolment.to_string(), print);
        self.sweep || changed
    }
}

/// A stable hash of a JSON row (serde_json keeps object keys sorted).
fn fingerprint(row: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    row.to_string().hash(&mut h);
    h.finish()
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
enum Step {
    #[default]
    Me,
    Locations,
    Mine {
        page: usize,
    },
    Catalog {
        page: usize,
    },
    Students,
    Views,
    Subjects,
    Unsigned,
    Calendar {
        window: usize,
    },
}

/// Calendar windows: yearly, from two years back to one year ahead. A cheap pass reads
/// only the last (the year ahead), where classes are scheduled and moved.
const CALENDAR_WINDOWS: usize = 3;

/// How often a listing may move under a pass before the pass goes on without removals.
const MAX_RESTARTS: u32 = 3;

/// How often scheduled syncs read Flylogs, and how often a pass is a full sweep.
pub const POLICY: SyncPolicy = SyncPolicy {
    every: std::time::Duration::from_secs(30 * 60),
    sweep_every: Some(std::time::Duration::from_secs(7 * 24 * 3600)),
    budget_per_hour: 60,
};

fn has_next_page(body: &Value, page: usize, got: usize, per_page: usize) -> bool {
    let p = body.get("paginate").cloned().unwrap_or(Value::Null);
    if let Some(b) = wire::boolean(&p, &["nextPage"]) {
        return b;
    }
    if let Some(n) = wire::integer(&p, &["pageCount"]) {
        return i64::try_from(page).is_ok_and(|page| page < n);
    }
    got >= per_page
}

/// The row count of a `page:N` listing (or, without it, its page count).
fn listing_size(body: &Value) -> Option<i64> {
    let p = body.get("paginate")?;
    wire::integer(p, &["count"]).or_else(|| wire::integer(p, &["pageCount"]).map(|n| -n))
}

/// A page's records and the rows that could not become one.
#[derive(Default)]
struct Out {
    records: Vec<Record>,
    skipped: Vec<SkippedRow>,
}

impl Out {
    /// Keeps a decoded record, or the raw row with why it was skipped.
    fn add(&mut self, r: Option<Record>, raw: &Value, what: &str) -> Option<String> {
        match r {
            Some(r) => {
                let id = r.source_id.clone();
                self.records.push(r);
                Some(id)
            }
            None => {
                tracing::warn!(what, "flylogs row without an id skipped");
                self.skipped.push(SkippedRow::new(
                    raw.clone(),
                    format!("{what} without an `id`"),
                ));
                None
            }
        }
    }

    fn page(self, next: Next) -> Page {
        Page {
            records: self.records,
            skipped: self.skipped,
            server_time: None,
            next,
        }
    }
}

/// The server's clock from an answer's `Date` header.
fn server_time(a: &Answer) -> Option<i64> {
    let d = a.header("date")?;
    chrono::DateTime::parse_from_rfc2822(d)
        .ok()
        .map(|d| d.timestamp())
}

#[async_trait::async_trait]
impl Connector for Flylogs {
    fn provider(&self) -> Provider {
        Provider::Flylogs
    }

    fn resources(&self) -> Vec<Resource> {
        vec![Resource {
            name: RESOURCE,
            kinds: &[
                Kind::Locations,
                Kind::People,
                Kind::Trainings,
                Kind::Enrolments,
                Kind::Subjects,
                Kind::Lessons,
                Kind::Exams,
                Kind::Missions,
                Kind::Classes,
            ],
            mode: SyncMode::Snapshot { keep_past: false },
            policy: POLICY,
        }]
    }

    fn requests_sent(&self) -> u64 {
        self.http.requests_sent()
    }

    fn session_token(&self) -> Option<Secret> {
        self.login_email()?;
        self.token.try_lock().ok()?.clone()
    }

    fn two_factor_required(&self) -> Option<String> {
        self.two_factor_mode()
            .filter(|m| !m.is_empty() && m != "OFF")
    }

    async fn verify(&self) -> Result<Verified> {
        let v = self.get("/users/view.json", &[]).await?;
        let user = v.get("User").cloned().unwrap_or(Value::Null);
        let group = v.get("UserGroup").cloned().unwrap_or(Value::Null);
        let mut discovered = Map::new();
        if let Some(id) = wire::id(&user, &["id"]) {
            discovered.insert("user_id".into(), Value::String(id));
        }
        if let Some(mode) = self.two_factor_mode() {
            discovered.insert(TWO_FACTOR_OPTION.into(), Value::String(mode));
        }
        Ok(Verified {
            summary: format!(
                "{} ({})",
                person_name(v.get("UserDetail").map(|_| &v)).unwrap_or_else(|| "user".into()),
                wire::string(&group, &["name"]).unwrap_or_else(|| "?".into())
            ),
            discovered,
        })
    }

    async fn fetch_page(&self, resource: &str, position: &Position) -> Result<Page> {
        if resource != RESOURCE {
            return Err(unknown_resource(self.provider(), resource));
        }
        let mut pos: Pos = position.decode().unwrap_or_default();
        let mut out = Out::default();
        match pos.step.clone() {
            Step::Me => {
                let a = self.get_answer("/users/view.json", &[]).await?;
                let now = server_time(&a).unwrap_or_else(|| Utc::now().timestamp());
                read_me(&a.body, &mut pos, &mut out);
                pos.started_at = Some(now);
                pos.sweep = POLICY.sweep_due(pos.swept_at, now);
                pos.step = Step::Locations;
            }
            Step::Locations => {
                if let Some(body) = skip_missing(self.get("/trainings/locations.json", &[]).await)?
                {
                    read_locations(&body, &mut pos, &mut out);
                }
                pos.step = Step::Mine { page: 1 };
            }
            Step::Mine { page } => {
                let body = self
                    .get(&format!("/trainings/page:{page}.json"), &[])
                    .await?;
                if let Some(next) = moved(&body, page, &mut pos) {
                    return Ok(out.page(next));
                }
                let more = read_mine(&body, page, &mut pos, &mut out);
                pos.step = if more {
                    Step::Mine { page: page + 1 }
                } else if pos.manager {
                    Step::Catalog { page: 1 }
                } else {
                    Step::Views
                };
            }
            Step::Catalog { page } => {
                match self
                    .get(&format!("/manager/trainings/page:{page}.json"), &[])
                    .await
                {
                    Ok(body) => {
                        if let Some(next) = moved(&body, page, &mut pos) {
                            return Ok(out.page(next));
                        }
                        let more = read_catalog(&body, page, &mut pos, &mut out);
                        pos.step = if more {
                            Step::Catalog { page: page + 1 }
                        } else {
                            Step::Students
                        };
                    }
                    Err(ConnectorError::Forbidden { .. }) => pos.step = Step::Views,
                    Err(e) => return Err(e),
                }
            }
            Step::Students => {
                // Managers: every enrolment of the company (all filters empty).
                let path = "/manager/trainings/students/list/training:/finished:/group:/pilot_group:/username:.json";
                if let Some(body) = skip_missing(self.get(path, &[]).await)? {
                    read_students(body, &mut pos, &mut out);
                }
                pos.step = Step::Views;
            }
            Step::Views => {
                if pos.enrolments.is_empty() {
                    pos.step = Step::Unsigned;
                } else {
                    let (enr, training) = pos.enrolments.remove(0);
                    if let Some(body) = skip_missing(
                        self.get(&format!("/trainings/trainings/view/{enr}.json"), &[])
                            .await,
                    )? {
                        read_view(&body, &enr, training.as_deref(), &mut pos, &mut out);
                    }
                    if pos.enrolments.is_empty() {
                        pos.step = Step::Subjects;
                    }
                }
            }
            Step::Subjects => {
                if pos.subjects.is_empty() {
                    pos.step = Step::Unsigned;
                } else {
                    let (enr, sub, training) = pos.subjects.remove(0);
                    if let Some(body) = skip_missing(
                        self.get(&format!("/trainings/subjects/view/{enr}/{sub}.json"), &[])
                            .await,
                    )? {
                        let tz = pos.zone();
                        read_subject(
                            &body,
                            &sub,
                            Some(&enr),
                            training.as_deref(),
                            pos.me.as_deref(),
                            tz,
                            &mut out,
                        );
                    }
                    if pos.subjects.is_empty() {
                        pos.step = Step::Unsigned;
                    }
                }
            }
            Step::Unsigned => {
                if let Some(body) =
                    skip_missing(self.get("/trainings/missions/unsigned.json", &[]).await)?
                {
                    read_unsigned(&body, &pos, &mut out);
                }
                let first = if pos.sweep { 0 } else { CALENDAR_WINDOWS - 1 };
                pos.step = Step::Calendar { window: first };
            }
            Step::Calendar { window } => {
                let now = pos.started_at.unwrap_or_else(|| Utc::now().timestamp());
                let (start, end) = calendar_window(now, window);
                let q = [
                    ("start", start),
                    ("end", end),
                    ("timeZone", pos.zone().name().to_string()),
                ];
                if let Some(body) =
                    skip_missing(self.get("/trainings/trainings/calendar.json", &q).await)?
                {
                    read_calendar(body, &mut pos, &mut out);
                }
                if window + 1 >= CALENDAR_WINDOWS {
                    let next = Position::of(&pos.next_pass());
                    // Only a sweep whose listings held still saw everything.
                    return Ok(out.page(if pos.sweep && !pos.moved {
                        Next::Done(next)
                    } else {
                        Next::DoneChangesOnly(next)
                    }));
                }
                pos.step = Step::Calendar { window: window + 1 };
            }
        }
        Ok(out.page(Next::More(Position::of(&pos))))
    }
}

/// The `start`/`end` dates of a yearly calendar window (0: two years back).
fn calendar_window(now: i64, window: usize) -> (String, String) {
    let today = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .date_naive();
    let shift = i64::try_from(window).unwrap_or(0).saturating_mul(365) - 730;
    let start = today
        .checked_add_signed(Duration::days(shift))
        .unwrap_or(today);
    let end = start
        .checked_add_signed(Duration::days(364))
        .unwrap_or(start);
    (start.to_string(), end.to_string())
}

/// On a later page of a listing: whether its size moved since its first page. A move means
/// rows shifted between pages (one may have been skipped): the pass starts over, or after
/// [`MAX_RESTARTS`] goes on and removes nothing.
fn moved(body: &Value, page: usize, pos: &mut Pos) -> Option<Next> {
    let size = listing_size(body);
    if page <= 1 {
        pos.listed = size;
        return None;
    }
    if size.is_none() || size == pos.listed {
        return None;
    }
    tracing::info!(page, before = ?pos.listed, now = ?size, "flylogs listing moved between pages");
    if pos.restarts < MAX_RESTARTS {
        return Some(Next::Restart(Position::of(&pos.restarted())));
    }
    pos.moved = true;
    pos.listed = size;
    None
}

/// `/users/view.json`: who the key acts as.
fn read_me(v: &Value, pos: &mut Pos, out: &mut Out) {
    let user = v.get("User").cloned().unwrap_or(Value::Null);
    pos.me = wire::id(&user, &["id"]);
    if let Some(person) = person_record(&user, Some(v), None) {
        out.records.push(person);
    }
    let group = wire::integer(&user, &["user_group_id"])
        .or_else(|| v.get("UserGroup").and_then(|g| wire::integer(g, &["id"])));
    pos.manager = group.is_some_and(|g| g <= MANAGER_MAX_GROUP);
}

/// `/trainings/locations.json`: location records, and the school's zone from them.
fn read_locations(body: &Value, pos: &mut Pos, out: &mut Out) {
    let rows = wire::list(body.get("locations").or(Some(body)));
    let first = out.records.len();
    for row in &rows {
        out.add(location_record(row), row, "location");
    }
    if let Some(tz) = school_zone(out.records.get(first..).unwrap_or_default()) {
        pos.tz = Some(tz);
    }
}

/// A `/trainings.json` page; whether another follows.
fn read_mine(body: &Value, page: usize, pos: &mut Pos, out: &mut Out) -> bool {
    let rows = wire::list(body.get("trainings"));
    for row in &rows {
        let t = row.get("Training").unwrap_or(row);
        if out.add(training_record(t), row, "training").is_none() {
            continue;
        }
        let Some(e) = out.add(enrolment_record(t, pos.me.as_deref()), row, "enrolment") else {
            continue;
        };
        if pos.note_row(&e, t) {
            pos.enrolments
                .push((e.clone(), wire::id(t, &["training_id", "id"])));
        }
        pos.own.push(e);
    }
    // Subjects the user teaches (instructors are rarely enrolled in them).
    for t in wire::list(body.get("teacher")) {
        let training = t.get("Training").and_then(|x| wire::id(x, &["id"]));
        if let Some(s) = t.get("TrainingSubject") {
            out.add(subject_record(s, training.as_deref()), s, "subject");
        }
    }
    let tz = pos.zone();
    for c in wire::list(body.get("myClasses")) {
        add_class(class_record(&c, tz), &c, pos, out);
    }
    has_next_page(body, page, rows.len(), MY_TRAININGS_PER_PAGE)
}

/// A class not delivered yet in this pass.
fn add_class(r: Option<Record>, raw: &Value, pos: &mut Pos, out: &mut Out) {
    match r {
        Some(r) if pos.classes.contains(&r.source_id) => {}
        Some(r) => {
            pos.classes.push(r.source_id.clone());
            out.records.push(r);
        }
        None => {
            out.add(None, raw, "class");
        }
    }
}

/// A `/manager/trainings.json` page; whether another follows.
fn read_catalog(body: &Value, page: usize, pos: &mut Pos, out: &mut Out) -> bool {
    let rows = wire::list(body.get("trainings"));
    for row in &rows {
        if let Some(id) = out.add(
            training_record(row.get("Training").unwrap_or(row)),
            row,
            "training",
        ) {
            pos.catalog.push(id);
        }
    }
    has_next_page(body, page, rows.len(), MANAGER_TRAININGS_PER_PAGE)
}

/// The company-wide students list (managers), then the trainings nobody is enrolled in.
fn read_students(mut body: Value, pos: &mut Pos, out: &mut Out) {
    // One answer for the whole company: its rows are moved, not copied.
    let students = body.get_mut("students").map(Value::take);
    let mut people = std::collections::BTreeSet::new();
    for row in students.map(wire::into_list).unwrap_or_default() {
        let Some(u) = row.get("TrainingsUser") else {
            out.add(None, &row, "student row");
            continue;
        };
        // A student in two trainings has two rows: one person record.
        let person = row
            .get("User")
            .and_then(|user| person_record(user, None, Some("student")));
        if let Some(p) = person.filter(|p| people.insert(p.source_id.clone())) {
            out.records.push(p);
        }
        let Some(mut enrolment) = enrolment_record(u, None) else {
            out.add(None, u, "enrolment");
            continue;
        };
        let e = enrolment.source_id.clone();
        let training = wire::id(u, &["training_id"]);
        let known = pos.enrolments.iter().any(|(id, _)| *id == e) || pos.own.contains(&e);
        if !known && pos.note_row(&e, &row) {
            pos.enrolments.push((e, training));
        }
        // The whole row is the enrolment's raw: beside `TrainingsUser` it holds the
        // student's lesson `Progress` and `LastFlight`, which no other answer gives a manager.
        enrolment.raw = row;
        out.records.push(enrolment);
    }
    // Trainings nobody is enrolled in: their syllabus from the training view (a sweep only:
    // no list row says when a syllabus changed).
    let covered: Vec<String> = pos
        .enrolments
        .iter()
        .filter_map(|(_, t)| t.clone())
        .collect();
    for t in std::mem::take(&mut pos.catalog) {
        if pos.sweep && !covered.contains(&t) {
            pos.enrolments.push((t.clone(), Some(t)));
        }
    }
}

/// `/trainings/missions/unsigned.json`.
fn read_unsigned(body: &Value, pos: &Pos, out: &mut Out) {
    let tz = pos.zone();
    for m in wire::list(body.get("missions").or(Some(body))) {
        out.add(
            mission_record(&m, pos.me.as_deref(), None, tz),
            &m,
            "mission",
        );
    }
}

/// A calendar window: the classes not already seen in this pass.
fn read_calendar(mut body: Value, pos: &mut Pos, out: &mut Out) {
    // A year of classes in one answer: its rows are moved, not copied.
    let events = match body.get_mut("events") {
        Some(events) => events.take(),
        None => body,
    };
    let tz = pos.zone();
    for ev in wire::into_list(events) {
        add_class(class_record(&ev, tz), &ev, pos, out);
    }
}

/// A 403 or 404 on one item skips it; other errors fail the page.
fn skip_missing(r: Result<Value>) -> Result<Option<Value>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ConnectorError::Forbidden { message }) => {
            tracing::info!(%message, "flylogs item not permitted; skipped");
            Ok(None)
        }
        Err(ConnectorError::Client { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A training view: subjects, lessons, exams and flight missions of one enrolment.
fn read_view(body: &Value, enr: &str, training: Option<&str>, pos: &mut Pos, out: &mut Out) {
    let root = body.get("training").unwrap_or(body);
    let t = root.get("Training").unwrap_or(&Value::Null);
    let training = wire::id(t, &["id"]).or_else(|| training.map(str::to_string));
    let tid = training.as_deref();
    let tz = pos.zone();
    let person = root
        .get("TrainingsUser")
        .and_then(|u| wire::id(u, &["user_id"]))
        .or_else(|| pos.me.clone());
    for s in wire::list(t.get("TrainingSubject").or_else(|| t.get("Subject"))) {
        let Some(sid) = out.add(subject_record(&s, tid), &s, "subject") else {
            continue;
        };
        for l in lessons_of(&s) {
            out.add(lesson_record(&l, Some(&sid), tid), &l, "lesson");
        }
        for x in exams_of(&s) {
            out.add(exam_record(&x, Some(&sid), tid), &x, "exam");
        }
        if pos.own.iter().any(|o| o == enr) {
            pos.subjects.push((enr.to_string(), sid, training.clone()));
        }
    }
    for m in wire::list(
        body.get("performedFlightTrainings")
            .or_else(|| root.get("performedFlightTrainings")),
    ) {
        out.add(
            mission_record(&m, person.as_deref(), tid, tz),
            &m,
            "mission",
        );
    }
}

/// A subject's lessons: `TrainingSubjectLesson[]`, `Lesson[]`, or the LESSON activities.
fn lessons_of(s: &Value) -> Vec<Value> {
    let mut v = wire::list(s.get("TrainingSubjectLesson").or_else(|| s.get("Lesson")));
    for a in wire::list(s.get("TrainingActivity")) {
        if let Some(l) = a.get("Lesson").filter(|l| l.is_object()) {
            let mut l = l.clone();
            for k in ["ActivityProgress", "Sessions"] {
                if let Some(x) = a.get(k) {
                    l[k] = x.clone();
                }
            }
            v.push(l);
        }
    }
    v
}

/// A subject's exams: `TrainingSubjectExam[]`, `Exam[]`, or the EXAM activities.
fn exams_of(s: &Value) -> Vec<Value> {
    let mut v = wire::list(s.get("TrainingSubjectExam").or_else(|| s.get("Exam")));
    for a in wire::list(s.get("TrainingActivity")) {
        if let Some(x) = a.get("Exam").filter(|x| x.is_object()) {
            v.push(x.clone());
        }
    }
    v
}

/// A student's subject view (of enrolment `enrolment`): attendance per lesson, attempts
/// per exam.
fn read_subject(
    body: &Value,
    sub: &str,
    enrolment: Option<&str>,
    training: Option<&str>,
    me: Option<&str>,
    tz: Tz,
    out: &mut Out,
) {
    let s = body.get("subject").unwrap_or(body);
    let person = body
        .get("enrollment")
        .and_then(|e| e.get("TrainingsUser"))
        .and_then(|u| wire::id(u, &["user_id"]))
        .or_else(|| me.map(str::to_string));
    let enrolment = body
        .get("enrollment")
        .and_then(|e| e.get("TrainingsUser"))
        .and_then(|u| wire::id(u, &["id"]))
        .or_else(|| enrolment.map(str::to_string));
    for l in lessons_of(s) {
        let lesson = wire::id(&l, &["id"]);
        for key in ATTENDANCE {
            for mut a in wire::list(l.get(*key)) {
                // The rows nest in their lesson and name neither it nor the enrolment:
                // the raw copy keeps both, for "which lessons has this student done".
                if let Value::Object(o) = &mut a {
                    for (k, v) in [
                        ("training_subject_lesson_id", &lesson),
                        ("trainings_user_id", &enrolment),
                    ] {
                        if let Some(v) = v {
                            o.entry(k).or_insert(Value::String(v.clone()));
                        }
                    }
                }
                out.add(
                    attendance_record(&a, person.as_deref(), training),
                    &a,
                    "attendance",
                );
            }
        }
    }
    for x in exams_of(s) {
        let mut attempts = wire::list(x.get("ExamAttempt"));
        attempts.sort_by_key(|a| local_time::instant(a, &["start", "created"], tz));
        for (n, a) in (1i64..).zip(attempts.iter()) {
            out.add(
                attempt_record(a, &x, Some(sub), training, n, tz),
                a,
                "exam attempt",
            );
        }
    }
}

/// Runs every Flylogs decoder on `data` (JSON, or not); for the fuzz crate: it must never
/// panic, whatever the bytes.
#[cfg(feature = "fuzzing")]
pub fn fuzz_decode(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        if let Ok(s) = std::str::from_utf8(data) {
            for tz in [Tz::UTC, chrono_tz::Europe::Madrid, chrono_tz::Pacific::Apia] {
                let _ = local_time::parse(s, tz);
            }
        }
        return;
    };
    decode_all(&v);
}

/// Every decoder on one value (see `fuzz_decode`).
#[cfg(any(test, feature = "fuzzing"))]
fn decode_all(v: &Value) {
    let tz = chrono_tz::Europe::Madrid;
    let mut pos = Pos {
        tz: Some(tz.name().to_string()),
        own: vec!["e".into()],
        ..Pos::default()
    };
    let mut out = Out::default();
    read_me(v, &mut pos, &mut out);
    read_locations(v, &mut pos, &mut out);
    let _ = moved(v, 2, &mut pos);
    read_mine(v, 1, &mut pos, &mut out);
    read_catalog(v, 1, &mut pos, &mut out);
    read_students(v.clone(), &mut pos, &mut out);
    read_view(v, "e", Some("t"), &mut pos, &mut out);
    read_subject(v, "s", None, Some("t"), Some("u"), tz, &mut out);
    read_unsigned(v, &pos, &mut out);
    read_calendar(v.clone(), &mut pos, &mut out);
    for row in std::iter::once(v).chain(v.as_array().into_iter().flatten()) {
        let _ = class_record(row, tz);
        let _ = mission_record(row, None, None, tz);
        let _ = attempt_record(row, row, None, None, 1, tz);
        let _ = attendance_record(row, None, None);
        let _ = enrolment_record(row, None);
        let _ = training_record(row);
        let _ = lesson_record(row, None, None);
        let _ = exam_record(row, None, None);
        let _ = location_record(row);
    }
    for r in &out.records {
        let _ = r.data.fields();
    }
    let _ = Position::of(&pos.next_pass());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_in_old_and_new_shapes() {
        let old = json!({"LessonClass": {"id": "c1", "datetime": "2026-03-01 09:00:00", "minutes": "120",
                          "teacher_id": "1002", "status": "scheduled", "training_subject_lesson_id": "l1"},
                         "TrainingSubjectLesson": {"name": "Meteo 1"},
                         "Teacher": {"id": "1002", "UserDetail": {"name": "Ann", "surname": "Lee"}}});
        let new = json!({"Session": {"id": "300", "training_activity_id": "act-50", "datetime": "2025-03-15 09:00:00",
                          "status": "scheduled", "teacher_id": "101", "minutes": "120"},
                         "TrainingActivity": {"id": "act-50", "kind": "LESSON", "lesson_id": "50"},
                         "Lesson": {"name": "Cloud Formation"}});
        let a = class_record(&old, Tz::UTC).unwrap().data.fields();
        assert_eq!(a["name"], "Meteo 1");
        assert_eq!(a["ends_at"], "2026-03-01T11:00:00.000Z");
        assert_eq!(a["instructor_name"], "Ann Lee");
        let b = class_record(&new, Tz::UTC).unwrap().data.fields();
        assert_eq!(b["name"], "Cloud Formation");
        assert_eq!(b["lesson_id"], "50");
    }

    #[test]
    fn v2_activities_yield_lessons_exams_attendance_attempts() {
        let body = json!({"subject": {"TrainingSubject": {"id": "20"}, "TrainingActivity": [
            {"TrainingActivity": {"kind": "LESSON"}, "Lesson": {"id": "50", "name": "Clouds"},
             "ActivityProgress": [{"id": "ap-1", "value": 1, "session_id": "s-1"}]},
            {"TrainingActivity": {"kind": "EXAM"}, "Exam": {"id": "e1", "name": "Gate",
             "ExamAttempt": [{"id": "att-2", "start": 1741420000, "passed": true, "score": 80, "status": "FINISHED"}]}}
        ]}});
        let mut out = Out::default();
        read_subject(
            &body,
            "20",
            Some("e-1"),
            Some("10"),
            Some("900"),
            Tz::UTC,
            &mut out,
        );
        let out = out.records;
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].source_id, "attendance:ap-1");
        assert_eq!(out[0].data.fields()["class_id"], "s-1");
        assert_eq!(out[0].data.fields()["status"], "attended");
        // The raw row names the lesson and the enrolment it nests in.
        assert_eq!(out[0].raw["trainings_user_id"], "e-1");
        assert!(out[0].raw["training_subject_lesson_id"].is_string());
        assert_eq!(out[1].source_id, "attempt:att-2");
        assert_eq!(out[1].data.fields()["passed"], true);
    }

    #[test]
    fn missions_carry_signature_state() {
        let row = json!({"UserTrainingFlight": {"id": "m1", "completed": "2026-02-01 10:00:00", "time": "60",
                          "debriefing_signature": null, "aircraft": "N1"}, "TrainingFlight": {"name": "Circuits"}});
        let f = mission_record(&row, Some("1003"), Some("t"), Tz::UTC)
            .unwrap()
            .data
            .fields();
        assert_eq!(f["signature_state"], "unsigned");
        assert_eq!(f["starts_at"], "2026-02-01T09:00:00.000Z");
        let mut signed = row.clone();
        signed["UserTrainingFlight"]["debriefing_signature"] = json!("2026-02-02 10:00:00");
        assert_eq!(
            mission_record(&signed, None, None, Tz::UTC)
                .unwrap()
                .data
                .fields()["signature_state"],
            "signed"
        );
    }

    #[test]
    fn hostile_minutes_and_dates_give_no_time_instead_of_a_panic() {
        for minutes in [
            json!(i64::MAX),
            json!(i64::MIN),
            json!("1e300"),
            json!(-1e19),
            json!(u64::MAX),
        ] {
            let class = json!({"LessonClass": {"id": "c", "datetime": "2026-03-01 09:00:00", "minutes": minutes}});
            let f = class_record(&class, Tz::UTC).unwrap().data.fields();
            assert_eq!(f["starts_at"], "2026-03-01T09:00:00.000Z");
            assert!(f["ends_at"].is_null(), "{minutes}: {f:?}");
            let mission = json!({"UserTrainingFlight": {"id": "m", "completed": "2026-03-01 09:00:00", "time": minutes}});
            let f = mission_record(&mission, None, None, Tz::UTC)
                .unwrap()
                .data
                .fields();
            assert!(f["starts_at"].is_null(), "{minutes}: {f:?}");
        }
        // Times at the ends of what chrono can hold.
        let edge = json!({"LessonClass": {"id": "c", "datetime": "+262142-12-31 23:59:59", "minutes": 60},
                          "start": 1e300, "end": "262143-01-01 00:00:00"});
        assert!(class_record(&edge, chrono_tz::Europe::Madrid).is_some());
        let late = json!({"UserTrainingFlight": {"id": "m", "completed": "9999-12-31 23:59:59", "time": -600}});
        assert!(mission_record(&late, None, None, chrono_tz::Pacific::Kiritimati).is_some());
        let pages = json!({"paginate": {"pageCount": 1e300, "count": "-99999999999999999999"}});
        assert!(!has_next_page(&pages, usize::MAX, 0, 30));
        assert!(has_next_page(&pages, 1, 0, 30));
        assert!(calendar_window(i64::MAX, usize::MAX).0.len() >= 10);
    }

    #[test]
    fn the_students_list_names_each_student_once_and_keeps_the_whole_row() {
        let user = json!({"id": "1016", "email": "ann@example.org",
                          "UserDetail": {"name": "Ann", "surname": "Lee"}});
        let row = |e: &str, t: &str| {
            json!({"TrainingsUser": {"id": e, "training_id": t, "user_id": "1016"},
                                            "User": user, "Progress": {"total": 24, "completed": 3}})
        };
        let body = json!({"students": [row("e1", "t1"), row("e2", "t2")]});
        let mut pos = Pos::default();
        let mut out = Out::default();
        read_students(body, &mut pos, &mut out);
        let kinds: Vec<_> = out
            .records
            .iter()
            .map(|r| (r.kind(), r.source_id.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                (Kind::People, "1016"),
                (Kind::Enrolments, "e1"),
                (Kind::Enrolments, "e2")
            ]
        );
        let person = out.records[0].data.fields();
        assert_eq!(
            (&person["name"], &person["email"]),
            (&json!("Ann Lee"), &json!("ann@example.org"))
        );
        assert_eq!(out.records[1].raw["Progress"]["completed"], 3);
        assert_eq!(out.records[1].data.fields()["person_id"], "1016");
    }

    #[test]
    fn a_row_without_an_id_is_skipped_and_the_others_arrive() {
        let body = json!({"trainings": [
            {"Training": {"id": "t1", "name": "PPL", "enrollment_id": "e1"}},
            {"Training": {"name": "no id at all"}},
            {"Training": {"id": "t3", "name": "CPL", "enrollment_id": "e3"}},
        ], "myClasses": [{"LessonClass": {"datetime": "2026-03-01 09:00:00"}}]});
        let mut pos = Pos::default();
        let mut out = Out::default();
        read_mine(&body, 1, &mut pos, &mut out);
        let ids: Vec<_> = out.records.iter().map(|r| r.source_id.as_str()).collect();
        assert_eq!(ids, ["t1", "e1", "t3", "e3"]);
        assert_eq!(out.skipped.len(), 2);
        assert_eq!(out.skipped[0].raw, body["trainings"][1]);
        assert_eq!(out.skipped[0].reason, "training without an `id`");
        assert_eq!(out.skipped[1].reason, "class without an `id`");
        assert_eq!(pos.enrolments.len(), 2);
    }

    #[test]
    fn every_decoder_survives_hostile_input() {
        let hostile = [
            json!(null),
            json!([1, "x", null, {"id": {}}]),
            json!({"trainings": [{"Training": {"id": [], "enrollment_id": 1e300}}], "paginate": {"count": "x"}}),
            json!({"LessonClass": {"id": 1, "datetime": "2026-03-29 02:30:00", "minutes": "9223372036854775807"}}),
            json!({"UserTrainingFlight": {"id": "m", "completed": 1e300, "time": -9.9e18}}),
            json!({"subject": {"TrainingActivity": [{"Exam": {"id": "x", "ExamAttempt": [{"id": "a", "start": "inf"}, {"id": "b", "start": -1}]}}]}}),
            json!({"events": [{"id": "e", "start": "0000-01-01T00:00:00+14:00", "end": "99999-01-01"}], "locations": [{"TrainingLocation": {"id": "l", "timezone_id": "Mars/Olympus"}}]}),
            json!({"students": [{"TrainingsUser": {"id": "s", "user_id": 1}}, 7], "missions": "nope"}),
        ];
        for v in &hostile {
            decode_all(v);
        }
    }

    #[test]
    fn locations_name_the_school_zone() {
        let body = json!({"locations": [
            {"TrainingLocation": {"id": "1", "name": "Room A", "timezone_id": ""}},
            {"TrainingLocation": {"id": "2", "name": "Room B", "timezone_id": "Europe/Madrid"}},
        ]});
        let mut pos = Pos::default();
        let mut out = Out::default();
        read_locations(&body, &mut pos, &mut out);
        assert_eq!(out.records.len(), 2);
        assert_eq!(out.records[1].kind(), Kind::Locations);
        assert_eq!(pos.tz.as_deref(), Some("Europe/Madrid"));
        let class =
            json!({"LessonClass": {"id": "c", "datetime": "2026-07-01 09:00:00", "minutes": 60}});
        let f = class_record(&class, pos.zone()).unwrap().data.fields();
        assert_eq!(f["starts_at"], "2026-07-01T07:00:00.000Z");
        assert_eq!(f["ends_at"], "2026-07-01T08:00:00.000Z");
    }
}

#[cfg(all(test, feature = "fuzzing"))]
mod fuzz_tests {
    #[test]
    fn fuzz_decode_takes_any_bytes() {
        for data in [
            &b""[..],
            b"\xff\xfe",
            b"2026-03-29 02:30:00",
            b"+262143-12-31 23:59:59",
            br#"{"LessonClass":{"id":1,"datetime":"2026-01-01 00:00","minutes":1e308}}"#,
            br#"[[[[[[{"trainings":[{}]}]]]]]]"#,
        ] {
            super::fuzz_decode(data);
        }
    }
}
