//! AviationAlley v1 over real HTTP.

mod common;

use std::collections::BTreeSet;

use common::*;
use flightdesk_sandbox::Provider::AviationAlley as AA;
use serde_json::{json, Value};

const ENDPOINTS: [(&str, &str); 7] = [
    ("/trainees", "trainees:read"),
    ("/bookings", "bookings:read"),
    ("/work-orders", "workorders:read"),
    ("/invoices", "invoices:read"),
    ("/compliance-items", "compliance:read"),
    ("/flight-log", "flight_log:read"),
    ("/crew", "crew:read"),
];

async fn aa(sb: &flightdesk_sandbox::RunningSandbox, path: &str) -> Resp {
    let t = token(sb, AA, "live_full");
    get(&format!("{}{path}", sb.base_url(AA)), Some(&t)).await
}

/// Walks every page; returns all items.
async fn walk(sb: &flightdesk_sandbox::RunningSandbox, path: &str, limit: usize) -> Vec<Value> {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = vec![];
    let mut cursor: Option<String> = None;
    for _ in 0..10_000 {
        let url = match &cursor {
            Some(c) => format!("{path}{sep}limit={limit}&cursor={c}"),
            None => format!("{path}{sep}limit={limit}"),
        };
        let r = aa(sb, &url).await;
        assert_eq!(r.status, 200, "{url}: {}", r.text);
        let v = r.json();
        let data = v["data"].as_array().unwrap();
        assert!(data.len() <= limit);
        assert_eq!(v["pagination"]["limit"], limit);
        out.extend(data.iter().cloned());
        match v["pagination"]["nextCursor"].as_str() {
            Some(c) => {
                assert_eq!(data.len(), limit, "a non-final page is full");
                cursor = Some(c.to_string())
            }
            None => return out,
        }
    }
    panic!("pagination did not end");
}

fn assert_error(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{}", r.text);
    let v = r.json();
    assert!(
        v["error"]["code"].is_string() && v["error"]["message"].is_string(),
        "{v}"
    );
}

