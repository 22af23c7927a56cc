//! Flylogs trainings API (the seed's revision: `LessonClass`, `TrainingSubjectLesson`,
//! `TrainingSubjectExam`, `TrainingSubjectAttendance`; per-row `subjects_count`, `Lessons`,
//! `FlightProgress`).
//!
//! Data is derived from the shared world on first use: every world person is a Flylogs user,
//! every course a training, classroom ground-school bookings are classes, and the students'
//! flights (and simulator sessions) are flight missions. Mutations (enrolments, classes,
//! attendance, signatures, exam attempts, ...) live in this module's state.
//!
//! Auth: `Authorization: Bearer <token>` where the token is a user's API key (`flk_...`) or a
//! session token from `POST /login.json` (email, password, optional 2FA `code`). Every token
//! acts as exactly one user. Errors are `{"message": "..."}` with the documented status.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::State as AxState;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use super::{Change, Credential, RecordKind};
use crate::world::{splitmix, uuid_for, AircraftKind, BookingKind, Role, Ts, World, DAY};
use crate::AppState;

/// Manager when `user_group_id <= 135`.
pub const MANAGER_MAX_GROUP: u32 = 135;
/// Per-page sizes the seed documents.
pub const MY_TRAININGS_PER_PAGE: usize = 30;
pub const MANAGER_TRAININGS_PER_PAGE: usize = 50;
/// Session tokens expire after this much inactivity.
pub const SESSION_IDLE: Ts = 14 * DAY;
/// Generated classes that ended within this long before "now" are still unsigned.
const UNSIGNED_CLASS_WINDOW: Ts = 4 * DAY;
/// The dedicated API user (not a world person).
pub const API_USER_ID: u32 = 999;

const NS_TRAINING: u16 = 0xf100;
const NS_SUBJECT: u16 = 0xf101;
const NS_LESSON: u16 = 0xf102;
const NS_SLIDE: u16 = 0xf103;
const NS_EXAM: u16 = 0xf104;
const NS_QUESTION: u16 = 0xf105;
const NS_OPTION: u16 = 0xf106;
const NS_ENROLL: u16 = 0xf107;
const NS_CLASS: u16 = 0xf108;

/// The id of the class a classroom booking of the world is served as.
pub fn class_id(w: &World, booking: u32) -> String {
    uuid_for(NS_CLASS, booking, w.seed)
}
const NS_ATTEND: u16 = 0xf109;
const NS_TFLIGHT: u16 = 0xf10a;
const NS_MISSION: u16 = 0xf10b;
const NS_LOCATION: u16 = 0xf10c;
const NS_GROUP: u16 = 0xf10d;
const NS_NEW: u16 = 0xf1ff;

// ---------------------------------------------------------------------------------------------
// State and model.

#[derive(Default)]
pub struct State {
    data: Mutex<Option<Data>>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("flylogs::State")
    }
}

#[derive(Clone, Debug)]
struct User {
    uid: u32,
    person: Option<u32>,
    name: String,
    surname: String,
    email: String,
    group_id: u32,
    group_name: &'static str,
    password: String,
    api_key: String,
    two_factor: Option<String>,
    api_user: bool,
    active: bool,
}

#[derive(Clone, Debug)]
struct PilotGroup {
    id: String,
    name: String,
    color: String,
    members: Vec<u32>,
}

#[derive(Clone, Debug)]
struct Training {
    id: String,
    name: String,
    kind: String,
    active: bool,
    theory: bool,
    flights: bool,
    competencies: bool,
    metrics: bool,
    time_online: bool,
    start: Option<Ts>,
    end: Option<Ts>,
    color: String,
    created: Ts,
    description: String,
    require_sig: bool,
    manager: Option<u32>,
    validity: Option<i64>,
}

#[derive(Clone, Debug)]
struct Subject {
    id: String,
    training: String,
    code: String,
    name: String,
    hours: u32,
    teacher: u32,
    description: String,
}

#[derive(Clone, Debug)]
struct Lesson {
    id: String,
    subject: String,
    name: String,
    minutes: u32,
    mandatory: bool,
    order: u32,
}

#[derive(Clone, Debug)]
struct Slide {
    id: String,
    lesson: String,
    name: String,
    content: String,
    order: u32,
}

#[derive(Clone, Debug)]
struct Exam {
    id: String,
    subject: String,
    lesson: Option<String>,
    name: String,
    attempts: u32,
    score: u32,
    questions: u32,
    minutes: u32,
    show_answers: bool,
}

#[derive(Clone, Debug)]
struct Question {
    id: String,
    exam: String,
    name: String,
    options: Vec<(String, String, bool)>,
}

#[derive(Clone, Debug)]
struct Enrollment {
    id: String,
    training: String,
    user: u32,
    supervisor: Option<u32>,
    created: Ts,
    modified: Ts,
    finish_before: Option<Ts>,
    finished: bool,
    finish_date: Option<Ts>,
    notes: Option<String>,
}

#[derive(Clone, Debug)]
struct Class {
    id: String,
    subject: String,
    lesson: Option<String>,
    exam: Option<String>,
    datetime: Ts,
    minutes: u32,
    teacher: u32,
    location: Option<String>,
    remarks: String,
    signed: Option<(Ts, u32)>,
    students: Vec<u32>,
    deleted: bool,
}

#[derive(Clone, Debug)]
struct Attendance {
    id: String,
    enrollment: String,
    user: u32,
    lesson: Option<String>,
    exam: Option<String>,
    class: Option<String>,
    value: bool,
    time: i64,
    created: Ts,
    remarks: String,
    measures: String,
    objectives: String,
}

#[derive(Clone, Debug)]
struct Attempt {
    id: String,
    enrollment: String,
    exam: String,
    user: u32,
    start: Ts,
    finish: Option<Ts>,
    score: u32,
    passed: bool,
    /// (detail id, question id, chosen option id)
    details: Vec<(String, String, Option<String>)>,
}

#[derive(Clone, Debug)]
struct TFlight {
    id: String,
    training: String,
    name: String,
    order: u32,
    minutes: u32,
    simulator: bool,
}

#[derive(Clone, Debug)]
struct Mission {
    id: String,
    enrollment: String,
    tflight: String,
    user: u32,
    flight_uuid: String,
    aircraft: String,
    simulator: bool,
    completed: Ts,
    time: i64,
    signed: Option<Ts>,
}

#[derive(Clone, Debug)]
struct Loc {
    id: String,
    name: String,
    kind: String,
    phone: String,
    address: String,
    country_id: String,
    timezone_id: String,
    description: String,
}

/// Users the manifest names.
#[derive(Clone, Debug, Default)]
struct Picks {
    student: u32,
    instructor: u32,
    manager: u32,
    twofa: u32,
}

struct Data {
    seed: u64,
    users: Vec<User>,
    pilot_groups: Vec<PilotGroup>,
    trainings: Vec<Training>,
    subjects: Vec<Subject>,
    lessons: Vec<Lesson>,
    slides: Vec<Slide>,
    exams: Vec<Exam>,
    questions: Vec<Question>,
    enrollments: Vec<Enrollment>,
    classes: Vec<Class>,
    attendance: Vec<Attendance>,
    attempts: Vec<Attempt>,
    tflights: Vec<TFlight>,
    missions: Vec<Mission>,
    locations: Vec<Loc>,
    sessions: BTreeMap<String, (u32, Ts)>,
    counter: u32,
    picks: Picks,
}

// ---------------------------------------------------------------------------------------------
// Deterministic secrets.

fn alnum(seed: u64, salt: u64, n: usize, alphabet: &[u8]) -> String {
    let mut x = splitmix(seed ^ splitmix(salt));
    (0..n)
        .map(|_| {
            x = splitmix(x);
            alphabet[(x % alphabet.len() as u64) as usize] as char
        })
        .collect()
}
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

fn api_key(seed: u64, uid: u32) -> String {
    format!("flk_{}", alnum(seed, 0xf1a0_0000 ^ uid as u64, 32, ALNUM))
}
fn password(seed: u64, uid: u32) -> String {
    format!(
        "Sky-{}-{uid}",
        alnum(seed, 0xf1b0_0000 ^ uid as u64, 6, ALNUM)
    )
}
fn two_factor_code(seed: u64, uid: u32) -> String {
    alnum(seed, 0xf1c0_0000 ^ uid as u64, 6, b"0123456789")
}

fn uid_of(person: u32) -> u32 {
    1000 + person
}

fn group_of(role: Role, first_instructor: bool) -> (u32, &'static str) {
    match role {
        Role::Manager => (100, "Administrator"),
        Role::Dispatcher => (135, "Operations Manager"),
        Role::Instructor if first_instructor => (150, "Chief Instructor"),
        Role::Instructor => (170, "Flight Instructor"),
        Role::Mechanic => (220, "Mechanic"),
        Role::Student => (200, "Student Pilot"),
    }
}

/// The users the manifest names, chosen from the world alone (cheap, no full generation).
fn picks(w: &World) -> Picks {
    let now = w.generated_at;
    let students: Vec<u32> = w
        .people
        .iter()
        .filter(|p| p.role == Role::Student && p.active)
        .map(|p| p.id)
        .collect();
    let manager = w
        .people
        .iter()
        .find(|p| p.role == Role::Manager)
        .map(|p| p.id)
        .unwrap_or(0);
    // A student on a ground+flight course with a recent flight (an unsigned debrief).
    let good_course = |c: Option<u32>| {
        c.and_then(|c| w.courses.get(c as usize))
            .is_some_and(|c| c.theory && c.flights)
            && c != Some(1)
    };
    let mut recent: BTreeMap<u32, u32> = BTreeMap::new();
    for f in &w.flights {
        if f.deleted || f.on_block < now - 6 * DAY {
            continue;
        }
        let s = f.student.unwrap_or(f.pic);
        *recent.entry(s).or_default() += 1;
    }
    let mut cands: Vec<u32> = students
        .iter()
        .copied()
        .filter(|s| good_course(w.people[*s as usize].course) && recent.contains_key(s))
        .collect();
    if cands.is_empty() {
        cands = students.clone();
    }
    let student = cands.first().copied().unwrap_or(0);
    let twofa = students
        .iter()
        .copied()
        .find(|s| *s != student)
        .unwrap_or(student);
    // The teacher of the latest past ground class not yet signed.
    let instructor = w
        .bookings
        .iter()
        .filter(|b| {
            b.kind == BookingKind::Ground
                && b.cancelled_at.is_none()
                && b.end <= now
                && b.start > now - UNSIGNED_CLASS_WINDOW
                && b.student.is_some_and(|s| {
                    w.people[s as usize]
                        .course
                        .and_then(|c| w.courses.get(c as usize))
                        .is_some_and(|c| c.theory && c.flights)
                })
        })
        .max_by_key(|b| (b.start, b.id))
        .and_then(|b| b.instructor)
        .or_else(|| {
            w.people
                .iter()
                .find(|p| p.role == Role::Instructor)
                .map(|p| p.id)
        })
        .unwrap_or(0);
    Picks {
        student: uid_of(student),
        instructor: uid_of(instructor),
        manager: uid_of(manager),
        twofa: uid_of(twofa),
    }
}

const SUBJECTS: &[(&str, &str)] = &[
    ("ALW", "Air Law"),
    ("MET", "Meteorology"),
    ("NAV", "Navigation"),
    ("HPL", "Human Performance and Limitations"),
    ("POF", "Principles of Flight"),
    ("AGK", "Aircraft General Knowledge"),
    ("FPP", "Flight Performance and Planning"),
    ("OPS", "Operational Procedures"),
    ("COM", "Communications"),
    ("INS", "Instrumentation"),
];
const LESSON_TOPICS: &[&str] = &[
    "Introduction",
    "Core concepts",
    "Applied practice",
    "Review",
];
const MISSIONS: &[&str] = &[
    "Effects of controls",
    "Straight and level",
    "Climbing and descending",
    "Medium turns",
    "Slow flight and stalls",
    "Circuits",
    "First solo",
    "Forced landings",
    "Navigation",
    "Steep turns",
    "Solo navigation",
    "Instrument appreciation",
    "Night circuits",
    "Skill test preparation",
];
const COLORS: &[&str] = &[
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
];

