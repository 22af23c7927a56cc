//! Flylogs trainings over real HTTP: auth (API keys, session login, 2FA), paging, roles,
//! exams, classes, attendance, signatures, enrolment, missions and the rest of the seed.

use flightdesk_sandbox::{start, FaultSpec, Provider, RunningSandbox, SandboxConfig};
use serde_json::{json, Value};

fn cfg() -> SandboxConfig {
    SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        ..SandboxConfig::default()
    }
}

struct Fl {
    sb: RunningSandbox,
    c: reqwest::Client,
}

#[derive(Clone, Debug)]
struct Who {
    token: String,
    uid: String,
    email: String,
    password: String,
    code: Option<String>,
}

enum Body<'a> {
    None,
    Form(&'a [(&'a str, &'a str)]),
    Json(Value),
}

impl Fl {
    async fn new() -> Fl {
        Fl::with(cfg()).await
    }
    async fn with(c: SandboxConfig) -> Fl {
        Fl {
            sb: start(c).await.unwrap(),
            c: reqwest::Client::new(),
        }
    }
    fn who(&self, role: &str) -> Who {
        let m = self.sb.manifest();
        let c = m["flylogs"]["credentials"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["role"] == role)
            .unwrap_or_else(|| panic!("no {role}"))
            .clone();
        Who {
            token: c["token"].as_str().unwrap().into(),
            uid: c["user_id"].as_str().unwrap().into(),
            email: c["email"].as_str().unwrap().into(),
            password: c["password"].as_str().unwrap().into(),
            code: c["two_factor_code"].as_str().map(str::to_string),
        }
    }
    async fn req(&self, m: &str, path: &str, token: Option<&str>, body: Body<'_>) -> (u16, Value) {
        let url = format!("{}{path}", self.sb.base_url(Provider::Flylogs));
        let mut r = match m {
            "GET" => self.c.get(url),
            _ => self.c.post(url),
        };
        if let Some(t) = token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        r = match body {
            Body::None => r,
            Body::Form(f) => r.form(f),
            Body::Json(v) => r.json(&v),
        };
        let resp = r.send().await.unwrap();
        let st = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        let v = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (st, v)
    }
    async fn get(&self, path: &str, w: &Who) -> (u16, Value) {
        self.req("GET", path, Some(&w.token), Body::None).await
    }
    async fn form(&self, path: &str, w: &Who, f: &[(&str, &str)]) -> (u16, Value) {
        self.req("POST", path, Some(&w.token), Body::Form(f)).await
    }
    async fn json(&self, path: &str, w: &Who, v: Value) -> (u16, Value) {
        self.req("POST", path, Some(&w.token), Body::Json(v)).await
    }
    async fn advance(&self, d: &str) {
        let r = self
            .c
            .post(format!("{}/clock/advance", self.sb.admin_url()))
            .json(&json!({"duration": d}))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }
}

fn ok(r: &(u16, Value)) -> &Value {
    assert_eq!(r.0, 200, "{}", r.1);
    &r.1
}
fn status(r: &(u16, Value), s: u16) -> &Value {
    assert_eq!(r.0, s, "{}", r.1);
    if s >= 400 {
        assert!(r.1["message"].is_string(), "error body {}", r.1);
    }
    &r.1
}

#[tokio::test]
async fn api_keys_act_as_their_user() {
    let f = Fl::new().await;
    let r = f.req("GET", "/users/view.json", None, Body::None).await;
    status(&r, 401);
    let r = f
        .req("GET", "/trainings.json", Some("flk_nope"), Body::None)
        .await;
    assert_eq!(
        status(&r, 401)["message"],
        "Invalid, expired or revoked API key"
    );
    let r = f
        .req(
            "GET",
            "/trainings.json",
            Some("sessiontokenthatdoesnotexist"),
            Body::None,
        )
        .await;
    status(&r, 401);
    for (role, group) in [
        ("student", 200),
        ("instructor", 0),
        ("manager", 100),
        ("api_user", 110),
    ] {
        let w = f.who(role);
        assert!(w.token.starts_with("flk_"));
        let v = ok(&f.get("/users/view.json", &w).await).clone();
        assert_eq!(v["User"]["id"], w.uid.as_str(), "{role}");
        assert_eq!(v["User"]["email"], w.email.as_str());
        if group != 0 {
            assert_eq!(v["UserGroup"]["id"], group.to_string());
        } else {
            let g: u32 = v["UserGroup"]["id"].as_str().unwrap().parse().unwrap();
            assert!((136..=170).contains(&g), "instructors are not managers");
        }
    }
    // Unknown path and wrong method.
    let s = f.who("student");
    status(&f.get("/trainings/nothing/here.json", &s).await, 404);
    status(
        &f.form("/trainings/subjects/mine.json", &s, &[("a", "b")])
            .await,
        400,
    );
    status(&f.get("/trainings/missions/sign.json", &s).await, 400);
    f.sb.shutdown().await;
}

#[tokio::test]
async fn session_login_2fa_and_lifecycle() {
    let f = Fl::new().await;
    let s = f.who("student");
    // Wrong password, unknown email, missing fields.
    for body in [
        json!({"email": s.email, "password": "wrong"}),
        json!({"email": "nobody@example.com", "password": "x"}),
        json!({}),
    ] {
        let r = f.req("POST", "/login.json", None, Body::Json(body)).await;
        assert_eq!(r.0, 401);
        assert_eq!(r.1["response"]["result"], false);
        assert!(r.1["response"]["message"].is_string());
    }
    let r = f.req("GET", "/login.json", None, Body::None).await;
    status(&r, 400);
    // JSON login.
    let r = f
        .req(
            "POST",
            "/login.json",
            None,
            Body::Json(json!({"email": s.email, "password": s.password})),
        )
        .await;
    let v = ok(&r);
    assert_eq!(v["response"]["result"], true);
    assert_eq!(v["response"]["two_factor"], "OFF");
    assert_eq!(v["response"]["user_id"].to_string(), s.uid);
    let t1 = v["response"]["token"].as_str().unwrap().to_string();
    assert_eq!(t1.len(), 26);
    let me = Who {
        token: t1.clone(),
        ..s.clone()
    };
    assert_eq!(
        ok(&f.get("/users/view.json", &me).await)["User"]["id"],
        s.uid.as_str()
    );
    // A new (form) login invalidates the previous session token, not the API key.
    let r = f
        .req(
            "POST",
            "/login.json",
            None,
            Body::Form(&[
                ("email", &s.email.to_uppercase()),
                ("password", &s.password),
            ]),
        )
        .await;
    let t2 = ok(&r)["response"]["token"].as_str().unwrap().to_string();
    assert_ne!(t1, t2);
    status(&f.get("/users/view.json", &me).await, 401);
    let me2 = Who {
        token: t2.clone(),
        ..s.clone()
    };
    ok(&f.get("/users/view.json", &me2).await);
    ok(&f.get("/users/view.json", &s).await);
    // Logout destroys it.
    let r = f
        .req("POST", "/users/logout.json", Some(&t2), Body::None)
        .await;
    assert_eq!(r.0, 200);
    status(&f.get("/users/view.json", &me2).await, 401);
    // 2FA: first call asks for the code, a wrong code fails, the right one logs in.
    let z = f.who("student_2fa");
    let code = z.code.clone().unwrap();
    let r = f
        .req(
            "POST",
            "/login.json",
            None,
            Body::Json(json!({"email": z.email, "password": z.password})),
        )
        .await;
    let v = ok(&r);
    assert_eq!(v["response"]["result"], false);
    assert_eq!(v["response"]["two_factor"], "EMAIL");
    assert!(v["response"].get("token").is_none());
    let r = f
        .req(
            "POST",
            "/login.json",
            None,
            Body::Json(json!({"email": z.email, "password": z.password, "code": "000000x"})),
        )
        .await;
    assert_eq!(r.0, 401);
    let r = f
        .req(
            "POST",
            "/login.json",
            None,
            Body::Json(json!({"email": z.email, "password": z.password, "code": code})),
        )
        .await;
    let v = ok(&r);
    assert_eq!(v["response"]["result"], true);
    assert_eq!(v["response"]["two_factor"], "EMAIL");
    let zt = Who {
        token: v["response"]["token"].as_str().unwrap().into(),
        ..z.clone()
    };
    ok(&f.get("/users/view.json", &zt).await);
    // Sessions expire after 14 idle days; keys do not.
    f.advance("13d").await;
    ok(&f.get("/users/view.json", &zt).await);
    f.advance("15d").await;
    status(&f.get("/users/view.json", &zt).await, 401);
    ok(&f.get("/users/view.json", &z).await);
    f.sb.shutdown().await;
}

