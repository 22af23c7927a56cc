//! The Flylogs connector over real HTTP against the in-process sandbox: API-key and login
//! auth (with 2FA), pages of 30 and 50, both model revisions, faults, 401 versus 403. Under
//! every fault the pass yields exactly what a clean pass over the same world yields.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{admin, base_url, credential, sandbox, set_faults, token, truth};
use flightdesk_connectors::flylogs::Flylogs;
use flightdesk_connectors::{Connector, ConnectorError, Kind, Next, Position, Provider as P};
use flightdesk_sandbox::RunningSandbox;
use flightdesk_secrets::Secret;
use reqwest::Method;
use serde_json::{json, Value};

fn client_with(sb: &RunningSandbox, secret: &str, options: Value) -> Flylogs {
    client_with_session(sb, secret, options, None)
}

/// A connector as a later process builds it: no login in memory, the session token the
/// keyring kept (if any).
fn client_with_session(
    sb: &RunningSandbox,
    secret: &str,
    options: Value,
    session: Option<Secret>,
) -> Flylogs {
    common::connector(sb, "flylogs-test", secret, options, session)
}

fn key_client(sb: &RunningSandbox, role: &str) -> Flylogs {
    client_with(sb, &token(sb, P::Flylogs, role), json!({}))
}

/// (kind, source id) → (normalized fields, raw).
type Cache = BTreeMap<(Kind, String), (Value, Value)>;

async fn pass(c: &Flylogs) -> Result<Cache, ConnectorError> {
    let mut cache = Cache::new();
    let mut pos = Position::start();
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages < 10_000, "the pass never ends");
        let page = c.fetch_page("trainings", &pos).await?;
        for r in page.records {
            assert!(!r.removed);
            cache.insert(
                (r.kind(), r.source_id.clone()),
                (Value::Object(r.data.fields()), r.raw),
            );
        }
        match page.next {
            Next::More(p) => pos = p,
            Next::Done(p) => {
                assert!(p.decode::<Value>().is_some());
                return Ok(cache);
            }
            other => panic!("flylogs never asks for {other:?}"),
        }
    }
}

fn ids(cache: &Cache, kind: Kind) -> BTreeSet<String> {
    cache
        .keys()
        .filter(|(k, _)| *k == kind)
        .map(|(_, id)| id.clone())
        .collect()
}

#[tokio::test]
async fn a_student_sync_reads_every_kind() {
    let sb = sandbox("").await;
    let c = key_client(&sb, "student");
    let cache = pass(&c).await.unwrap();
    let me = credential(&sb, P::Flylogs, "student")["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    for kind in [
        Kind::Trainings,
        Kind::Enrolments,
        Kind::Subjects,
        Kind::Lessons,
        Kind::Exams,
        Kind::Missions,
        Kind::Classes,
    ] {
        assert!(!ids(&cache, kind).is_empty(), "no {kind}");
    }
    // Enrolments are the student's own.
    let enrolments: Vec<&Value> = cache
        .iter()
        .filter(|((k, id), _)| *k == Kind::Enrolments && !id.starts_with("attendance:"))
        .map(|(_, (f, _))| f)
        .collect();
    assert!(enrolments.len() >= 3);
    assert!(enrolments.iter().all(|f| f["person_id"] == me.as_str()));
    // Attendance and exam attempts are there, keyed apart from their parents.
    assert!(ids(&cache, Kind::Enrolments)
        .iter()
        .any(|i| i.starts_with("attendance:")));
    // Missions carry their signature state; the student has unsigned debriefs.
    let states: BTreeSet<String> = cache
        .iter()
        .filter(|((k, _), _)| *k == Kind::Missions)
        .map(|(_, (f, _))| f["signature_state"].as_str().unwrap().to_string())
        .collect();
    assert!(states.contains("unsigned"), "{states:?}");
    // Raw JSON keeps the seed revision's model names.
    assert!(cache
        .iter()
        .any(|((k, _), (_, raw))| *k == Kind::Classes && raw.get("LessonClass").is_some()));
    // Students never touch the manager area.
    sb.shutdown().await;
}