impl Data {
    fn generate(w: &World) -> Data {
        let seed = w.seed;
        let now = w.generated_at;
        let today = now - now.rem_euclid(DAY);
        let picks = picks(w);
        let mut d = Data {
            seed,
            users: vec![],
            pilot_groups: vec![],
            trainings: vec![],
            subjects: vec![],
            lessons: vec![],
            slides: vec![],
            exams: vec![],
            questions: vec![],
            enrollments: vec![],
            classes: vec![],
            attendance: vec![],
            attempts: vec![],
            tflights: vec![],
            missions: vec![],
            locations: vec![],
            sessions: BTreeMap::new(),
            counter: 0,
            picks: picks.clone(),
        };
        let first_instructor = w
            .people
            .iter()
            .find(|p| p.role == Role::Instructor)
            .map(|p| p.id);
        for p in &w.people {
            let uid = uid_of(p.id);
            let (g, gn) = group_of(p.role, Some(p.id) == first_instructor);
            d.users.push(User {
                uid,
                person: Some(p.id),
                name: p.first_name.clone(),
                surname: p.last_name.clone(),
                email: p.email.clone(),
                group_id: g,
                group_name: gn,
                password: password(seed, uid),
                api_key: api_key(seed, uid),
                two_factor: (uid == picks.twofa).then(|| two_factor_code(seed, uid)),
                api_user: false,
                active: p.active,
            });
        }
        d.users.push(User {
            uid: API_USER_ID,
            person: None,
            name: "FlightDesk".into(),
            surname: "Integration".into(),
            email: "api@skyhaven.example".into(),
            group_id: 110,
            group_name: "API",
            password: password(seed, API_USER_ID),
            api_key: api_key(seed, API_USER_ID),
            two_factor: None,
            api_user: true,
            active: true,
        });
        let instructors: Vec<u32> = w
            .people
            .iter()
            .filter(|p| p.role == Role::Instructor)
            .map(|p| uid_of(p.id))
            .collect();
        let ins = |k: usize| {
            instructors
                .get(k % instructors.len().max(1))
                .copied()
                .unwrap_or(0)
        };
        let manager_uid = picks.manager;
        // Locations: the classrooms.
        for c in &w.classrooms {
            let l = w.locations.get(c.location as usize);
            d.locations.push(Loc {
                id: uuid_for(NS_LOCATION, c.id, seed),
                name: c.name.clone(),
                kind: "CLASSROOM".into(),
                phone: "+1-555-010-0000".into(),
                address: l.map(|l| l.name.clone()).unwrap_or_default(),
                country_id: "US".into(),
                timezone_id: SCHOOL_ZONE.name().into(),
                description: format!("{} seats", c.seats),
            });
        }
        // Pilot groups: one per course (its students) and the instructors.
        for c in &w.courses {
            let members = w
                .people
                .iter()
                .filter(|p| p.role == Role::Student && p.course == Some(c.id))
                .map(|p| uid_of(p.id))
                .collect();
            d.pilot_groups.push(PilotGroup {
                id: uuid_for(NS_GROUP, c.id, seed),
                name: format!("{} students", c.name),
                color: COLORS[c.id as usize % COLORS.len()].into(),
                members,
            });
        }
        d.pilot_groups.push(PilotGroup {
            id: uuid_for(NS_GROUP, 900, seed),
            name: "Instructors".into(),
            color: "#7f7f7f".into(),
            members: instructors.clone(),
        });
        let created = w.people.iter().map(|p| p.created_at).min().unwrap_or(today) - 30 * DAY;
        // Trainings from courses.
        for c in &w.courses {
            let distance = c.theory && !c.flights;
            let tid = uuid_for(NS_TRAINING, c.id, seed);
            d.trainings.push(Training {
                id: tid.clone(),
                name: c.name.clone(),
                kind: if distance {
                    "DISTANCE".into()
                } else {
                    "ONSITE".into()
                },
                active: true,
                theory: c.theory,
                flights: c.flights,
                competencies: c.flights,
                metrics: false,
                time_online: distance,
                start: None,
                end: None,
                color: COLORS[c.id as usize % COLORS.len()].into(),
                created,
                description: format!("{} course at {}", c.name, w.centre_name),
                require_sig: c.flights && c.id != 1,
                manager: Some(manager_uid),
                validity: distance.then_some(365),
            });
            if c.theory {
                for s in 0..c.subjects {
                    let (code, name) = SUBJECTS[s as usize % SUBJECTS.len()];
                    let sid = uuid_for(NS_SUBJECT, c.id * 100 + s, seed);
                    d.subjects.push(Subject {
                        id: sid.clone(),
                        training: tid.clone(),
                        code: code.into(),
                        name: name.into(),
                        hours: 10 + (s * 7 + c.id * 3) % 30,
                        teacher: ins((c.id + s) as usize),
                        description: format!("{name} for the {}", c.name),
                    });
                    for l in 0..3u32 {
                        let lid = uuid_for(NS_LESSON, (c.id * 100 + s) * 10 + l, seed);
                        d.lessons.push(Lesson {
                            id: lid.clone(),
                            subject: sid.clone(),
                            name: format!("{name}: {}", LESSON_TOPICS[l as usize]),
                            minutes: [60, 90, 120][l as usize],
                            mandatory: true,
                            order: l + 1,
                        });
                        if distance {
                            for k in 0..3u32 {
                                let n = ((c.id * 100 + s) * 10 + l) * 10 + k;
                                d.slides.push(Slide {
                                    id: uuid_for(NS_SLIDE, n, seed),
                                    lesson: lid.clone(),
                                    name: format!("Slide {}", k + 1),
                                    content: format!(
                                        "<h2>{name}</h2><p>{} - part {}.</p>",
                                        LESSON_TOPICS[l as usize],
                                        k + 1
                                    ),
                                    order: k + 1,
                                });
                            }
                        }
                        if distance && l == 0 {
                            let n = (c.id * 100 + s) * 10 + l;
                            d.add_exam(
                                n * 2 + 1,
                                &sid,
                                Some(lid.clone()),
                                format!("{code} lesson quiz"),
                                3,
                                3,
                            );
                        }
                    }
                    d.add_exam(
                        (c.id * 100 + s) * 20,
                        &sid,
                        None,
                        format!("{code} progress test"),
                        6,
                        5,
                    );
                }
            }
            if c.flights {
                for k in 0..c.flight_lessons {
                    let sim = if c.id == 1 { k % 2 == 0 } else { k % 5 == 4 };
                    let name = if sim {
                        format!(
                            "Simulator session {}: {}",
                            k + 1,
                            if c.id == 1 {
                                "instrument procedures"
                            } else {
                                "procedures trainer"
                            }
                        )
                    } else {
                        format!(
                            "Mission {}: {}",
                            k + 1,
                            MISSIONS[k as usize % MISSIONS.len()]
                        )
                    };
                    d.tflights.push(TFlight {
                        id: uuid_for(NS_TFLIGHT, c.id * 100 + k, seed),
                        training: tid.clone(),
                        name,
                        order: k + 1,
                        minutes: 60 + (k % 3) * 15,
                        simulator: sim,
                    });
                }
            }
        }
        // Two extra trainings for the signing rules: one whose dates are over, one archived.
        let extra = [
            (
                "Mountain Flying Course",
                true,
                Some(today - 80 * DAY),
                Some(today - 10 * DAY),
            ),
            ("Aerobatics Introduction (archived)", false, None, None),
        ];
        for (i, (name, active, start, end)) in extra.into_iter().enumerate() {
            let n = 50 + i as u32;
            let tid = uuid_for(NS_TRAINING, n, seed);
            d.trainings.push(Training {
                id: tid.clone(),
                name: name.into(),
                kind: "ONSITE".into(),
                active,
                theory: false,
                flights: true,
                competencies: false,
                metrics: false,
                time_online: false,
                start,
                end,
                color: COLORS[(n as usize) % COLORS.len()].into(),
                created,
                description: name.into(),
                require_sig: true,
                manager: Some(manager_uid),
                validity: None,
            });
            d.tflights.push(TFlight {
                id: uuid_for(NS_TFLIGHT, n * 100, seed),
                training: tid,
                name: format!("{name}: briefing flight"),
                order: 1,
                minutes: 60,
                simulator: false,
            });
        }
        // Enrolments: each student in their course.
        let train_of_course = |c: u32| uuid_for(NS_TRAINING, c, seed);
        for p in w.people.iter().filter(|p| p.role == Role::Student) {
            let Some(c) = p.course else { continue };
            let uid = uid_of(p.id);
            d.enrollments.push(Enrollment {
                id: uuid_for(NS_ENROLL, p.id * 10, seed),
                training: train_of_course(c),
                user: uid,
                supervisor: Some(ins(p.id as usize)),
                created: p.created_at,
                modified: p.created_at,
                finish_before: None,
                finished: false,
                finish_date: None,
                notes: None,
            });
        }
        // The distance course: the manifest student is also enrolled (part-way), the 2FA
        // student has finished it (re-take and certificate).
        if let Some(dc) = w.courses.iter().find(|c| c.theory && !c.flights) {
            let tid = train_of_course(dc.id);
            for (k, uid) in [(1u32, picks.student), (2, picks.twofa)] {
                if d.enrollments
                    .iter()
                    .any(|e| e.user == uid && e.training == tid)
                {
                    if k == 2 {
                        if let Some(e) = d
                            .enrollments
                            .iter_mut()
                            .find(|e| e.user == uid && e.training == tid)
                        {
                            e.finished = true;
                            e.finish_date = Some(today - 20 * DAY);
                        }
                    }
                    continue;
                }
                let person = uid - 1000;
                d.enrollments.push(Enrollment {
                    id: uuid_for(NS_ENROLL, person * 10 + k, seed),
                    training: tid.clone(),
                    user: uid,
                    supervisor: Some(ins(k as usize)),
                    created: today - 60 * DAY,
                    modified: today - 20 * DAY,
                    finish_before: Some(today + 120 * DAY),
                    finished: k == 2,
                    finish_date: (k == 2).then_some(today - 20 * DAY),
                    notes: None,
                });
            }
        }
        // Distance progress: slides read and quizzes passed for the first lessons.
        let distance_ids: BTreeSet<String> = d
            .trainings
            .iter()
            .filter(|t| t.kind == "DISTANCE")
            .map(|t| t.id.clone())
            .collect();
        let enrol_snapshot = d.enrollments.clone();
        for e in enrol_snapshot
            .iter()
            .filter(|e| distance_ids.contains(&e.training))
        {
            let lessons: Vec<Lesson> = d
                .training_lessons(&e.training)
                .into_iter()
                .cloned()
                .collect();
            let h = splitmix(seed ^ splitmix(e.user as u64 ^ 0xd15));
            let done = if e.finished {
                lessons.len()
            } else {
                (h % (lessons.len() as u64 + 1)) as usize
            };
            for (i, l) in lessons.iter().take(done).enumerate() {
                let at = e.created + (i as i64 + 1) * DAY;
                let id = d.next_id();
                d.attendance.push(Attendance {
                    id,
                    enrollment: e.id.clone(),
                    user: e.user,
                    lesson: Some(l.id.clone()),
                    exam: None,
                    class: None,
                    value: true,
                    time: l.minutes as i64 * 60,
                    created: at,
                    remarks: String::new(),
                    measures: String::new(),
                    objectives: String::new(),
                });
            }
            if e.finished {
                let exams: Vec<Exam> = d.training_exams(&e.training).into_iter().cloned().collect();
                for (i, x) in exams.iter().enumerate() {
                    let start = e.created + (i as i64 + 2) * DAY;
                    let qs: Vec<String> = d
                        .questions
                        .iter()
                        .filter(|q| q.exam == x.id)
                        .map(|q| q.id.clone())
                        .collect();
                    let details: Vec<(String, String, Option<String>)> = qs
                        .iter()
                        .take(x.questions as usize)
                        .map(|q| {
                            let correct = d
                                .questions
                                .iter()
                                .find(|qq| qq.id == *q)
                                .and_then(|qq| qq.options.iter().find(|o| o.2))
                                .map(|o| o.0.clone());
                            (d.next_id(), q.clone(), correct)
                        })
                        .collect();
                    let id = d.next_id();
                    d.attempts.push(Attempt {
                        id,
                        enrollment: e.id.clone(),
                        exam: x.id.clone(),
                        user: e.user,
                        start,
                        finish: Some(start + 20 * 60),
                        score: 100,
                        passed: true,
                        details,
                    });
                }
            }
        }
        // (user, training) -> enrolment index, for the bulk derivations below.
        let enrol_idx: BTreeMap<(u32, String), usize> = d
            .enrollments
            .iter()
            .enumerate()
            .map(|(i, e)| ((e.user, e.training.clone()), i))
            .collect();
        // Classes: ground-school bookings of students on a ground+onsite course.
        let loc_ids: Vec<String> = d.locations.iter().map(|l| l.id.clone()).collect();
        for b in w.bookings.iter().filter(|b| b.kind == BookingKind::Ground) {
            let (Some(s), Some(t)) = (b.student, b.instructor) else {
                continue;
            };
            if b.cancelled_at.is_some() {
                continue;
            }
            let Some(c) = w.people[s as usize].course else {
                continue;
            };
            let tid = train_of_course(c);
            let subjects: Vec<String> = d
                .subjects
                .iter()
                .filter(|x| x.training == tid)
                .map(|x| x.id.clone())
                .collect();
            let Some(tr) = d.trainings.iter().find(|x| x.id == tid) else {
                continue;
            };
            if subjects.is_empty() || tr.kind != "ONSITE" {
                continue;
            }
            let subj = subjects[b.id as usize % subjects.len()].clone();
            let lessons: Vec<String> = d
                .lessons
                .iter()
                .filter(|l| l.subject == subj)
                .map(|l| l.id.clone())
                .collect();
            let lesson = lessons[(b.id as usize / subjects.len()) % lessons.len()].clone();
            let signed =
                (b.end + 3600 < now - UNSIGNED_CLASS_WINDOW).then_some((b.end + 3600, uid_of(t)));
            let cid = uuid_for(NS_CLASS, b.id, seed);
            let location = match b.resource {
                crate::world::Resource::Classroom(r) => loc_ids.get(r as usize).cloned(),
                _ => None,
            };
            d.classes.push(Class {
                id: cid.clone(),
                subject: subj,
                lesson: Some(lesson.clone()),
                exam: None,
                datetime: b.start,
                minutes: ((b.end - b.start) / 60) as u32,
                teacher: uid_of(t),
                location,
                remarks: b.notes.clone(),
                signed,
                students: vec![uid_of(s)],
                deleted: false,
            });
            if b.end <= now {
                if let Some(e) = enrol_idx
                    .get(&(uid_of(s), tid.clone()))
                    .map(|i| &d.enrollments[*i])
                {
                    let (eid, user) = (e.id.clone(), e.user);
                    d.attendance.push(Attendance {
                        id: uuid_for(NS_ATTEND, b.id, seed),
                        enrollment: eid,
                        user,
                        lesson: Some(lesson),
                        exam: None,
                        class: Some(cid),
                        value: !b.no_show,
                        time: if b.no_show { 0 } else { b.end - b.start },
                        created: b.end,
                        remarks: String::new(),
                        measures: String::new(),
                        objectives: String::new(),
                    });
                }
            }
        }
        // Flight missions: students' flights and simulator sessions.
        let mut per_student: BTreeMap<u32, u32> = BTreeMap::new();
        let mut flights: Vec<&crate::world::Flight> =
            w.flights.iter().filter(|f| !f.deleted).collect();
        flights.sort_by_key(|f| (f.off_block, f.id));
        for f in flights {
            let s = match f.student {
                Some(s) => s,
                None if w.people[f.pic as usize].role == Role::Student => f.pic,
                None => continue,
            };
            let Some(c) = w.people[s as usize].course else {
                continue;
            };
            let tid = train_of_course(c);
            let Some(e) = enrol_idx
                .get(&(uid_of(s), tid.clone()))
                .map(|i| &d.enrollments[*i])
            else {
                continue;
            };
            let sim = w.aircraft[f.aircraft as usize].kind == AircraftKind::Simulator;
            let templates: Vec<&TFlight> = d
                .tflights
                .iter()
                .filter(|t| t.training == tid && t.simulator == sim)
                .collect();
            let templates = if templates.is_empty() {
                d.tflights.iter().filter(|t| t.training == tid).collect()
            } else {
                templates
            };
            if templates.is_empty() {
                continue;
            }
            let k = per_student.entry(s).or_default();
            let tf = templates[*k as usize % templates.len()].id.clone();
            *k += 1;
            let require = d
                .trainings
                .iter()
                .find(|t| t.id == tid)
                .is_some_and(|t| t.require_sig);
            let signed = (require && f.on_block < now - 7 * DAY).then_some(f.on_block + DAY);
            d.missions.push(Mission {
                id: uuid_for(NS_MISSION, f.id, seed),
                enrollment: e.id.clone(),
                tflight: tf,
                user: uid_of(s),
                flight_uuid: f.uuid.clone(),
                aircraft: w.aircraft[f.aircraft as usize].registration.clone(),
                simulator: sim,
                completed: f.on_block,
                time: f.engine_seconds(),
                signed,
            });
        }
        // The manifest student in the two extra trainings, each with an unsigned mission on
        // one of their real flights.
        let student_person = picks.student - 1000;
        let own: Vec<&crate::world::Flight> = w
            .flights
            .iter()
            .filter(|f| {
                !f.deleted && (f.student == Some(student_person) || f.pic == student_person)
            })
            .filter(|f| w.aircraft[f.aircraft as usize].kind == AircraftKind::Aircraft)
            .collect();
        for (i, n) in [50u32, 51].into_iter().enumerate() {
            let tid = uuid_for(NS_TRAINING, n, seed);
            let eid = uuid_for(NS_ENROLL, student_person * 10 + 5 + i as u32, seed);
            d.enrollments.push(Enrollment {
                id: eid.clone(),
                training: tid,
                user: picks.student,
                supervisor: Some(ins(0)),
                created: today - 80 * DAY,
                modified: today - 80 * DAY,
                finish_before: None,
                finished: false,
                finish_date: None,
                notes: None,
            });
            let f = own
                .iter()
                .filter(|f| f.on_block < today - 12 * DAY)
                .nth(i)
                .or(own.first());
            if let Some(f) = f {
                d.missions.push(Mission {
                    id: uuid_for(NS_MISSION, 9_000_000 + n, seed),
                    enrollment: eid,
                    tflight: uuid_for(NS_TFLIGHT, n * 100, seed),
                    user: picks.student,
                    flight_uuid: f.uuid.clone(),
                    aircraft: w.aircraft[f.aircraft as usize].registration.clone(),
                    simulator: false,
                    completed: f.on_block,
                    time: f.engine_seconds(),
                    signed: None,
                });
            }
        }
        d
    }

    fn add_exam(
        &mut self,
        n: u32,
        subject: &str,
        lesson: Option<String>,
        name: String,
        bank: u32,
        per: u32,
    ) {
        let seed = self.seed;
        let id = uuid_for(NS_EXAM, n, seed);
        self.exams.push(Exam {
            id: id.clone(),
            subject: subject.into(),
            lesson,
            name: name.clone(),
            attempts: 3,
            score: 75,
            questions: per,
            minutes: per * 6,
            show_answers: true,
        });
        for q in 0..bank {
            let qn = n * 10 + q;
            let right = (splitmix(seed ^ qn as u64) % 4) as usize;
            let options = (0..4)
                .map(|o| {
                    (
                        uuid_for(NS_OPTION, qn * 4 + o as u32, seed),
                        if o == right {
                            format!("Correct answer {}", q + 1)
                        } else {
                            format!("Distractor {}{}", q + 1, (b'a' + o as u8) as char)
                        },
                        o == right,
                    )
                })
                .collect();
            self.questions.push(Question {
                id: uuid_for(NS_QUESTION, qn, seed),
                exam: id.clone(),
                name: format!("{name}: question {}", q + 1),
                options,
            });
        }
    }

    fn sync_person(&mut self, w: &World, id: u32) {
        let Some(p) = w.person(id) else { return };
        let uid = uid_of(p.id);
        if let Some(u) = self.users.iter_mut().find(|u| u.uid == uid) {
            u.name = p.first_name.clone();
            u.surname = p.last_name.clone();
            u.email = p.email.clone();
            u.active = p.active;
            return;
        }
        let (g, gn) = group_of(p.role, false);
        self.users.push(User {
            uid,
            person: Some(p.id),
            name: p.first_name.clone(),
            surname: p.last_name.clone(),
            email: p.email.clone(),
            group_id: g,
            group_name: gn,
            password: password(self.seed, uid),
            api_key: api_key(self.seed, uid),
            two_factor: None,
            api_user: false,
            active: p.active,
        });
        if let (Role::Student, Some(c)) = (p.role, p.course) {
            let tid = uuid_for(NS_TRAINING, c, self.seed);
            if self.training(&tid).is_some() {
                self.enrollments.push(Enrollment {
                    id: uuid_for(NS_ENROLL, p.id * 10, self.seed),
                    training: tid,
                    user: uid,
                    supervisor: None,
                    created: p.created_at,
                    modified: p.created_at,
                    finish_before: None,
                    finished: false,
                    finish_date: None,
                    notes: None,
                });
            }
            if let Some(g) = self.pilot_groups.get_mut(c as usize) {
                g.members.push(uid);
            }
        }
    }

