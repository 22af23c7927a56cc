//! The Flylogs connector over real HTTP against the in-process sandbox: API-key and login
//! auth (with 2FA), pages of 30 and 50, both model revisions, faults, 401 versus 403. Under
//! every fault the pass yields exactly what a clean pass over the same world yields.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use flightdesk_connectors::flylogs::Flylogs;
use flightdesk_connectors::{
    AccountConfig, ClientOptions, Connector, ConnectorError, Http, Kind, Next, Position,
};
use flightdesk_sandbox::{start, FaultSpec, Provider, RunningSandbox, SandboxConfig};
use flightdesk_secrets::Secret;
use serde_json::{json, Value};

const NOW: &str = "2026-03-02T09:30:00Z";

async fn sandbox(faults: &str) -> RunningSandbox {
    start(SandboxConfig {
        now: Some(NOW.parse().unwrap()),
        faults: FaultSpec::parse(faults).unwrap(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

fn credential(sb: &RunningSandbox, role: &str) -> Value {
    sb.manifest()["flylogs"]["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == role)
        .unwrap()
        .clone()
}

struct Client {
    flylogs: Flylogs,
    http: Arc<Http>,
}

fn client_with(sb: &RunningSandbox, secret: &str, options: Value) -> Client {
    client_with_session(sb, secret, options, None)
}

/// A connector as a later process builds it: no login in memory, the session token the
/// keyring kept (if any).
fn client_with_session(
    sb: &RunningSandbox,
    secret: &str,
    options: Value,
    session: Option<Secret>,
) -> Client {
    let http = Arc::new(Http::new(ClientOptions::fast()).unwrap());
    let account = AccountConfig {
        name: "flylogs-test".into(),
        base_url: sb.base_url(Provider::Flylogs),
        credential: Secret::new(secret),
        options: options.as_object().cloned().unwrap_or_default(),
        session,
    };
    Client {
        flylogs: Flylogs::new(account, http.clone()),
        http,
    }
}

fn key_client(sb: &RunningSandbox, role: &str) -> Client {
    client_with(
        sb,
        credential(sb, role)["token"].as_str().unwrap(),
        json!({}),
    )
}

/// (kind, source id) → (normalized fields, raw).
type Cache = BTreeMap<(Kind, String), (Value, Value)>;

async fn pass(c: &Client) -> Result<Cache, ConnectorError> {
    let mut cache = Cache::new();
    let mut pos = Position::start();
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages < 10_000, "the pass never ends");
        let page = c.flylogs.fetch_page("trainings", &pos).await?;
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

async fn truth(sb: &RunningSandbox) -> Value {
    reqwest::get(format!("{}/truth/flylogs", sb.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn set_faults(sb: &RunningSandbox, spec: &str) {
    let r = reqwest::Client::new()
        .put(format!("{}/faults", sb.admin_url()))
        .json(&json!({ "spec": spec }))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success());
}

#[tokio::test]
async fn a_student_sync_reads_every_kind() {
    let sb = sandbox("").await;
    let c = key_client(&sb, "student");
    let cache = pass(&c).await.unwrap();
    let me = credential(&sb, "student")["user_id"]
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
    let t = truth(&sb).await;
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

async fn flylogs_post(sb: &RunningSandbox, token: &str, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url(Provider::Flylogs)))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

#[tokio::test]
async fn pages_of_30_and_50_are_followed() {
    let sb = sandbox("").await;
    let manager = credential(&sb, "manager")["token"]
        .as_str()
        .unwrap()
        .to_string();
    let student = credential(&sb, "student");
    let uid = student["user_id"].as_str().unwrap().to_string();
    // 52 more trainings (two manager pages), the student enrolled in 31 of them.
    for i in 0..52 {
        let t = flylogs_post(
            &sb,
            &manager,
            "/manager/trainings/trainings/create.json",
            json!({"name": format!("Paging test {i:02}"), "type": "ONSITE", "theory": false, "flights": false}),
        )
        .await;
        if i < 31 {
            flylogs_post(
                &sb,
                &manager,
                "/manager/trainings/students/enroll.json",
                json!({"training_id": t["id"], "students": [uid]}),
            )
            .await;
        }
    }
    let c = key_client(&sb, "student");
    let first = c.flylogs.get("/trainings/page:1.json", &[]).await.unwrap();
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
        .flylogs
        .get(&format!("/trainings/page:{}.json", pages + 1), &[])
        .await
        .unwrap_err();
    assert!(
        matches!(e, ConnectorError::Client { status: 404, .. }),
        "{e:?}"
    );
    // The manager's catalogue spans two pages of 50.
    let m = key_client(&sb, "manager");
    let cat = m.flylogs.get("/manager/trainings.json", &[]).await.unwrap();
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
    let cred = credential(&sb, "student");
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
    let e = wrong.flylogs.verify().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert!(!e.to_string().contains("not-the-password"));
    sb.shutdown().await;
}

#[tokio::test]
async fn two_factor_login_needs_the_code() {
    let sb = sandbox("").await;
    let cred = credential(&sb, "student_2fa");
    let without = client_with(
        &sb,
        cred["password"].as_str().unwrap(),
        json!({"email": cred["email"]}),
    );
    let e = without.flylogs.verify().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert!(e.to_string().contains("two-factor"), "{e}");
    let with = client_with(
        &sb,
        cred["password"].as_str().unwrap(),
        json!({"email": cred["email"], "code": cred["two_factor_code"]}),
    );
    let v = with.flylogs.verify().await.unwrap();
    assert_eq!(v.discovered["user_id"], cred["user_id"]);
    let cache = pass(&with).await.unwrap();
    assert!(!ids(&cache, Kind::Enrolments).is_empty());
    sb.shutdown().await;
}

#[tokio::test]
async fn a_two_factor_session_outlives_the_code_until_it_expires() {
    let sb = sandbox("").await;
    let cred = credential(&sb, "student_2fa");
    let password = cred["password"].as_str().unwrap();
    // Connecting: one login with the code.
    let first = client_with(
        &sb,
        password,
        json!({"email": cred["email"], "code": cred["two_factor_code"]}),
    );
    let v = first.flylogs.verify().await.unwrap();
    assert_eq!(v.discovered["two_factor"], "EMAIL");
    let session = first.flylogs.session_token().expect("a session token");
    // A later process: no code, the kept session token. No login happens.
    let later_options = json!({"email": cred["email"], "two_factor": "EMAIL"});
    let later = client_with_session(&sb, password, later_options.clone(), Some(session.clone()));
    let cache = pass(&later).await.unwrap();
    assert!(!ids(&cache, Kind::Enrolments).is_empty());
    assert_eq!(later.flylogs.session_token(), Some(session.clone()));
    // A key account has no session to keep.
    assert!(key_client(&sb, "student").flylogs.session_token().is_none());
    // 15 idle days later the session is gone, and only a fresh code can replace it.
    reqwest::Client::new()
        .post(format!("{}/clock/advance", sb.admin_url()))
        .json(&json!({"duration": "15d"}))
        .send()
        .await
        .unwrap();
    let expired = client_with_session(&sb, password, later_options, Some(session));
    let before = expired.http.requests_sent();
    let e = pass(&expired).await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert!(
        e.to_string().contains("reconnect it with a fresh code"),
        "{e}"
    );
    assert!(!e.to_string().contains(password));
    // One rejected request, and no login attempt (it would only mail the user a code).
    assert_eq!(expired.http.requests_sent() - before, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_rejected_session_without_two_factor_logs_in_with_the_password() {
    let sb = sandbox("").await;
    let cred = credential(&sb, "instructor");
    let password = cred["password"].as_str().unwrap();
    let first = client_with(&sb, password, json!({"email": cred["email"]}));
    first.flylogs.verify().await.unwrap();
    let old = first.flylogs.session_token().unwrap();
    // Kept session token, then a login elsewhere invalidates it.
    reqwest::Client::new()
        .post(format!("{}/login.json", sb.base_url(Provider::Flylogs)))
        .json(&json!({"email": cred["email"], "password": cred["password"]}))
        .send()
        .await
        .unwrap();
    let later = client_with_session(
        &sb,
        password,
        json!({"email": cred["email"], "two_factor": "OFF"}),
        Some(old.clone()),
    );
    later.flylogs.verify().await.unwrap();
    let new = later.flylogs.session_token().unwrap();
    assert_ne!(new, old, "a new session token to keep");
    sb.shutdown().await;
}

#[tokio::test]
async fn an_expired_session_logs_in_again() {
    let sb = sandbox("").await;
    let cred = credential(&sb, "instructor");
    let c = client_with(
        &sb,
        cred["password"].as_str().unwrap(),
        json!({"email": cred["email"]}),
    );
    c.flylogs.verify().await.unwrap();
    // Another login elsewhere invalidates this connector's session token.
    reqwest::Client::new()
        .post(format!("{}/login.json", sb.base_url(Provider::Flylogs)))
        .json(&json!({"email": cred["email"], "password": cred["password"]}))
        .send()
        .await
        .unwrap();
    c.flylogs.verify().await.unwrap();
    sb.shutdown().await;
}

#[tokio::test]
async fn unauthorized_versus_forbidden() {
    let sb = sandbox("").await;
    // 403: a valid student key in the manager area.
    let student = key_client(&sb, "student");
    let e = student
        .flylogs
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
        assert!(m.http.requests_sent() > 3);
        sb.shutdown().await;
    }
}
