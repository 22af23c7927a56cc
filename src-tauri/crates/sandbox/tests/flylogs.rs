//! Flylogs trainings over real HTTP: auth (API keys, session login, 2FA), paging, roles,
//! exams, classes, attendance, signatures, enrolment, missions and the rest of the seed.

mod common;

use common::{admin_post, credential, sandbox_with};
use flightdesk_sandbox::{Provider, RunningSandbox};
use serde_json::{json, Value};

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
        Fl::with("").await
    }
    async fn with(faults: &str) -> Fl {
        Fl {
            sb: sandbox_with(faults).await,
            c: reqwest::Client::new(),
        }
    }
    fn who(&self, role: &str) -> Who {
        let c = credential(&self.sb, Provider::Flylogs, role);
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
    // The calls below act as `w`, assert the answer's status is `want` (see `status`) and
    // return its body.
    async fn get(&self, path: &str, w: &Who, want: u16) -> Value {
        let r = self.req("GET", path, Some(&w.token), Body::None).await;
        status(&r, want).clone()
    }
    async fn form(&self, path: &str, w: &Who, f: &[(&str, &str)], want: u16) -> Value {
        let r = self.req("POST", path, Some(&w.token), Body::Form(f)).await;
        status(&r, want).clone()
    }
    async fn json(&self, path: &str, w: &Who, v: Value, want: u16) -> Value {
        let r = self.req("POST", path, Some(&w.token), Body::Json(v)).await;
        status(&r, want).clone()
    }
    /// `action` (`sign_class` or `unsign_class`) on class `cid` as `w`, with `password`.
    async fn sign_class(
        &self,
        action: &str,
        w: &Who,
        cid: &str,
        password: Option<&str>,
        want: u16,
    ) -> Value {
        let mut form = vec![("classId", cid)];
        form.extend(password.map(|p| ("password", p)));
        let path = format!("/trainings/onsite/{action}.json");
        self.form(&path, w, &form, want).await
    }
    /// Signs the debrief of mission `id` as `w` with the password `pass`.
    async fn sign_mission(
        &self,
        w: &Who,
        id: Option<&str>,
        pass: Option<&str>,
        want: u16,
    ) -> Value {
        let mut form = Vec::new();
        form.extend(id.map(|id| ("user_training_flight_id", id)));
        form.extend(pass.map(|p| ("pass", p)));
        self.form("/trainings/missions/sign.json", w, &form, want)
            .await
    }
    async fn advance(&self, d: &str) {
        let r = admin_post(&self.sb, "/clock/advance", json!({"duration": d})).await;
        assert!((200..300).contains(&r.status));
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
        let v = f.get("/users/view.json", &w, 200).await;
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
    f.get("/trainings/nothing/here.json", &s, 404).await;
    f.form("/trainings/subjects/mine.json", &s, &[("a", "b")], 400)
        .await;
    f.get("/trainings/missions/sign.json", &s, 400).await;
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
        f.get("/users/view.json", &me, 200).await["User"]["id"],
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
    f.get("/users/view.json", &me, 401).await;
    let me2 = Who {
        token: t2.clone(),
        ..s.clone()
    };
    f.get("/users/view.json", &me2, 200).await;
    f.get("/users/view.json", &s, 200).await;
    // Logout destroys it.
    let r = f
        .req("POST", "/users/logout.json", Some(&t2), Body::None)
        .await;
    assert_eq!(r.0, 200);
    f.get("/users/view.json", &me2, 401).await;
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
    f.get("/users/view.json", &zt, 200).await;
    // Sessions expire after 14 idle days; keys do not.
    f.advance("13d").await;
    f.get("/users/view.json", &zt, 200).await;
    f.advance("15d").await;
    f.get("/users/view.json", &zt, 401).await;
    f.get("/users/view.json", &z, 200).await;
    f.sb.shutdown().await;
}

#[tokio::test]
async fn my_trainings_shape_and_api_user() {
    let f = Fl::new().await;
    let s = f.who("student");
    let v = f.get("/trainings.json", &s, 200).await;
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
    f.get("/trainings/index/page:2.json", &s, 404).await;
    f.get("/trainings/page:0.json", &s, 400).await;
    f.get("/trainings/page:x.json", &s, 400).await;
    assert_eq!(
        f.get("/trainings/index/page:1.json", &s, 200).await["trainings"],
        v["trainings"]
    );
    // The instructor teaches subjects and has classes.
    let i = f.who("instructor");
    let iv = f.get("/trainings.json", &i, 200).await;
    assert!(
        !iv["teacher"].as_array().unwrap().is_empty()
            || !iv["myClasses"].as_array().unwrap().is_empty()
    );
    // user_id: ignored for ordinary users, honoured for the API user.
    let m = f.who("manager");
    let by_id = format!("/trainings/user_id:{}.json", s.uid);
    let mine = f.get(&by_id, &m, 200).await;
    assert!(mine["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["Training"]["enrollment_id"] != rows[0]["Training"]["enrollment_id"]));
    let a = f.who("api_user");
    let theirs = f.get(&by_id, &a, 200).await;
    assert_eq!(theirs["trainings"], v["trainings"]);
    let theirs = f
        .get(&format!("/trainings.json?user_id={}", s.uid), &a, 200)
        .await;
    assert_eq!(theirs["trainings"], v["trainings"]);
    f.get("/trainings/user_id:424242.json", &a, 404).await;
    f.sb.shutdown().await;
}

#[tokio::test]
async fn paging_30_and_50_with_created_trainings() {
    let f = Fl::new().await;
    let m = f.who("manager");
    let s = f.who("student");
    let before = f.get("/manager/trainings.json", &m, 200).await;
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
    let mine = f.get("/trainings.json", &s, 200).await["paginate"]["count"]
        .as_u64()
        .unwrap() as usize;
    // Create trainings until the manager list has 52 and the student has 31 enrolments.
    let extra = 52 - n0;
    for k in 0..extra {
        let name = format!("Z Created {k:02}");
        let v = f
            .form(
                "/manager/trainings/trainings/create.json",
                &m,
                &[("name", &name), ("type", "REMOTE"), ("theory", "1")],
                200,
            )
            .await;
        assert_eq!(v["result"], true);
        let id = v["id"].as_str().unwrap().to_string();
        if k < 31 - mine {
            let e = f
                .form(
                    "/manager/trainings/students/enroll.json",
                    &m,
                    &[("training_id", &id), ("students[]", &s.uid)],
                    200,
                )
                .await;
            assert!(e["results"][s.uid.as_str()]["TrainingsUser"]["id"].is_string());
        }
    }
    let p1 = f.get("/manager/trainings.json", &m, 200).await;
    assert_eq!(p1["trainings"].as_array().unwrap().len(), 50);
    assert_eq!(p1["paginate"]["count"], 52);
    assert_eq!(p1["paginate"]["pageCount"], 2);
    assert_eq!(p1["paginate"]["nextPage"], true);
    let p2 = f.get("/manager/trainings/index/page:2.json", &m, 200).await;
    assert_eq!(p2["trainings"].as_array().unwrap().len(), 2);
    assert_eq!(p2["paginate"]["prevPage"], true);
    assert_eq!(p2["paginate"]["limit"], 50);
    let t1 = f.get("/trainings.json", &s, 200).await;
    assert_eq!(t1["trainings"].as_array().unwrap().len(), 30);
    assert_eq!(t1["paginate"]["count"], 31);
    let t2 = f.get("/trainings/page:2.json", &s, 200).await;
    assert_eq!(t2["trainings"].as_array().unwrap().len(), 1);
    // Roles: only user_group_id <= 135 reaches the manager area.
    f.get("/manager/trainings.json", &s, 403).await;
    f.get("/manager/trainings.json", &f.who("instructor"), 403)
        .await;
    // Create validation.
    f.form(
        "/manager/trainings/trainings/create.json",
        &m,
        &[("name", "X")],
        400,
    )
    .await;
    f.form(
        "/manager/trainings/trainings/create.json",
        &m,
        &[("name", "X"), ("type", "ground")],
        400,
    )
    .await;
    f.form(
        "/manager/trainings/trainings/create.json",
        &m,
        &[("type", "ONSITE")],
        400,
    )
    .await;
    let tpl = f
        .get("/manager/trainings/trainings/templates.json", &m, 200)
        .await;
    let tid = tpl["templates"][0]["Training"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let c = f
        .form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[
                ("name", "From template"),
                ("type", "ONSITE"),
                ("template_id", &tid),
            ],
            200,
        )
        .await;
    f.form(
        "/manager/trainings/trainings/create.json",
        &m,
        &[("name", "X"), ("type", "ONSITE"), ("template_id", "nope")],
        404,
    )
    .await;
    let _ = c;
    f.sb.shutdown().await;
}

async fn first_enrollment(f: &Fl, w: &Who, pred: impl Fn(&Value) -> bool) -> Value {
    let v = f.get("/trainings.json", w, 200).await;
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
    let view = format!("/trainings/trainings/view/{eid}.json");
    let v = f.get(&view, &s, 200).await;
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
    let by_t = f
        .get(
            &format!(
                "/trainings/trainings/view/{}.json",
                t["training_id"].as_str().unwrap()
            ),
            &s,
            200,
        )
        .await;
    assert_eq!(
        by_t["training"]["TrainingsUser"]["training_id"],
        t["training_id"]
    );
    // Someone else's enrolment.
    let z = f.who("student_2fa");
    f.get(&view, &z, 403).await;
    f.get("/trainings/trainings/view/nope.json", &s, 404).await;
    let m = f.who("manager");
    f.get(
        &format!("/manager/trainings/students/view/{eid}.json"),
        &m,
        200,
    )
    .await;
    // Subjects.
    let mine = f.get("/trainings/subjects/mine.json", &s, 200).await;
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["Training"]["id"] == t["training_id"]));
    let sid = subjects[0]["id"].as_str().unwrap();
    let subject = format!("/trainings/subjects/view/{eid}/{sid}.json");
    let manager_subject = format!("/manager/trainings/subjects/view/{sid}.json");
    let sv = f.get(&subject, &s, 200).await;
    assert_eq!(sv["subject"]["TrainingSubject"]["id"], sid);
    assert!(sv["subject"]["TrainingSubjectLesson"][0]["TrainingSubjectAttendance"].is_array());
    assert!(sv["subject"]["Progress"]["total"].is_u64());
    f.get(&subject, &z, 403).await;
    f.get(
        &format!("/trainings/subjects/view/{eid}/nope.json"),
        &s,
        404,
    )
    .await;
    let mv = f.get(&manager_subject, &m, 200).await;
    assert!(mv["subject"]["TrainingSubject"]["total_minutes"].is_u64());
    f.get(&manager_subject, &s, 403).await;
    let la = f
        .get(
            &format!("/trainings/lessons/attendance/{sid}.json"),
            &s,
            200,
        )
        .await;
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
    let v = f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s, 200)
        .await;
    let subj = &v["training"]["Training"]["TrainingSubject"][0];
    let lid = subj["TrainingSubjectLesson"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let lesson_view = format!("/trainings/lessons/view/{lid}/{eid}.json");
    let lv = f.get(&lesson_view, &s, 200).await;
    assert_eq!(lv["enrollment"], eid.as_str());
    assert!(lv["testAuthorization"].is_boolean());
    assert_eq!(lv["nextLesson"]["action"], "lesson");
    let slides = f
        .get(&format!("/trainings/lessons/slides/{lid}.json"), &s, 200)
        .await;
    let sl = slides["slides"].as_array().unwrap();
    assert_eq!(sl.len(), 3);
    let first = sl[0]["LessonSlide"]["id"].as_str().unwrap();
    let one = f
        .get(&format!("/trainings/lessons/slide/{first}.json"), &s, 200)
        .await;
    assert_eq!(one["prev"], Value::Null);
    assert_eq!(one["next"], sl[1]["LessonSlide"]["id"]);
    f.get("/trainings/lessons/slide/nope.json", &s, 404).await;
    // Completion (form-urlencoded).
    f.form(
        "/trainings/lessons/complete.json",
        &s,
        &[("lessonId", &lid), ("enrollmentId", &eid)],
        400,
    )
    .await;
    f.form(
        "/trainings/lessons/complete.json",
        &s,
        &[
            ("lessonId", &lid),
            ("enrollmentId", &eid),
            ("timeSpent", "abc"),
        ],
        400,
    )
    .await;
    f.form(
        "/trainings/lessons/complete.json",
        &s,
        &[
            ("lessonId", "nope"),
            ("enrollmentId", &eid),
            ("timeSpent", "60"),
        ],
        404,
    )
    .await;
    let z = f.who("student_2fa");
    f.form(
        "/trainings/lessons/complete.json",
        &z,
        &[
            ("lessonId", &lid),
            ("enrollmentId", &eid),
            ("timeSpent", "60"),
        ],
        403,
    )
    .await;
    // Complete every lesson of the first subject.
    let lessons: Vec<String> = subj["TrainingSubjectLesson"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap().to_string())
        .collect();
    let mut last = Value::Null;
    for l in &lessons {
        last = f
            .form(
                "/trainings/lessons/complete.json",
                &s,
                &[
                    ("lessonId", l),
                    ("enrollmentId", &eid),
                    ("timeSpent", "600"),
                ],
                200,
            )
            .await;
        assert_eq!(last["result"], true);
        assert_eq!(last["trainingId"], t["training_id"]);
    }
    assert_eq!(
        last["next"]["action"], "exam",
        "after the last lesson comes the subject exam"
    );
    let after = first_enrollment(&f, &s, |x| x["enrollment_id"] == eid.as_str()).await;
    assert!(after["Lessons"]["completed"].as_u64().unwrap() >= before);
    let lv = f.get(&lesson_view, &s, 200).await;
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
    let v = f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s, 200)
        .await;
    let subjects = v["training"]["Training"]["TrainingSubject"]
        .as_array()
        .unwrap()
        .clone();
    let sid = subjects[0]["id"].as_str().unwrap().to_string();
    // Index: students get no questions, managers get the options with the answers.
    let subject_exams = format!("/trainings/exams/index/subject:{sid}.json");
    let si = f.get(&subject_exams, &s, 200).await;
    let ex = &si["exams"][0];
    assert_eq!(ex["TrainingSubjectExam"]["available"], true);
    assert!(ex.get("TrainingQuestion").is_none());
    let mi = f.get(&subject_exams, &m, 200).await;
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
    let li = f
        .get(
            &format!("/trainings/exams/index/lesson:{lid}.json"),
            &s,
            200,
        )
        .await;
    assert_eq!(li["exams"].as_array().unwrap().len(), 1);
    f.get("/trainings/exams/index.json", &s, 400).await;
    f.get("/trainings/exams/index/subject:nope.json", &s, 404)
        .await;
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
    let p = f.get(&start, &s, 200).await;
    assert_eq!(p["remainingAttempts"], 3);
    assert_eq!(p["canStart"], true);
    f.get(&start, &f.who("student_2fa"), 403).await;
    // Attempt 1: answer everything wrong, finish, fail.
    let att = f.form(&start, &s, &[], 200).await["attempt_id"]
        .as_str()
        .unwrap()
        .to_string();
    let again = f.form(&start, &s, &[], 200).await;
    assert_eq!(
        again["attempt_id"],
        att.as_str(),
        "an open attempt is resumed"
    );
    let d = f
        .get(&format!("/trainings/exams/do/{att}.json"), &s, 200)
        .await;
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
        let r = f
            .form(
                "/trainings/exams/answer.json",
                &s,
                &[
                    ("attemptDetailId", did),
                    ("questionOptionId", wrong["id"].as_str().unwrap()),
                ],
                200,
            )
            .await;
        assert_eq!(r["result"], true);
    }
    // An option of another question is rejected; missing params too.
    let d0 = questions[0]["ExamAttemptDetail"]["id"].as_str().unwrap();
    let other = questions[1]["TrainingQuestion"]["TrainingQuestionOption"][0]["id"]
        .as_str()
        .unwrap();
    f.form(
        "/trainings/exams/answer.json",
        &s,
        &[("attemptDetailId", d0), ("questionOptionId", other)],
        400,
    )
    .await;
    f.form(
        "/trainings/exams/answer.json",
        &s,
        &[("attemptDetailId", d0)],
        400,
    )
    .await;
    f.form(
        "/trainings/exams/answer.json",
        &s,
        &[("attemptDetailId", "nope"), ("questionOptionId", other)],
        404,
    )
    .await;
    let attempt_view = format!("/trainings/exams/view/{att}.json");
    f.get(&attempt_view, &s, 400).await;
    let finish_attempt = format!("/trainings/exams/finish/{att}.json");
    let fin = f.get(&finish_attempt, &s, 200).await;
    assert_eq!(fin["passed"], false);
    assert_eq!(fin["score"], 0);
    f.get(&finish_attempt, &s, 400).await;
    f.form(
        "/trainings/exams/answer.json",
        &s,
        &[("attemptDetailId", d0), ("questionOptionId", other)],
        400,
    )
    .await;
    let view = f.get(&attempt_view, &s, 200).await;
    assert_eq!(view["attempt"]["status"], "FINISHED");
    assert!(
        view["questions"][0]["TrainingQuestion"]["TrainingQuestionOption"][0]
            .get("value")
            .is_some()
    );
    assert_eq!(view["questions"][0]["ExamAttemptDetail"]["correct"], false);
    // Attempt 2: all correct, pass.
    let att2 = f.form(&start, &s, &[], 200).await["attempt_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(att2, att);
    let d = f
        .get(&format!("/trainings/exams/do/{att2}.json"), &s, 200)
        .await;
    for q in d["questions"].as_array().unwrap() {
        let opts = q["TrainingQuestion"]["TrainingQuestionOption"]
            .as_array()
            .unwrap();
        let right = opts
            .iter()
            .find(|o| correct.contains_key(o["id"].as_str().unwrap()))
            .unwrap();
        f.form(
            "/trainings/exams/answer.json",
            &s,
            &[
                (
                    "attemptDetailId",
                    q["ExamAttemptDetail"]["id"].as_str().unwrap(),
                ),
                ("questionOptionId", right["id"].as_str().unwrap()),
            ],
            200,
        )
        .await;
    }
    let fin = f
        .get(&format!("/trainings/exams/finish/{att2}.json"), &s, 200)
        .await;
    assert_eq!(fin["passed"], true);
    assert_eq!(fin["score"], 100);
    f.form(&start, &s, &[], 403).await;
    let p = f.get(&start, &s, 200).await;
    assert_eq!(p["passed"], true);
    assert_eq!(p["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(p["remainingAttempts"], 1);
    // Exhausting attempts on another subject's exam.
    let sid2 = subjects[1]["id"].as_str().unwrap();
    let x2 = f
        .get(
            &format!("/trainings/exams/index/subject:{sid2}.json"),
            &s,
            200,
        )
        .await["exams"][0]["TrainingSubjectExam"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let start2 = format!("/trainings/exams/start/{eid}/{x2}.json");
    for _ in 0..3 {
        let a = f.form(&start2, &s, &[], 200).await["attempt_id"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            f.get(&format!("/trainings/exams/finish/{a}.json"), &s, 200)
                .await["passed"],
            false
        );
    }
    f.form(&start2, &s, &[], 403).await;
    // Time limit: a started attempt can not be answered after its minutes.
    let sid3 = subjects[2]["id"].as_str().unwrap();
    let x3 = f
        .get(
            &format!("/trainings/exams/index/subject:{sid3}.json"),
            &s,
            200,
        )
        .await["exams"][0]["TrainingSubjectExam"]
        .clone();
    let a3 = f
        .form(
            &format!(
                "/trainings/exams/start/{eid}/{}.json",
                x3["id"].as_str().unwrap()
            ),
            &s,
            &[],
            200,
        )
        .await["attempt_id"]
        .as_str()
        .unwrap()
        .to_string();
    let attempt3 = format!("/trainings/exams/do/{a3}.json");
    let d3 = f.get(&attempt3, &s, 200).await;
    f.advance("2h").await;
    let q = &d3["questions"][0];
    f.form(
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
        403,
    )
    .await;
    f.get(&attempt3, &f.who("student_2fa"), 403).await;
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
    let v = f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s, 200)
        .await;
    let subj = &v["training"]["Training"]["TrainingSubject"][0];
    let sid = subj["id"].as_str().unwrap();
    let lid = subj["TrainingSubjectLesson"][0]["id"].as_str().unwrap();
    let locs = f.get("/trainings/locations.json", &s, 200).await;
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
    f.form("/manager/trainings/onsite/class.json", &s, &form, 403)
        .await;
    for drop in ["training_subject_id", "start", "teacher_id", "students"] {
        let partial: Vec<(&str, &str)> = form.iter().copied().filter(|(k, _)| *k != drop).collect();
        f.form("/manager/trainings/onsite/class.json", &m, &partial, 400)
            .await;
    }
    let mut bad = form;
    bad[2] = ("start", "someday");
    f.form("/manager/trainings/onsite/class.json", &m, &bad, 400)
        .await;
    let mut bad = form;
    bad[7] = ("students", "1");
    f.form("/manager/trainings/onsite/class.json", &m, &bad, 400)
        .await;
    let c = f
        .form("/manager/trainings/onsite/class.json", &m, &form, 200)
        .await;
    let cid = c["id"].as_str().unwrap().to_string();
    let class = format!("/trainings/onsite/class/{cid}.json");
    let delete = format!("/manager/trainings/onsite/delete_class/{cid}/true.json");
    // View: roster, teacher; a stranger is refused.
    let cv = f.get(&class, &s, 200).await;
    assert_eq!(cv["class"]["LessonClass"]["teacher_id"], i.uid.as_str());
    assert_eq!(
        cv["class"]["LessonClass"]["training_subject_lesson_id"],
        lid
    );
    assert_eq!(
        cv["class"]["LessonClass"]["datetime"],
        "2026-03-02 08:00:00"
    );
    f.get(&class, &f.who("student_2fa"), 403).await;
    // Attendance by the teacher.
    let att_key = format!("data[attendance][{}][value]", s.uid);
    let store_attendance = "/trainings/onsite/store_attendance.json";
    let present = [("data[class_id]", cid.as_str()), (att_key.as_str(), "1")];
    f.form(store_attendance, &s, &present, 403).await;
    f.form(store_attendance, &i, &present[..1], 400).await;
    let sa = f.form(store_attendance, &i, &present, 200).await;
    let row = &sa["attendances"][0]["TrainingSubjectAttendance"];
    assert_eq!(row["value"], true);
    let row_id = row["id"].as_str().unwrap().to_string();
    // Keyed by the attendance row id works too.
    let k2 = format!("data[attendance][{row_id}][value]");
    f.form(store_attendance, &i, &[present[0], (&k2, "1")], 200)
        .await;
    // Evaluation.
    let ev = f
        .get(
            &format!(
                "/trainings/onsite/get_student_evaluation/{cid}/{}.json",
                s.uid
            ),
            &i,
            200,
        )
        .await;
    assert_eq!(
        ev["attendanceRecord"]["TrainingSubjectAttendance"]["id"],
        row_id.as_str()
    );
    f.get(
        &format!("/trainings/onsite/get_student_evaluation/{cid}/abc.json"),
        &i,
        400,
    )
    .await;
    f.get(
        &format!(
            "/trainings/onsite/get_student_evaluation/nope/{}.json",
            s.uid
        ),
        &i,
        404,
    )
    .await;
    let save_evaluation = "/trainings/onsite/save_student_evaluation.json";
    let se = f
        .form(
            save_evaluation,
            &i,
            &[
                ("class_id", &cid),
                ("student_id", &s.uid),
                ("remarks", "Good"),
                ("measures", "More charts"),
                ("objectives", "STD"),
            ],
            200,
        )
        .await;
    assert_eq!(se["updateData"]["remarks"], "Good");
    assert_eq!(se["updateData"]["value"], 1);
    f.form(save_evaluation, &i, &[("class_id", &cid)], 400)
        .await;
    f.form(
        save_evaluation,
        &s,
        &[("class_id", &cid), ("student_id", &s.uid)],
        403,
    )
    .await;
    // Signing: teacher only, with the teacher's own password.
    f.sign_class("sign_class", &i, &cid, None, 400).await;
    f.sign_class("sign_class", &i, &cid, Some("wrong"), 403)
        .await;
    f.sign_class("sign_class", &m, &cid, Some(&m.password), 403)
        .await;
    f.sign_class("sign_class", &s, &cid, Some(&s.password), 403)
        .await;
    let sg = f
        .sign_class("sign_class", &i, &cid, Some(&i.password), 200)
        .await;
    assert_eq!(sg["result"], true);
    assert_eq!(
        f.sign_class("sign_class", &i, &cid, Some(&i.password), 200)
            .await["result"],
        false
    );
    let cv = f.get(&class, &i, 200).await;
    assert_eq!(cv["class"]["LessonClass"]["status"], "closed");
    // A signed class is frozen.
    let absent = [present[0], (&att_key, "0")];
    f.form(store_attendance, &i, &absent, 400).await;
    f.get(&delete, &m, 400).await;
    // Unsign needs the password as well.
    f.sign_class("unsign_class", &i, &cid, Some("wrong"), 403)
        .await;
    assert_eq!(
        f.sign_class("unsign_class", &i, &cid, Some(&i.password), 200)
            .await["result"],
        true
    );
    assert_eq!(
        f.sign_class("unsign_class", &i, &cid, Some(&i.password), 200)
            .await["result"],
        false
    );
    // Update (id) then delete.
    let mut upd: Vec<(&str, &str)> = form.to_vec();
    upd.push(("id", &cid));
    upd[2] = ("start", "2026-03-09T10:00:00Z");
    assert_eq!(
        f.form("/manager/trainings/onsite/class.json", &m, &upd, 200)
            .await["id"],
        cid.as_str()
    );
    let cv = f.get(&class, &i, 200).await;
    // 10:00 UTC is 11:00 on the school's clock (Madrid, +01:00 in March before the change).
    assert_eq!(
        cv["class"]["LessonClass"]["datetime"],
        "2026-03-09 11:00:00"
    );
    assert_eq!(cv["class"]["LessonClass"]["status"], "scheduled");
    // Calendar and location view show it.
    let cal = f.get("/trainings/trainings/calendar.json?start=2026-03-09&end=2026-03-09&timeZone=Europe/Madrid", &s, 200).await;
    assert!(cal
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == cid.as_str()));
    f.get(
        "/trainings/trainings/calendar.json?start=2026-03-09&end=2026-03-09",
        &s,
        400,
    )
    .await;
    f.get(
        "/trainings/trainings/calendar.json?start=x&end=2026-03-09&timeZone=UTC",
        &s,
        400,
    )
    .await;
    let lv = f
        .get(&format!("/trainings/locations/view/{loc}.json"), &s, 200)
        .await;
    assert!(lv["classes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["LessonClass"]["id"] == cid.as_str()));
    // Teaching report counts the class.
    let tr = f
        .form(
            "/manager/trainings/trainings/teaching_report.json",
            &m,
            &[
                ("training", t["training_id"].as_str().unwrap()),
                ("from", "2026-03-01"),
                ("to", "2026-03-31"),
            ],
            200,
        )
        .await;
    assert!(tr["report"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["teacher"]["id"] == i.uid.as_str()));
    f.form(
        "/manager/trainings/trainings/teaching_report.json",
        &m,
        &[("training", "x")],
        400,
    )
    .await;
    f.get(
        &format!("/manager/trainings/onsite/delete_class/{cid}/false.json"),
        &m,
        400,
    )
    .await;
    f.get(&delete, &i, 403).await;
    assert_eq!(f.get(&delete, &m, 200).await["result"], true);
    f.get(&class, &i, 404).await;
    f.sb.shutdown().await;
}

#[tokio::test]
async fn enrolment_rules() {
    let f = Fl::new().await;
    let m = f.who("manager");
    let s = f.who("student");
    let z = f.who("student_2fa");
    let trainings = f.get("/manager/trainings.json", &m, 200).await;
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
    f.get(path, &m, 400).await;
    f.form(path, &m, &[], 400).await;
    f.form(path, &m, &[("students[]", &s.uid)], 400).await;
    f.form(
        path,
        &m,
        &[("training_id", &distance), ("students", &s.uid)],
        400,
    )
    .await;
    f.json(
        path,
        &m,
        json!({"training_id": distance, "students": s.uid}),
        400,
    )
    .await;
    f.json(
        path,
        &m,
        json!({"training_id": distance, "students": []}),
        404,
    )
    .await;
    f.json(
        path,
        &m,
        json!({"training_id": "nope", "students": [s.uid]}),
        404,
    )
    .await;
    f.json(
        path,
        &s,
        json!({"training_id": distance, "students": [s.uid]}),
        403,
    )
    .await;
    // Already enrolled (not finished): skipped. Finished: re-take gets a fresh enrolment.
    let r = f.json(path, &m, json!({"training_id": distance, "students": [s.uid, z.uid], "supervisor_id": f.who("instructor").uid, "finish_before": 1_790_000_000}), 200).await;
    let res = r["results"].as_object().unwrap();
    assert!(!res.contains_key(&s.uid), "already enrolled is skipped");
    let fresh = &res[&z.uid]["TrainingsUser"];
    assert_eq!(fresh["finish_before"], 1_790_000_000);
    assert_eq!(fresh["user_id"], z.uid.as_str());
    let zv = f.get("/trainings.json", &z, 200).await;
    let zd: Vec<&Value> = zv["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["Training"]["training_id"] == distance.as_str())
        .collect();
    assert_eq!(zd.len(), 2, "the finished enrolment and the re-take");
    // Again: now both skipped.
    let r = f
        .json(
            path,
            &m,
            json!({"training_id": distance, "students": [s.uid, z.uid]}),
            200,
        )
        .await;
    assert_eq!(r["results"], json!({}));
    // Pilot group expansion (non-numeric id), skipping members already enrolled.
    let created = f
        .form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[("name", "Group course"), ("type", "ONSITE")],
            200,
        )
        .await["id"]
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
    f.form(
        path,
        &m,
        &[("training_id", &created), ("students[]", &first)],
        200,
    )
    .await;
    let r = f
        .form(
            path,
            &m,
            &[
                ("training_id", &created),
                ("students[0]", group["id"].as_str().unwrap()),
            ],
            200,
        )
        .await;
    let res = r["results"].as_object().unwrap();
    assert!(!res.contains_key(&first));
    let active_members = members.len() - 1;
    assert!(res.len() <= active_members && !res.is_empty(), "{r}");
    for k in res.keys() {
        assert!(members.contains(k));
    }
    // Students list filters.
    let all = f.get(&format!("/manager/trainings/students/list/training:{created}/finished:/group:/pilot_group:/username:.json"), &m, 200).await;
    let enrolled = res.values().filter(|v| v.is_object()).count();
    assert!(res.values().all(|v| v.is_object() || *v == json!(false)));
    assert_eq!(all["students"].as_array().unwrap().len(), enrolled + 1);
    let one = f.get(&format!("/manager/trainings/students/list/training:/finished:1/group:/pilot_group:/username:{}.json", z.email), &m, 200).await;
    assert!(one["students"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["TrainingsUser"]["finished"] == true && x["User"]["id"] == z.uid.as_str()));
    assert!(!one["students"].as_array().unwrap().is_empty());
    let pg = f.get(&format!("/manager/trainings/students/list/training:/finished:/group:200/pilot_group:{}/username:.json", group["id"].as_str().unwrap()), &m, 200).await;
    assert!(pg["students"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| members.contains(&x["User"]["id"].as_str().unwrap().to_string())));
    f.get(
        "/manager/trainings/students/list/finished:maybe.json",
        &m,
        400,
    )
    .await;
    f.get(
        "/manager/trainings/students/list/pilot_group:nope.json",
        &m,
        404,
    )
    .await;
    // Notes.
    let eid = res.values().find(|v| v.is_object()).unwrap()["TrainingsUser"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        f.form(
            "/manager/trainings/students/notes.json",
            &m,
            &[("id", &eid), ("notes", "Keen")],
            200
        )
        .await["result"],
        true
    );
    let sv = f
        .get(
            &format!("/manager/trainings/students/view/{eid}.json"),
            &m,
            200,
        )
        .await;
    assert_eq!(sv["training"]["TrainingsUser"]["notes"], "Keen");
    f.form(
        "/manager/trainings/students/notes.json",
        &m,
        &[("notes", "x")],
        400,
    )
    .await;
    f.sb.shutdown().await;
}

#[tokio::test]
async fn missions_debrief_signing() {
    let f = Fl::new().await;
    let s = f.who("student");
    let z = f.who("student_2fa");
    let un = f.get("/trainings/missions/unsigned.json", &s, 200).await;
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
    f.sign_mission(&s, Some(&id), None, 400).await;
    f.sign_mission(&s, None, Some(&s.password), 400).await;
    f.sign_mission(&s, Some("nope"), Some(&s.password), 404)
        .await;
    f.sign_mission(&s, Some(&id), Some("wrong"), 403).await;
    f.sign_mission(&z, Some(&id), Some(&z.password), 403).await;
    assert_eq!(
        f.sign_mission(&s, Some(&id), Some(&s.password), 200).await["update"],
        true
    );
    assert_eq!(
        f.sign_mission(&s, Some(&id), Some(&s.password), 200).await["update"],
        false
    );
    let un2 = f.get("/trainings/missions/unsigned.json", &s, 200).await;
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
    let v = f.get("/trainings.json", &s, 200).await;
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
        let tv = f
            .get(&format!("/trainings/trainings/view/{eid}.json"), &s, 200)
            .await;
        let m = &tv["performedFlightTrainings"][0]["UserTrainingFlight"];
        assert_eq!(m["debriefing_signature"], Value::Null);
        let mid = m["id"].as_str().unwrap();
        f.sign_mission(&s, Some(mid), Some(&s.password), 403).await;
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
    let zt = f.get("/trainings.json", &z, 200).await;
    let fin = zt["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["Training"]["finished"] == true)
        .unwrap();
    let fid = fin["Training"]["enrollment_id"].as_str().unwrap();
    let cert = format!("/trainings/trainings/certificate/{fid}.json");
    assert!(fin["Training"]["finish_date"].as_i64().unwrap() > 0);
    let c = f.get(&cert, &z, 200).await;
    assert_eq!(c["certificate"]["TrainingsUser"]["finished"], true);
    f.get(&cert, &m, 200).await;
    f.get(&cert, &s, 403).await;
    let st = f.get("/trainings.json", &s, 200).await;
    let open = st["trainings"][0]["Training"]["enrollment_id"]
        .as_str()
        .unwrap();
    assert_eq!(
        f.get(
            &format!("/trainings/trainings/certificate/{open}.json"),
            &s,
            404
        )
        .await["message"],
        "Training not finished yet"
    );
    // Locations.
    let edit = "/manager/trainings/locations/edit.json";
    let hangar = [
        ("name", "Hangar 2"),
        ("type", "HANGAR"),
        ("country_id", "US"),
        ("timezone_id", "UTC"),
    ];
    f.form(edit, &m, &hangar[..1], 400).await;
    f.form(edit, &s, &hangar, 403).await;
    let l = f
        .form(edit, &m, &[&hangar[..], &[("phone", "123")]].concat(), 200)
        .await;
    let lid = l["id"].as_str().unwrap().to_string();
    let renamed = [("id", lid.as_str()), ("name", "Hangar Two")];
    f.form(edit, &m, &[&renamed[..], &hangar[1..]].concat(), 200)
        .await;
    let lv = f
        .get(&format!("/trainings/locations/view/{lid}.json"), &s, 200)
        .await;
    assert_eq!(lv["location"]["TrainingLocation"]["name"], "Hangar Two");
    assert_eq!(lv["location"]["TrainingLocation"]["phone"], "123");
    let unknown = [("id", "nope"), ("name", "x"), ("type", "x")];
    f.form(edit, &m, &[&unknown[..], &hangar[2..]].concat(), 404)
        .await;
    f.get("/trainings/locations/view/nope.json", &s, 404).await;
    let all = f.get("/trainings/locations.json", &s, 200).await;
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
    let f = Fl::with("flylogs:expired=1").await;
    let s = f.who("student");
    f.get("/trainings.json", &s, 401).await;
    f.sb.shutdown().await;
    let f = Fl::with("flylogs:5xx=1").await;
    let s = f.who("student");
    let r = f
        .req("GET", "/trainings.json", Some(&s.token), Body::None)
        .await;
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
    let n = f.get("/trainings/missions/unsigned.json", &s, 200).await["missions"]
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
    let un = f.get("/trainings/missions/unsigned.json", &s, 200).await;
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
    let un = f.get("/trainings/missions/unsigned.json", &s, 200).await;
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
    let v = f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s, 200)
        .await;
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
    let c = f
        .form("/manager/trainings/onsite/class.json", &m, &base, 200)
        .await;
    let cid = c["id"].as_str().unwrap().to_string();
    let mut bad = base;
    bad[0] = ("training_subject_id", other_sid);
    f.form("/manager/trainings/onsite/class.json", &m, &bad, 400)
        .await;
    let mut bad = base;
    bad[3] = ("teacher_id", s.uid.as_str());
    f.form("/manager/trainings/onsite/class.json", &m, &bad, 400)
        .await;
    let cv = f
        .get(&format!("/trainings/onsite/class/{cid}.json"), &s, 200)
        .await;
    assert_eq!(cv["class"]["LessonClass"]["training_subject_exam_id"], xid);
    assert_eq!(
        cv["class"]["LessonClass"]["training_subject_lesson_id"],
        "0"
    );
    assert_eq!(cv["class"]["TrainingSubjectExam"]["id"], xid);
    // Calendar: the training filter and the exam type.
    let q = "start=2026-03-10&end=2026-03-10&timeZone=UTC";
    let cal = f
        .get(
            &format!("/trainings/trainings/calendar.json?{q}&training={tid}"),
            &s,
            200,
        )
        .await;
    let ev = cal
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == cid.as_str())
        .unwrap();
    assert_eq!(ev["type"], "exam");
    // Scheduled as 09:00 on the school's clock (Madrid, +01:00): 08:00 UTC.
    assert_eq!(ev["start"], "2026-03-10T08:00:00+00:00");
    let madrid = f
        .get(
            &format!("/trainings/trainings/calendar.json?start=2026-03-10&end=2026-03-10&timeZone=Europe/Madrid&training={tid}"),
            &s,
            200,
        )
        .await;
    assert_eq!(madrid[0]["start"], "2026-03-10T09:00:00+01:00");
    let cal = f
        .get(
            &format!("/trainings/trainings/calendar.json?{q}&training=other"),
            &s,
            200,
        )
        .await;
    assert!(cal.as_array().unwrap().is_empty());
    f.get(
        "/trainings/trainings/calendar.json?start=2026-03-10&end=2026-03-10&timeZone=not a zone",
        &s,
        400,
    )
    .await;
    // Enrolment options: a falsy finish_before means no deadline; a bad supervisor is refused.
    let created = f
        .form(
            "/manager/trainings/trainings/create.json",
            &m,
            &[
                ("name", "Opts"),
                ("type", "distance"),
                ("theory", "true"),
                ("flights", "0"),
            ],
            200,
        )
        .await;
    assert_eq!(created["Training"]["type"], "DISTANCE");
    assert_eq!(created["Training"]["theory"], true);
    assert_eq!(created["Training"]["flights"], false);
    let nid = created["id"].as_str().unwrap();
    let p = "/manager/trainings/students/enroll.json";
    f.form(
        p,
        &m,
        &[
            ("training_id", nid),
            ("students[]", &s.uid),
            ("supervisor_id", "x"),
        ],
        400,
    )
    .await;
    let r = f
        .form(
            p,
            &m,
            &[
                ("training_id", nid),
                ("students[]", &s.uid),
                ("finish_before", "0"),
            ],
            200,
        )
        .await;
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
    let cal = f.get("/trainings/trainings/calendar.json?start=2026-02-26&end=2026-03-02T09:30:00Z&timeZone=UTC", &i, 200).await;
    let mut signed = false;
    for e in cal.as_array().unwrap() {
        let cid = e["id"].as_str().unwrap();
        let cv = f
            .get(&format!("/trainings/onsite/class/{cid}.json"), &i, 200)
            .await;
        if cv["class"]["LessonClass"]["status"] == "open" {
            assert!(
                !cv["attendances"].as_array().unwrap().is_empty(),
                "attendance was taken"
            );
            let r = f
                .sign_class("sign_class", &i, cid, Some(&i.password), 200)
                .await;
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

/// Flylogs times are the school's wall clock (Europe/Madrid, with DST): its locations say
/// so, a class scheduled on the night of the spring change keeps its wall-clock time, and
/// the calendar answers in the zone it is asked for, its days as long as they are there.
#[tokio::test]
async fn local_times_follow_the_school_zone_across_a_dst_change() {
    let f = Fl::new().await;
    let (s, i, m) = (f.who("student"), f.who("instructor"), f.who("manager"));
    let locs = f.get("/trainings/locations.json", &s, 200).await;
    assert!(locs["locations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["TrainingLocation"]["timezone_id"] == "Europe/Madrid"));
    // A class at 10:00 local on 29 March 2026 (Madrid moves to +02:00 at 02:00 that night).
    let t = first_enrollment(&f, &s, |t| t["theory"] == true && t["type"] == "ONSITE").await;
    let eid = t["enrollment_id"].as_str().unwrap();
    let v = f
        .get(&format!("/trainings/trainings/view/{eid}.json"), &s, 200)
        .await;
    let subject = v["training"]["Training"]["TrainingSubject"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let form = [
        ("training_subject_id", subject.as_str()),
        ("teacher_id", i.uid.as_str()),
        ("start", "2026-03-29 10:00:00"),
        ("students", s.uid.as_str()),
    ];
    let c = f
        .form("/manager/trainings/onsite/class.json", &m, &form, 200)
        .await;
    let cid = c["id"].as_str().unwrap().to_string();
    let cv = f
        .get(&format!("/trainings/onsite/class/{cid}.json"), &s, 200)
        .await;
    assert_eq!(
        cv["class"]["LessonClass"]["datetime"],
        "2026-03-29 10:00:00"
    );
    let day = "start=2026-03-29&end=2026-03-29";
    let find = |cal: &Value| {
        cal.as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == cid.as_str())
            .cloned()
    };
    let local = f
        .get(
            &format!("/trainings/trainings/calendar.json?{day}&timeZone=Europe/Madrid"),
            &s,
            200,
        )
        .await;
    assert_eq!(find(&local).unwrap()["start"], "2026-03-29T10:00:00+02:00");
    let utc = f
        .get(
            &format!("/trainings/trainings/calendar.json?{day}&timeZone=UTC"),
            &s,
            200,
        )
        .await;
    assert_eq!(find(&utc).unwrap()["start"], "2026-03-29T08:00:00+00:00");
    // New York changed on 8 March: -04:00.
    let ny = f
        .get(
            &format!("/trainings/trainings/calendar.json?{day}&timeZone=America/New_York"),
            &s,
            200,
        )
        .await;
    assert_eq!(find(&ny).unwrap()["start"], "2026-03-29T04:00:00-04:00");
    // Tokyo's 30 March starts at 15:00 UTC on the 29th, after the class.
    let tokyo = f
        .get("/trainings/trainings/calendar.json?start=2026-03-30&end=2026-03-30&timeZone=Asia/Tokyo", &s, 200)
        .await;
    assert!(find(&tokyo).is_none());
    f.get(
        &format!("/trainings/trainings/calendar.json?{day}&timeZone=Mars/Olympus"),
        &s,
        400,
    )
    .await;
    f.sb.shutdown().await;
}