    fn sync_flight(&mut self, w: &World, id: u32) {
        let Some(f) = w.flights.get(id as usize) else {
            return;
        };
        let mid = uuid_for(NS_MISSION, f.id, self.seed);
        if f.deleted {
            self.missions.retain(|m| m.id != mid);
            return;
        }
        if let Some(m) = self.missions.iter_mut().find(|m| m.id == mid) {
            m.completed = f.on_block;
            m.time = f.engine_seconds();
            return;
        }
        let s = match f.student {
            Some(s) => s,
            None if w.person(f.pic).is_some_and(|p| p.role == Role::Student) => f.pic,
            None => return,
        };
        let Some(c) = w.person(s).and_then(|p| p.course) else {
            return;
        };
        let tid = uuid_for(NS_TRAINING, c, self.seed);
        let Some(e) = self
            .enrollments
            .iter()
            .find(|e| e.user == uid_of(s) && e.training == tid)
        else {
            return;
        };
        let Some(ac) = w.aircraft.get(f.aircraft as usize) else {
            return;
        };
        let sim = ac.kind == AircraftKind::Simulator;
        let mut templates: Vec<&TFlight> = self
            .tflights
            .iter()
            .filter(|t| t.training == tid && t.simulator == sim)
            .collect();
        if templates.is_empty() {
            templates = self.tflights.iter().filter(|t| t.training == tid).collect();
        }
        if templates.is_empty() {
            return;
        }
        let done = self
            .missions
            .iter()
            .filter(|m| m.enrollment == e.id)
            .count();
        let m = Mission {
            id: mid,
            enrollment: e.id.clone(),
            tflight: templates[done % templates.len()].id.clone(),
            user: uid_of(s),
            flight_uuid: f.uuid.clone(),
            aircraft: ac.registration.clone(),
            simulator: sim,
            completed: f.on_block,
            time: f.engine_seconds(),
            signed: None,
        };
        self.missions.push(m);
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        uuid_for(NS_NEW, self.counter, self.seed)
    }

    fn user(&self, uid: u32) -> Option<&User> {
        self.users.iter().find(|u| u.uid == uid)
    }
    fn training(&self, id: &str) -> Option<&Training> {
        self.trainings.iter().find(|t| t.id == id)
    }
    fn subject(&self, id: &str) -> Option<&Subject> {
        self.subjects.iter().find(|t| t.id == id)
    }
    fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|t| t.id == id)
    }
    fn exam(&self, id: &str) -> Option<&Exam> {
        self.exams.iter().find(|t| t.id == id)
    }
    fn enrollment(&self, id: &str) -> Option<&Enrollment> {
        self.enrollments.iter().find(|t| t.id == id)
    }
    fn class(&self, id: &str) -> Option<&Class> {
        self.classes.iter().find(|t| t.id == id && !t.deleted)
    }
    fn subject_training(&self, subject: &str) -> Option<&Training> {
        self.subject(subject)
            .and_then(|s| self.training(&s.training))
    }
    fn training_subjects(&self, t: &str) -> Vec<&Subject> {
        self.subjects.iter().filter(|s| s.training == t).collect()
    }
    fn training_lessons(&self, t: &str) -> Vec<&Lesson> {
        let subs: BTreeSet<&str> = self
            .subjects
            .iter()
            .filter(|s| s.training == t)
            .map(|s| s.id.as_str())
            .collect();
        self.lessons
            .iter()
            .filter(|l| subs.contains(l.subject.as_str()))
            .collect()
    }
    fn training_exams(&self, t: &str) -> Vec<&Exam> {
        let subs: BTreeSet<&str> = self
            .subjects
            .iter()
            .filter(|s| s.training == t)
            .map(|s| s.id.as_str())
            .collect();
        self.exams
            .iter()
            .filter(|x| subs.contains(x.subject.as_str()))
            .collect()
    }

    /// Theory progress of an enrolment (seed rules).
    fn lessons_progress(&self, e: &Enrollment, now: Ts) -> (usize, usize, bool) {
        let mine: Vec<&Attendance> = self
            .attendance
            .iter()
            .filter(|a| a.enrollment == e.id)
            .collect();
        self.lessons_progress_in(e, now, &mine)
    }

    /// Theory progress, given the enrolment's own attendance rows.
    fn lessons_progress_in(
        &self,
        e: &Enrollment,
        now: Ts,
        mine: &[&Attendance],
    ) -> (usize, usize, bool) {
        let Some(t) = self.training(&e.training) else {
            return (0, 0, false);
        };
        let lessons = self.training_lessons(&t.id);
        let mandatory: Vec<&&Lesson> = lessons.iter().filter(|l| l.mandatory).collect();
        let (total, completed) = if t.kind == "DISTANCE" {
            // Passed exams + slide attendance.
            let exams: Vec<&Exam> = self
                .training_exams(&t.id)
                .into_iter()
                .filter(|x| x.lesson.is_none())
                .collect();
            let read = mandatory
                .iter()
                .filter(|l| {
                    mine.iter()
                        .any(|a| a.lesson.as_deref() == Some(&l.id) && a.value)
                })
                .count();
            let passed = exams
                .iter()
                .filter(|x| {
                    self.attempts
                        .iter()
                        .any(|a| a.enrollment == e.id && a.exam == x.id && a.passed)
                })
                .count();
            (mandatory.len() + exams.len(), read + passed)
        } else {
            // Class attendance on past classes.
            let attended: BTreeSet<&str> = mine
                .iter()
                .filter(|a| {
                    a.value
                        && a.class
                            .as_deref()
                            .and_then(|c| self.class(c))
                            .is_some_and(|c| c.datetime <= now)
                })
                .filter_map(|a| a.lesson.as_deref())
                .collect();
            let done = mandatory
                .iter()
                .filter(|l| attended.contains(l.id.as_str()))
                .count();
            (mandatory.len(), done)
        };
        (total, completed, total > 0 && completed >= total)
    }

    fn flight_progress(&self, e: &Enrollment) -> (usize, usize) {
        let total = self
            .tflights
            .iter()
            .filter(|t| t.training == e.training)
            .count();
        let done: BTreeSet<&str> = self
            .missions
            .iter()
            .filter(|m| m.enrollment == e.id)
            .map(|m| m.tflight.as_str())
            .collect();
        (done.len(), total)
    }
}

// ---------------------------------------------------------------------------------------------
// Request plumbing.

/// Percent-decoding; `plus` turns `+` into a space (forms, not paths).
pub fn percent_decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' if plus => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3]).ok();
                match h.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes `application/x-www-form-urlencoded` text into pairs (order kept).
pub fn parse_form(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (percent_decode(k, true), percent_decode(v, true)),
            None => (percent_decode(p, true), String::new()),
        })
        .collect()
}

/// Request parameters (form, JSON or query), flattened to `key` / `key[sub]` pairs.
#[derive(Default, Debug)]
struct Params {
    pairs: Vec<(String, String)>,
    /// JSON arrays keep their shape here (`students`).
    json: Option<Value>,
}

impl Params {
    fn from_json(v: Value) -> Params {
        let mut p = Params::default();
        fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
            match v {
                Value::Object(o) => {
                    for (k, x) in o {
                        let key = if prefix.is_empty() {
                            k.clone()
                        } else {
                            format!("{prefix}[{k}]")
                        };
                        walk(&key, x, out);
                    }
                }
                Value::Array(a) => {
                    for x in a {
                        walk(&format!("{prefix}[]"), x, out);
                    }
                }
                Value::String(s) => out.push((prefix.into(), s.clone())),
                Value::Bool(b) => out.push((prefix.into(), if *b { "1" } else { "0" }.into())),
                Value::Null => out.push((prefix.into(), String::new())),
                other => out.push((prefix.into(), other.to_string())),
            }
        }
        walk("", &v, &mut p.pairs);
        p.json = Some(v);
        p
    }
    fn get(&self, k: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
    }
    /// A required non-empty value.
    fn req(&self, k: &str) -> Option<String> {
        self.get(k)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
    fn opt(&self, k: &str) -> Option<String> {
        self.req(k)
    }
    /// `k[]=a&k[]=b`, `k[0]=a`, or a JSON array: `Some(list)`; a plain `k=...` is not a list.
    fn list(&self, k: &str) -> Option<Vec<String>> {
        let mut found = false;
        let mut out = vec![];
        for (key, v) in &self.pairs {
            if let Some(rest) = key.strip_prefix(k) {
                if rest == "[]"
                    || (rest.starts_with('[')
                        && rest.ends_with(']')
                        && rest[1..rest.len() - 1].chars().all(|c| c.is_ascii_digit()))
                {
                    found = true;
                    out.push(v.clone());
                }
            }
        }
        if !found {
            if let Some(Value::Array(_)) = self.json.as_ref().and_then(|j| j.get(k)) {
                return Some(vec![]);
            }
        }
        found.then_some(out)
    }
    /// Keys of the form `prefix[ID][field]`: `ID -> field -> value`.
    fn nested(&self, prefix: &str) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for (key, v) in &self.pairs {
            let Some(rest) = key.strip_prefix(prefix) else {
                continue;
            };
            let parts: Vec<&str> = rest
                .split(']')
                .filter(|s| !s.is_empty())
                .map(|s| s.trim_start_matches('['))
                .collect();
            if parts.len() == 2 {
                out.entry(parts[0].into())
                    .or_default()
                    .insert(parts[1].into(), v.clone());
            } else if parts.len() == 1 {
                out.entry(parts[0].into())
                    .or_default()
                    .insert("value".into(), v.clone());
            }
        }
        out
    }
}

fn truthy(v: Option<&str>) -> bool {
    matches!(
        v.map(|s| s.trim().to_ascii_lowercase()).as_deref(),
        Some("1" | "true" | "on" | "yes")
    )
}

type Res = Result<Value, (StatusCode, String)>;

fn fail(status: StatusCode, msg: impl Into<String>) -> (StatusCode, String) {
    (status, msg.into())
}
fn bad(msg: impl Into<String>) -> (StatusCode, String) {
    fail(StatusCode::BAD_REQUEST, msg)
}
fn forbidden(msg: impl Into<String>) -> (StatusCode, String) {
    fail(StatusCode::FORBIDDEN, msg)
}
fn not_found(msg: impl Into<String>) -> (StatusCode, String) {
    fail(StatusCode::NOT_FOUND, msg)
}

pub fn error(status: StatusCode, _code: &str, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

/// The school's clock: Flylogs stores and sends naive wall-clock times, and the
/// sandbox's school keeps them in a zone with DST so that a client reading them as UTC is
/// caught. Its locations name this zone.
pub const SCHOOL_ZONE: Tz = chrono_tz::Europe::Madrid;

/// A naive wall-clock time of the school.
fn dt(t: Ts) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| {
            d.with_timezone(&SCHOOL_ZONE)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}
fn date(t: Ts) -> String {
    crate::world::date_str(t)
}
/// RFC 3339 in the zone a calendar request named.
fn iso(t: Ts, tz: Tz) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| {
            d.with_timezone(&tz)
                .format("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// A wall-clock time in `tz`: the first of two in an autumn overlap, and one in a spring
/// gap read with the offset before it (what the real service's PHP `DateTime` does).
fn local_ts(naive: NaiveDateTime, tz: Tz) -> Option<Ts> {
    if let Some(t) = tz.from_local_datetime(&naive).earliest() {
        return Some(t.timestamp());
    }
    let before = tz
        .from_local_datetime(&(naive - chrono::Duration::hours(3)))
        .earliest()?;
    Some(naive.and_utc().timestamp() - i64::from(before.offset().fix().local_minus_utc()))
}

/// Unix seconds, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (the school's wall clock), or
/// RFC 3339.
fn parse_time(s: &str) -> Option<Ts> {
    parse_time_in(s, SCHOOL_ZONE)
}

/// [`parse_time`] with naive times and dates read in `tz`.
fn parse_time_in(s: &str, tz: Tz) -> Option<Ts> {
    let s = s.trim();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        return s.parse().ok();
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.timestamp());
    }
    for f in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return local_ts(d, tz);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| local_ts(d.and_hms_opt(0, 0, 0)?, tz))
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", any(dispatch))
        .route("/{*rest}", any(dispatch))
        .with_state(state)
}

/// One handler for every path (the `Date` header is the providers' shared layer).
async fn dispatch(
    state: AxState<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    answer(state, method, uri, headers, body).await
}

async fn answer(
    AxState(state): AxState<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = state.clock.now_ts();
    let path = uri.path().trim_matches('/').to_string();
    let path = path.strip_suffix(".json").unwrap_or(&path).to_string();
    let mut pos: Vec<String> = vec![];
    let mut named: BTreeMap<String, String> = BTreeMap::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let seg = percent_decode(seg, false);
        match seg.split_once(':') {
            Some((k, v))
                if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                named.insert(k.to_string(), v.to_string());
            }
            _ => pos.push(seg),
        }
    }
    let query: Vec<(String, String)> = uri.query().map(parse_form).unwrap_or_default();
    let ctype = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let params = if body.is_empty() {
        Params {
            pairs: query.clone(),
            json: None,
        }
    } else if ctype.starts_with("application/json") {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v @ Value::Object(_)) => Params::from_json(v),
            _ => return error(StatusCode::BAD_REQUEST, "", "Invalid JSON body"),
        }
    } else {
        Params {
            pairs: parse_form(&String::from_utf8_lossy(&body)),
            json: None,
        }
    };
    let mut guard = state
        .providers
        .flylogs
        .data
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        let w = state.world();
        *guard = Some(Data::generate(&w));
    }
    let data = guard.as_mut().expect("generated");
    let p: Vec<&str> = pos.iter().map(String::as_str).collect();
    let is_post = method == Method::POST;
    if p == ["login"] {
        if !is_post {
            return error(StatusCode::BAD_REQUEST, "", "Invalid request type");
        }
        return login(data, &params, now);
    }
    // Authentication.
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let Some(uid) = authenticate(data, &token, now) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "",
            "Invalid, expired or revoked API key",
        );
    };
    let q = Params {
        pairs: query,
        json: None,
    };
    let ctx = Ctx { uid, now, is_post };
    if p.first() == Some(&"manager")
        && data
            .user(uid)
            .is_none_or(|u| u.group_id > MANAGER_MAX_GROUP)
    {
        // Known or not, the manager area is closed to non-managers.
        return error(
            StatusCode::FORBIDDEN,
            "",
            "You are not allowed to access this area",
        );
    }
    let r = route(data, &ctx, &p, &named, &params, &q, &token);
    match r {
        Ok(Value::Null) => StatusCode::OK.into_response(),
        Ok(v) => (StatusCode::OK, axum::Json(v)).into_response(),
        Err((s, m)) => error(s, "", &m),
    }
}

struct Ctx {
    uid: u32,
    now: Ts,
    is_post: bool,
}

fn authenticate(d: &mut Data, token: &str, now: Ts) -> Option<u32> {
    if token.is_empty() {
        return None;
    }
    if token.starts_with("flk_") {
        return d
            .users
            .iter()
            .find(|u| u.api_key == token && u.active)
            .map(|u| u.uid);
    }
    let (uid, last) = *d.sessions.get(token)?;
    if now - last > SESSION_IDLE || !d.user(uid).is_some_and(|u| u.active) {
        d.sessions.remove(token);
        return None;
    }
    d.sessions.insert(token.to_string(), (uid, now));
    Some(uid)
}

fn login(d: &mut Data, p: &Params, now: Ts) -> Response {
    let fail401 = |m: &str| {
        (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"response": {"result": false, "message": m, "url": null}})),
        )
            .into_response()
    };
    let (Some(email), Some(pass)) = (p.req("email"), p.get("password").map(str::to_string)) else {
        return fail401("Incorrect email or password");
    };
    let Some(u) = d
        .users
        .iter()
        .find(|u| u.email.eq_ignore_ascii_case(&email))
        .cloned()
    else {
        return fail401("Incorrect email or password");
    };
    if u.password != pass {
        return fail401("Incorrect email or password");
    }
    if !u.active {
        return fail401("Your account is not active");
    }
    let mode = if u.two_factor.is_some() {
        "EMAIL"
    } else {
        "OFF"
    };
    if let Some(code) = &u.two_factor {
        match p.req("code") {
            None => {
                return (
                    StatusCode::OK,
                    axum::Json(json!({"response": {
                        "result": false, "api": true, "two_factor": mode,
                        "message": "A verification code has been sent to your email address",
                        "url": null, "confirmed": true, "user_id": u.uid, "active": u.active,
                    }})),
                )
                    .into_response()
            }
            Some(c) if c != *code => return fail401("Incorrect verification code"),
            Some(_) => {}
        }
    }
    // A new login invalidates the user's previous session token.
    d.sessions.retain(|_, (uid, _)| *uid != u.uid);
    d.counter += 1;
    let token = alnum(d.seed, 0x5e55_0000 ^ d.counter as u64, 26, LOWER_ALNUM);
    d.sessions.insert(token.clone(), (u.uid, now));
    (
        StatusCode::OK,
        axum::Json(json!({"response": {
            "result": true, "api": true, "two_factor": mode, "message": null, "url": "/users",
            "confirmed": true, "user_id": u.uid, "active": u.active, "token": token,
        }})),
    )
        .into_response()
}