#[tokio::test]
async fn my_trainings_shape_and_api_user() {
    let f = Fl::new().await;
    let s = f.who("student");
    let v = ok(&f.get("/trainings.json", &s).await).clone();
    let rows = v["trainings"].as_array().unwrap();
    assert!(rows.len() >= 3);
    let mut saw_theory = false;
    let mut saw_flights = false;
    for r in rows {
        let t = &r["Training"];
        for k in [
            "id",
            "name",
            "type",
            "active",
            "training_id",
            "enrollment_id",
            "enrollment",
            "finished",
            "finish_date",
            "subjects_count",
            "theory",
            "flights",
        ] {
            assert!(t.get(k).is_some(), "{k} missing in {t}");
        }
        assert!(t["subjects_count"].is_u64());
        assert!(t.get("TrainingSubject").is_none());
        assert!(t.get("Progress").is_none());
        assert!(t.get("Phase").is_none() && t.get("LastFlight").is_none());
        assert!(["DISTANCE", "ONSITE", "REMOTE"].contains(&t["type"].as_str().unwrap()));
        assert!(t["enrollment"].as_str().unwrap().parse::<i64>().is_ok());
        assert!(t["finish_date"].is_i64());
        if t["theory"] == true {
            saw_theory = true;
            let l = &t["Lessons"];
            assert!(l["total"].is_u64() && l["completed"].is_u64() && l["finished"].is_boolean());
        } else {
            assert!(t.get("Lessons").is_none());
        }
        if t["flights"] == true {
            saw_flights = true;
            let p = &t["FlightProgress"];
            assert!(p["completed"].as_u64().unwrap() <= p["total"].as_u64().unwrap());
        } else {
            assert!(t.get("FlightProgress").is_none());
        }
    }
    assert!(saw_theory && saw_flights);
    assert!(v["myClasses"].is_array() && v["teacher"].is_array());
    let p = &v["paginate"];
    assert_eq!(p["page"], 1);
    assert_eq!(p["limit"], 30);
    assert_eq!(p["count"].as_u64().unwrap() as usize, rows.len());
    assert_eq!(p["nextPage"], false);
    assert_eq!(p["prevPage"], false);
    status(&f.get("/trainings/index/page:2.json", &s).await, 404);
    status(&f.get("/trainings/page:0.json", &s).await, 400);
    status(&f.get("/trainings/page:x.json", &s).await, 400);
    assert_eq!(
        ok(&f.get("/trainings/index/page:1.json", &s).await)["trainings"],
        v["trainings"]
    );
    // The instructor teaches subjects and has classes.
    let i = f.who("instructor");
    let iv = ok(&f.get("/trainings.json", &i).await).clone();
    assert!(
        !iv["teacher"].as_array().unwrap().is_empty()
            || !iv["myClasses"].as_array().unwrap().is_empty()
    );
    // user_id: ignored for ordinary users, honoured for the API user.
    let m = f.who("manager");
    let mine = ok(&f
        .get(&format!("/trainings/user_id:{}.json", s.uid), &m)
        .await)
    .clone();
    assert!(mine["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["Training"]["enrollment_id"] != rows[0]["Training"]["enrollment_id"]));
    let a = f.who("api_user");
    let theirs = ok(&f
        .get(&format!("/trainings/user_id:{}.json", s.uid), &a)
        .await)
    .clone();
    assert_eq!(theirs["trainings"], v["trainings"]);
    let theirs = ok(&f
        .get(&format!("/trainings.json?user_id={}", s.uid), &a)
        .await)
    .clone();
    assert_eq!(theirs["trainings"], v["trainings"]);
    status(&f.get("/trainings/user_id:424242.json", &a).await, 404);
    f.sb.shutdown().await;
}

#[tokio::test]
async fn paging_30_and_50_with_created_trainings() {
    let f = Fl::new().await;
    let m = f.who("manager");
    let s = f.who("student");
    let before = ok(&f.get("/manager/trainings.json", &m).await).clone();
    let n0 = before["paginate"]["count"].as_u64().unwrap() as usize;
    let names: Vec<&str> = before["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Training"]["name"].as_str().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "ordered by name asc");
    for t in before["trainings"].as_array().unwrap() {
        let t = &t["Training"];
        assert!(t["students_count"].is_u64() && t["subjects_count"].is_u64());
        assert!(t.get("Student").is_none() && t.get("TrainingSubject").is_none());
        for k in [
            "id",
            "name",
            "type",
            "active",
            "theory",
            "flights",
            "flights_count",
            "competencies",
            "metrics",
            "announcement",
            "start",
            "end",
            "color",
            "created",
        ] {
            assert!(t.get(k).is_some(), "{k}");
        }
    }
    let mine = ok(&f.get("/trainings.json", &s).await)["paginate"]["count"]
        .as_u64()
        .unwrap() as usize;
    // Create trainings until the manager list has 52 and the student has 31 enrolments.
    let extra = 52 - n0;
    for k in 0..extra {
        let name = format!("Z Created {k:02}");
        let v = ok(&f
            .form(
                "/manager/trainings/trainings/create.json",
                &m,
                &[("name", &name), ("type", "REMOTE"), ("theory", "1")],
            )
            .await)
        .clone();
        assert_eq!(v["result"], true);
        let id = v["id"].as_str().unwrap().to_string();
        if k < 31 - mine {
            let e = ok(&f
                .form(
                    "/manager/trainings/students/enroll.json",
                    &m,
                    &[("training_id", &id), ("students[]", &s.uid)],
                )
                .await)
            .clone();
            assert!(e["results"][s.uid.as_str()]["TrainingsUser"]["id"].is_string());
        }
    }
    let p1 = ok(&f.get("/manager/trainings.json", &m).await).clone();
    assert_eq!(p1["trainings"].as_array().unwrap().len(), 50);
    assert_eq!(p1["paginate"]["count"], 52);
    assert_eq!(p1["paginate"]["pageCount"], 2);
    assert_eq!(p1["paginate"]["nextPage"], true);
    let p2 = ok(&f.get("/manager/trainings/index/page:2.json", &m).await).clone();
    assert_eq!(p2["trainings"].as_array().unwrap().len(), 2);
    assert_eq!(p2["paginate"]["prevPage"], true);
    assert_eq!(p2["paginate"]["limit"], 50);
    let t1 = ok(&f.get("/trainings.json", &s).await).clone();
    assert_eq!(t1["trainings"].as_array().unwrap().len(), 30);
    assert_eq!(t1["paginate"]["count"], 31);
    let t2 = ok(&f.get("/trainings/page:2.json", &s).await).clone();
    assert_eq!(t2["trainings"].as_array().unwrap().len(), 1);
    // Roles: only user_group_id <= 135 reaches the manager area.
    status(&f.get("/manager/trainings.json", &s).await, 403);
    status(
        &f.get("/manager/trainings.json", &f.who("instructor")).await,
        403,
    );
    // Create validation.
    status(
        &f.form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[("name", "X")],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[("name", "X"), ("type", "ground")],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[("type", "ONSITE")],
        )
        .await,
        400,
    );
    let tpl = ok(&f
        .get("/manager/trainings/trainings/templates.json", &m)
        .await)
    .clone();
    let tid = tpl["templates"][0]["Training"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = ok(&f
        .form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[
                ("name", "From template"),
                ("type", "ONSITE"),
                ("template_id", &tid),
            ],
        )
        .await)
    .clone();
    status(
        &f.form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[("name", "X"), ("type", "ONSITE"), ("template_id", "nope")],
        )
        .await,
        404,
    );
    let _ = c;
    f.sb.shutdown().await;
}