#[tokio::test]
async fn auth_keys_scopes_and_prefixes() {
    let sb = sandbox().await;
    let base = sb.base_url(AA);
    let creds = sb.manifest()["aviationalley"]["credentials"].clone();
    let creds = creds.as_array().unwrap();
    assert!(creds
        .iter()
        .any(|c| c["token"].as_str().unwrap().starts_with("aa_live_")));
    assert!(creds
        .iter()
        .any(|c| c["token"].as_str().unwrap().starts_with("aa_test_")));
    for (path, _) in ENDPOINTS {
        assert_error(&get(&format!("{base}{path}"), None).await, 401);
        assert_error(
            &get(&format!("{base}{path}"), Some("aa_live_nope")).await,
            401,
        );
        assert_error(
            &get(&format!("{base}{path}"), Some("sk_live_abc")).await,
            401,
        );
        let r = send(
            client()
                .get(format!("{base}{path}"))
                .header("authorization", "Basic Zm9vOmJhcg=="),
        )
        .await;
        assert_error(&r, 401);
    }
    // Every key: allowed exactly on its scopes.
    for c in creds {
        let t = c["token"].as_str().unwrap();
        let scopes: Vec<&str> = c["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap())
            .collect();
        for (path, scope) in ENDPOINTS {
            let r = get(&format!("{base}{path}"), Some(t)).await;
            if scopes.contains(&scope) {
                assert_eq!(r.status, 200, "{} {path}: {}", c["role"], r.text);
            } else {
                assert_error(&r, 403);
                assert_eq!(r.json()["error"]["code"], "insufficient_scope");
            }
        }
    }
    // Lower-case scheme accepted.
    let t = token(&sb, AA, "test_full");
    let r = send(
        client()
            .get(format!("{base}/trainees"))
            .header("authorization", format!("bearer {t}")),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_error(
        &get(&format!("{base}/no-such-endpoint"), Some(&t)).await,
        404,
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn limit_default_bounds_and_spellings() {
    let sb = sandbox().await;
    let r = aa(&sb, "/trainees").await.json();
    assert_eq!(r["pagination"]["limit"], 50);
    assert!(r["data"].as_array().unwrap().len() <= 50);
    for ok in ["1", "200", "7"] {
        let r = aa(&sb, &format!("/bookings?limit={ok}")).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json()["pagination"]["limit"], ok.parse::<u64>().unwrap());
        assert_eq!(
            r.json()["data"].as_array().unwrap().len(),
            ok.parse::<usize>().unwrap()
        );
    }
    // Docs show `Limit`/`Cursor`: accepted too.
    let r = aa(&sb, "/bookings?Limit=3").await.json();
    assert_eq!(r["data"].as_array().unwrap().len(), 3);
    let c = r["pagination"]["nextCursor"].as_str().unwrap().to_string();
    let r2 = aa(&sb, &format!("/bookings?Limit=3&Cursor={c}"))
        .await
        .json();
    assert_ne!(r2["data"][0]["id"], r["data"][0]["id"]);
    for (path, _) in ENDPOINTS.iter().filter(|(p, _)| *p != "/crew") {
        for bad in ["0", "201", "-1", "abc", "1.5", ""] {
            let r = aa(&sb, &format!("{path}?limit={bad}")).await;
            if bad.is_empty() {
                assert_eq!(r.status, 400, "empty limit is malformed");
            } else {
                assert_error(&r, 400);
            }
        }
        assert_error(&aa(&sb, &format!("{path}?cursor=zzz")).await, 400);
        assert_error(&aa(&sb, &format!("{path}?cursor=00ff")).await, 400);
        assert_error(&aa(&sb, &format!("{path}?limit=2&limit=3")).await, 400);
    }
    // A cursor from one endpoint is rejected by another.
    let c = aa(&sb, "/trainees?limit=1").await.json()["pagination"]["nextCursor"]
        .as_str()
        .unwrap()
        .to_string();
    assert_error(&aa(&sb, &format!("/bookings?cursor={c}")).await, 400);
    sb.shutdown().await;
}

#[tokio::test]
async fn keyset_walk_matches_truth_for_every_list() {
    let sb = sandbox().await;
    let truth = admin_get(&sb, "/truth/aviationalley").await.json();
    let centre = common::credential(&sb, AA, "live_full")["center_id"]
        .as_str()
        .unwrap()
        .to_string();
    let t = &truth["centers"][&centre];
    for (path, key) in [
        ("/trainees", "trainees"),
        ("/bookings", "bookings"),
        ("/work-orders", "work-orders"),
        ("/invoices", "invoices"),
        ("/compliance-items", "compliance-items"),
        ("/flight-log", "flight-log"),
    ] {
        let all = walk(&sb, path, 200).await;
        let want = t[key].as_array().unwrap();
        assert_eq!(all.len(), want.len(), "{path}");
        let ids: BTreeSet<&str> = all.iter().map(|x| x["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), all.len(), "{path}: no duplicates across pages");
        let want_ids: BTreeSet<&str> = want.iter().map(|x| x["id"].as_str().unwrap()).collect();
        assert_eq!(ids, want_ids, "{path}");
        assert!(!all.is_empty(), "{path} has data in the demo preset");
    }
    // Small pages give the same sequence as big ones.
    let a = walk(&sb, "/trainees", 7).await;
    let b = walk(&sb, "/trainees", 200).await;
    assert_eq!(a, b);
    sb.shutdown().await;
}

#[tokio::test]
async fn centre_scoping() {
    let sb = sandbox().await;
    let base = sb.base_url(AA);
    let main = token(&sb, AA, "live_full");
    let sat = token(&sb, AA, "live_full_satellite_centre");
    let a = get(&format!("{base}/trainees?limit=200"), Some(&main))
        .await
        .json();
    let b = get(&format!("{base}/trainees?limit=200"), Some(&sat))
        .await
        .json();
    let ia: BTreeSet<String> = a["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].to_string())
        .collect();
    let ib: BTreeSet<String> = b["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].to_string())
        .collect();
    assert!(!ia.is_empty() && !ib.is_empty());
    assert!(ia.is_disjoint(&ib));
    let cid = common::credential(&sb, AA, "live_full_satellite_centre")["center_id"].clone();
    for x in b["data"].as_array().unwrap() {
        assert_eq!(x["centerId"], cid);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn bookings_filters() {
    let sb = sandbox().await;
    let all = walk(&sb, "/bookings", 200).await;
    assert!(
        all.iter().all(|b| b["simulatorId"].is_string()),
        "simulator bookings only"
    );
    let statuses: BTreeSet<&str> = all.iter().map(|b| b["status"].as_str().unwrap()).collect();
    for st in ["SCHEDULED", "COMPLETED", "CANCELLED", "NO_SHOW"] {
        assert!(
            statuses.contains(st),
            "demo has {st} bookings: {statuses:?}"
        );
    }
    for st in [
        "SCHEDULED",
        "IN_PROGRESS",
        "COMPLETED",
        "CANCELLED",
        "NO_SHOW",
    ] {
        let got = walk(&sb, &format!("/bookings?status={st}"), 200).await;
        assert_eq!(
            got.len(),
            all.iter().filter(|b| b["status"] == st).count(),
            "{st}"
        );
        assert!(got.iter().all(|b| b["status"] == st));
    }
    let from = "2026-03-01T00:00:00Z";
    let to = "2026-03-08T00:00:00Z";
    let got = walk(&sb, &format!("/bookings?from={from}&to={to}"), 50).await;
    let want: Vec<&Value> = all
        .iter()
        .filter(|b| b["startsAt"].as_str().unwrap() >= from && b["startsAt"].as_str().unwrap() < to)
        .collect();
    assert_eq!(got.len(), want.len());
    assert!(!got.is_empty());
    let got = walk(&sb, &format!("/bookings?from={from}&status=SCHEDULED"), 200).await;
    assert!(got
        .iter()
        .all(|b| b["startsAt"].as_str().unwrap() >= from && b["status"] == "SCHEDULED"));
    // Offsets are accepted (+01:00 is an hour earlier in UTC).
    let r = aa(&sb, "/bookings?from=2026-03-01T01:00:00%2B01:00").await;
    assert_eq!(r.status, 200);
    for bad in [
        "status=DONE",
        "status=scheduled",
        "from=2026-03-01",
        "to=yesterday",
        "from=2026-03-09T00:00:00Z&to=2026-03-01T00:00:00Z",
    ] {
        assert_error(&aa(&sb, &format!("/bookings?{bad}")).await, 400);
    }
    // Ordered by start time.
    let starts: Vec<&str> = all
        .iter()
        .map(|b| b["startsAt"].as_str().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]));
    sb.shutdown().await;
}

#[tokio::test]
async fn work_orders_invoices_compliance_filters() {
    let sb = sandbox().await;
    let wos = walk(&sb, "/work-orders", 200).await;
    for st in [
        "OPEN",
        "IN_PROGRESS",
        "AWAITING_PARTS",
        "COMPLETED",
        "CANCELLED",
    ] {
        let got = walk(&sb, &format!("/work-orders?status={st}"), 200).await;
        assert_eq!(got.len(), wos.iter().filter(|w| w["status"] == st).count());
    }
    for pr in ["LOW", "NORMAL", "HIGH", "CRITICAL"] {
        let got = walk(&sb, &format!("/work-orders?priority={pr}"), 200).await;
        assert_eq!(
            got.len(),
            wos.iter().filter(|w| w["priority"] == pr).count()
        );
    }
    let sim = wos[0]["simulatorId"].as_str().unwrap();
    let got = walk(
        &sb,
        &format!(
            "/work-orders?simulatorId={sim}&status={}",
            wos[0]["status"].as_str().unwrap()
        ),
        200,
    )
    .await;
    assert!(
        !got.is_empty()
            && got
                .iter()
                .all(|w| w["simulatorId"] == sim && w["status"] == wos[0]["status"])
    );
    assert!(walk(
        &sb,
        "/work-orders?simulatorId=00000000-0000-4000-8000-000000000000",
        10
    )
    .await
    .is_empty());
    for bad in ["simulatorId=abc", "status=open", "priority=URGENT"] {
        assert_error(&aa(&sb, &format!("/work-orders?{bad}")).await, 400);
    }

    let invs = walk(&sb, "/invoices", 200).await;
    assert!(!invs.is_empty());
    for st in ["DRAFT", "SENT", "PAID", "VOID", "OVERDUE"] {
        let got = walk(&sb, &format!("/invoices?status={st}"), 200).await;
        assert_eq!(got.len(), invs.iter().filter(|w| w["status"] == st).count());
    }
    let (from, to) = ("2026-02-01T00:00:00Z", "2026-02-15T00:00:00Z");
    let got = walk(&sb, &format!("/invoices?from={from}&to={to}"), 200).await;
    let want = invs
        .iter()
        .filter(|i| i["issuedAt"].as_str().unwrap() >= from && i["issuedAt"].as_str().unwrap() < to)
        .count();
    assert_eq!(got.len(), want);
    assert!(want > 0);
    for bad in ["status=UNPAID", "from=02/01/2026"] {
        assert_error(&aa(&sb, &format!("/invoices?{bad}")).await, 400);
    }

    let items = walk(&sb, "/compliance-items", 200).await;
    let sts: BTreeSet<&str> = items
        .iter()
        .map(|i| i["status"].as_str().unwrap())
        .collect();
    assert!(sts.len() >= 4, "{sts:?}");
    for st in ["COMPLIANT", "DUE_SOON", "OVERDUE", "IN_PROGRESS", "WAIVED"] {
        let got = walk(&sb, &format!("/compliance-items?status={st}"), 200).await;
        assert_eq!(
            got.len(),
            items.iter().filter(|w| w["status"] == st).count()
        );
    }
    for cat in [
        "PART_142",
        "NSP",
        "AIRCRAFT_EVALUATION",
        "INSTRUCTOR_CURRENCY",
        "FACILITY",
        "OTHER",
    ] {
        let got = walk(&sb, &format!("/compliance-items?category={cat}"), 200).await;
        assert!(!got.is_empty(), "{cat}");
        assert_eq!(
            got.len(),
            items.iter().filter(|w| w["category"] == cat).count()
        );
    }
    for bad in ["status=LATE", "category=PART_141"] {
        assert_error(&aa(&sb, &format!("/compliance-items?{bad}")).await, 400);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn flight_log_filters() {
    let sb = sandbox().await;
    let all = walk(&sb, "/flight-log", 200).await;
    assert!(
        all.iter().any(|e| e["isSimulator"] == true)
            && all.iter().any(|e| e["isSimulator"] == false)
    );
    let user = all[0]["userId"].as_str().unwrap().to_string();
    let mine = walk(&sb, &format!("/flight-log?userId={user}"), 50).await;
    assert_eq!(
        mine.len(),
        all.iter().filter(|e| e["userId"] == user.as_str()).count()
    );
    assert!(mine.iter().all(|e| e["userId"] == user.as_str()));
    let got = walk(&sb, "/flight-log?from=2026-02-10&to=2026-02-12", 200).await;
    assert!(!got.is_empty());
    assert!(got
        .iter()
        .all(|e| ("2026-02-10"..="2026-02-12").contains(&e["date"].as_str().unwrap())));
    let want = all
        .iter()
        .filter(|e| ("2026-02-10"..="2026-02-12").contains(&e["date"].as_str().unwrap()))
        .count();
    assert_eq!(got.len(), want, "both bounds inclusive");
    let one_day = walk(&sb, "/flight-log?from=2026-02-10&to=2026-02-10", 200).await;
    assert!(one_day.iter().all(|e| e["date"] == "2026-02-10") && !one_day.is_empty());
    assert!(walk(
        &sb,
        "/flight-log?userId=00000000-0000-4000-8000-000000000000",
        5
    )
    .await
    .is_empty());
    for bad in [
        "from=2026-02-10T00:00:00Z",
        "to=2026-13-01",
        "userId=42",
        "from=2026-02-12&to=2026-02-10",
    ] {
        assert_error(&aa(&sb, &format!("/flight-log?{bad}")).await, 400);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn crew_roles_and_at_anchor() {
    let sb = sandbox().await;
    let r = aa(&sb, "/crew").await.json();
    let data = r["data"].as_array().unwrap();
    assert_eq!(
        r["at"], "2026-03-02T09:30:00Z",
        "defaults to the sandbox clock"
    );
    let roles: BTreeSet<&str> = data.iter().map(|c| c["role"].as_str().unwrap()).collect();
    assert!(
        roles.contains("INSTRUCTOR") && roles.contains("DISPATCHER"),
        "{roles:?}"
    );
    for role in ["INSTRUCTOR", "DISPATCHER", "MECHANIC", "MANAGER"] {
        let got = aa(&sb, &format!("/crew?role={role}")).await.json();
        let got = got["data"].as_array().unwrap();
        assert_eq!(got.len(), data.iter().filter(|c| c["role"] == role).count());
    }
    assert_error(&aa(&sb, "/crew?role=PILOT").await, 400);
    assert_error(&aa(&sb, "/crew?at=tomorrow").await, 400);

    // The duty schedule decides the status: find a duty in the world and probe around it.
    let world_duties = admin_get(&sb, "/records/duties").await.json();
    let people = admin_get(&sb, "/records/people").await.json();
    let d = world_duties
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["kind"] == "FLYING" && people[d["person"].as_u64().unwrap() as usize]["location"] == 0
        })
        .unwrap();
    let person = &people[d["person"].as_u64().unwrap() as usize];
    let uid = person["uuid"].as_str().unwrap();
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let (start, end) = (d["start"].as_i64().unwrap(), d["end"].as_i64().unwrap());
    let probe = |t: i64| {
        let sb = &sb;
        let url = format!("/crew?role=INSTRUCTOR&at={}", at(t));
        async move {
            let v = aa(sb, &url).await.json();
            v["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["userId"] == uid)
                .cloned()
                .unwrap()
        }
    };
    let on = probe(start + 60).await;
    assert_eq!(on["status"], "ON_DUTY");
    assert_eq!(on["currentDuty"]["startsAt"], at(start));
    let after = probe(end + 3600).await;
    assert_eq!(after["status"], "REST");
    assert!(after["currentDuty"].is_null());
    let before = probe(start - 11 * 3600).await;
    assert!(["OFF_DUTY", "REST"].contains(&before["status"].as_str().unwrap()));
    assert_eq!(before["nextDuty"]["startsAt"], at(start));
    // A long (over 12 h) duty is reported as a breach while it runs.
    let long = world_duties
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["end"].as_i64().unwrap() - d["start"].as_i64().unwrap() > 12 * 3600
                && people[d["person"].as_u64().unwrap() as usize]["location"] == 0
        })
        .expect("the generator plants duty-limit breaches");
    let lp = &people[long["person"].as_u64().unwrap() as usize];
    let v = aa(
        &sb,
        &format!(
            "/crew?at={}",
            at(long["start"].as_i64().unwrap() + 13 * 3600)
        ),
    )
    .await
    .json();
    let c = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["userId"] == lp["uuid"])
        .unwrap()
        .clone();
    assert!(
        c["limitBreaches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b == "DAILY_DUTY_LIMIT"),
        "{c}"
    );
    sb.shutdown().await;
}

fn verify(secret: &str, body: &str, sig: &str) -> bool {
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    m.update(body.as_bytes());
    hex::encode(m.finalize().into_bytes()) == sig
}

#[tokio::test]
async fn webhooks_every_event_signed() {
    let sb = sandbox().await;
    let (url, got) = receiver(200).await;
    let ep = admin_post(
        &sb,
        "/webhooks/endpoints",
        json!({"provider": "aviationalley", "url": url, "secret": "s3cret"}),
    )
    .await;
    assert_eq!(ep.status, 201);
    let events = [
        "booking.created",
        "booking.updated",
        "booking.cancelled",
        "booking.completed",
        "workorder.created",
        "workorder.updated",
        "workorder.completed",
        "invoice.created",
        "invoice.paid",
        "invoice.voided",
        "trainee.created",
        "trainee.updated",
        "compliance.due_soon",
        "compliance.overdue",
        "bidding.awards_published",
        "quote.created",
        "quote.accepted",
        "quote.declined",
    ];
    for e in events {
        let r = admin_post(
            &sb,
            "/webhooks/trigger",
            json!({"provider": "aviationalley", "event": e}),
        )
        .await;
        assert_eq!(r.status, 200, "{e}: {}", r.text);
    }
    assert!(wait_for(|| got.lock().unwrap().len() == events.len()).await);
    let got = got.lock().unwrap().clone();
    let mut seen = BTreeSet::new();
    for (h, body) in &got {
        let sig = h
            .get("x-aviationalley-signature")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(verify("s3cret", body, sig), "signature over the raw body");
        assert!(!verify("other", body, sig));
        let v: Value = serde_json::from_str(body).unwrap();
        assert!(v["data"].is_object() && v["id"].is_string() && v["createdAt"].is_string());
        seen.insert(v["type"].as_str().unwrap().to_string());
    }
    assert_eq!(seen.len(), events.len());
    let bad = admin_post(
        &sb,
        "/webhooks/trigger",
        json!({"provider": "aviationalley", "event": "booking.exploded"}),
    )
    .await;
    assert_error(&bad, 400);
    sb.shutdown().await;
}

#[tokio::test]
async fn webhooks_follow_admin_changes_and_retry() {
    let (url, got) = receiver(200).await;
    let (bad_url, bad_got) = receiver(500).await;
    let mut cfg = config();
    cfg.webhook = Some(url.clone());
    cfg.timers.webhook_retry = std::time::Duration::from_millis(50);
    cfg.timers.webhook_max_attempts = 3;
    let sb = flightdesk_sandbox::start(cfg).await.unwrap();
    let eps = admin_get(&sb, "/webhooks/endpoints").await.json();
    let secret = eps["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["provider"] == "aviationalley")
        .unwrap()["secret"]
        .as_str()
        .unwrap()
        .to_string();
    admin_post(
        &sb,
        "/webhooks/endpoints",
        json!({"url": bad_url, "events": ["booking.created"]}),
    )
    .await;
    let r = admin_post(&sb, "/bookings", json!({"aircraft": "SIM-1", "student": 20, "instructor": 2, "start": "2026-03-05T10:00:00Z", "end": "2026-03-05T12:00:00Z"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_u64().unwrap();
    admin_post(
        &sb,
        &format!("/bookings/{id}/cancel"),
        json!({"reason": "Sim down"}),
    )
    .await;
    assert!(wait_for(|| got.lock().unwrap().len() >= 2).await);
    let bodies: Vec<Value> = got
        .lock()
        .unwrap()
        .iter()
        .map(|(h, b)| {
            assert!(verify(
                &secret,
                b,
                h.get("x-aviationalley-signature")
                    .unwrap()
                    .to_str()
                    .unwrap()
            ));
            serde_json::from_str(b).unwrap()
        })
        .collect();
    assert_eq!(bodies[0]["type"], "booking.created");
    assert_eq!(bodies[1]["type"], "booking.cancelled");
    assert_eq!(bodies[1]["data"]["status"], "CANCELLED");
    // The failing endpoint got only booking.created, 3 attempts, then gave up.
    assert!(wait_for(|| bad_got.lock().unwrap().len() == 3).await);
    let mut failed = Value::Null;
    for _ in 0..100 {
        let log = admin_get(&sb, "/webhooks/deliveries").await.json();
        failed = log["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["url"] == bad_url.as_str())
            .unwrap()
            .clone();
        if failed["gave_up"] == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(failed["event"], "booking.created");
    assert_eq!(failed["attempts"], 3);
    assert_eq!(failed["delivered"], false);
    assert_eq!(failed["last_status"], 500);
    // Aircraft (non-sim) bookings are not AviationAlley's.
    let before = got.lock().unwrap().len();
    admin_post(&sb, "/bookings", json!({"aircraft": "N44API", "student": 20, "start": "2026-03-05T10:00:00Z", "end": "2026-03-05T12:00:00Z"})).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(got.lock().unwrap().len(), before);
    // New booking shows up in the API.
    let all = walk(
        &sb,
        "/bookings?from=2026-03-05T00:00:00Z&to=2026-03-06T00:00:00Z",
        200,
    )
    .await;
    assert!(all
        .iter()
        .any(|b| b["status"] == "CANCELLED" && b["notes"] == ""));
    sb.shutdown().await;
}

#[tokio::test]
async fn faults_apply_to_aviationalley() {
    let sb = sandbox_with("aa:5xx=1").await;
    let r = aa(&sb, "/trainees").await;
    assert!(r.status >= 500, "{}", r.status);
    assert_eq!(r.json()["error"]["code"], "server_error");
    // Runtime switch.
    let f = admin_put(&sb, "/faults", json!({"spec": "aviationalley:429burst=2"})).await;
    assert_eq!(f.status, 200);
    assert_eq!(aa(&sb, "/trainees").await.status, 429);
    let r = aa(&sb, "/trainees").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after").as_deref(), Some("1"));
    assert_eq!(aa(&sb, "/trainees").await.status, 200);
    admin_put(&sb, "/faults", json!({"spec": "aa:malformed=1"})).await;
    let r = aa(&sb, "/trainees").await;
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    admin_put(&sb, "/faults", json!({"spec": "aa:truncated=1"})).await;
    let r = aa(&sb, "/trainees").await;
    assert!(serde_json::from_str::<Value>(&r.text).is_err() && r.text.starts_with("{\"data\""));
    admin_put(&sb, "/faults", json!({"spec": "aa:latency=300ms"})).await;
    let t0 = std::time::Instant::now();
    assert_eq!(aa(&sb, "/trainees").await.status, 200);
    assert!(t0.elapsed() >= std::time::Duration::from_millis(300));
    admin_put(&sb, "/faults", json!({"spec": "aa:slow=40ms"})).await;
    let t0 = std::time::Instant::now();
    let r = aa(&sb, "/trainees?limit=200").await;
    assert!(
        t0.elapsed() >= std::time::Duration::from_millis(200),
        "8 chunks, 7 pauses"
    );
    assert!(r.json()["data"].is_array(), "slow body is complete");
    admin_put(&sb, "/faults", json!({"spec": "aa:expired=1"})).await;
    let r = aa(&sb, "/trainees").await;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"]["code"], "token_expired");
    // Other providers unaffected; bad spec rejected and leaves faults as they were.
    let bad = admin_put(&sb, "/faults", json!({"spec": "aa:explode=1"})).await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        admin_get(&sb, "/faults").await.json()["spec"],
        "aviationalley:expired=1"
    );
    admin_put(&sb, "/faults", json!({"spec": ""})).await;
    assert_eq!(aa(&sb, "/trainees").await.status, 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn five_xx_share_is_deterministic() {
    let mut runs = vec![];
    for _ in 0..2 {
        let sb = sandbox_with("aa:5xx=0.3").await;
        let mut codes = vec![];
        for _ in 0..40 {
            codes.push(aa(&sb, "/trainees?limit=1").await.status);
        }
        sb.shutdown().await;
        runs.push(codes);
    }
    assert_eq!(runs[0], runs[1]);
    let fails = runs[0].iter().filter(|c| **c >= 500).count();
    assert!((4..=24).contains(&fails), "{fails} of 40");
}

#[tokio::test]
async fn same_seed_and_now_give_identical_bytes() {
    let a = sandbox().await;
    let b = sandbox().await;
    for (path, _) in ENDPOINTS {
        let ra = aa(&a, &format!("{path}?limit=200")).await;
        let rb = aa(&b, &format!("{path}?limit=200")).await;
        assert_eq!(ra.status, 200);
        assert_eq!(ra.text, rb.text, "{path}");
    }
    let c = flightdesk_sandbox::start(flightdesk_sandbox::SandboxConfig {
        seed: 7,
        ..config()
    })
    .await
    .unwrap();
    let ta = aa(&a, "/trainees").await.text;
    let tc = aa(&c, "/trainees").await.text;
    assert_ne!(ta, tc, "another seed, another world");
    for s in [a, b, c] {
        s.shutdown().await;
    }
}

#[tokio::test]
async fn time_passing_sends_booking_completed() {
    let sb = sandbox().await;
    let (url, got) = receiver(200).await;
    admin_post(
        &sb,
        "/webhooks/endpoints",
        json!({"url": url, "secret": "k"}),
    )
    .await;
    // Simulator sessions ending within the next 6 hours of sandbox time.
    let all = walk(
        &sb,
        "/bookings?from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z",
        200,
    )
    .await;
    let ending: Vec<&Value> = all
        .iter()
        .filter(|b| {
            let e = b["endsAt"].as_str().unwrap();
            e > "2026-03-02T09:30:00Z"
                && e <= "2026-03-02T15:30:00Z"
                && ["SCHEDULED", "IN_PROGRESS"].contains(&b["status"].as_str().unwrap())
        })
        .collect();
    assert!(!ending.is_empty());
    let centre = common::credential(&sb, AA, "live_full")["center_id"].clone();
    let r = admin_post(&sb, "/clock/advance", json!({"duration": "6h"})).await;
    assert_eq!(r.json()["now"], "2026-03-02T15:30:00+00:00");
    assert!(wait_for(|| got.lock().unwrap().len() >= ending.len()).await);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let got = got.lock().unwrap().clone();
    let completed: Vec<Value> = got
        .iter()
        .map(|(_, b)| serde_json::from_str::<Value>(b).unwrap())
        .filter(|v| v["type"] == "booking.completed" && v["centerId"] == centre)
        .collect();
    assert_eq!(completed.len(), ending.len());
    for c in &completed {
        assert_eq!(c["data"]["status"], "COMPLETED");
        assert!(ending.iter().any(|b| b["id"] == c["data"]["id"]));
    }
    sb.shutdown().await;
}