fn need_post(ctx: &Ctx) -> Result<(), (StatusCode, String)> {
    if ctx.is_post {
        Ok(())
    } else {
        Err(bad("Invalid request type"))
    }
}
fn need_get(ctx: &Ctx) -> Result<(), (StatusCode, String)> {
    if ctx.is_post {
        Err(bad("Invalid request type"))
    } else {
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn route(
    d: &mut Data,
    ctx: &Ctx,
    p: &[&str],
    named: &BTreeMap<String, String>,
    body: &Params,
    q: &Params,
    token: &str,
) -> Res {
    match p {
        ["users", "logout"] => {
            need_post(ctx)?;
            d.sessions.remove(token);
            Ok(Value::Null)
        }
        ["users", "view"] => {
            need_get(ctx)?;
            let u = d.user(ctx.uid).ok_or_else(|| not_found("User not found"))?;
            Ok(json!({
                "User": {"id": u.uid.to_string(), "email": u.email, "active": u.active, "pilot": u.group_id >= 150, "user_group_id": u.group_id.to_string()},
                "UserDetail": {"name": u.name, "surname": u.surname},
                "UserGroup": {"name": u.group_name, "id": u.group_id.to_string()},
            }))
        }
        ["trainings"] | ["trainings", "index"] => {
            need_get(ctx)?;
            my_trainings(d, ctx, named, q)
        }
        ["manager", "trainings"] | ["manager", "trainings", "index"] => {
            need_get(ctx)?;
            manager_trainings(d, named, q)
        }
        ["trainings", "trainings", "view", id] => {
            need_get(ctx)?;
            training_view(d, ctx, id, false)
        }
        ["trainings", "subjects", "mine"] => {
            need_get(ctx)?;
            subjects_mine(d, ctx)
        }
        ["manager", "trainings", "subjects", "view", id] => {
            need_get(ctx)?;
            manager_subject_view(d, id)
        }
        ["trainings", "subjects", "view", enr, sub] => {
            need_get(ctx)?;
            student_subject_view(d, ctx, enr, sub)
        }
        ["trainings", "lessons", "view", lesson, rest @ ..] if rest.len() <= 1 => {
            need_get(ctx)?;
            lesson_view(d, ctx, lesson, rest.first().copied())
        }
        ["trainings", "lessons", "slides", lesson] => {
            need_get(ctx)?;
            let l = d
                .lesson(lesson)
                .ok_or_else(|| not_found("Lesson not found"))?;
            let slides: Vec<Value> = d
                .slides
                .iter()
                .filter(|s| s.lesson == l.id)
                .map(|s| json!({"LessonSlide": slide_json(s)}))
                .collect();
            Ok(json!({"lesson": {"id": l.id, "name": l.name}, "slides": slides}))
        }
        ["trainings", "lessons", "slide", id] => {
            need_get(ctx)?;
            let s = d
                .slides
                .iter()
                .find(|s| s.id == *id)
                .ok_or_else(|| not_found("Slide not found"))?;
            let sibs: Vec<&Slide> = d.slides.iter().filter(|x| x.lesson == s.lesson).collect();
            let i = sibs.iter().position(|x| x.id == s.id).unwrap_or(0);
            Ok(json!({
                "slide": {"LessonSlide": slide_json(s)},
                "prev": i.checked_sub(1).map(|j| sibs[j].id.clone()),
                "next": sibs.get(i + 1).map(|x| x.id.clone()),
                "total": sibs.len(),
                "position": i + 1,
            }))
        }
        ["trainings", "lessons", "complete"] => {
            need_post(ctx)?;
            complete_lesson(d, ctx, body)
        }
        ["trainings", "lessons", "attendance", subject] => {
            need_get(ctx)?;
            lesson_attendance(d, ctx, subject)
        }
        ["trainings", "onsite", "class", id] => {
            need_get(ctx)?;
            class_view(d, ctx, id)
        }
        ["manager", "trainings", "onsite", "class"] => {
            need_post(ctx)?;
            schedule_class(d, ctx, body)
        }
        ["manager", "trainings", "onsite", "delete_class", id, confirm] => {
            need_get(ctx)?;
            if *confirm != "true" {
                return Err(bad("Deletion must be confirmed with /true"));
            }
            let c = d.class(id).ok_or_else(|| not_found("Class not found"))?;
            if c.signed.is_some() {
                return Err(bad("A signed class can not be deleted"));
            }
            let cid = c.id.clone();
            if let Some(c) = d.classes.iter_mut().find(|c| c.id == cid) {
                c.deleted = true;
            }
            d.attendance.retain(|a| a.class.as_deref() != Some(&cid));
            Ok(json!({"result": true, "message": "Class deleted"}))
        }
        ["trainings", "onsite", "store_attendance"] => {
            need_post(ctx)?;
            store_attendance(d, ctx, body)
        }
        ["trainings", "onsite", "sign_class"] => {
            need_post(ctx)?;
            sign_class(d, ctx, body, true)
        }
        ["trainings", "onsite", "unsign_class"] => {
            need_post(ctx)?;
            sign_class(d, ctx, body, false)
        }
        ["trainings", "onsite", "get_student_evaluation", class, user] => {
            need_get(ctx)?;
            get_evaluation(d, ctx, class, user)
        }
        ["trainings", "onsite", "save_student_evaluation"] => {
            need_post(ctx)?;
            save_evaluation(d, ctx, body)
        }
        ["trainings", "exams", "index"] => {
            need_get(ctx)?;
            exam_index(d, ctx, named)
        }
        ["trainings", "exams", "start", enr, exam] => exam_start(d, ctx, enr, exam),
        ["trainings", "exams", "do", att] => {
            need_get(ctx)?;
            exam_do(d, ctx, att)
        }
        ["trainings", "exams", "answer"] => {
            need_post(ctx)?;
            exam_answer(d, ctx, body)
        }
        ["trainings", "exams", "finish", att] => exam_finish(d, ctx, att),
        ["trainings", "exams", "view", att] => {
            need_get(ctx)?;
            exam_view(d, ctx, att)
        }
        ["manager", "trainings", "students", "list"] => {
            need_get(ctx)?;
            students_list(d, ctx, named)
        }
        ["manager", "trainings", "students", "view", enr] => {
            need_get(ctx)?;
            training_view(d, ctx, enr, true)
        }
        ["manager", "trainings", "students", "enroll"] => {
            need_post(ctx)?;
            enroll(d, ctx, body)
        }
        ["manager", "trainings", "students", "notes"] => {
            need_post(ctx)?;
            let id = body
                .req("id")
                .or_else(|| body.req("enrollment_id"))
                .or_else(|| body.req("enrollmentId"))
                .or_else(|| body.req("trainings_user_id"))
                .ok_or_else(|| bad("Missing enrollment id"))?;
            let notes = body
                .get("notes")
                .ok_or_else(|| bad("Missing notes"))?
                .to_string();
            let e = d
                .enrollments
                .iter_mut()
                .find(|e| e.id == id)
                .ok_or_else(|| not_found("Enrollment not found"))?;
            e.notes = Some(notes.clone());
            e.modified = ctx.now;
            Ok(json!({"result": true, "notes": notes}))
        }
        ["trainings", "trainings", "calendar"] => {
            need_get(ctx)?;
            calendar(d, ctx, q)
        }
        ["trainings", "trainings", "certificate", enr] => {
            need_get(ctx)?;
            certificate(d, ctx, enr)
        }
        ["trainings", "locations"] | ["trainings", "locations", "index"] => {
            need_get(ctx)?;
            let l: Vec<Value> = d
                .locations
                .iter()
                .map(|l| json!({"TrainingLocation": loc_json(l)}))
                .collect();
            Ok(json!({"locations": l}))
        }
        ["trainings", "locations", "view", id] => {
            need_get(ctx)?;
            let l = d
                .locations
                .iter()
                .find(|l| l.id == *id)
                .ok_or_else(|| not_found("Location not found"))?;
            let classes: Vec<Value> = d
                .classes
                .iter()
                .filter(|c| {
                    !c.deleted && c.location.as_deref() == Some(&l.id) && c.datetime >= ctx.now
                })
                .take(50)
                .map(|c| json!({"LessonClass": class_json(c, ctx.now)}))
                .collect();
            Ok(json!({"location": {"TrainingLocation": loc_json(l)}, "classes": classes}))
        }
        ["manager", "trainings", "locations", "edit"] => {
            need_post(ctx)?;
            edit_location(d, body)
        }
        ["trainings", "missions", "unsigned"] => {
            need_get(ctx)?;
            unsigned_missions(d, ctx)
        }
        ["trainings", "missions", "sign"] => {
            need_post(ctx)?;
            sign_mission(d, ctx, body)
        }
        ["manager", "trainings", "trainings", "create"] => {
            need_post(ctx)?;
            create_training(d, ctx, body)
        }
        ["manager", "trainings", "trainings", "templates"] => {
            need_get(ctx)?;
            let t: Vec<Value> = d
                .trainings
                .iter()
                .filter(|t| t.active)
                .map(|t| json!({"Training": {"id": t.id, "name": t.name, "type": t.kind, "theory": t.theory, "flights": t.flights, "subjects_count": d.training_subjects(&t.id).len()}}))
                .collect();
            Ok(json!({"templates": t}))
        }
        ["manager", "trainings", "trainings", "teaching_report"] => {
            need_post(ctx)?;
            teaching_report(d, body)
        }
        _ => Err(not_found("Not Found")),
    }
}

// ---------------------------------------------------------------------------------------------
// JSON pieces.

fn user_detail(u: Option<&User>) -> Value {
    match u {
        Some(u) => json!({"name": u.name, "surname": u.surname, "id": u.uid.to_string()}),
        None => Value::Null,
    }
}

fn person_json(d: &Data, uid: u32) -> Value {
    let u = d.user(uid);
    json!({"id": uid.to_string(), "UserDetail": user_detail(u)})
}

fn slide_json(s: &Slide) -> Value {
    json!({"id": s.id, "name": s.name, "content": s.content, "order": s.order.to_string(), "training_subject_lesson_id": s.lesson})
}

fn loc_json(l: &Loc) -> Value {
    json!({"id": l.id, "name": l.name, "type": l.kind, "phone": l.phone, "address": l.address,
           "country_id": l.country_id, "timezone_id": l.timezone_id, "description": l.description})
}

fn class_json(c: &Class, now: Ts) -> Value {
    let status = if c.signed.is_some() {
        "closed"
    } else if c.datetime <= now {
        "open"
    } else {
        "scheduled"
    };
    json!({
        "id": c.id,
        "training_subject_id": c.subject,
        "training_subject_lesson_id": c.lesson.clone().unwrap_or_else(|| "0".into()),
        "training_subject_exam_id": c.exam.clone().unwrap_or_else(|| "0".into()),
        "datetime": dt(c.datetime),
        "status": status,
        "teacher_id": c.teacher.to_string(),
        "signature": c.signed.map(|(t, u)| json!({"signed_at": dt(t), "user_id": u.to_string()})),
        "minutes": c.minutes.to_string(),
        "location_id": c.location,
        "remarks": c.remarks,
    })
}

fn lesson_json(l: &Lesson) -> Value {
    json!({"id": l.id, "name": l.name, "minutes": l.minutes.to_string(), "mandatory": l.mandatory,
           "order": l.order.to_string(), "training_subject_id": l.subject})
}

fn exam_json(x: &Exam) -> Value {
    json!({"id": x.id, "name": x.name, "type": "ONLINE", "attempts": x.attempts, "score": x.score,
           "questions": x.questions, "minutes": x.minutes, "expiration": null,
           "show_answers": x.show_answers, "training_subject_id": x.subject,
           "training_subject_lesson_id": x.lesson})
}

fn attendance_json(d: &Data, a: &Attendance) -> Value {
    json!({
        "id": a.id, "trainings_user_id": a.enrollment, "user_id": a.user.to_string(),
        "training_subject_lesson_id": a.lesson, "training_subject_exam_id": a.exam,
        "lesson_class_id": a.class, "value": a.value, "time": a.time, "created": dt(a.created),
        "remarks": a.remarks, "measures": a.measures, "objectives": a.objectives,
        "LessonClass": a.class.as_deref().and_then(|c| d.classes.iter().find(|x| x.id == c)).map(|c| json!({"datetime": dt(c.datetime)})),
        "User": {"id": a.user.to_string(), "UserDetail": user_detail(d.user(a.user))},
    })
}

fn attempt_json(a: &Attempt) -> Value {
    json!({"id": a.id, "trainings_user_id": a.enrollment, "exam_id": a.exam, "user_id": a.user.to_string(),
           "start": a.start, "finish": a.finish, "score": a.score, "passed": a.passed,
           "status": if a.finish.is_some() { "FINISHED" } else { "STARTED" },
           "questions": a.details.len(), "created": dt(a.start)})
}

fn page_of(named: &BTreeMap<String, String>, q: &Params) -> Result<usize, (StatusCode, String)> {
    let raw = named
        .get("page")
        .cloned()
        .or_else(|| q.get("page").map(str::to_string));
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(1),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(bad("Invalid page")),
        },
    }
}

fn paginate<T: Clone>(
    rows: &[T],
    page: usize,
    limit: usize,
) -> Result<(Vec<T>, Value), (StatusCode, String)> {
    let count = rows.len();
    let page_count = count.div_ceil(limit).max(1);
    if page > page_count {
        return Err(not_found("Not Found"));
    }
    let slice = rows
        .iter()
        .skip((page - 1) * limit)
        .take(limit)
        .cloned()
        .collect();
    Ok((
        slice,
        json!({"page": page, "current": page, "count": count, "prevPage": page > 1,
               "nextPage": page < page_count, "pageCount": page_count, "limit": limit}),
    ))
}

// ---------------------------------------------------------------------------------------------
// Endpoints.

fn my_trainings(d: &Data, ctx: &Ctx, named: &BTreeMap<String, String>, q: &Params) -> Res {
    let me = d.user(ctx.uid).ok_or_else(|| not_found("User not found"))?;
    let mut who = ctx.uid;
    let asked = named
        .get("user_id")
        .cloned()
        .or_else(|| q.get("user_id").map(str::to_string));
    if let Some(a) = asked
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
    {
        if me.api_user {
            who = d
                .users
                .iter()
                .find(|u| u.uid.to_string() == a)
                .map(|u| u.uid)
                .ok_or_else(|| not_found("User not found"))?;
        }
    }
    let page = page_of(named, q)?;
    let mut rows: Vec<&Enrollment> = d.enrollments.iter().filter(|e| e.user == who).collect();
    rows.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    let (rows, paginate) = paginate(&rows, page, MY_TRAININGS_PER_PAGE)?;
    let trainings: Vec<Value> = rows
        .iter()
        .filter_map(|e| {
            let t = d.training(&e.training)?;
            let mut m = Map::new();
            m.insert("id".into(), json!(t.id));
            m.insert("active".into(), json!(t.active));
            m.insert("type".into(), json!(t.kind));
            m.insert("name".into(), json!(t.name));
            m.insert("validity".into(), json!(t.validity));
            m.insert("flights".into(), json!(t.flights));
            m.insert(
                "flights_count".into(),
                json!(d
                    .tflights
                    .iter()
                    .filter(|f| f.training == t.id)
                    .count()
                    .to_string()),
            );
            m.insert("theory".into(), json!(t.theory));
            m.insert("time_online".into(), json!(t.time_online));
            m.insert("training_id".into(), json!(t.id));
            m.insert("enrollment_id".into(), json!(e.id));
            m.insert("enrollment".into(), json!(e.created.to_string()));
            m.insert(
                "supervisor_id".into(),
                json!(e.supervisor.map(|s| s.to_string())),
            );
            m.insert("flight_phase".into(), Value::Null);
            m.insert("finished".into(), json!(e.finished));
            m.insert("finish_date".into(), json!(e.finish_date.unwrap_or(0)));
            m.insert(
                "subjects_count".into(),
                json!(d.training_subjects(&t.id).len()),
            );
            if t.theory {
                let (total, completed, finished) = d.lessons_progress(e, ctx.now);
                m.insert(
                    "Lessons".into(),
                    json!({"total": total, "completed": completed, "finished": finished}),
                );
            }
            if t.flights {
                let (c, total) = d.flight_progress(e);
                m.insert(
                    "FlightProgress".into(),
                    json!({"completed": c, "total": total}),
                );
            }
            Some(json!({"Training": Value::Object(m)}))
        })
        .collect();
    let teacher: Vec<Value> = d
        .subjects
        .iter()
        .filter(|s| s.teacher == who)
        .map(|s| {
            let t = d.training(&s.training);
            json!({
                "TrainingSubject": {"id": s.id, "code": s.code, "name": s.name, "hours": s.hours.to_string(),
                    "lessons": d.lessons.iter().filter(|l| l.subject == s.id).count().to_string()},
                "Training": {"name": t.map(|t| t.name.clone()), "id": s.training},
            })
        })
        .collect();
    let my_classes: Vec<Value> = d
        .classes
        .iter()
        .filter(|c| {
            !c.deleted && c.datetime >= ctx.now && (c.teacher == who || c.students.contains(&who))
        })
        .take(50)
        .map(|c| class_row(d, c, ctx.now))
        .collect();
    Ok(
        json!({"trainings": trainings, "teacher": teacher, "myClasses": my_classes, "paginate": paginate}),
    )
}