async fn first_enrollment(f: &Fl, w: &Who, pred: impl Fn(&Value) -> bool) -> Value {
    let v = ok(&f.get("/trainings.json", w).await).clone();
    v["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["Training"].clone())
        .find(|t| pred(t))
        .expect("an enrolment")
}

#[tokio::test]
async fn training_and_subject_views() {
    let f = Fl::new().await;
    let s = f.who("student");
    let t = first_enrollment(&f, &s, |t| t["theory"] == true && t["type"] == "ONSITE").await;
    let eid = t["enrollment_id"].as_str().unwrap();
    let v = ok(&f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s)
        .await)
    .clone();
    let tr = &v["training"];
    assert_eq!(tr["TrainingsUser"]["id"], eid);
    assert_eq!(tr["TrainingsUser"]["user_id"], s.uid.as_str());
    assert_eq!(tr["Function"], "student");
    let subjects = tr["Training"]["TrainingSubject"].as_array().unwrap();
    assert_eq!(subjects.len() as u64, t["subjects_count"].as_u64().unwrap());
    assert!(
        subjects[0]["TrainingSubjectLesson"]
            .as_array()
            .unwrap()
            .len()
            >= 2
    );
    assert!(v["performedFlightTrainings"].is_array());
    // By training id too.
    let by_t = ok(&f
        .get(
            &format!(
                "/trainings/trainings/view/{}.json",
                t["training_id"].as_str().unwrap()
            ),
            &s,
        )
        .await)
    .clone();
    assert_eq!(
        by_t["training"]["TrainingsUser"]["training_id"],
        t["training_id"]
    );
    // Someone else's enrolment.
    let z = f.who("student_2fa");
    status(
        &f.get(&format!("/trainings/trainings/view/{eid}.json"), &z)
            .await,
        403,
    );
    status(&f.get("/trainings/trainings/view/nope.json", &s).await, 404);
    let m = f.who("manager");
    ok(&f
        .get(&format!("/manager/trainings/students/view/{eid}.json"), &m)
        .await);
    // Subjects.
    let mine = ok(&f.get("/trainings/subjects/mine.json", &s).await).clone();
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["Training"]["id"] == t["training_id"]));
    let sid = subjects[0]["id"].as_str().unwrap();
    let sv = ok(&f
        .get(&format!("/trainings/subjects/view/{eid}/{sid}.json"), &s)
        .await)
    .clone();
    assert_eq!(sv["subject"]["TrainingSubject"]["id"], sid);
    assert!(sv["subject"]["TrainingSubjectLesson"][0]["TrainingSubjectAttendance"].is_array());
    assert!(sv["subject"]["Progress"]["total"].is_u64());
    status(
        &f.get(&format!("/trainings/subjects/view/{eid}/{sid}.json"), &z)
            .await,
        403,
    );
    status(
        &f.get(&format!("/trainings/subjects/view/{eid}/nope.json"), &s)
            .await,
        404,
    );
    let mv = ok(&f
        .get(&format!("/manager/trainings/subjects/view/{sid}.json"), &m)
        .await)
    .clone();
    assert!(mv["subject"]["TrainingSubject"]["total_minutes"].is_u64());
    status(
        &f.get(&format!("/manager/trainings/subjects/view/{sid}.json"), &s)
            .await,
        403,
    );
    let la = ok(&f
        .get(&format!("/trainings/lessons/attendance/{sid}.json"), &s)
        .await)
    .clone();
    for l in la["lessons"].as_array().unwrap() {
        for a in l["TrainingSubjectAttendance"].as_array().unwrap() {
            assert_eq!(
                a["user_id"],
                s.uid.as_str(),
                "a student sees only their own rows"
            );
        }
    }
    f.sb.shutdown().await;
}