#[tokio::test]
async fn a_manager_sees_every_training_in_pages_of_50() {
    let sb = sandbox("").await;
    let c = key_client(&sb, "manager");
    let cache = pass(&c).await.unwrap();
    let t = truth(&sb, P::Flylogs).await;
    let all: BTreeSet<String> = t["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids(&cache, Kind::Trainings).is_superset(&all));
    assert_eq!(ids(&cache, Kind::Trainings).len(), all.len());
    // Every enrolment of the company, and every student's flight missions.
    let enrolments = ids(&cache, Kind::Enrolments)
        .into_iter()
        .filter(|i| !i.starts_with("attendance:"))
        .count();
    assert_eq!(enrolments as u64, t["enrollments"].as_u64().unwrap());
    assert_eq!(
        ids(&cache, Kind::Missions).len() as u64,
        t["missions"].as_u64().unwrap()
    );
    assert_eq!(
        ids(&cache, Kind::Classes).len() as u64,
        t["classes"].as_u64().unwrap()
    );
    assert_eq!(
        ids(&cache, Kind::Subjects).len() as u64,
        t["subjects"].as_u64().unwrap()
    );
    assert_eq!(
        ids(&cache, Kind::Lessons).len() as u64,
        t["lessons"].as_u64().unwrap()
    );
    sb.shutdown().await;
}

/// Posts to the Flylogs API (as `token` when given); asserts success, returns the answer.
async fn flylogs_post(sb: &RunningSandbox, token: Option<&str>, path: &str, body: Value) -> Value {
    let mut r = reqwest::Client::new().post(format!("{}{path}", base_url(sb, P::Flylogs)));
    if let Some(token) = token {
        r = r.bearer_auth(token);
    }
    let r = r.json(&body).send().await.unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// A login with `cred`'s password elsewhere, which invalidates the sessions before it.
async fn login_elsewhere(sb: &RunningSandbox, cred: &Value) {
    let body = json!({"email": cred["email"], "password": cred["password"]});
    flylogs_post(sb, None, "/login.json", body).await;
}

#[tokio::test]
async fn pages_of_30_and_50_are_followed() {
    let sb = sandbox("").await;
    let manager = token(&sb, P::Flylogs, "manager");
    let student = credential(&sb, P::Flylogs, "student");
    let uid = student["user_id"].as_str().unwrap().to_string();
    // 52 more trainings (two manager pages), the student enrolled in 31 of them.
    for i in 0..52 {
        let t = flylogs_post(
            &sb,
            Some(&manager),
            "/manager/trainings/trainings/create.json",
            json!({"name": format!("Paging test {i:02}"), "type": "ONSITE", "theory": false, "flights": false}),
        )
        .await;
        if i < 31 {
            flylogs_post(
                &sb,
                Some(&manager),
                "/manager/trainings/students/enroll.json",
                json!({"training_id": t["id"], "students": [uid]}),
            )
            .await;
        }
    }
    let c = key_client(&sb, "student");
    let first = c.get("/trainings/page:1.json", &[]).await.unwrap();
    assert_eq!(first["paginate"]["limit"], 30);
    let count = first["paginate"]["count"].as_u64().unwrap() as usize;
    assert!(count > 30, "{count}");
    let cache = pass(&c).await.unwrap();
    let enrolments = ids(&cache, Kind::Enrolments)
        .into_iter()
        .filter(|i| !i.starts_with("attendance:"))
        .count();
    assert_eq!(enrolments, count);
    // A page past the end is a 404, not data.
    let pages = first["paginate"]["pageCount"].as_u64().unwrap();
    let e = c
        .get(&format!("/trainings/page:{}.json", pages + 1), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(e, ConnectorError::Client { status: 404, .. }),
        "{e:?}"
    );
    // The manager's catalogue spans two pages of 50.
    let m = key_client(&sb, "manager");
    let cat = m.get("/manager/trainings.json", &[]).await.unwrap();
    assert_eq!(cat["paginate"]["limit"], 50);
    let total = cat["paginate"]["count"].as_u64().unwrap() as usize;
    assert!(total > 50);
    let cache = pass(&m).await.unwrap();
    assert_eq!(ids(&cache, Kind::Trainings).len(), total);
    sb.shutdown().await;
}

#[tokio::test]
async fn login_with_password_matches_the_api_key() {
    let sb = sandbox("").await;
    let cred = credential(&sb, P::Flylogs, "student");
    let by_key = pass(&key_client(&sb, "student")).await.unwrap();
    let by_login = pass(&client_with(
        &sb,
        cred["password"].as_str().unwrap(),
        json!({"email": cred["email"]}),
    ))
    .await
    .unwrap();
    assert_eq!(by_key, by_login);
    // A wrong password is unauthorized, and says nothing of the password.
    let wrong = client_with(&sb, "not-the-password", json!({"email": cred["email"]}));
    let e = wrong.verify().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert!(!e.to_string().contains("not-the-password"));
    sb.shutdown().await;
}

#[tokio::test]
async fn two_factor_login_needs_the_code() {
    let sb = sandbox("").await;
    let cred = credential(&sb, P::Flylogs, "student_2fa");
    let without = client_with(
        &sb,
        cred["password"].as_str().unwrap(),
        json!({"email": cred["email"]}),
    );
    let e = without.verify().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert!(e.to_string().contains("two-factor"), "{e}");
    let with = client_with(
        &sb,
        cred["password"].as_str().unwrap(),
        json!({"email": cred["email"], "code": cred["two_factor_code"]}),
    );
    let v = with.verify().await.unwrap();
    assert_eq!(v.discovered["user_id"], cred["user_id"]);
    let cache = pass(&with).await.unwrap();
    assert!(!ids(&cache, Kind::Enrolments).is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_two_factor_session_outlives_the_code_until_it_expires() {
    let sb = sandbox("").await;
    let cred = credential(&sb, P::Flylogs, "student_2fa");
    let password = cred["password"].as_str().unwrap();
    // Connecting: one login with the code.
    let first = client_with(
        &sb,
        password,
        json!({"email": cred["email"], "code": cred["two_factor_code"]}),
    );
    let v = first.verify().await.unwrap();
    assert_eq!(v.discovered["two_factor"], "EMAIL");
    let session = first.session_token().expect("a session token");
    // A later process: no code, the kept session token. No login happens.
    let later_options = json!({"email": cred["email"], "two_factor": "EMAIL"});
    let later = client_with_session(&sb, password, later_options.clone(), Some(session.clone()));
    let cache = pass(&later).await.unwrap();
    assert!(!ids(&cache, Kind::Enrolments).is_empty());
    assert_eq!(later.session_token(), Some(session.clone()));
    // A key account has no session to keep.
    assert!(key_client(&sb, "student").session_token().is_none());
    // 15 idle days later the session is gone, and only a fresh code can replace it.
    admin(
        &sb,
        Method::POST,
        "/clock/advance",
        json!({"duration": "15d"}),
    )
    .await;
    let expired = client_with_session(&sb, password, later_options, Some(session));
    let before = expired.requests_sent();
    let e = pass(&expired).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert!(
        e.to_string().contains("reconnect it with a fresh code"),
        "{e}"
    );
    assert!(!e.to_string().contains(password));
    // One rejected request, and no login attempt (it would only mail the user a code).
    assert_eq!(expired.requests_sent() - before, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_rejected_session_without_two_factor_logs_in_with_the_password() {
    let sb = sandbox("").await;
    let cred = credential(&sb, P::Flylogs, "instructor");
    let password = cred["password"].as_str().unwrap();
    let first = client_with(&sb, password, json!({"email": cred["email"]}));
    first.verify().await.unwrap();
    let old = first.session_token().unwrap();
    // Kept session token, then a login elsewhere invalidates it.
    login_elsewhere(&sb, &cred).await;
    let later = client_with_session(
        &sb,
        password,
        json!({"email": cred["email"], "two_factor": "OFF"}),
        Some(old.clone()),
    );
    later.verify().await.unwrap();
    let new = later.session_token().unwrap();
    assert_ne!(new, old, "a new session token to keep");
    sb.shutdown().await;
}

#[tokio::test]
async fn an_expired_session_logs_in_again() {
    let sb = sandbox("").await;
    let cred = credential(&sb, P::Flylogs, "instructor");
    let c = client_with(
        &sb,
        cred["password"].as_str().unwrap(),
        json!({"email": cred["email"]}),
    );
    c.verify().await.unwrap();
    // Another login elsewhere invalidates this connector's session token.
    login_elsewhere(&sb, &cred).await;
    c.verify().await.unwrap();
    sb.shutdown().await;
}

#[tokio::test]
async fn unauthorized_versus_forbidden() {
    let sb = sandbox("").await;
    // 403: a valid student key in the manager area.
    let student = key_client(&sb, "student");
    let e = student
        .get("/manager/trainings.json", &[])
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectorError::Forbidden { .. }), "{e:?}");
    // ... which does not stop the student's own sync.
    assert!(pass(&student).await.is_ok());
    // 401: a bad key stops it.
    let bad = client_with(&sb, "flk_revoked", json!({}));
    let e = pass(&bad).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    // 401 for every credential when the sandbox expires them.
    set_faults(&sb, "flylogs:expired=1").await;
    let e = pass(&key_client(&sb, "manager")).await.unwrap_err();
    assert_eq!(e.code(), "unauthorized");
    sb.shutdown().await;
}

#[tokio::test]
async fn faults_lose_and_duplicate_nothing() {
    let clean = sandbox("").await;
    let baseline_student = pass(&key_client(&clean, "student")).await.unwrap();
    let baseline_manager = pass(&key_client(&clean, "manager")).await.unwrap();
    clean.shutdown().await;
    for spec in [
        "flylogs:5xx=0.3",
        "flylogs:truncated=0.3",
        "flylogs:malformed=0.3",
        "flylogs:429burst=4",
        "flylogs:slow=2ms",
        "flylogs:latency=10ms",
    ] {
        let sb = sandbox(spec).await;
        let s = pass(&key_client(&sb, "student"))
            .await
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(s, baseline_student, "{spec}: student");
        let m = key_client(&sb, "manager");
        let got = pass(&m).await.unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_eq!(got, baseline_manager, "{spec}: manager");
        assert!(m.requests_sent() > 3);
        sb.shutdown().await;
    }
}