fn class_row(d: &Data, c: &Class, now: Ts) -> Value {
    let subj = d.subject(&c.subject);
    let lesson = c.lesson.as_deref().and_then(|l| d.lesson(l));
    let exam = c.exam.as_deref().and_then(|x| d.exam(x));
    json!({
        "LessonClass": class_json(c, now),
        "TrainingSubjectLesson": {"name": lesson.map(|l| l.name.clone()), "training_subject_id": lesson.map(|l| l.subject.clone()),
            "TrainingSubject": {"name": subj.map(|s| s.name.clone())}},
        "TrainingSubjectExam": {"name": exam.map(|x| x.name.clone()), "training_subject_id": exam.map(|x| x.subject.clone())},
        "Teacher": person_json(d, c.teacher),
    })
}

fn manager_trainings(d: &Data, named: &BTreeMap<String, String>, q: &Params) -> Res {
    let page = page_of(named, q)?;
    let mut rows: Vec<&Training> = d.trainings.iter().collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    let (rows, paginate) = paginate(&rows, page, MANAGER_TRAININGS_PER_PAGE)?;
    let out: Vec<Value> = rows
        .iter()
        .map(|t| {
            json!({"Training": {
                "id": t.id, "name": t.name, "type": t.kind, "active": t.active, "theory": t.theory,
                "flights": t.flights,
                "flights_count": d.tflights.iter().filter(|f| f.training == t.id).count().to_string(),
                "competencies": t.competencies, "metrics": t.metrics, "announcement": null,
                "start": t.start.map(date), "end": t.end.map(date), "color": t.color,
                "created": date(t.created),
                "students_count": d.enrollments.iter().filter(|e| e.training == t.id).count(),
                "subjects_count": d.training_subjects(&t.id).len(),
            }})
        })
        .collect();
    Ok(json!({"trainings": out, "paginate": paginate}))
}

fn training_json(d: &Data, t: &Training, e: Option<&Enrollment>, now: Ts) -> Value {
    let subjects: Vec<Value> = d
        .training_subjects(&t.id)
        .iter()
        .map(|s| {
            let lessons: Vec<Value> = d
                .lessons
                .iter()
                .filter(|l| l.subject == s.id)
                .map(|l| json!({"id": l.id, "name": l.name, "minutes": l.minutes.to_string(), "training_subject_id": s.id, "mandatory": l.mandatory}))
                .collect();
            let exams: Vec<Value> = d.exams.iter().filter(|x| x.subject == s.id).map(exam_json).collect();
            let progress = e.map(|e| subject_progress(d, e, s, now));
            json!({"id": s.id, "code": s.code, "name": s.name, "hours": s.hours.to_string(),
                   "lessons": lessons.len().to_string(), "training_id": t.id, "teacher_id": s.teacher.to_string(),
                   "TrainingSubjectLesson": lessons, "TrainingSubjectExam": exams, "Progress": progress})
        })
        .collect();
    let flights: Vec<Value> = d
        .tflights
        .iter()
        .filter(|f| f.training == t.id)
        .map(|f| json!({"id": f.id, "name": f.name, "order": f.order.to_string(), "hours": format!("{:.1}", f.minutes as f64 / 60.0), "simulator": f.simulator}))
        .collect();
    json!({
        "id": t.id, "name": t.name, "type": t.kind, "active": t.active, "theory": t.theory,
        "flights": t.flights, "competencies": t.competencies, "metrics": t.metrics,
        "description": t.description, "start": t.start.map(date), "end": t.end.map(date),
        "validity": t.validity, "require_debriefing_signature": t.require_sig,
        "TrainingSubject": subjects, "TrainingFlight": flights,
        "Manager": t.manager.map(|m| person_json(d, m)),
    })
}

fn subject_progress(d: &Data, e: &Enrollment, s: &Subject, now: Ts) -> Value {
    let mut lessons = Map::new();
    let mut done = 0;
    let ls: Vec<&Lesson> = d.lessons.iter().filter(|l| l.subject == s.id).collect();
    for l in &ls {
        let ok = d.attendance.iter().any(|a| {
            a.enrollment == e.id
                && a.lesson.as_deref() == Some(&l.id)
                && a.value
                && a.class
                    .as_deref()
                    .and_then(|c| d.class(c))
                    .is_none_or(|c| c.datetime <= now)
        });
        if ok {
            done += 1;
        }
        lessons.insert(
            l.order.to_string(),
            if ok { json!(true) } else { Value::Null },
        );
    }
    json!({"total": ls.len(), "completed": done, "finished": !ls.is_empty() && done >= ls.len(), "lessons": lessons})
}

/// `/trainings/trainings/view/{id}` (enrolment id, or a training id meaning the caller's
/// enrolment in it) and the manager student view.
fn training_view(d: &Data, ctx: &Ctx, id: &str, manager: bool) -> Res {
    let me = d.user(ctx.uid).ok_or_else(|| not_found("User not found"))?;
    let is_mgr = me.group_id <= MANAGER_MAX_GROUP;
    let e = d.enrollment(id).or_else(|| {
        (!manager)
            .then(|| {
                d.enrollments
                    .iter()
                    .filter(|e| e.training == id && e.user == ctx.uid)
                    .max_by_key(|e| e.created)
            })
            .flatten()
    });
    let Some(e) = e else {
        if !manager {
            if let Some(t) = d.training(id) {
                // Teachers and managers may open a training they are not enrolled in.
                let teaches = d
                    .subjects
                    .iter()
                    .any(|s| s.training == t.id && s.teacher == ctx.uid);
                if is_mgr || teaches {
                    return Ok(json!({"training": {
                        "TrainingsUser": null, "Training": training_json(d, t, None, ctx.now),
                        "Function": if teaches { "teacher" } else { "manager" },
                    }, "performedFlightTrainings": []}));
                }
                return Err(forbidden("You are not enrolled in this training"));
            }
        }
        return Err(not_found("Training not found"));
    };
    let teaches = d
        .subjects
        .iter()
        .any(|s| s.training == e.training && s.teacher == ctx.uid);
    if e.user != ctx.uid && !is_mgr && !teaches && e.supervisor != Some(ctx.uid) {
        return Err(forbidden("You can not view this enrollment"));
    }
    let t = d
        .training(&e.training)
        .ok_or_else(|| not_found("Training not found"))?;
    let (total, completed, finished) = d.lessons_progress(e, ctx.now);
    let sup = e.supervisor.and_then(|s| d.user(s));
    let performed: Vec<Value> = d
        .missions
        .iter()
        .filter(|m| m.enrollment == e.id)
        .map(|m| mission_row(d, m))
        .collect();
    let mut weeks: BTreeMap<(i32, u32), i64> = BTreeMap::new();
    for a in d
        .attendance
        .iter()
        .filter(|a| a.enrollment == e.id && a.value)
    {
        if let Some(t) = DateTime::from_timestamp(a.created, 0) {
            let w = t.date_naive().iso_week();
            *weeks.entry((w.year(), w.week())).or_default() += a.time / 60;
        }
    }
    use chrono::Datelike;
    let weekly: Vec<Value> = weeks
        .iter()
        .map(|((y, w), m)| json!({"week_name": format!("Week {w}"), "year": y.to_string(), "week": w.to_string(), "week_time": m.to_string()}))
        .collect();
    let function = if e.user == ctx.uid {
        "student"
    } else if teaches {
        "teacher"
    } else {
        "manager"
    };
    Ok(json!({
        "training": {
            "TrainingsUser": {
                "id": e.id, "training_id": e.training, "user_id": e.user.to_string(),
                "supervisor_id": e.supervisor.map(|s| s.to_string()),
                "finish_before": e.finish_before.map(date), "finished": e.finished,
                "finish_date": e.finish_date.map(date),
                "validity": if e.finished { t.validity.zip(e.finish_date).map(|(v, f)| date(f + v * DAY)) } else { None },
                "flight_phase": null, "notes": e.notes, "created": date(e.created), "modified": date(e.modified),
            },
            "Training": training_json(d, t, Some(e), ctx.now),
            "User": person_json(d, e.user),
            "Supervisor": sup.map(|s| json!({"id": s.uid.to_string(), "email": s.email,
                "UserDetail": {"name": s.name, "surname": s.surname, "photo": null, "id": s.uid.to_string()}})),
            "Function": function,
            "weeklytime": weekly,
            "Progress": {"total": total, "completed": completed, "finished": finished},
            "TrainingFlightTypes": {},
        },
        "performedFlightTrainings": performed,
    }))
}

fn mission_row(d: &Data, m: &Mission) -> Value {
    let tf = d.tflights.iter().find(|t| t.id == m.tflight);
    json!({
        "UserTrainingFlight": {"id": m.id, "training_flight_id": m.tflight, "flight_id": m.flight_uuid,
            "completed": dt(m.completed), "time": m.time.to_string(),
            "debriefing_signature": m.signed.map(dt), "aircraft": m.aircraft, "simulator": m.simulator},
        "TrainingFlight": {"id": m.tflight, "name": tf.map(|t| t.name.clone()), "order": tf.map(|t| t.order.to_string())},
    })
}

fn subjects_mine(d: &Data, ctx: &Ctx) -> Res {
    let mut seen = BTreeSet::new();
    let mut out = vec![];
    for e in d.enrollments.iter().filter(|e| e.user == ctx.uid) {
        if !seen.insert(e.training.clone()) {
            continue;
        }
        let Some(t) = d.training(&e.training) else {
            continue;
        };
        let subs: Vec<Value> = d
            .training_subjects(&t.id)
            .iter()
            .map(|s| json!({"id": s.id, "code": s.code, "name": s.name, "teacher_id": s.teacher.to_string(), "training_id": t.id}))
            .collect();
        out.push(json!({"Training": {"id": t.id, "name": t.name}, "TrainingSubject": subs}));
    }
    Ok(Value::Array(out))
}

fn subject_head(d: &Data, s: &Subject) -> Value {
    let total: u32 = d
        .lessons
        .iter()
        .filter(|l| l.subject == s.id && l.mandatory)
        .map(|l| l.minutes)
        .sum();
    json!({"id": s.id, "name": s.name, "code": s.code, "description": s.description,
           "hours": s.hours.to_string(), "teacher_id": s.teacher.to_string(), "training_id": s.training,
           "total_minutes": total})
}

fn manager_subject_view(d: &Data, id: &str) -> Res {
    let s = d
        .subject(id)
        .ok_or_else(|| not_found("Subject not found"))?;
    let t = d.training(&s.training);
    let lessons: Vec<Value> = d
        .lessons
        .iter()
        .filter(|l| l.subject == s.id)
        .map(lesson_json)
        .collect();
    let exams: Vec<Value> = d
        .exams
        .iter()
        .filter(|x| x.subject == s.id)
        .map(exam_json)
        .collect();
    Ok(json!({"subject": {
        "TrainingSubject": subject_head(d, s),
        "Training": t.map(|t| json!({"id": t.id, "name": t.name, "type": t.kind, "active": t.active})),
        "TrainingSubjectLesson": lessons, "TrainingSubjectExam": exams,
        "Teacher": person_json(d, s.teacher),
    }}))
}

fn student_subject_view(d: &Data, ctx: &Ctx, enr: &str, sub: &str) -> Res {
    let e = d
        .enrollment(enr)
        .ok_or_else(|| not_found("Enrollment not found"))?;
    let s = d
        .subject(sub)
        .filter(|s| s.training == e.training)
        .ok_or_else(|| not_found("Subject not found"))?;
    let me = d.user(ctx.uid).ok_or_else(|| not_found("User not found"))?;
    if e.user != ctx.uid && s.teacher != ctx.uid && me.group_id > 150 {
        return Err(forbidden("You can not view this subject"));
    }
    let t = d
        .training(&e.training)
        .ok_or_else(|| not_found("Training not found"))?;
    let lessons: Vec<Value> = d
        .lessons
        .iter()
        .filter(|l| l.subject == s.id)
        .map(|l| {
            let att: Vec<Value> = d
                .attendance
                .iter()
                .filter(|a| a.enrollment == e.id && a.lesson.as_deref() == Some(&l.id))
                .map(|a| json!({"id": a.id, "value": a.value, "time": a.time,
                    "LessonClass": a.class.as_deref().and_then(|c| d.classes.iter().find(|x| x.id == c)).map(|c| json!({"datetime": dt(c.datetime)}))}))
                .collect();
            let mut v = lesson_json(l);
            v["TrainingSubjectAttendance"] = Value::Array(att);
            v
        })
        .collect();
    let exams: Vec<Value> = d
        .exams
        .iter()
        .filter(|x| x.subject == s.id)
        .map(|x| {
            let mut v = exam_json(x);
            let mut atts: Vec<&Attempt> = d
                .attempts
                .iter()
                .filter(|a| a.enrollment == e.id && a.exam == x.id)
                .collect();
            atts.sort_by(|a, b| b.start.cmp(&a.start).then_with(|| b.id.cmp(&a.id)));
            v["ExamAttempt"] = Value::Array(atts.into_iter().map(attempt_json).collect());
            v
        })
        .collect();
    Ok(json!({
        "trainingsUserId": e.id,
        "subject": {
            "TrainingSubject": subject_head(d, s),
            "Training": {"id": t.id, "name": t.name, "type": t.kind, "active": t.active, "flights": t.flights, "time_online": t.time_online},
            "Teacher": {"UserDetail": user_detail(d.user(s.teacher))},
            "TrainingSubjectLesson": lessons,
            "TrainingSubjectExam": exams,
            "Progress": subject_progress(d, e, s, ctx.now),
        }
    }))
}

/// The lesson after `l` in its subject, else the subject's exam, else nothing.
fn next_after(d: &Data, l: &Lesson, enrollment: Option<&str>) -> Value {
    let mut ls: Vec<&Lesson> = d
        .lessons
        .iter()
        .filter(|x| x.subject == l.subject)
        .collect();
    ls.sort_by_key(|x| x.order);
    if let Some(n) = ls.iter().find(|x| x.order > l.order) {
        return json!({"title": n.name, "action": "lesson", "id": n.id, "enrollmentId": enrollment});
    }
    match d
        .exams
        .iter()
        .find(|x| x.subject == l.subject && x.lesson.is_none())
    {
        Some(x) => {
            json!({"title": x.name, "action": "exam", "id": x.id, "enrollmentId": enrollment})
        }
        None => Value::Null,
    }
}

fn lesson_view(d: &Data, ctx: &Ctx, lesson: &str, enr: Option<&str>) -> Res {
    let l = d
        .lesson(lesson)
        .ok_or_else(|| not_found("Lesson not found"))?;
    let s = d
        .subject(&l.subject)
        .ok_or_else(|| not_found("Subject not found"))?;
    let t = d
        .training(&s.training)
        .ok_or_else(|| not_found("Training not found"))?;
    let e = match enr.filter(|x| !x.is_empty()) {
        Some(id) => {
            let e = d
                .enrollment(id)
                .filter(|e| e.training == t.id)
                .ok_or_else(|| not_found("Enrollment not found"))?;
            let me = d.user(ctx.uid).map(|u| u.group_id).unwrap_or(999);
            if e.user != ctx.uid && me > 150 && s.teacher != ctx.uid {
                return Err(forbidden("You can not view this enrollment"));
            }
            Some(e)
        }
        None => None,
    };
    let attendance: Vec<Value> = d
        .attendance
        .iter()
        .filter(|a| a.lesson.as_deref() == Some(&l.id) && e.is_some_and(|e| e.id == a.enrollment))
        .map(|a| attendance_json(d, a))
        .collect();
    let slides: Vec<Value> = d
        .slides
        .iter()
        .filter(|x| x.lesson == l.id)
        .map(|x| json!({"id": x.id}))
        .collect();
    let read = e.is_some_and(|e| {
        d.attendance
            .iter()
            .any(|a| a.enrollment == e.id && a.lesson.as_deref() == Some(&l.id) && a.value)
    });
    let mut lj = lesson_json(l);
    lj["TrainingSubject"] = json!({"id": s.id, "name": s.name, "code": s.code,
        "Training": {"id": t.id, "name": t.name, "type": t.kind, "time_online": t.time_online}});
    lj["LessonSlide"] = Value::Array(slides.clone());
    Ok(json!({
        "lesson": lj,
        "enrollment": e.map(|e| e.id.clone()),
        "attendance": attendance,
        "testAuthorization": read || slides.is_empty() || !t.time_online,
        "nextLesson": next_after(d, l, e.map(|e| e.id.as_str())),
    }))
}