#[tokio::test]
async fn distance_lessons_slides_and_completion() {
    let f = Fl::new().await;
    let s = f.who("student");
    let t = first_enrollment(&f, &s, |t| t["type"] == "DISTANCE").await;
    let eid = t["enrollment_id"].as_str().unwrap().to_string();
    let before = t["Lessons"]["completed"].as_u64().unwrap();
    let v = ok(&f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s)
        .await)
    .clone();
    let subj = &v["training"]["Training"]["TrainingSubject"][0];
    let lid = subj["TrainingSubjectLesson"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let lv = ok(&f
        .get(&format!("/trainings/lessons/view/{lid}/{eid}.json"), &s)
        .await)
    .clone();
    assert_eq!(lv["enrollment"], eid.as_str());
    assert!(lv["testAuthorization"].is_boolean());
    assert_eq!(lv["nextLesson"]["action"], "lesson");
    let slides = ok(&f
        .get(&format!("/trainings/lessons/slides/{lid}.json"), &s)
        .await)
    .clone();
    let sl = slides["slides"].as_array().unwrap();
    assert_eq!(sl.len(), 3);
    let first = sl[0]["LessonSlide"]["id"].as_str().unwrap();
    let one = ok(&f
        .get(&format!("/trainings/lessons/slide/{first}.json"), &s)
        .await)
    .clone();
    assert_eq!(one["prev"], Value::Null);
    assert_eq!(one["next"], sl[1]["LessonSlide"]["id"]);
    status(&f.get("/trainings/lessons/slide/nope.json", &s).await, 404);
    // Completion (form-urlencoded).
    status(
        &f.form(
            "/trainings/lessons/complete.json",
            &s,
            &[("lessonId", &lid), ("enrollmentId", &eid)],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/trainings/lessons/complete.json",
            &s,
            &[
                ("lessonId", &lid),
                ("enrollmentId", &eid),
                ("timeSpent", "abc"),
            ],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/trainings/lessons/complete.json",
            &s,
            &[
                ("lessonId", "nope"),
                ("enrollmentId", &eid),
                ("timeSpent", "60"),
            ],
        )
        .await,
        404,
    );
    let z = f.who("student_2fa");
    status(
        &f.form(
            "/trainings/lessons/complete.json",
            &z,
            &[
                ("lessonId", &lid),
                ("enrollmentId", &eid),
                ("timeSpent", "60"),
            ],
        )
        .await,
        403,
    );
    // Complete every lesson of the first subject.
    let lessons: Vec<String> = subj["TrainingSubjectLesson"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let mut last = Value::Null;
    for l in &lessons {
        last = ok(&f
            .form(
                "/trainings/lessons/complete.json",
                &s,
                &[
                    ("lessonId", l),
                    ("enrollmentId", &eid),
                    ("timeSpent", "600"),
                ],
            )
            .await)
        .clone();
        assert_eq!(last["result"], true);
        assert_eq!(last["trainingId"], t["training_id"]);
    }
    assert_eq!(
        last["next"]["action"], "exam",
        "after the last lesson comes the subject exam"
    );
    let after = first_enrollment(&f, &s, |x| x["enrollment_id"] == eid.as_str()).await;
    assert!(after["Lessons"]["completed"].as_u64().unwrap() >= before);
    let lv = ok(&f
        .get(&format!("/trainings/lessons/view/{lid}/{eid}.json"), &s)
        .await)
    .clone();
    assert_eq!(lv["testAuthorization"], true);
    assert!(!lv["attendance"].as_array().unwrap().is_empty());
    f.sb.shutdown().await;
}

#[tokio::test]
async fn exam_lifecycle() {
    let f = Fl::new().await;
    let s = f.who("student");
    let m = f.who("manager");
    let t = first_enrollment(&f, &s, |t| t["type"] == "DISTANCE").await;
    let eid = t["enrollment_id"].as_str().unwrap().to_string();
    let v = ok(&f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s)
        .await)
    .clone();
    let subjects = v["training"]["Training"]["TrainingSubject"]
        .as_array()
        .unwrap()
        .clone();
    let sid = subjects[0]["id"].as_str().unwrap().to_string();
    // Index: students get no questions, managers get the options with the answers.
    let si = ok(&f
        .get(&format!("/trainings/exams/index/subject:{sid}.json"), &s)
        .await)
    .clone();
    let ex = &si["exams"][0];
    assert_eq!(ex["TrainingSubjectExam"]["available"], true);
    assert!(ex.get("TrainingQuestion").is_none());
    let mi = ok(&f
        .get(&format!("/trainings/exams/index/subject:{sid}.json"), &m)
        .await)
    .clone();
    let qs = mi["exams"][0]["TrainingQuestion"]
        .as_array()
        .unwrap()
        .clone();
    assert!(qs
        .iter()
        .all(|q| q["TrainingQuestionOption"].as_array().unwrap().len() == 4));
    let lid = subjects[0]["TrainingSubjectLesson"][0]["id"]
        .as_str()
        .unwrap();
    let li = ok(&f
        .get(&format!("/trainings/exams/index/lesson:{lid}.json"), &s)
        .await)
    .clone();
    assert_eq!(li["exams"].as_array().unwrap().len(), 1);
    status(&f.get("/trainings/exams/index.json", &s).await, 400);
    status(
        &f.get("/trainings/exams/index/subject:nope.json", &s).await,
        404,
    );
    let correct: std::collections::BTreeMap<String, String> = qs
        .iter()
        .flat_map(|q| q["TrainingQuestionOption"].as_array().unwrap().clone())
        .filter(|o| o["value"] == true)
        .map(|o| {
            (
                o["id"].as_str().unwrap().to_string(),
                o["name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let xid = ex["TrainingSubjectExam"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let start = format!("/trainings/exams/start/{eid}/{xid}.json");
    // Preview.
    let p = ok(&f.get(&start, &s).await).clone();
    assert_eq!(p["remainingAttempts"], 3);
    assert_eq!(p["canStart"], true);
    status(&f.get(&start, &f.who("student_2fa")).await, 403);
    // Attempt 1: answer everything wrong, finish, fail.
    let att = ok(&f.form(&start, &s, &[]).await)["attempt_id"]
        .as_str()
        .unwrap()
        .to_string();
    let again = ok(&f.form(&start, &s, &[]).await).clone();
    assert_eq!(
        again["attempt_id"],
        att.as_str(),
        "an open attempt is resumed"
    );
    let d = ok(&f.get(&format!("/trainings/exams/do/{att}.json"), &s).await).clone();
    let questions = d["questions"].as_array().unwrap().clone();
    assert_eq!(
        questions.len() as u64,
        ex["TrainingSubjectExam"]["questions"].as_u64().unwrap()
    );
    for q in &questions {
        let opts = q["TrainingQuestion"]["TrainingQuestionOption"]
            .as_array()
            .unwrap();
        assert!(
            opts.iter().all(|o| o.get("value").is_none()),
            "no answers while taking"
        );
        let wrong = opts
            .iter()
            .find(|o| !correct.contains_key(o["id"].as_str().unwrap()))
            .unwrap();
        let did = q["ExamAttemptDetail"]["id"].as_str().unwrap();
        let r = ok(&f
            .form(
                "/trainings/exams/answer.json",
                &s,
                &[
                    ("attemptDetailId", did),
                    ("questionOptionId", wrong["id"].as_str().unwrap()),
                ],
            )
            .await)
        .clone();
        assert_eq!(r["result"], true);
    }
    // An option of another question is rejected; missing params too.
    let d0 = questions[0]["ExamAttemptDetail"]["id"].as_str().unwrap();
    let other = questions[1]["TrainingQuestion"]["TrainingQuestionOption"][0]["id"]
        .as_str()
        .unwrap();
    status(
        &f.form(
            "/trainings/exams/answer.json",
            &s,
            &[("attemptDetailId", d0), ("questionOptionId", other)],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/trainings/exams/answer.json",
            &s,
            &[("attemptDetailId", d0)],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/trainings/exams/answer.json",
            &s,
            &[("attemptDetailId", "nope"), ("questionOptionId", other)],
        )
        .await,
        404,
    );
    status(
        &f.get(&format!("/trainings/exams/view/{att}.json"), &s)
            .await,
        400,
    );
    let fin = ok(&f
        .get(&format!("/trainings/exams/finish/{att}.json"), &s)
        .await)
    .clone();
    assert_eq!(fin["passed"], false);
    assert_eq!(fin["score"], 0);
    status(
        &f.get(&format!("/trainings/exams/finish/{att}.json"), &s)
            .await,
        400,
    );
    status(
        &f.form(
            "/trainings/exams/answer.json",
            &s,
            &[("attemptDetailId", d0), ("questionOptionId", other)],
        )
        .await,
        400,
    );
    let view = ok(&f
        .get(&format!("/trainings/exams/view/{att}.json"), &s)
        .await)
    .clone();
    assert_eq!(view["attempt"]["status"], "FINISHED");
    assert!(
        view["questions"][0]["TrainingQuestion"]["TrainingQuestionOption"][0]
            .get("value")
            .is_some()
    );
    assert_eq!(view["questions"][0]["ExamAttemptDetail"]["correct"], false);
    // Attempt 2: all correct, pass.
    let att2 = ok(&f.form(&start, &s, &[]).await)["attempt_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(att2, att);
    let d = ok(&f.get(&format!("/trainings/exams/do/{att2}.json"), &s).await).clone();
    for q in d["questions"].as_array().unwrap() {
        let opts = q["TrainingQuestion"]["TrainingQuestionOption"]
            .as_array()
            .unwrap();
        let right = opts
            .iter()
            .find(|o| correct.contains_key(o["id"].as_str().unwrap()))
            .unwrap();
        ok(&f
            .form(
                "/trainings/exams/answer.json",
                &s,
                &[
                    (
                        "attemptDetailId",
                        q["ExamAttemptDetail"]["id"].as_str().unwrap(),
                    ),
                    ("questionOptionId", right["id"].as_str().unwrap()),
                ],
            )
            .await);
    }
    let fin = ok(&f
        .get(&format!("/trainings/exams/finish/{att2}.json"), &s)
        .await)
    .clone();
    assert_eq!(fin["passed"], true);
    assert_eq!(fin["score"], 100);
    status(&f.form(&start, &s, &[]).await, 403);
    let p = ok(&f.get(&start, &s).await).clone();
    assert_eq!(p["passed"], true);
    assert_eq!(p["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(p["remainingAttempts"], 1);
    // Exhausting attempts on another subject's exam.
    let sid2 = subjects[1]["id"].as_str().unwrap();
    let x2 = ok(&f
        .get(&format!("/trainings/exams/index/subject:{sid2}.json"), &s)
        .await)["exams"][0]["TrainingSubjectExam"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let start2 = format!("/trainings/exams/start/{eid}/{x2}.json");
    for _ in 0..3 {
        let a = ok(&f.form(&start2, &s, &[]).await)["attempt_id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            ok(&f
                .get(&format!("/trainings/exams/finish/{a}.json"), &s)
                .await)["passed"],
            false
        );
    }
    status(&f.form(&start2, &s, &[]).await, 403);
    // Time limit: a started attempt can not be answered after its minutes.
    let sid3 = subjects[2]["id"].as_str().unwrap();
    let x3 = ok(&f
        .get(&format!("/trainings/exams/index/subject:{sid3}.json"), &s)
        .await)["exams"][0]["TrainingSubjectExam"]
        .clone();
    let a3 = ok(&f
        .form(
            &format!(
                "/trainings/exams/start/{eid}/{}.json",
                x3["id"].as_str().unwrap()
            ),
            &s,
            &[],
        )
        .await)["attempt_id"]
        .as_str()
        .unwrap()
        .to_string();
    let d3 = ok(&f.get(&format!("/trainings/exams/do/{a3}.json"), &s).await).clone();
    f.advance("2h").await;
    let q = &d3["questions"][0];
    status(
        &f.form(
            "/trainings/exams/answer.json",
            &s,
            &[
                (
                    "attemptDetailId",
                    q["ExamAttemptDetail"]["id"].as_str().unwrap(),
                ),
                (
                    "questionOptionId",
                    q["TrainingQuestion"]["TrainingQuestionOption"][0]["id"]
                        .as_str()
                        .unwrap(),
                ),
            ],
        )
        .await,
        403,
    );
    status(
        &f.get(
            &format!("/trainings/exams/do/{a3}.json"),
            &f.who("student_2fa"),
        )
        .await,
        403,
    );
    f.sb.shutdown().await;
}

#[tokio::test]
async fn classes_attendance_signing_and_evaluation() {
    let f = Fl::new().await;
    let s = f.who("student");
    let i = f.who("instructor");
    let m = f.who("manager");
    let t = first_enrollment(&f, &s, |t| t["theory"] == true && t["type"] == "ONSITE").await;
    let eid = t["enrollment_id"].as_str().unwrap();
    let v = ok(&f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s)
        .await)
    .clone();
    let subj = &v["training"]["Training"]["TrainingSubject"][0];
    let sid = subj["id"].as_str().unwrap();
    let lid = subj["TrainingSubjectLesson"][0]["id"].as_str().unwrap();
    let locs = ok(&f.get("/trainings/locations.json", &s).await).clone();
    let loc = locs["locations"][0]["TrainingLocation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Schedule (manager only, form-urlencoded).
    let form = [
        ("training_subject_id", sid),
        ("training_subject_lesson_id", lid),
        ("start", "2026-03-02 08:00:00"),
        ("teacher_id", i.uid.as_str()),
        ("location_id", loc.as_str()),
        ("remarks", "Bring charts"),
        ("notify", "1"),
        ("students", s.uid.as_str()),
    ];
    status(
        &f.form("/manager/trainings/onsite/class.json", &s, &form)
            .await,
        403,
    );
    for drop in ["training_subject_id", "start", "teacher_id", "students"] {
        let partial: Vec<(&str, &str)> = form.iter().copied().filter(|(k, _)| *k != drop).collect();
        status(
            &f.form("/manager/trainings/onsite/class.json", &m, &partial)
                .await,
            400,
        );
    }
    let mut bad = form;
    bad[2] = ("start", "someday");
    status(
        &f.form("/manager/trainings/onsite/class.json", &m, &bad)
            .await,
        400,
    );
    let mut bad = form;
    bad[7] = ("students", "1");
    status(
        &f.form("/manager/trainings/onsite/class.json", &m, &bad)
            .await,
        400,
    );
    let c = ok(&f
        .form("/manager/trainings/onsite/class.json", &m, &form)
        .await)
    .clone();
    let cid = c["id"].as_str().unwrap().to_string();
    // View: roster, teacher; a stranger is refused.
    let cv = ok(&f
        .get(&format!("/trainings/onsite/class/{cid}.json"), &s)
        .await)
    .clone();
    assert_eq!(cv["class"]["LessonClass"]["teacher_id"], i.uid.as_str());
    assert_eq!(
        cv["class"]["LessonClass"]["training_subject_lesson_id"],
        lid
    );
    assert_eq!(
        cv["class"]["LessonClass"]["datetime"],
        "2026-03-02 08:00:00"
    );
    status(
        &f.get(
            &format!("/trainings/onsite/class/{cid}.json"),
            &f.who("student_2fa"),
        )
        .await,
        403,
    );
    // Attendance by the teacher.
    let att_key = format!("data[attendance][{}][value]", s.uid);
    status(
        &f.form(
            "/trainings/onsite/store_attendance.json",
            &s,
            &[("data[class_id]", &cid), (&att_key, "1")],
        )
        .await,
        403,
    );
    status(
        &f.form(
            "/trainings/onsite/store_attendance.json",
            &i,
            &[("data[class_id]", &cid)],
        )
        .await,
        400,
    );
    let sa = ok(&f
        .form(
            "/trainings/onsite/store_attendance.json",
            &i,
            &[("data[class_id]", &cid), (&att_key, "1")],
        )
        .await)
    .clone();
    let row = &sa["attendances"][0]["TrainingSubjectAttendance"];
    assert_eq!(row["value"], true);
    let row_id = row["id"].as_str().unwrap().to_string();
    // Keyed by the attendance row id works too.
    let k2 = format!("data[attendance][{row_id}][value]");
    ok(&f
        .form(
            "/trainings/onsite/store_attendance.json",
            &i,
            &[("data[class_id]", &cid), (&k2, "1")],
        )
        .await);
    // Evaluation.
    let ev = ok(&f
        .get(
            &format!(
                "/trainings/onsite/get_student_evaluation/{cid}/{}.json",
                s.uid
            ),
            &i,
        )
        .await)
    .clone();
    assert_eq!(
        ev["attendanceRecord"]["TrainingSubjectAttendance"]["id"],
        row_id.as_str()
    );
    status(
        &f.get(
            &format!("/trainings/onsite/get_student_evaluation/{cid}/abc.json"),
            &i,
        )
        .await,
        400,
    );
    status(
        &f.get(
            &format!(
                "/trainings/onsite/get_student_evaluation/nope/{}.json",
                s.uid
            ),
            &i,
        )
        .await,
        404,
    );
    let se = ok(&f
        .form(
            "/trainings/onsite/save_student_evaluation.json",
            &i,
            &[
                ("class_id", &cid),
                ("student_id", &s.uid),
                ("remarks", "Good"),
                ("measures", "More charts"),
                ("objectives", "STD"),
            ],
        )
        .await)
    .clone();
    assert_eq!(se["updateData"]["remarks"], "Good");
    assert_eq!(se["updateData"]["value"], 1);
    status(
        &f.form(
            "/trainings/onsite/save_student_evaluation.json",
            &i,
            &[("class_id", &cid)],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/trainings/onsite/save_student_evaluation.json",
            &s,
            &[("class_id", &cid), ("student_id", &s.uid)],
        )
        .await,
        403,
    );
    // Signing: teacher only, with the teacher's own password.
    status(
        &f.form(
            "/trainings/onsite/sign_class.json",
            &i,
            &[("classId", &cid)],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/trainings/onsite/sign_class.json",
            &i,
            &[("classId", &cid), ("password", "wrong")],
        )
        .await,
        403,
    );
    status(
        &f.form(
            "/trainings/onsite/sign_class.json",
            &m,
            &[("classId", &cid), ("password", &m.password)],
        )
        .await,
        403,
    );
    status(
        &f.form(
            "/trainings/onsite/sign_class.json",
            &s,
            &[("classId", &cid), ("password", &s.password)],
        )
        .await,
        403,
    );
    let sg = ok(&f
        .form(
            "/trainings/onsite/sign_class.json",
            &i,
            &[("classId", &cid), ("password", &i.password)],
        )
        .await)
    .clone();
    assert_eq!(sg["result"], true);
    assert_eq!(
        ok(&f
            .form(
                "/trainings/onsite/sign_class.json",
                &i,
                &[("classId", &cid), ("password", &i.password)]
            )
            .await)["result"],
        false
    );
    let cv = ok(&f
        .get(&format!("/trainings/onsite/class/{cid}.json"), &i)
        .await)
    .clone();
    assert_eq!(cv["class"]["LessonClass"]["status"], "closed");
    // A signed class is frozen.
    status(
        &f.form(
            "/trainings/onsite/store_attendance.json",
            &i,
            &[("data[class_id]", &cid), (&att_key, "0")],
        )
        .await,
        400,
    );
    status(
        &f.get(
            &format!("/manager/trainings/onsite/delete_class/{cid}/true.json"),
            &m,
        )
        .await,
        400,
    );
    // Unsign needs the password as well.
    status(
        &f.form(
            "/trainings/onsite/unsign_class.json",
            &i,
            &[("classId", &cid), ("password", "wrong")],
        )
        .await,
        403,
    );
    assert_eq!(
        ok(&f
            .form(
                "/trainings/onsite/unsign_class.json",
                &i,
                &[("classId", &cid), ("password", &i.password)]
            )
            .await)["result"],
        true
    );
    assert_eq!(
        ok(&f
            .form(
                "/trainings/onsite/unsign_class.json",
                &i,
                &[("classId", &cid), ("password", &i.password)]
            )
            .await)["result"],
        false
    );
    // Update (id) then delete.
    let mut upd: Vec<(&str, &str)> = form.to_vec();
    upd.push(("id", &cid));
    upd[2] = ("start", "2026-03-09T10:00:00Z");
    assert_eq!(
        ok(&f
            .form("/manager/trainings/onsite/class.json", &m, &upd)
            .await)["id"],
        cid.as_str()
    );
    let cv = ok(&f
        .get(&format!("/trainings/onsite/class/{cid}.json"), &i)
        .await)
    .clone();
    assert_eq!(
        cv["class"]["LessonClass"]["datetime"],
        "2026-03-09 10:00:00"
    );
    assert_eq!(cv["class"]["LessonClass"]["status"], "scheduled");
    // Calendar and location view show it.
    let cal = ok(&f.get("/trainings/trainings/calendar.json?start=2026-03-09&end=2026-03-09&timeZone=Europe/Madrid", &s).await).clone();
    assert!(cal
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == cid.as_str()));
    status(
        &f.get(
            "/trainings/trainings/calendar.json?start=2026-03-09&end=2026-03-09",
            &s,
        )
        .await,
        400,
    );
    status(
        &f.get(
            "/trainings/trainings/calendar.json?start=x&end=2026-03-09&timeZone=UTC",
            &s,
        )
        .await,
        400,
    );
    let lv = ok(&f
        .get(&format!("/trainings/locations/view/{loc}.json"), &s)
        .await)
    .clone();
    assert!(lv["classes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["LessonClass"]["id"] == cid.as_str()));
    // Teaching report counts the class.
    let tr = ok(&f
        .form(
            "/manager/trainings/trainings/teaching_report.json",
            &m,
            &[
                ("training", t["training_id"].as_str().unwrap()),
                ("from", "2026-03-01"),
                ("to", "2026-03-31"),
            ],
        )
        .await)
    .clone();
    assert!(tr["report"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["teacher"]["id"] == i.uid.as_str()));
    status(
        &f.form(
            "/manager/trainings/trainings/teaching_report.json",
            &m,
            &[("training", "x")],
        )
        .await,
        400,
    );
    status(
        &f.get(
            &format!("/manager/trainings/onsite/delete_class/{cid}/false.json"),
            &m,
        )
        .await,
        400,
    );
    status(
        &f.get(
            &format!("/manager/trainings/onsite/delete_class/{cid}/true.json"),
            &i,
        )
        .await,
        403,
    );
    assert_eq!(
        ok(&f
            .get(
                &format!("/manager/trainings/onsite/delete_class/{cid}/true.json"),
                &m
            )
            .await)["result"],
        true
    );
    status(
        &f.get(&format!("/trainings/onsite/class/{cid}.json"), &i)
            .await,
        404,
    );
    f.sb.shutdown().await;
}

#[tokio::test]
async fn enrolment_rules() {
    let f = Fl::new().await;
    let m = f.who("manager");
    let s = f.who("student");
    let z = f.who("student_2fa");
    let trainings = ok(&f.get("/manager/trainings.json", &m).await).clone();
    let rows = trainings["trainings"].as_array().unwrap();
    let distance = rows
        .iter()
        .find(|t| t["Training"]["type"] == "DISTANCE")
        .unwrap()["Training"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = "/manager/trainings/students/enroll.json";
    // Errors.
    status(&f.get(path, &m).await, 400);
    status(&f.form(path, &m, &[]).await, 400);
    status(&f.form(path, &m, &[("students[]", &s.uid)]).await, 400);
    status(
        &f.form(
            path,
            &m,
            &[("training_id", &distance), ("students", &s.uid)],
        )
        .await,
        400,
    );
    status(
        &f.json(
            path,
            &m,
            json!({"training_id": distance, "students": s.uid}),
        )
        .await,
        400,
    );
    status(
        &f.json(path, &m, json!({"training_id": distance, "students": []}))
            .await,
        404,
    );
    status(
        &f.json(
            path,
            &m,
            json!({"training_id": "nope", "students": [s.uid]}),
        )
        .await,
        404,
    );
    status(
        &f.json(
            path,
            &s,
            json!({"training_id": distance, "students": [s.uid]}),
        )
        .await,
        403,
    );
    // Already enrolled (not finished): skipped. Finished: re-take gets a fresh enrolment.
    let r = ok(&f.json(path, &m, json!({"training_id": distance, "students": [s.uid, z.uid], "supervisor_id": f.who("instructor").uid, "finish_before": 1_790_000_000})).await).clone();
    let res = r["results"].as_object().unwrap();
    assert!(!res.contains_key(&s.uid), "already enrolled is skipped");
    let fresh = &res[&z.uid]["TrainingsUser"];
    assert_eq!(fresh["finish_before"], 1_790_000_000);
    assert_eq!(fresh["user_id"], z.uid.as_str());
    let zv = ok(&f.get("/trainings.json", &z).await).clone();
    let zd: Vec<&Value> = zv["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["Training"]["training_id"] == distance.as_str())
        .collect();
    assert_eq!(zd.len(), 2, "the finished enrolment and the re-take");
    // Again: now both skipped.
    let r = ok(&f
        .json(
            path,
            &m,
            json!({"training_id": distance, "students": [s.uid, z.uid]}),
        )
        .await)
    .clone();
    assert_eq!(r["results"], json!({}));
    // Pilot group expansion (non-numeric id), skipping members already enrolled.
    let created = ok(&f
        .form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[("name", "Group course"), ("type", "ONSITE")],
        )
        .await)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let truth: Value =
        f.c.get(format!("{}/truth/flylogs", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let group = truth["pilot_groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| !g["members"].as_array().unwrap().is_empty())
        .unwrap()
        .clone();
    let members: Vec<String> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.to_string())
        .collect();
    let first = members[0].clone();
    ok(&f
        .form(
            path,
            &m,
            &[("training_id", &created), ("students[]", &first)],
        )
        .await);
    let r = ok(&f
        .form(
            path,
            &m,
            &[
                ("training_id", &created),
                ("students[0]", group["id"].as_str().unwrap()),
            ],
        )
        .await)
    .clone();
    let res = r["results"].as_object().unwrap();
    assert!(!res.contains_key(&first));
    let active_members = members.len() - 1;
    assert!(res.len() <= active_members && !res.is_empty(), "{r}");
    for k in res.keys() {
        assert!(members.contains(k));
    }
    // Students list filters.
    let all = ok(&f.get(&format!("/manager/trainings/students/list/training:{created}/finished:/group:/pilot_group:/username:.json"), &m).await).clone();
    let enrolled = res.values().filter(|v| v.is_object()).count();
    assert!(res.values().all(|v| v.is_object() || *v == json!(false)));
    assert_eq!(all["students"].as_array().unwrap().len(), enrolled + 1);
    let one = ok(&f.get(&format!("/manager/trainings/students/list/training:/finished:1/group:/pilot_group:/username:{}.json", z.email), &m).await).clone();
    assert!(one["students"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["TrainingsUser"]["finished"] == true && x["User"]["id"] == z.uid.as_str()));
    assert!(!one["students"].as_array().unwrap().is_empty());
    let pg = ok(&f.get(&format!("/manager/trainings/students/list/training:/finished:/group:200/pilot_group:{}/username:.json", group["id"].as_str().unwrap()), &m).await).clone();
    assert!(pg["students"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| members.contains(&x["User"]["id"].as_str().unwrap().to_string())));
    status(
        &f.get("/manager/trainings/students/list/finished:maybe.json", &m)
            .await,
        400,
    );
    status(
        &f.get("/manager/trainings/students/list/pilot_group:nope.json", &m)
            .await,
        404,
    );
    // Notes.
    let eid = res.values().find(|v| v.is_object()).unwrap()["TrainingsUser"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        ok(&f
            .form(
                "/manager/trainings/students/notes.json",
                &m,
                &[("id", &eid), ("notes", "Keen")]
            )
            .await)["result"],
        true
    );
    let sv = ok(&f
        .get(&format!("/manager/trainings/students/view/{eid}.json"), &m)
        .await)
    .clone();
    assert_eq!(sv["training"]["TrainingsUser"]["notes"], "Keen");
    status(
        &f.form(
            "/manager/trainings/students/notes.json",
            &m,
            &[("notes", "x")],
        )
        .await,
        400,
    );
    f.sb.shutdown().await;
}

#[tokio::test]
async fn missions_debrief_signing() {
    let f = Fl::new().await;
    let s = f.who("student");
    let z = f.who("student_2fa");
    let un = ok(&f.get("/trainings/missions/unsigned.json", &s).await).clone();
    let list = un["missions"].as_array().unwrap().clone();
    assert!(!list.is_empty(), "recent flights await a debrief signature");
    for m in &list {
        let t = &m["TrainingFlight"]["Training"];
        assert_eq!(t["active"], true);
        assert_eq!(t["require_debriefing_signature"], true);
        assert!(m["UserTrainingFlight"]["flight_id"].is_string());
    }
    assert!(list.iter().all(|m| !m["TrainingFlight"]["Training"]["name"]
        .as_str()
        .unwrap()
        .contains("archived")));
    let id = list[0]["UserTrainingFlight"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let p = "/trainings/missions/sign.json";
    status(
        &f.form(p, &s, &[("user_training_flight_id", &id)]).await,
        400,
    );
    status(&f.form(p, &s, &[("pass", &s.password)]).await, 400);
    status(
        &f.form(
            p,
            &s,
            &[("user_training_flight_id", "nope"), ("pass", &s.password)],
        )
        .await,
        404,
    );
    status(
        &f.form(
            p,
            &s,
            &[("user_training_flight_id", &id), ("pass", "wrong")],
        )
        .await,
        403,
    );
    status(
        &f.form(
            p,
            &z,
            &[("user_training_flight_id", &id), ("pass", &z.password)],
        )
        .await,
        403,
    );
    assert_eq!(
        ok(&f
            .form(
                p,
                &s,
                &[("user_training_flight_id", &id), ("pass", &s.password)]
            )
            .await)["update"],
        true
    );
    assert_eq!(
        ok(&f
            .form(
                p,
                &s,
                &[("user_training_flight_id", &id), ("pass", &s.password)]
            )
            .await)["update"],
        false
    );
    let un2 = ok(&f.get("/trainings/missions/unsigned.json", &s).await).clone();
    assert_eq!(un2["missions"].as_array().unwrap().len(), list.len() - 1);
    // Missions of a training past its dates and of an archived one can not be signed.
    let truth: Value =
        f.c.get(format!("{}/truth/flylogs", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let _ = truth;
    let v = ok(&f.get("/trainings.json", &s).await).clone();
    for name in [
        "Mountain Flying Course",
        "Aerobatics Introduction (archived)",
    ] {
        let t = v["trainings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["Training"]["name"] == name)
            .unwrap();
        let eid = t["Training"]["enrollment_id"].as_str().unwrap();
        let tv = ok(&f
            .get(&format!("/trainings/trainings/view/{eid}.json"), &s)
            .await)
        .clone();
        let m = &tv["performedFlightTrainings"][0]["UserTrainingFlight"];
        assert_eq!(m["debriefing_signature"], Value::Null);
        let mid = m["id"].as_str().unwrap();
        status(
            &f.form(
                p,
                &s,
                &[("user_training_flight_id", mid), ("pass", &s.password)],
            )
            .await,
            403,
        );
    }
    // The missions are the student's real flights (also served by the other providers).
    let flights: Value =
        f.c.get(format!("{}/records/flights", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let fid = list[0]["UserTrainingFlight"]["flight_id"].as_str().unwrap();
    assert!(flights.as_array().unwrap().iter().any(|x| x["uuid"] == fid));
    f.sb.shutdown().await;
}

#[tokio::test]
async fn simulator_sessions_are_world_sim_flights() {
    let f = Fl::new().await;
    let truth: Value =
        f.c.get(format!("{}/truth/flylogs", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let sims = truth["simulator_missions"].as_array().unwrap();
    assert!(!sims.is_empty());
    let flights: Value =
        f.c.get(format!("{}/records/flights", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let aircraft: Value =
        f.c.get(format!("{}/records/aircraft", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    for m in sims {
        let fl = flights
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["uuid"] == m["flight_id"])
            .unwrap();
        let a = &aircraft.as_array().unwrap()[fl["aircraft"].as_u64().unwrap() as usize];
        assert_eq!(a["kind"], "simulator");
        assert!(fl["booking"].is_u64(), "the sim session is a booking");
    }
    f.sb.shutdown().await;
}

#[tokio::test]
async fn certificate_locations_and_misc() {
    let f = Fl::new().await;
    let m = f.who("manager");
    let s = f.who("student");
    let z = f.who("student_2fa");
    let zt = ok(&f.get("/trainings.json", &z).await).clone();
    let fin = zt["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["Training"]["finished"] == true)
        .unwrap();
    let fid = fin["Training"]["enrollment_id"].as_str().unwrap();
    assert!(fin["Training"]["finish_date"].as_i64().unwrap() > 0);
    let c = ok(&f
        .get(&format!("/trainings/trainings/certificate/{fid}.json"), &z)
        .await)
    .clone();
    assert_eq!(c["certificate"]["TrainingsUser"]["finished"], true);
    ok(&f
        .get(&format!("/trainings/trainings/certificate/{fid}.json"), &m)
        .await);
    status(
        &f.get(&format!("/trainings/trainings/certificate/{fid}.json"), &s)
            .await,
        403,
    );
    let st = ok(&f.get("/trainings.json", &s).await).clone();
    let open = st["trainings"][0]["Training"]["enrollment_id"]
        .as_str()
        .unwrap();
    assert_eq!(
        status(
            &f.get(&format!("/trainings/trainings/certificate/{open}.json"), &s)
                .await,
            404
        )["message"],
        "Training not finished yet"
    );
    // Locations.
    status(
        &f.form(
            "/manager/trainings/locations/edit.json",
            &m,
            &[("name", "Hangar 2")],
        )
        .await,
        400,
    );
    status(
        &f.form(
            "/manager/trainings/locations/edit.json",
            &s,
            &[
                ("name", "Hangar 2"),
                ("type", "HANGAR"),
                ("country_id", "US"),
                ("timezone_id", "UTC"),
            ],
        )
        .await,
        403,
    );
    let l = ok(&f
        .form(
            "/manager/trainings/locations/edit.json",
            &m,
            &[
                ("name", "Hangar 2"),
                ("type", "HANGAR"),
                ("country_id", "US"),
                ("timezone_id", "UTC"),
                ("phone", "123"),
            ],
        )
        .await)
    .clone();
    let lid = l["id"].as_str().unwrap().to_string();
    ok(&f
        .form(
            "/manager/trainings/locations/edit.json",
            &m,
            &[
                ("id", &lid),
                ("name", "Hangar Two"),
                ("type", "HANGAR"),
                ("country_id", "US"),
                ("timezone_id", "UTC"),
            ],
        )
        .await);
    let lv = ok(&f
        .get(&format!("/trainings/locations/view/{lid}.json"), &s)
        .await)
    .clone();
    assert_eq!(lv["location"]["TrainingLocation"]["name"], "Hangar Two");
    assert_eq!(lv["location"]["TrainingLocation"]["phone"], "123");
    status(
        &f.form(
            "/manager/trainings/locations/edit.json",
            &m,
            &[
                ("id", "nope"),
                ("name", "x"),
                ("type", "x"),
                ("country_id", "US"),
                ("timezone_id", "UTC"),
            ],
        )
        .await,
        404,
    );
    status(&f.get("/trainings/locations/view/nope.json", &s).await, 404);
    let all = ok(&f.get("/trainings/locations.json", &s).await).clone();
    assert!(all["locations"].as_array().unwrap().len() >= 4);
    f.sb.shutdown().await;
}

#[tokio::test]
async fn same_seed_and_pinned_now_are_byte_identical() {
    let a = Fl::new().await;
    let b = Fl::new().await;
    let (sa, sb) = (a.who("student"), b.who("student"));
    assert_eq!(sa.token, sb.token);
    for p in [
        "/trainings.json",
        "/trainings/subjects/mine.json",
        "/trainings/missions/unsigned.json",
        "/trainings/locations.json",
    ] {
        let x =
            a.c.get(format!("{}{p}", a.sb.base_url(Provider::Flylogs)))
                .bearer_auth(&sa.token)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
        let y =
            b.c.get(format!("{}{p}", b.sb.base_url(Provider::Flylogs)))
                .bearer_auth(&sb.token)
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
        assert_eq!(x, y, "{p}");
    }
    let (ma, mb) = (a.who("manager"), b.who("manager"));
    let x =
        a.c.get(format!(
            "{}/manager/trainings.json",
            a.sb.base_url(Provider::Flylogs)
        ))
        .bearer_auth(&ma.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let y =
        b.c.get(format!(
            "{}/manager/trainings.json",
            b.sb.base_url(Provider::Flylogs)
        ))
        .bearer_auth(&mb.token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(x, y);
    a.sb.shutdown().await;
    b.sb.shutdown().await;
}

#[tokio::test]
async fn faults_use_the_message_envelope() {
    let f = Fl::with(SandboxConfig {
        faults: FaultSpec::parse("flylogs:expired=1").unwrap(),
        ..cfg()
    })
    .await;
    let s = f.who("student");
    status(&f.get("/trainings.json", &s).await, 401);
    f.sb.shutdown().await;
    let f = Fl::with(SandboxConfig {
        faults: FaultSpec::parse("flylogs:5xx=1").unwrap(),
        ..cfg()
    })
    .await;
    let s = f.who("student");
    let r = f.get("/trainings.json", &s).await;
    assert!(r.0 >= 500 && r.1["message"].is_string());
    f.sb.shutdown().await;
}

#[tokio::test]
async fn malformed_requests_get_json_errors() {
    let f = Fl::new().await;
    let s = f.who("student");
    let base = f.sb.base_url(Provider::Flylogs);
    let r =
        f.c.post(format!("{base}/trainings/lessons/complete.json"))
            .bearer_auth(&s.token)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["message"].is_string());
    let r =
        f.c.post(format!("{base}/trainings/lessons/complete.json"))
            .bearer_auth(&s.token)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("%%%&&=&lessonId=%zz")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 400);
    let r =
        f.c.get(format!("{base}/trainings/trainings/view/%FF%FE.json"))
            .bearer_auth(&s.token)
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), 404);
    f.sb.shutdown().await;
}

#[tokio::test]
async fn world_changes_reach_flylogs() {
    let f = Fl::new().await;
    let s = f.who("student");
    let n = ok(&f.get("/trainings/missions/unsigned.json", &s).await)["missions"]
        .as_array()
        .unwrap()
        .len();
    let person: u32 = s.uid.parse::<u32>().unwrap() - 1000;
    let aircraft: Value =
        f.c.get(format!("{}/records/aircraft", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let plane = aircraft
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "aircraft")
        .unwrap()["id"]
        .clone();
    let people: Value =
        f.c.get(format!("{}/records/people", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    let ins = people
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["role"] == "instructor")
        .unwrap()["id"]
        .clone();
    let now = 1_772_443_800i64;
    let r = f
        .c
        .post(format!("{}/flights", f.sb.admin_url()))
        .json(&json!({"aircraft": plane, "pic": ins, "student": person, "off_block": now - 7200, "on_block": now - 3600}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let created: Value = r.json().await.unwrap();
    let fl = if created["uuid"].is_string() {
        created.clone()
    } else {
        created["record"].clone()
    };
    let un = ok(&f.get("/trainings/missions/unsigned.json", &s).await).clone();
    let list = un["missions"].as_array().unwrap();
    assert_eq!(list.len(), n + 1);
    assert!(list
        .iter()
        .any(|m| m["UserTrainingFlight"]["flight_id"] == fl["uuid"]));
    let r =
        f.c.delete(format!("{}/flights/{}", f.sb.admin_url(), fl["id"]))
            .send()
            .await
            .unwrap();
    assert!(r.status().is_success());
    let un = ok(&f.get("/trainings/missions/unsigned.json", &s).await).clone();
    assert_eq!(un["missions"].as_array().unwrap().len(), n);
    // A new person becomes a user (their course enrolment included).
    let r =
        f.c.post(format!("{}/people", f.sb.admin_url()))
            .json(&json!({"first_name": "Nova", "last_name": "Student", "role": "student"}))
            .send()
            .await
            .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let truth: Value =
        f.c.get(format!("{}/truth/flylogs", f.sb.admin_url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert!(truth["users"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["name"] == "Nova Student"));
    f.sb.shutdown().await;
}

#[tokio::test]
async fn exam_classes_calendar_filter_and_enrol_options() {
    let f = Fl::new().await;
    let s = f.who("student");
    let i = f.who("instructor");
    let m = f.who("manager");
    let t = first_enrollment(&f, &s, |t| t["theory"] == true && t["type"] == "ONSITE").await;
    let tid = t["training_id"].as_str().unwrap().to_string();
    let eid = t["enrollment_id"].as_str().unwrap();
    let v = ok(&f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s)
        .await)
    .clone();
    let subj = &v["training"]["Training"]["TrainingSubject"][0];
    let sid = subj["id"].as_str().unwrap();
    let xid = subj["TrainingSubjectExam"][0]["id"].as_str().unwrap();
    let other_sid = v["training"]["Training"]["TrainingSubject"][1]["id"]
        .as_str()
        .unwrap();
    // An exam session; an exam of another subject is refused.
    let base = [
        ("training_subject_id", sid),
        ("training_subject_exam_id", xid),
        ("start", "2026-03-10 09:00"),
        ("teacher_id", i.uid.as_str()),
        ("students", s.uid.as_str()),
    ];
    let c = ok(&f
        .form("/manager/trainings/onsite/class.json", &m, &base)
        .await)
    .clone();
    let cid = c["id"].as_str().unwrap().to_string();
    let mut bad = base;
    bad[0] = ("training_subject_id", other_sid);
    status(
        &f.form("/manager/trainings/onsite/class.json", &m, &bad)
            .await,
        400,
    );
    let mut bad = base;
    bad[3] = ("teacher_id", s.uid.as_str());
    status(
        &f.form("/manager/trainings/onsite/class.json", &m, &bad)
            .await,
        400,
    );
    let cv = ok(&f
        .get(&format!("/trainings/onsite/class/{cid}.json"), &s)
        .await)
    .clone();
    assert_eq!(cv["class"]["LessonClass"]["training_subject_exam_id"], xid);
    assert_eq!(
        cv["class"]["LessonClass"]["training_subject_lesson_id"],
        "0"
    );
    assert_eq!(cv["class"]["TrainingSubjectExam"]["id"], xid);
    // Calendar: the training filter and the exam type.
    let q = "start=2026-03-10&end=2026-03-10&timeZone=UTC";
    let cal = ok(&f
        .get(
            &format!("/trainings/trainings/calendar.json?{q}&training={tid}"),
            &s,
        )
        .await)
    .clone();
    let ev = cal
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == cid.as_str())
        .unwrap();
    assert_eq!(ev["type"], "exam");
    assert_eq!(ev["start"], "2026-03-10T09:00:00+00:00");
    let cal = ok(&f
        .get(
            &format!("/trainings/trainings/calendar.json?{q}&training=other"),
            &s,
        )
        .await)
    .clone();
    assert!(cal.as_array().unwrap().is_empty());
    status(&f.get("/trainings/trainings/calendar.json?start=2026-03-10&end=2026-03-10&timeZone=not a zone", &s).await, 400);
    // Enrolment options: a falsy finish_before means no deadline; a bad supervisor is refused.
    let created = ok(&f
        .form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[
                ("name", "Opts"),
                ("type", "distance"),
                ("theory", "true"),
                ("flights", "0"),
            ],
        )
        .await)
    .clone();
    assert_eq!(created["Training"]["type"], "DISTANCE");
    assert_eq!(created["Training"]["theory"], true);
    assert_eq!(created["Training"]["flights"], false);
    let nid = created["id"].as_str().unwrap();
    let p = "/manager/trainings/students/enroll.json";
    status(
        &f.form(
            p,
            &m,
            &[
                ("training_id", nid),
                ("students[]", &s.uid),
                ("supervisor_id", "x"),
            ],
        )
        .await,
        400,
    );
    let r = ok(&f
        .form(
            p,
            &m,
            &[
                ("training_id", nid),
                ("students[]", &s.uid),
                ("finish_before", "0"),
            ],
        )
        .await)
    .clone();
    assert_eq!(
        r["results"][s.uid.as_str()]["TrainingsUser"]["finish_before"],
        Value::Null
    );
    assert_eq!(
        r["results"][s.uid.as_str()]["TrainingsUser"]["supervisor_id"],
        Value::Null
    );
    f.sb.shutdown().await;
}

#[tokio::test]
async fn manifest_instructor_can_sign_a_generated_class() {
    let f = Fl::new().await;
    let i = f.who("instructor");
    let cal = ok(&f
        .get("/trainings/trainings/calendar.json?start=2026-02-26&end=2026-03-02T09:30:00Z&timeZone=UTC", &i)
        .await)
    .clone();
    let mut signed = false;
    for e in cal.as_array().unwrap() {
        let cid = e["id"].as_str().unwrap();
        let cv = ok(&f
            .get(&format!("/trainings/onsite/class/{cid}.json"), &i)
            .await)
        .clone();
        if cv["class"]["LessonClass"]["status"] == "open" {
            assert!(
                !cv["attendances"].as_array().unwrap().is_empty(),
                "attendance was taken"
            );
            let r = ok(&f
                .form(
                    "/trainings/onsite/sign_class.json",
                    &i,
                    &[("classId", cid), ("password", &i.password)],
                )
                .await)
            .clone();
            assert_eq!(r["result"], true);
            signed = true;
            break;
        }
    }
    assert!(
        signed,
        "the manifest instructor has a past, unsigned class: {cal}"
    );
    f.sb.shutdown().await;
}