fn complete_lesson(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    let (Some(lid), Some(ts), Some(eid)) =
        (p.req("lessonId"), p.req("timeSpent"), p.req("enrollmentId"))
    else {
        return Err(bad(
            "Missing POST params: lessonId, timeSpent and enrollmentId are required",
        ));
    };
    let spent: f64 = ts
        .parse()
        .map_err(|_| bad("timeSpent must be a number of seconds"))?;
    if !spent.is_finite() || spent < 0.0 {
        return Err(bad("timeSpent must be a number of seconds"));
    }
    let e = d
        .enrollment(&eid)
        .cloned()
        .ok_or_else(|| not_found("Enrollment not found"))?;
    if e.user != ctx.uid {
        return Err(forbidden("You can only complete your own lessons"));
    }
    let l = d
        .lesson(&lid)
        .cloned()
        .ok_or_else(|| not_found("Lesson not found"))?;
    let t = d
        .subject_training(&l.subject)
        .cloned()
        .ok_or_else(|| not_found("Training not found"))?;
    if t.id != e.training {
        return Err(not_found("Lesson not found in this training"));
    }
    if !t.active {
        return Err(forbidden("This training is not active"));
    }
    match d
        .attendance
        .iter_mut()
        .find(|a| a.enrollment == e.id && a.lesson.as_deref() == Some(&l.id) && a.class.is_none())
    {
        Some(a) => {
            a.value = true;
            a.time += spent as i64;
        }
        None => {
            let id = d.next_id();
            d.attendance.push(Attendance {
                id,
                enrollment: e.id.clone(),
                user: e.user,
                lesson: Some(l.id.clone()),
                exam: None,
                class: None,
                value: true,
                time: spent as i64,
                created: ctx.now,
                remarks: String::new(),
                measures: String::new(),
                objectives: String::new(),
            });
        }
    }
    let (_, _, finished) = d.lessons_progress(&e, ctx.now);
    Ok(
        json!({"result": true, "finished": finished, "trainingId": t.id, "next": next_after(d, &l, Some(&e.id))}),
    )
}

fn lesson_attendance(d: &Data, ctx: &Ctx, subject: &str) -> Res {
    let s = d
        .subject(subject)
        .ok_or_else(|| not_found("Subject not found"))?;
    let me = d.user(ctx.uid).map(|u| u.group_id).unwrap_or(999);
    let all = me <= 170 || s.teacher == ctx.uid;
    let lessons: Vec<Value> = d
        .lessons
        .iter()
        .filter(|l| l.subject == s.id)
        .map(|l| {
            let rows: Vec<Value> = d
                .attendance
                .iter()
                .filter(|a| a.lesson.as_deref() == Some(&l.id) && (all || a.user == ctx.uid))
                .map(|a| attendance_json(d, a))
                .collect();
            json!({"TrainingSubjectLesson": lesson_json(l), "TrainingSubjectAttendance": rows})
        })
        .collect();
    Ok(json!({"subject": subject_head(d, s), "lessons": lessons}))
}

fn class_view(d: &Data, ctx: &Ctx, id: &str) -> Res {
    let c = d.class(id).ok_or_else(|| not_found("Class not found"))?;
    let me = d.user(ctx.uid).map(|u| u.group_id).unwrap_or(999);
    let staff = c.teacher == ctx.uid || me <= MANAGER_MAX_GROUP;
    if !staff && !c.students.contains(&ctx.uid) {
        return Err(forbidden("You are not invited to this class"));
    }
    let s = d.subject(&c.subject);
    let t = s.and_then(|s| d.training(&s.training));
    let students: Vec<Value> = c.students.iter().map(|u| person_json(d, *u)).collect();
    let attendances: Vec<Value> = d
        .attendance
        .iter()
        .filter(|a| a.class.as_deref() == Some(&c.id) && (staff || a.user == ctx.uid))
        .map(|a| json!({"TrainingSubjectAttendance": attendance_json(d, a)}))
        .collect();
    Ok(json!({
        "class": {
            "LessonClass": class_json(c, ctx.now),
            "Teacher": person_json(d, c.teacher),
            "Student": students,
            "Location": c.location.as_deref().and_then(|l| d.locations.iter().find(|x| x.id == l)).map(loc_json),
            "TrainingSubjectLesson": c.lesson.as_deref().and_then(|l| d.lesson(l)).map(lesson_json),
            "TrainingSubjectExam": c.exam.as_deref().and_then(|x| d.exam(x)).map(exam_json),
            "TrainingSubject": s.map(|s| json!({"id": s.id, "name": s.name, "code": s.code,
                "Training": t.map(|t| json!({"id": t.id, "name": t.name, "active": t.active}))})),
        },
        "attendances": attendances,
    }))
}

fn schedule_class(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    let sid = p
        .req("training_subject_id")
        .ok_or_else(|| bad("training_subject_id is required"))?;
    let start = p.req("start").ok_or_else(|| bad("start is required"))?;
    let teacher = p
        .req("teacher_id")
        .ok_or_else(|| bad("teacher_id is required"))?;
    let students = p
        .req("students")
        .ok_or_else(|| bad("students is required"))?;
    let s = d
        .subject(&sid)
        .cloned()
        .ok_or_else(|| not_found("Subject not found"))?;
    let start = parse_time(&start).ok_or_else(|| bad("start is not a valid datetime"))?;
    let teacher: u32 = teacher
        .parse()
        .map_err(|_| bad("teacher_id is not a user"))?;
    if !d
        .user(teacher)
        .is_some_and(|u| u.group_id <= 170 && u.active)
    {
        return Err(bad("teacher_id is not an active instructor"));
    }
    let lesson = p.opt("training_subject_lesson_id").filter(|x| x != "0");
    let exam = p.opt("training_subject_exam_id").filter(|x| x != "0");
    if let Some(l) = &lesson {
        if d.lesson(l).is_none_or(|x| x.subject != s.id) {
            return Err(bad(
                "training_subject_lesson_id does not belong to the subject",
            ));
        }
    }
    if let Some(x) = &exam {
        if d.exam(x).is_none_or(|x| x.subject != s.id) {
            return Err(bad(
                "training_subject_exam_id does not belong to the subject",
            ));
        }
    }
    let location = p.opt("location_id");
    if let Some(l) = &location {
        if !d.locations.iter().any(|x| x.id == *l) {
            return Err(bad("location_id is not a location"));
        }
    }
    let mut roster = vec![];
    for x in students.split(',').map(str::trim).filter(|x| !x.is_empty()) {
        let uid: u32 = x.parse().map_err(|_| bad(format!("Unknown student {x}")))?;
        if !d
            .enrollments
            .iter()
            .any(|e| e.user == uid && e.training == s.training)
        {
            return Err(bad(format!("Student {x} is not enrolled in the training")));
        }
        if !roster.contains(&uid) {
            roster.push(uid);
        }
    }
    if roster.is_empty() {
        return Err(bad("students is required"));
    }
    let minutes = lesson
        .as_deref()
        .and_then(|l| d.lesson(l))
        .map(|l| l.minutes)
        .or_else(|| exam.as_deref().and_then(|x| d.exam(x)).map(|x| x.minutes))
        .unwrap_or(60);
    let remarks = p.get("remarks").unwrap_or("").to_string();
    let notify = truthy(p.get("notify"));
    let id = match p.opt("id") {
        Some(id) => {
            let c = d
                .classes
                .iter_mut()
                .find(|c| c.id == id && !c.deleted)
                .ok_or_else(|| not_found("Class not found"))?;
            if c.signed.is_some() {
                return Err(bad("A signed class can not be changed"));
            }
            c.subject = s.id.clone();
            c.lesson = lesson;
            c.exam = exam;
            c.datetime = start;
            c.minutes = minutes;
            c.teacher = teacher;
            c.location = location;
            c.remarks = remarks;
            c.students = roster.clone();
            id
        }
        None => {
            let id = d.next_id();
            d.classes.push(Class {
                id: id.clone(),
                subject: s.id.clone(),
                lesson,
                exam,
                datetime: start,
                minutes,
                teacher,
                location,
                remarks,
                signed: None,
                students: roster.clone(),
                deleted: false,
            });
            id
        }
    };
    let _ = ctx;
    Ok(
        json!({"result": true, "message": "Class saved", "id": id, "notified": if notify { roster.len() } else { 0 }}),
    )
}

fn staff_of_class(d: &Data, uid: u32, c: &Class) -> bool {
    c.teacher == uid || d.user(uid).is_some_and(|u| u.group_id <= MANAGER_MAX_GROUP)
}

fn store_attendance(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    let cid = p
        .req("data[class_id]")
        .or_else(|| p.req("data[lesson_class_id]"))
        .or_else(|| p.req("data[session_id]"))
        .or_else(|| p.req("classId"))
        .or_else(|| p.req("class_id"))
        .ok_or_else(|| bad("Missing class id (data[class_id])"))?;
    let c = d
        .class(&cid)
        .cloned()
        .ok_or_else(|| not_found("Class not found"))?;
    if !staff_of_class(d, ctx.uid, &c) {
        return Err(forbidden(
            "Only the teacher or a manager can record attendance",
        ));
    }
    if c.signed.is_some() {
        return Err(bad("The class is signed; unsign it first"));
    }
    let rows = p.nested("data[attendance]");
    if rows.is_empty() {
        return Err(bad("No attendance data received"));
    }
    let training = d
        .subject(&c.subject)
        .map(|s| s.training.clone())
        .unwrap_or_default();
    for (key, fields) in &rows {
        let value = truthy(
            fields
                .get("exam_value")
                .or(fields.get("value"))
                .map(String::as_str),
        );
        // Keyed by attendance id or by student user id.
        let idx = d
            .attendance
            .iter()
            .position(|a| a.id == *key && a.class.as_deref() == Some(&c.id));
        let idx = match idx {
            Some(i) => i,
            None => {
                let uid: u32 = key
                    .parse()
                    .map_err(|_| not_found(format!("Attendance {key} not found")))?;
                if !c.students.contains(&uid) {
                    return Err(not_found(format!(
                        "Student {key} is not invited to this class"
                    )));
                }
                match d
                    .attendance
                    .iter()
                    .position(|a| a.user == uid && a.class.as_deref() == Some(&c.id))
                {
                    Some(i) => i,
                    None => {
                        let e = d
                            .enrollments
                            .iter()
                            .find(|e| e.user == uid && e.training == training)
                            .map(|e| e.id.clone())
                            .ok_or_else(|| not_found("Student not enrolled in training"))?;
                        let id = d.next_id();
                        d.attendance.push(Attendance {
                            id,
                            enrollment: e,
                            user: uid,
                            lesson: c.lesson.clone(),
                            exam: c.exam.clone(),
                            class: Some(c.id.clone()),
                            value: false,
                            time: 0,
                            created: ctx.now,
                            remarks: String::new(),
                            measures: String::new(),
                            objectives: String::new(),
                        });
                        d.attendance.len() - 1
                    }
                }
            }
        };
        let a = &mut d.attendance[idx];
        a.value = value;
        a.time = if value { c.minutes as i64 * 60 } else { 0 };
        if let Some(n) = fields.get("notes") {
            a.remarks = n.clone();
        }
    }
    let out: Vec<Value> = d
        .attendance
        .iter()
        .filter(|a| a.class.as_deref() == Some(&c.id))
        .map(|a| json!({"TrainingSubjectAttendance": attendance_json(d, a)}))
        .collect();
    Ok(json!({"result": true, "attendances": out}))
}

fn sign_class(d: &mut Data, ctx: &Ctx, p: &Params, sign: bool) -> Res {
    let cid = p.req("classId").ok_or_else(|| bad("classId is required"))?;
    let pass = p
        .get("password")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("password is required"))?;
    let c = d
        .class(&cid)
        .cloned()
        .ok_or_else(|| not_found("Class not found"))?;
    if c.teacher != ctx.uid {
        return Err(forbidden("Only the class teacher can sign or unsign it"));
    }
    if d.user(ctx.uid).map(|u| u.password.as_str()) != Some(pass) {
        return Err(forbidden("Incorrect password"));
    }
    let cm = d
        .classes
        .iter_mut()
        .find(|x| x.id == cid)
        .ok_or_else(|| not_found("Class not found"))?;
    if sign {
        if cm.signed.is_some() {
            return Ok(json!({"result": false, "message": "The class is already signed"}));
        }
        if cm.datetime > ctx.now {
            return Err(bad("A class can only be signed once it has started"));
        }
        cm.signed = Some((ctx.now, ctx.uid));
        Ok(json!({"result": true, "message": "Class signed", "signed_at": dt(ctx.now)}))
    } else {
        if cm.signed.is_none() {
            return Ok(json!({"result": false, "message": "The class is not signed"}));
        }
        cm.signed = None;
        Ok(json!({"result": true, "message": "Signature removed"}))
    }
}

fn evaluation_target(
    d: &Data,
    ctx: &Ctx,
    class: &str,
    user: &str,
) -> Result<(Class, u32, String), (StatusCode, String)> {
    if class.is_empty() || user.is_empty() {
        return Err(bad("Missing url params"));
    }
    let uid: u32 = user.parse().map_err(|_| bad("Invalid url params"))?;
    let c = d
        .class(class)
        .cloned()
        .ok_or_else(|| not_found("Class not found"))?;
    let t = d
        .subject_training(&c.subject)
        .filter(|t| t.active)
        .ok_or_else(|| not_found("Training not found or inactive"))?;
    if !staff_of_class(d, ctx.uid, &c) && ctx.uid != uid {
        return Err(forbidden("You can not evaluate this student"));
    }
    Ok((c, uid, t.id.clone()))
}

fn evaluation_json(d: &Data, a: &Attendance) -> Value {
    let _ = d;
    json!({"TrainingSubjectAttendance": {"id": a.id, "remarks": a.remarks, "measures": a.measures,
            "objectives": a.objectives, "value": if a.value { 1 } else { 0 }, "time": a.time / 60}})
}

fn get_evaluation(d: &mut Data, ctx: &Ctx, class: &str, user: &str) -> Res {
    let (c, uid, training) = evaluation_target(d, ctx, class, user)?;
    if let Some(a) = d
        .attendance
        .iter()
        .find(|a| a.user == uid && a.class.as_deref() == Some(&c.id))
    {
        return Ok(json!({"attendanceRecord": evaluation_json(d, a)}));
    }
    let e = d
        .enrollments
        .iter()
        .find(|e| e.user == uid && e.training == training)
        .map(|e| e.id.clone())
        .ok_or_else(|| not_found("Student not enrolled in training"))?;
    let id = d.next_id();
    let a = Attendance {
        id,
        enrollment: e,
        user: uid,
        lesson: c.lesson.clone(),
        exam: c.exam.clone(),
        class: Some(c.id.clone()),
        value: false,
        time: 0,
        created: ctx.now,
        remarks: String::new(),
        measures: String::new(),
        objectives: String::new(),
    };
    let v = evaluation_json(d, &a);
    d.attendance.push(a);
    Ok(json!({"attendanceRecord": v}))
}

fn save_evaluation(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    if p.pairs.is_empty() {
        return Err(bad("No data received"));
    }
    let (Some(class), Some(student)) = (p.req("class_id"), p.req("student_id")) else {
        return Err(bad("Missing POST params"));
    };
    let uid: u32 = student.parse().map_err(|_| bad("Invalid POST params"))?;
    let c = d
        .class(&class)
        .cloned()
        .ok_or_else(|| not_found("Class not found"))?;
    if d.subject_training(&c.subject)
        .filter(|t| t.active)
        .is_none()
    {
        return Err(not_found("Training not found or inactive"));
    }
    if !staff_of_class(d, ctx.uid, &c) {
        return Err(forbidden("Only the teacher or a manager can evaluate"));
    }
    let a = d
        .attendance
        .iter_mut()
        .find(|a| a.user == uid && a.class.as_deref() == Some(&c.id))
        .ok_or_else(|| not_found("Attendance record not found"))?;
    if let Some(v) = p.get("remarks") {
        a.remarks = v.into();
    }
    if let Some(v) = p.get("measures") {
        a.measures = v.into();
    }
    if let Some(v) = p.get("objectives") {
        a.objectives = v.into();
        if !v.trim().is_empty() {
            a.value = true;
        }
    }
    Ok(
        json!({"result": true, "updateData": {"id": a.id, "modified": ctx.now, "remarks": a.remarks,
        "measures": a.measures, "objectives": a.objectives, "value": if a.value { 1 } else { 0 }}}),
    )
}

fn exam_available(d: &Data, x: &Exam) -> bool {
    let active = d.subject_training(&x.subject).is_some_and(|t| t.active);
    let pool = d.questions.iter().filter(|q| q.exam == x.id).count() as u32;
    active && pool >= x.questions
}

fn exam_index(d: &Data, ctx: &Ctx, named: &BTreeMap<String, String>) -> Res {
    let (kind, id) = if let Some(id) = named.get("subject") {
        ("subject", id)
    } else if let Some(id) = named.get("lesson") {
        ("lesson", id)
    } else {
        return Err(bad(
            "Type must be subject or lesson: /trainings/exams/index/{type}:{id}.json",
        ));
    };
    let group = d.user(ctx.uid).map(|u| u.group_id).unwrap_or(999);
    let exams: Vec<&Exam> = d
        .exams
        .iter()
        .filter(|x| match kind {
            "subject" => x.subject == *id && x.lesson.is_none(),
            _ => x.lesson.as_deref() == Some(id.as_str()),
        })
        .collect();
    if exams.is_empty() {
        return Err(not_found("No exam found"));
    }
    let out: Vec<Value> = exams
        .iter()
        .map(|x| {
            let mut e = exam_json(x);
            e["available"] = json!(exam_available(d, x));
            let s = d.subject(&x.subject);
            let lesson_name = x.lesson.as_deref().and_then(|l| d.lesson(l)).map(|l| l.name.clone());
            let mut row = json!({"TrainingSubjectExam": e});
            if group <= 150 {
                let qs: Vec<Value> = d
                    .questions
                    .iter()
                    .filter(|q| q.exam == x.id)
                    .map(|q| {
                        let mut v = json!({"id": q.id, "name": q.name,
                            "TrainingSubject": {"name": s.map(|s| s.name.clone()), "code": s.map(|s| s.code.clone())},
                            "TrainingSubjectLesson": {"name": lesson_name}});
                        if group <= MANAGER_MAX_GROUP {
                            v["TrainingQuestionOption"] = Value::Array(
                                q.options.iter().map(|o| json!({"id": o.0, "name": o.1, "value": o.2})).collect(),
                            );
                        }
                        v
                    })
                    .collect();
                row["TrainingQuestion"] = Value::Array(qs);
            }
            row
        })
        .collect();
    Ok(json!({"exams": out}))
}

fn own_enrollment<'a>(
    d: &'a Data,
    ctx: &Ctx,
    enr: &str,
) -> Result<&'a Enrollment, (StatusCode, String)> {
    let e = d
        .enrollment(enr)
        .ok_or_else(|| not_found("Enrollment not found"))?;
    if e.user != ctx.uid {
        return Err(forbidden("This enrollment belongs to another user"));
    }
    Ok(e)
}

fn exam_start(d: &mut Data, ctx: &Ctx, enr: &str, exam: &str) -> Res {
    let e = own_enrollment(d, ctx, enr)?.clone();
    let x = d
        .exam(exam)
        .cloned()
        .ok_or_else(|| not_found("Exam not found"))?;
    let t = d
        .subject_training(&x.subject)
        .cloned()
        .ok_or_else(|| not_found("Training not found"))?;
    if t.id != e.training {
        return Err(not_found("Exam not found in this training"));
    }
    let used: Vec<&Attempt> = d
        .attempts
        .iter()
        .filter(|a| a.enrollment == e.id && a.exam == x.id)
        .collect();
    let open = used
        .iter()
        .find(|a| a.finish.is_none())
        .map(|a| a.id.clone());
    let passed = used.iter().any(|a| a.passed);
    let left = x.attempts.saturating_sub(used.len() as u32);
    if !ctx.is_post {
        let mut atts: Vec<Value> = used.iter().map(|a| attempt_json(a)).collect();
        atts.reverse();
        return Ok(json!({
            "exam": exam_json(&x), "attempts": atts, "remainingAttempts": left,
            "passed": passed, "openAttempt": open,
            "canStart": open.is_some() || (left > 0 && !passed && t.active && !e.finished && exam_available(d, &x)),
            "enrollmentId": e.id,
        }));
    }
    if let Some(id) = open {
        return Ok(json!({"result": true, "message": "Exam already started", "attempt_id": id}));
    }
    if !t.active || e.finished {
        return Err(forbidden("The training is not active"));
    }
    if passed {
        return Err(forbidden("You have already passed this exam"));
    }
    if left == 0 {
        return Err(forbidden("No attempts left for this exam"));
    }
    if !exam_available(d, &x) {
        return Err(forbidden("This exam is not available"));
    }
    let mut pool: Vec<String> = d
        .questions
        .iter()
        .filter(|q| q.exam == x.id)
        .map(|q| q.id.clone())
        .collect();
    let rot = used.len() % pool.len().max(1);
    pool.rotate_left(rot);
    pool.truncate(x.questions as usize);
    let details: Vec<(String, String, Option<String>)> =
        pool.into_iter().map(|q| (d.next_id(), q, None)).collect();
    let id = d.next_id();
    d.attempts.push(Attempt {
        id: id.clone(),
        enrollment: e.id.clone(),
        exam: x.id.clone(),
        user: ctx.uid,
        start: ctx.now,
        finish: None,
        score: 0,
        passed: false,
        details,
    });
    Ok(json!({"result": true, "message": "Exam started", "attempt_id": id}))
}

fn own_attempt(d: &Data, ctx: &Ctx, att: &str) -> Result<usize, (StatusCode, String)> {
    let i = d
        .attempts
        .iter()
        .position(|a| a.id == att)
        .ok_or_else(|| not_found("Attempt not found"))?;
    if d.attempts[i].user != ctx.uid {
        return Err(forbidden("This attempt belongs to another user"));
    }
    Ok(i)
}

fn exam_do(d: &Data, ctx: &Ctx, att: &str) -> Res {
    let a = &d.attempts[own_attempt(d, ctx, att)?];
    if a.finish.is_some() {
        return Err(bad("This attempt is already finished"));
    }
    let x = d.exam(&a.exam).ok_or_else(|| not_found("Exam not found"))?;
    let ends = a.start + x.minutes as i64 * 60;
    let qs: Vec<Value> = a
        .details
        .iter()
        .map(|(did, qid, chosen)| {
            let q = d.questions.iter().find(|q| q.id == *qid);
            json!({
                "ExamAttemptDetail": {"id": did, "training_question_id": qid, "training_question_option_id": chosen},
                "TrainingQuestion": {"id": qid, "name": q.map(|q| q.name.clone()),
                    "TrainingQuestionOption": q.map(|q| q.options.iter().map(|o| json!({"id": o.0, "name": o.1})).collect::<Vec<_>>())},
            })
        })
        .collect();
    Ok(
        json!({"attempt": attempt_json(a), "exam": exam_json(x), "remaining_seconds": (ends - ctx.now).max(0), "questions": qs}),
    )
}

fn exam_answer(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    let (Some(did), Some(oid)) = (p.req("attemptDetailId"), p.req("questionOptionId")) else {
        return Err(bad("attemptDetailId and questionOptionId are required"));
    };
    let i = d
        .attempts
        .iter()
        .position(|a| a.details.iter().any(|x| x.0 == did))
        .ok_or_else(|| not_found("Attempt detail not found"))?;
    let a = &d.attempts[i];
    if a.user != ctx.uid {
        return Err(forbidden("This attempt belongs to another user"));
    }
    if a.finish.is_some() {
        return Err(bad("This attempt is already finished"));
    }
    let x = d.exam(&a.exam).ok_or_else(|| not_found("Exam not found"))?;
    if ctx.now > a.start + x.minutes as i64 * 60 {
        return Err(forbidden("The time for this exam is over"));
    }
    let qid = a
        .details
        .iter()
        .find(|x| x.0 == did)
        .map(|x| x.1.clone())
        .unwrap_or_default();
    if !d
        .questions
        .iter()
        .any(|q| q.id == qid && q.options.iter().any(|o| o.0 == oid))
    {
        return Err(bad("questionOptionId is not an option of this question"));
    }
    if let Some(det) = d.attempts[i].details.iter_mut().find(|x| x.0 == did) {
        det.2 = Some(oid.clone());
    }
    Ok(json!({"result": true, "attemptDetailId": did, "questionOptionId": oid}))
}

fn grade(d: &Data, a: &Attempt) -> (usize, usize) {
    let correct = a
        .details
        .iter()
        .filter(|(_, q, o)| {
            o.as_ref().is_some_and(|o| {
                d.questions
                    .iter()
                    .any(|qq| qq.id == *q && qq.options.iter().any(|x| x.0 == *o && x.2))
            })
        })
        .count();
    (correct, a.details.len())
}

fn exam_finish(d: &mut Data, ctx: &Ctx, att: &str) -> Res {
    let i = own_attempt(d, ctx, att)?;
    if d.attempts[i].finish.is_some() {
        return Err(bad("This attempt is already finished"));
    }
    let (correct, total) = grade(d, &d.attempts[i]);
    let x = d
        .exam(&d.attempts[i].exam)
        .cloned()
        .ok_or_else(|| not_found("Exam not found"))?;
    let score = (correct * 100).checked_div(total).unwrap_or(0) as u32;
    let passed = score >= x.score;
    let a = &mut d.attempts[i];
    a.finish = Some(ctx.now);
    a.score = score;
    a.passed = passed;
    let eid = a.enrollment.clone();
    // Auto-finish the enrolment once every theory item is done (distance trainings).
    if let Some(e) = d.enrollment(&eid).cloned() {
        let (_, _, done) = d.lessons_progress(&e, ctx.now);
        let t = d.training(&e.training).cloned();
        let flights_done = d.flight_progress(&e);
        if done && t.is_some_and(|t| t.kind == "DISTANCE") && flights_done.0 >= flights_done.1 {
            if let Some(e) = d.enrollments.iter_mut().find(|x| x.id == eid) {
                e.finished = true;
                e.finish_date = Some(ctx.now);
                e.modified = ctx.now;
            }
        }
    }
    Ok(
        json!({"result": true, "attempt_id": att, "score": score, "passed": passed,
              "correct": correct, "total": total, "pass_score": x.score}),
    )
}

fn exam_view(d: &Data, ctx: &Ctx, att: &str) -> Res {
    let i = d
        .attempts
        .iter()
        .position(|a| a.id == att)
        .ok_or_else(|| not_found("Attempt not found"))?;
    let a = &d.attempts[i];
    let me = d.user(ctx.uid).map(|u| u.group_id).unwrap_or(999);
    if a.user != ctx.uid && me > 170 {
        return Err(forbidden("This attempt belongs to another user"));
    }
    if a.finish.is_none() {
        return Err(bad("The exam is not finished yet"));
    }
    let x = d.exam(&a.exam).ok_or_else(|| not_found("Exam not found"))?;
    let (correct, total) = grade(d, a);
    let qs: Vec<Value> = a
        .details
        .iter()
        .map(|(did, qid, chosen)| {
            let q = d.questions.iter().find(|q| q.id == *qid);
            let opts: Vec<Value> = q
                .map(|q| {
                    q.options
                        .iter()
                        .map(|o| {
                            let mut v = json!({"id": o.0, "name": o.1});
                            if x.show_answers {
                                v["value"] = json!(o.2);
                            }
                            v
                        })
                        .collect()
                })
                .unwrap_or_default();
            let right = q.is_some_and(|q| chosen.as_ref().is_some_and(|c| q.options.iter().any(|o| o.0 == *c && o.2)));
            let mut det = json!({"id": did, "training_question_id": qid, "training_question_option_id": chosen});
            if x.show_answers {
                det["correct"] = json!(right);
            }
            json!({"ExamAttemptDetail": det, "TrainingQuestion": {"id": qid, "name": q.map(|q| q.name.clone()), "TrainingQuestionOption": opts}})
        })
        .collect();
    Ok(
        json!({"attempt": attempt_json(a), "exam": exam_json(x), "correct": correct, "total": total,
              "showAnswers": x.show_answers, "questions": qs}),
    )
}

fn students_list(d: &Data, ctx: &Ctx, named: &BTreeMap<String, String>) -> Res {
    let mut att_by: BTreeMap<&str, Vec<&Attendance>> = BTreeMap::new();
    for a in &d.attendance {
        att_by.entry(a.enrollment.as_str()).or_default().push(a);
    }
    let mut last_by: BTreeMap<&str, Ts> = BTreeMap::new();
    for m in &d.missions {
        let e = last_by.entry(m.enrollment.as_str()).or_insert(m.completed);
        *e = (*e).max(m.completed);
    }
    let f = |k: &str| {
        named
            .get(k)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let training = f("training");
    let finished = match f("finished").as_deref() {
        None => None,
        Some("1" | "true") => Some(true),
        Some("0" | "false") => Some(false),
        Some(_) => return Err(bad("finished must be 0 or 1")),
    };
    let group: Option<u32> = match f("group") {
        None => None,
        Some(g) => Some(
            g.parse()
                .map_err(|_| bad("group must be a user group id"))?,
        ),
    };
    let pg = match f("pilot_group") {
        None => None,
        Some(g) => Some(
            d.pilot_groups
                .iter()
                .find(|p| p.id == g)
                .ok_or_else(|| not_found("Pilot group not found"))?,
        ),
    };
    let search = f("username").map(|s| s.to_lowercase());
    let rows: Vec<Value> = d
        .enrollments
        .iter()
        .filter(|e| training.as_ref().is_none_or(|t| e.training == *t))
        .filter(|e| finished.is_none_or(|x| e.finished == x))
        .filter(|e| group.is_none_or(|g| d.user(e.user).is_some_and(|u| u.group_id == g)))
        .filter(|e| pg.is_none_or(|p| p.members.contains(&e.user)))
        .filter(|e| {
            search.as_ref().is_none_or(|s| {
                d.user(e.user).is_some_and(|u| {
                    format!("{} {} {}", u.name, u.surname, u.email).to_lowercase().contains(s.as_str())
                })
            })
        })
        .map(|e| {
            let u = d.user(e.user);
            let t = d.training(&e.training);
            let mine = att_by.get(e.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            let (total, completed, fin) = d.lessons_progress_in(e, ctx.now, mine);
            let last_flight = last_by.get(e.id.as_str()).copied();
            json!({
                "TrainingsUser": {"id": e.id, "training_id": e.training, "user_id": e.user.to_string(),
                    "supervisor_id": e.supervisor.map(|s| s.to_string()), "finished": e.finished,
                    "finish_before": e.finish_before.map(date), "created": date(e.created)},
                "User": {"id": e.user.to_string(), "email": u.map(|u| u.email.clone()), "user_group_id": u.map(|u| u.group_id.to_string()),
                    "UserDetail": user_detail(u), "UserGroup": {"name": u.map(|u| u.group_name)}},
                "Training": {"id": e.training, "name": t.map(|t| t.name.clone())},
                "Supervisor": e.supervisor.map(|s| person_json(d, s)),
                "Progress": {"total": total, "completed": completed, "finished": fin},
                "LastFlight": last_flight.map(dt),
            })
        })
        .collect();
    Ok(json!({"students": rows, "count": rows.len()}))
}

fn enroll(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    if p.pairs.is_empty() && p.json.is_none() {
        return Err(bad("Empty request body"));
    }
    let tid = p
        .req("training_id")
        .ok_or_else(|| bad("training_id is required"))?;
    let list = p
        .list("students")
        .ok_or_else(|| bad("students must be an array"))?;
    if list.iter().all(|s| s.trim().is_empty()) {
        return Err(not_found("students is empty"));
    }
    let t = d
        .training(&tid)
        .cloned()
        .ok_or_else(|| not_found("Training not found"))?;
    let supervisor = match p.opt("supervisor_id") {
        None => None,
        Some(s) => {
            let uid: u32 = s.parse().map_err(|_| bad("supervisor_id is not a user"))?;
            Some(
                d.user(uid)
                    .map(|u| u.uid)
                    .ok_or_else(|| bad("supervisor_id is not a user"))?,
            )
        }
    };
    let finish_before = p
        .opt("finish_before")
        .and_then(|s| s.parse::<f64>().ok().map(|v| v as i64))
        .filter(|v| *v != 0);
    // Expand pilot groups; keep first-seen order.
    let mut users: Vec<(u32, bool)> = vec![];
    for s in list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        if s.chars().all(|c| c.is_ascii_digit()) {
            let uid: u32 = s.parse().unwrap_or(0);
            if !users.iter().any(|(u, _)| *u == uid) {
                users.push((uid, d.user(uid).is_some_and(|u| u.active)));
            }
        } else if let Some(g) = d.pilot_groups.iter().find(|g| g.id == s) {
            for &m in &g.members {
                if !users.iter().any(|(u, _)| *u == m) {
                    users.push((m, d.user(m).is_some_and(|u| u.active)));
                }
            }
        }
    }
    let mut results = Map::new();
    for (uid, valid) in users {
        let prior: Vec<&Enrollment> = d
            .enrollments
            .iter()
            .filter(|e| e.user == uid && e.training == t.id)
            .collect();
        // Skip the already-enrolled, unless every prior enrolment is finished (re-take).
        if !prior.is_empty() && prior.iter().any(|e| !e.finished) {
            continue;
        }
        if !valid {
            results.insert(uid.to_string(), json!(false));
            continue;
        }
        let id = d.next_id();
        d.enrollments.push(Enrollment {
            id: id.clone(),
            training: t.id.clone(),
            user: uid,
            supervisor,
            created: ctx.now,
            modified: ctx.now,
            finish_before,
            finished: false,
            finish_date: None,
            notes: None,
        });
        results.insert(
            uid.to_string(),
            json!({"TrainingsUser": {"id": id, "training_id": t.id, "user_id": uid.to_string(),
                "supervisor_id": supervisor.map(|s| s.to_string()), "finish_before": finish_before}}),
        );
    }
    Ok(json!({"results": results}))
}

fn calendar(d: &Data, ctx: &Ctx, q: &Params) -> Res {
    let (Some(start), Some(end), Some(tz)) = (q.req("start"), q.req("end"), q.req("timeZone"))
    else {
        return Err(bad("start, end and timeZone are required"));
    };
    // Dates and naive times are in the asked zone, and so are the events' times.
    let tz: Tz = tz.trim().parse().map_err(|_| bad("Invalid timeZone"))?;
    let s = parse_time_in(&start, tz).ok_or_else(|| bad("Invalid start"))?;
    let mut e = parse_time_in(&end, tz).ok_or_else(|| bad("Invalid end"))?;
    if !end.contains(':') {
        // The whole last day, however long (23 or 25 hours on a DST change).
        let next = NaiveDate::parse_from_str(end.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.succ_opt())
            .and_then(|d| local_ts(d.and_hms_opt(0, 0, 0)?, tz));
        e = next.map_or(e + DAY - 1, |n| n - 1);
    }
    let training = q.opt("training");
    let mgr = d
        .user(ctx.uid)
        .is_some_and(|u| u.group_id <= MANAGER_MAX_GROUP);
    let events: Vec<Value> = d
        .classes
        .iter()
        .filter(|c| !c.deleted && c.datetime >= s && c.datetime <= e)
        .filter(|c| mgr || c.teacher == ctx.uid || c.students.contains(&ctx.uid))
        .filter(|c| training.as_ref().is_none_or(|t| d.subject(&c.subject).is_some_and(|s| s.training == *t)))
        .map(|c| {
            let l = c.lesson.as_deref().and_then(|l| d.lesson(l));
            let subj = d.subject(&c.subject);
            let t = subj.and_then(|s| d.training(&s.training));
            json!({
                "id": c.id, "title": l.map(|l| l.name.clone()).or(subj.map(|s| s.name.clone())),
                "start": iso(c.datetime, tz), "end": iso(c.datetime + c.minutes as i64 * 60, tz),
                "type": if c.exam.is_some() { "exam" } else { "class" },
                "color": t.map(|t| t.color.clone()), "training_id": t.map(|t| t.id.clone()),
                "teacher_id": c.teacher.to_string(), "url": format!("/trainings/onsite/class/{}", c.id),
            })
        })
        .collect();
    Ok(Value::Array(events))
}

fn certificate(d: &Data, ctx: &Ctx, enr: &str) -> Res {
    let e = d
        .enrollment(enr)
        .ok_or_else(|| not_found("Enrollment not found"))?;
    let mgr = d
        .user(ctx.uid)
        .is_some_and(|u| u.group_id <= MANAGER_MAX_GROUP);
    if e.user != ctx.uid && !mgr {
        return Err(forbidden("You can not view this certificate"));
    }
    if !e.finished {
        return Err(not_found("Training not finished yet"));
    }
    let t = d
        .training(&e.training)
        .ok_or_else(|| not_found("Training not found"))?;
    let m = t.manager.and_then(|m| d.user(m));
    Ok(json!({"certificate": {
        "TrainingsUser": {"id": e.id, "finished": true, "finish_date": e.finish_date.map(date),
            "validity": t.validity.zip(e.finish_date).map(|(v, f)| date(f + v * DAY))},
        "Training": {"id": t.id, "name": t.name, "type": t.kind,
            "Manager": m.map(|m| json!({"id": m.uid.to_string(), "UserGroup": {"name": m.group_name},
                "UserDetail": {"name": m.name, "surname": m.surname, "signature": format!("{} {}", m.name, m.surname)}}))},
        "User": person_json(d, e.user),
    }}))
}

fn edit_location(d: &mut Data, p: &Params) -> Res {
    let name = p.req("name").ok_or_else(|| bad("name is required"))?;
    let kind = p.req("type").ok_or_else(|| bad("type is required"))?;
    let country = p
        .req("country_id")
        .ok_or_else(|| bad("country_id is required"))?;
    let tz = p
        .req("timezone_id")
        .ok_or_else(|| bad("timezone_id is required"))?;
    let fill = |l: &mut Loc| {
        l.name = name.clone();
        l.kind = kind.clone();
        l.country_id = country.clone();
        l.timezone_id = tz.clone();
        if let Some(v) = p.get("phone") {
            l.phone = v.into();
        }
        if let Some(v) = p.get("address") {
            l.address = v.into();
        }
        if let Some(v) = p.get("description") {
            l.description = v.into();
        }
    };
    match p.opt("id") {
        Some(id) => {
            let l = d
                .locations
                .iter_mut()
                .find(|l| l.id == id)
                .ok_or_else(|| not_found("Location not found"))?;
            fill(l);
            Ok(json!({"result": true, "id": id, "message": "Location saved"}))
        }
        None => {
            let id = d.next_id();
            let mut l = Loc {
                id: id.clone(),
                name: String::new(),
                kind: String::new(),
                phone: String::new(),
                address: String::new(),
                country_id: String::new(),
                timezone_id: String::new(),
                description: String::new(),
            };
            fill(&mut l);
            d.locations.push(l);
            Ok(json!({"result": true, "id": id, "message": "Location saved"}))
        }
    }
}

fn unsigned_missions(d: &Data, ctx: &Ctx) -> Res {
    let out: Vec<Value> = d
        .missions
        .iter()
        .filter(|m| m.user == ctx.uid && m.signed.is_none())
        .filter_map(|m| {
            let e = d.enrollment(&m.enrollment)?;
            let t = d.training(&e.training).filter(|t| t.active && t.require_sig)?;
            let tf = d.tflights.iter().find(|x| x.id == m.tflight)?;
            Some(json!({
                "UserTrainingFlight": {"id": m.id, "training_flight_id": m.tflight, "flight_id": m.flight_uuid,
                    "completed": dt(m.completed), "time": m.time.to_string(), "aircraft": m.aircraft, "simulator": m.simulator},
                "TrainingFlight": {"id": tf.id, "name": tf.name, "order": tf.order.to_string(),
                    "Training": {"id": t.id, "name": t.name, "active": t.active, "start": t.start.map(date),
                        "end": t.end.map(date), "require_debriefing_signature": t.require_sig}},
            }))
        })
        .collect();
    Ok(json!({"missions": out}))
}

fn sign_mission(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    let id = p
        .req("user_training_flight_id")
        .ok_or_else(|| bad("user_training_flight_id is required"))?;
    let pass = p
        .get("pass")
        .filter(|s| !s.is_empty())
        .ok_or_else(|| bad("pass is required"))?;
    let i = d
        .missions
        .iter()
        .position(|m| m.id == id)
        .ok_or_else(|| not_found("Mission not found"))?;
    let m = d.missions[i].clone();
    if m.user != ctx.uid {
        return Err(forbidden(
            "Only the student who flew the mission can sign it",
        ));
    }
    if d.user(ctx.uid).map(|u| u.password.as_str()) != Some(pass) {
        return Err(forbidden("Incorrect password"));
    }
    let e = d
        .enrollment(&m.enrollment)
        .ok_or_else(|| not_found("Enrollment not found"))?;
    let t = d
        .training(&e.training)
        .ok_or_else(|| not_found("Training not found"))?;
    if !t.active {
        return Err(forbidden("The training is not active"));
    }
    let today = ctx.now - ctx.now.rem_euclid(DAY);
    if t.start.is_some_and(|s| today < s) || t.end.is_some_and(|end| today > end) {
        return Err(forbidden("The training is outside its start and end dates"));
    }
    if m.signed.is_some() {
        return Ok(json!({"update": false}));
    }
    d.missions[i].signed = Some(ctx.now);
    Ok(json!({"update": true}))
}

fn create_training(d: &mut Data, ctx: &Ctx, p: &Params) -> Res {
    let name = p.req("name").ok_or_else(|| bad("name is required"))?;
    let kind = p
        .req("type")
        .ok_or_else(|| bad("type is required"))?
        .to_ascii_uppercase();
    if !["DISTANCE", "ONSITE", "REMOTE"].contains(&kind.as_str()) {
        return Err(bad("type must be DISTANCE, ONSITE or REMOTE"));
    }
    let template = match p.opt("template_id") {
        None => None,
        Some(t) => Some(
            d.training(&t)
                .cloned()
                .ok_or_else(|| not_found("Template not found"))?,
        ),
    };
    let id = d.next_id();
    let theory = p
        .get("theory")
        .map(|v| truthy(Some(v)))
        .unwrap_or(template.as_ref().is_some_and(|t| t.theory));
    let flights = p
        .get("flights")
        .map(|v| truthy(Some(v)))
        .unwrap_or(template.as_ref().is_some_and(|t| t.flights));
    d.trainings.push(Training {
        id: id.clone(),
        name: name.clone(),
        kind: kind.clone(),
        active: true,
        theory,
        flights,
        competencies: truthy(p.get("competencies")),
        metrics: false,
        time_online: kind == "DISTANCE",
        start: None,
        end: None,
        color: COLORS[d.trainings.len() % COLORS.len()].into(),
        created: ctx.now,
        description: String::new(),
        require_sig: false,
        manager: Some(ctx.uid),
        validity: None,
    });
    if let Some(t) = template {
        let subs: Vec<Subject> = d.training_subjects(&t.id).into_iter().cloned().collect();
        for s in subs {
            let sid = d.next_id();
            let lessons: Vec<Lesson> = d
                .lessons
                .iter()
                .filter(|l| l.subject == s.id)
                .cloned()
                .collect();
            for mut l in lessons {
                l.id = d.next_id();
                l.subject = sid.clone();
                d.lessons.push(l);
            }
            d.subjects.push(Subject {
                id: sid,
                training: id.clone(),
                ..s
            });
        }
    }
    Ok(
        json!({"result": true, "id": id, "message": "Training created",
              "Training": {"id": id, "name": name, "type": kind, "theory": theory, "flights": flights}}),
    )
}

fn teaching_report(d: &Data, p: &Params) -> Res {
    let (Some(t), Some(from), Some(to)) = (p.req("training"), p.req("from"), p.req("to")) else {
        return Err(bad("training, from and to are required"));
    };
    let tr = d
        .training(&t)
        .ok_or_else(|| not_found("Training not found"))?;
    let f = parse_time(&from).ok_or_else(|| bad("Invalid from date"))?;
    let mut to_ts = parse_time(&to).ok_or_else(|| bad("Invalid to date"))?;
    if !to.contains(':') {
        to_ts += DAY - 1;
    }
    let mut per: BTreeMap<u32, (usize, u32)> = BTreeMap::new();
    for c in d
        .classes
        .iter()
        .filter(|c| !c.deleted && c.datetime >= f && c.datetime <= to_ts)
    {
        if d.subject(&c.subject).is_some_and(|s| s.training == tr.id) {
            let e = per.entry(c.teacher).or_default();
            e.0 += 1;
            e.1 += c.minutes;
        }
    }
    let rows: Vec<Value> = per
        .iter()
        .map(|(u, (n, m))| json!({"teacher": person_json(d, *u), "classes": n, "minutes": m, "hours": format!("{:.1}", *m as f64 / 60.0)}))
        .collect();
    Ok(
        json!({"report": rows, "training": {"id": tr.id, "name": tr.name}, "from": date(f), "to": date(to_ts)}),
    )
}

// ---------------------------------------------------------------------------------------------
// Framework hooks.

pub fn credentials(world: &World) -> Vec<Credential> {
    let pk = picks(world);
    let seed = world.seed;
    let person = |uid: u32| world.person(uid.wrapping_sub(1000));
    let mk = |role: &str, uid: u32, note: &str| {
        let email = if uid == API_USER_ID {
            "api@skyhaven.example".to_string()
        } else {
            person(uid).map(|p| p.email.clone()).unwrap_or_default()
        };
        let name = if uid == API_USER_ID {
            "FlightDesk Integration".to_string()
        } else {
            person(uid).map(|p| p.name()).unwrap_or_default()
        };
        let mut c = Credential::new(role, api_key(seed, uid))
            .with("auth", "Authorization: Bearer <token>")
            .with("user_id", uid.to_string())
            .with("name", name)
            .with("email", email)
            .with("password", password(seed, uid))
            .with("note", note);
        if let Some(p) = person(uid).filter(|_| uid != API_USER_ID) {
            let (g, _) = group_of(
                p.role,
                world
                    .people
                    .iter()
                    .find(|x| x.role == Role::Instructor)
                    .map(|x| x.id)
                    == Some(p.id),
            );
            c = c
                .with("user_group_id", g)
                .with("person_uuid", p.uuid.clone());
        }
        c
    };
    vec![
        mk(
            "student",
            pk.student,
            "enrolled student; signs mission debriefs with this password",
        ),
        mk(
            "instructor",
            pk.instructor,
            "class teacher; signs classes with this password",
        ),
        mk("manager", pk.manager, "user_group_id 100 (manager area)"),
        mk("student_2fa", pk.twofa, "login needs the 2FA code")
            .with("two_factor", "EMAIL")
            .with("two_factor_code", two_factor_code(seed, pk.twofa)),
        mk(
            "api_user",
            API_USER_ID,
            "dedicated API user: /trainings.json accepts user_id",
        ),
    ]
}

/// Keeps people and flights in step with the world once the trainings data exists (before
/// that, the first request derives everything from the current world anyway).
pub fn on_change(state: &AppState, change: Change) {
    let mut guard = state
        .providers
        .flylogs
        .data
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let Some(d) = guard.as_mut() else { return };
    let w = state.world();
    match change.kind {
        RecordKind::Person => d.sync_person(&w, change.id),
        RecordKind::Flight => d.sync_flight(&w, change.id),
        _ => {}
    }
}

/// Admin: deletes an enrolment (with its attendance, attempts and missions), as a school
/// that removes a student from a training does; `false` if there is none.
pub fn delete_enrollment(state: &AppState, id: &str) -> bool {
    with_data(state, |d| {
        let before = d.enrollments.len();
        d.enrollments.retain(|e| e.id != id);
        d.attendance.retain(|a| a.enrollment != id);
        d.attempts.retain(|a| a.enrollment != id);
        d.missions.retain(|m| m.enrollment != id);
        d.enrollments.len() != before
    })
}

/// Admin: deletes a training nobody is enrolled in; `false` if there is none (or it has
/// enrolments).
pub fn delete_training(state: &AppState, id: &str) -> bool {
    with_data(state, |d| {
        if d.enrollments.iter().any(|e| e.training == id) {
            return false;
        }
        let before = d.trainings.len();
        d.trainings.retain(|t| t.id != id);
        d.trainings.len() != before
    })
}

/// The enrolment ids of the user `uid`, newest first (the order `/trainings.json` pages).
pub fn enrollments_of(state: &AppState, uid: u32) -> Vec<String> {
    with_data(state, |d| {
        let mut rows: Vec<&Enrollment> = d.enrollments.iter().filter(|e| e.user == uid).collect();
        rows.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
        rows.iter().map(|e| e.id.clone()).collect()
    })
}

fn with_data<T>(state: &AppState, f: impl FnOnce(&mut Data) -> T) -> T {
    let mut guard = state
        .providers
        .flylogs
        .data
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let d = guard.get_or_insert_with(|| Data::generate(&state.world()));
    f(d)
}

/// Flylogs documents no webhooks.
pub fn trigger(_state: &AppState, _event: &str, _id: Option<u32>) -> Result<Vec<u64>, String> {
    Err("flylogs sends no webhooks".into())
}

pub fn truth(state: &AppState) -> Value {
    let mut guard = state
        .providers
        .flylogs
        .data
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        let w = state.world();
        *guard = Some(Data::generate(&w));
    }
    let d = guard.as_ref().expect("generated");
    json!({
        "picks": {"student": d.picks.student, "instructor": d.picks.instructor, "manager": d.picks.manager, "student_2fa": d.picks.twofa},
        "users": d.users.iter().map(|u| json!({"id": u.uid, "world_person": u.person, "name": format!("{} {}", u.name, u.surname), "email": u.email, "user_group_id": u.group_id, "api_user": u.api_user})).collect::<Vec<_>>(),
        "pilot_groups": d.pilot_groups.iter().map(|g| json!({"id": g.id, "name": g.name, "color": g.color, "members": g.members})).collect::<Vec<_>>(),
        "trainings": d.trainings.iter().map(|t| json!({"id": t.id, "name": t.name, "type": t.kind, "active": t.active})).collect::<Vec<_>>(),
        "enrollments": d.enrollments.len(),
        "subjects": d.subjects.len(),
        "lessons": d.lessons.len(),
        "exams": d.exams.len(),
        "classes": d.classes.iter().filter(|c| !c.deleted).count(),
        "missions": d.missions.len(),
        "simulator_missions": d.missions.iter().filter(|m| m.simulator).map(|m| json!({"id": m.id, "flight_id": m.flight_uuid, "aircraft": m.aircraft, "user_id": m.user})).take(20).collect::<Vec<_>>(),
        "unsigned_missions": d.missions.iter().filter(|m| m.signed.is_none()).count(),
        // Lessons whose slides a student completed (attendance rows outside any class).
        "completed_lessons": d.attendance.iter().filter(|a| a.class.is_none() && a.value && a.lesson.is_some())
            .map(|a| json!({"enrollment": a.enrollment, "lesson": a.lesson, "seconds": a.time})).collect::<Vec<_>>(),
        "attempts": d.attempts.iter().map(|a| json!({"id": a.id, "user_id": a.user, "enrollment": a.enrollment, "exam": a.exam,
            "finished": a.finish.is_some(), "score": a.score, "passed": a.passed,
            "answers": a.details.iter().map(|(detail, _, chosen)| json!({"detail": detail, "option": chosen})).collect::<Vec<_>>()})).collect::<Vec<_>>(),
    })
}
