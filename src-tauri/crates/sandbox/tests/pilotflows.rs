//! PilotFlows v1 over real HTTP.

mod common;

use std::collections::BTreeSet;

use common::*;
use flightdesk_sandbox::Provider::PilotFlows as PF;
use flightdesk_sandbox::RunningSandbox;
use serde_json::{json, Value};

const LISTS: [&str; 6] = [
    "members",
    "aircraft",
    "flight_logs",
    "invoices",
    "expenses",
    "calendar_events",
];

fn org(sb: &RunningSandbox, role: &str) -> (String, String) {
    let c = credential(sb, PF, role);
    (
        c["token"].as_str().unwrap().into(),
        c["organization_id"].as_str().unwrap().into(),
    )
}

async fn pf(sb: &RunningSandbox, role: &str, path: &str) -> Resp {
    let (t, o) = org(sb, role);
    let path = path.replace("{org}", &o);
    get(&format!("{}{path}", sb.base_url(PF)), Some(&t)).await
}

fn assert_error(r: &Resp, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    let v = r.json();
    assert_eq!(v["error"]["code"], code, "{v}");
    assert!(v["error"]["message"].is_string());
    assert!(
        r.header("x-ratelimit-limit").is_some(),
        "rate headers on errors too"
    );
}

/// Follows links.next from the first page.
async fn walk(sb: &RunningSandbox, role: &str, path: &str) -> Vec<Value> {
    let (t, o) = org(sb, role);
    let mut url = Some(format!("{}{}", sb.base_url(PF), path.replace("{org}", &o)));
    let mut out = vec![];
    while let Some(u) = url {
        let r = get(&u, Some(&t)).await;
        assert_eq!(r.status, 200, "{u}: {}", r.text);
        let v = r.json();
        out.extend(v["data"].as_array().unwrap().iter().cloned());
        url = v["links"]["next"].as_str().map(str::to_owned);
        assert!(out.len() <= 1_000_000);
    }
    out
}

#[tokio::test]
async fn auth_and_organisation_scope() {
    let sb = sandbox().await;
    let base = sb.base_url(PF);
    assert_error(
        &get(&format!("{base}/organizations"), None).await,
        401,
        "unauthorized",
    );
    assert_error(
        &get(&format!("{base}/organizations"), Some("pf_nope")).await,
        401,
        "unauthorized",
    );
    let r = pf(&sb, "organization_plan", "/organizations").await.json();
    assert_eq!(r["data"].as_array().unwrap().len(), 1);
    assert_eq!(r["data"][0]["type"], "organization");
    assert_eq!(r["data"][0]["attributes"]["plan"], "organization");
    let (_, club) = org(&sb, "standard_plan");
    let r = pf(
        &sb,
        "organization_plan",
        &format!("/organizations/{club}/members"),
    )
    .await;
    assert_error(&r, 403, "forbidden");
    assert_error(
        &pf(&sb, "organization_plan", "/organizations/999/members").await,
        404,
        "not_found",
    );
    assert_error(
        &pf(&sb, "organization_plan", "/nowhere").await,
        404,
        "not_found",
    );
    let r = pf(&sb, "organization_plan", "/organizations/{org}")
        .await
        .json();
    assert_eq!(
        r["data"]["attributes"]["name"],
        "Skyhaven Flight Training Centre"
    );
    let (t, o) = org(&sb, "organization_plan");
    let r = send(
        client()
            .delete(format!("{base}/organizations/{o}/members"))
            .bearer_auth(&t),
    )
    .await;
    assert_error(&r, 405, "method_not_allowed");
    sb.shutdown().await;
}

#[tokio::test]
async fn lists_are_jsonapi_paged_and_match_truth() {
    let sb = sandbox().await;
    let truth = admin_get(&sb, "/truth/pilotflows").await.json();
    for role in ["organization_plan", "standard_plan", "enterprise_plan"] {
        let (_, o) = org(&sb, role);
        for l in LISTS {
            let first = pf(&sb, role, &format!("/organizations/{{org}}/{l}"))
                .await
                .json();
            let all = walk(&sb, role, &format!("/organizations/{{org}}/{l}")).await;
            let want = truth["organizations"][&o][l].as_array().unwrap();
            assert_eq!(all.len(), want.len(), "{role} {l}");
            assert_eq!(&all, want, "{role} {l}");
            assert_eq!(first["meta"]["total"], want.len(), "{l}");
            assert_eq!(first["meta"]["page"]["size"], 25);
            assert_eq!(first["meta"]["page"]["number"], 1);
            assert!(first["data"].as_array().unwrap().len() <= 25);
            if l != "expenses" || role == "organization_plan" {
                assert!(!all.is_empty(), "{role} {l} has data");
            }
            for item in &all {
                assert!(
                    item["id"].is_string()
                        && item["type"].is_string()
                        && item["attributes"].is_object()
                );
            }
            let ids: BTreeSet<&str> = all.iter().map(|x| x["id"].as_str().unwrap()).collect();
            assert_eq!(ids.len(), all.len());
        }
    }
    let r = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/flight_logs?page[size]=100&page[number]=2",
    )
    .await
    .json();
    assert_eq!(r["data"].as_array().unwrap().len(), 100);
    assert!(r["links"]["prev"]
        .as_str()
        .unwrap()
        .contains("page%5Bnumber%5D=1"));
    let last = r["meta"]["page"]["total_pages"].as_u64().unwrap();
    let r = pf(
        &sb,
        "organization_plan",
        &format!(
            "/organizations/{{org}}/flight_logs?page[size]=100&page[number]={}",
            last + 3
        ),
    )
    .await
    .json();
    assert!(r["data"].as_array().unwrap().is_empty() && r["links"]["next"].is_null());
    // Bracket names also work percent-encoded.
    let r = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/members?page%5Bsize%5D=3",
    )
    .await
    .json();
    assert_eq!(r["data"].as_array().unwrap().len(), 3);
    sb.shutdown().await;
}

#[tokio::test]
async fn paging_and_filter_validation() {
    let sb = sandbox().await;
    for bad in [
        "page[size]=0",
        "page[size]=101",
        "page[size]=x",
        "page[number]=0",
        "page[number]=-2",
        "page[offset]=3",
        "filter[updated_since]=yesterday",
        "filter[colour]=red",
    ] {
        let r = pf(
            &sb,
            "organization_plan",
            &format!("/organizations/{{org}}/members?{bad}"),
        )
        .await;
        assert_error(&r, 400, "validation_error");
        assert!(r.json()["error"]["details"]["field"].is_string(), "{bad}");
    }
    // filter[updated_since]: nothing after now, everything since long ago, changed record after a change.
    let since_now = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/members?filter[updated_since]=2026-03-02T09:30:01Z",
    )
    .await
    .json();
    assert_eq!(since_now["meta"]["total"], 0);
    let all = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/members?filter[updated_since]=2000-01-01",
    )
    .await
    .json();
    assert!(all["meta"]["total"].as_u64().unwrap() > 10);
    admin_post(&sb, "/clock/advance", json!({"seconds": 60})).await;
    let r = admin_patch(&sb, "/people/12", json!({"phone": "+1-555-000-0000"})).await;
    assert_eq!(r.status, 200);
    let since = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/members?filter[updated_since]=2026-03-02T09:30:30Z",
    )
    .await
    .json();
    assert_eq!(since["meta"]["total"], 1);
    assert_eq!(since["data"][0]["id"], "13");
    assert_eq!(since["data"][0]["attributes"]["phone"], "+1-555-000-0000");
    assert!(since["links"]["self"]
        .as_str()
        .unwrap()
        .contains("filter%5Bupdated_since%5D"));
    sb.shutdown().await;
}

#[tokio::test]
async fn single_resources() {
    let sb = sandbox().await;
    for l in LISTS {
        let first = pf(
            &sb,
            "organization_plan",
            &format!("/organizations/{{org}}/{l}?page[size]=1"),
        )
        .await
        .json();
        let item = &first["data"][0];
        let id = item["id"].as_str().unwrap();
        let r = pf(
            &sb,
            "organization_plan",
            &format!("/organizations/{{org}}/{l}/{id}"),
        )
        .await;
        assert_eq!(r.status, 200, "{l}");
        assert_eq!(&r.json()["data"], item);
        assert_error(
            &pf(
                &sb,
                "organization_plan",
                &format!("/organizations/{{org}}/{l}/abc"),
            )
            .await,
            404,
            "not_found",
        );
        assert_error(
            &pf(
                &sb,
                "organization_plan",
                &format!("/organizations/{{org}}/{l}/0"),
            )
            .await,
            404,
            "not_found",
        );
        assert_error(
            &pf(
                &sb,
                "organization_plan",
                &format!("/organizations/{{org}}/{l}/99999999"),
            )
            .await,
            404,
            "not_found",
        );
    }
    // The satellite org cannot read a main-base member by id.
    let m = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/members?page[size]=1",
    )
    .await
    .json();
    let id = m["data"][0]["id"].as_str().unwrap().to_string();
    assert_error(
        &pf(
            &sb,
            "enterprise_plan",
            &format!("/organizations/{{org}}/members/{id}"),
        )
        .await,
        404,
        "not_found",
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn flight_log_create_read_update_delete() {
    let sb = sandbox().await;
    let (t, o) = org(&sb, "organization_plan");
    let url = format!("{}/organizations/{o}/flight_logs", sb.base_url(PF));
    let c = client();
    let create = send(c.post(&url).bearer_auth(&t).json(&json!({"data": {"type": "flight_log", "attributes": {"date": "2026-03-01", "aircraft": "N44API", "duration": 1.5, "remarks": "Circuits"}}}))).await;
    assert_eq!(create.status, 201, "{}", create.text);
    let v = create.json();
    assert_eq!(v["data"]["type"], "flight_log");
    assert_eq!(v["data"]["attributes"]["date"], "2026-03-01");
    assert_eq!(v["data"]["attributes"]["aircraft"], "N44API");
    assert_eq!(v["data"]["attributes"]["duration"], 1.5);
    let id = v["data"]["id"].as_str().unwrap().to_string();
    assert!(create
        .header("location")
        .unwrap()
        .ends_with(&format!("/flight_logs/{id}")));
    let got = get(&format!("{url}/{id}"), Some(&t)).await.json();
    assert_eq!(got["data"], v["data"]);
    // Bare attributes are accepted too.
    let bare = send(
        c.post(&url)
            .bearer_auth(&t)
            .json(&json!({"date": "2026-02-28", "aircraft": "N88API", "duration": "0.8"})),
    )
    .await;
    assert_eq!(bare.status, 201, "{}", bare.text);
    // Validation, in the documented error envelope.
    let r = send(c.post(&url).bearer_auth(&t).json(&json!({"data": {"attributes": {"date": "01/03/2026", "aircraft": "N44API", "duration": 1}}}))).await;
    assert_error(&r, 422, "validation_error");
    assert_eq!(
        r.json()["error"]["details"],
        json!({"field": "date", "issue": "Date must be in YYYY-MM-DD format"})
    );
    for (body, field) in [
        (json!({"aircraft": "N44API", "duration": 1}), "date"),
        (json!({"date": "2026-03-01", "duration": 1}), "aircraft"),
        (
            json!({"date": "2026-03-01", "aircraft": "G-NOPE", "duration": 1}),
            "aircraft",
        ),
        (
            json!({"date": "2026-03-01", "aircraft": "N44API", "duration": -1}),
            "duration",
        ),
        (
            json!({"date": "2026-03-01", "aircraft": "N44API", "duration": 30}),
            "duration",
        ),
        (
            json!({"date": "2026-03-01", "aircraft": "N44API"}),
            "duration",
        ),
        (
            json!({"date": "2026-03-01", "aircraft": "N44API", "duration": 1, "pilot_id": "99999"}),
            "pilot_id",
        ),
        (
            json!({"date": "2026-03-01", "aircraft": "N44API", "duration": 1, "landings": "many"}),
            "landings",
        ),
        (
            json!({"date": "2026-03-01", "aircraft": "N44API", "duration": 1, "departure": "ZZZZ"}),
            "departure",
        ),
    ] {
        let r = send(c.post(&url).bearer_auth(&t).json(&body)).await;
        assert_error(&r, 422, "validation_error");
        assert_eq!(r.json()["error"]["details"]["field"], field, "{body}");
    }
    let r = send(
        c.post(&url)
            .bearer_auth(&t)
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    assert_error(&r, 400, "invalid_json");
    let r = send(
        c.post(&url)
            .bearer_auth(&t)
            .json(&json!({"data": {"type": "invoice", "attributes": {}}})),
    )
    .await;
    assert_error(&r, 409, "type_mismatch");
    // The satellite org cannot log the main base's aircraft.
    let (ts, os) = org(&sb, "enterprise_plan");
    let r = send(
        c.post(format!(
            "{}/organizations/{os}/flight_logs",
            sb.base_url(PF)
        ))
        .bearer_auth(&ts)
        .json(&json!({"date": "2026-03-01", "aircraft": "N44API", "duration": 1})),
    )
    .await;
    assert_error(&r, 422, "validation_error");

    // Update.
    let r = send(c.patch(format!("{url}/{id}")).bearer_auth(&t).json(&json!({"data": {"type": "flight_log", "id": id, "attributes": {"duration": 1.7, "date": "2026-02-27"}}}))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["data"]["attributes"]["duration"], 1.7);
    assert_eq!(r.json()["data"]["attributes"]["date"], "2026-02-27");
    let r = send(
        c.put(format!("{url}/{id}"))
            .bearer_auth(&t)
            .json(&json!({"duration": 2.0})),
    )
    .await;
    assert_error(&r, 422, "validation_error");
    let r = send(
        c.put(format!("{url}/{id}"))
            .bearer_auth(&t)
            .json(&json!({"date": "2026-02-27", "aircraft": "N88API", "duration": 2.0})),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["data"]["attributes"]["aircraft"], "N88API");
    let r = send(
        c.patch(format!("{url}/{id}"))
            .bearer_auth(&t)
            .json(&json!({"date": "2026-2-7"})),
    )
    .await;
    assert_error(&r, 422, "validation_error");
    assert_error(
        &send(
            c.patch(format!("{url}/99999999"))
                .bearer_auth(&t)
                .json(&json!({})),
        )
        .await,
        404,
        "not_found",
    );

    // Delete.
    let r = send(c.delete(format!("{url}/{id}")).bearer_auth(&t)).await;
    assert_eq!(r.status, 204);
    assert!(r.header("x-ratelimit-remaining").is_some());
    assert_error(
        &get(&format!("{url}/{id}"), Some(&t)).await,
        404,
        "not_found",
    );
    assert_error(
        &send(c.delete(format!("{url}/{id}")).bearer_auth(&t)).await,
        404,
        "not_found",
    );
    let all = walk(
        &sb,
        "organization_plan",
        "/organizations/{org}/flight_logs?page[size]=100",
    )
    .await;
    assert!(!all.iter().any(|x| x["id"] == id.as_str()));
    // The dashed alias path serves the same data.
    let alias = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/flight-logs?page[size]=5",
    )
    .await
    .json();
    assert_eq!(alias["meta"]["total"].as_u64().unwrap() as usize, all.len());
    sb.shutdown().await;
}

#[tokio::test]
async fn club_and_main_share_flights() {
    let sb = sandbox().await;
    let club = walk(
        &sb,
        "standard_plan",
        "/organizations/{org}/flight_logs?page[size]=100",
    )
    .await;
    let main = walk(
        &sb,
        "organization_plan",
        "/organizations/{org}/flight_logs?page[size]=100",
    )
    .await;
    assert!(!club.is_empty());
    let key = |x: &Value| x["attributes"].clone();
    let mains: Vec<Value> = main.iter().map(key).collect();
    assert!(
        club.iter().all(|c| mains.contains(&c["attributes"])),
        "club flights are main-base flights too"
    );
    let regs: BTreeSet<&str> = club
        .iter()
        .map(|c| c["attributes"]["aircraft"].as_str().unwrap())
        .collect();
    assert!(regs.iter().all(|r| ["N44API", "N88API"].contains(r)));
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limit_per_organisation() {
    let sb = sandbox().await;
    let base = sb.base_url(PF);
    let (t, o) = org(&sb, "standard_plan");
    let url = format!("{base}/organizations/{o}/aircraft");
    let r = get(&url, Some(&t)).await;
    assert_eq!(r.header("x-ratelimit-limit").as_deref(), Some("1000"));
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("999"));
    // Clock pinned at 09:30 with a one-hour window: resets at 10:00 (epoch seconds).
    assert_eq!(r.header("x-ratelimit-reset").as_deref(), Some("1772445600"));
    let c = client();
    for i in 2..=1000 {
        let r = c.get(&url).bearer_auth(&t).send().await.unwrap();
        assert_eq!(r.status(), 200, "request {i}");
    }
    let r = get(&url, Some(&t)).await;
    assert_error(&r, 429, "rate_limit_exceeded");
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("0"));
    assert_eq!(r.header("x-ratelimit-limit").as_deref(), Some("1000"));
    assert!(r.header("retry-after").is_some());
    // Counted per organisation.
    let r = pf(&sb, "organization_plan", "/organizations/{org}").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-ratelimit-limit").as_deref(), Some("5000"));
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("4999"));
    let r = pf(&sb, "enterprise_plan", "/organizations/{org}").await;
    assert_eq!(r.header("x-ratelimit-limit").as_deref(), Some("10000"));
    // The window rolls with the sandbox clock.
    admin_post(&sb, "/clock/advance", json!({"duration": "30m"})).await;
    let r = get(&url, Some(&t)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-ratelimit-remaining").as_deref(), Some("999"));
    assert_eq!(r.header("x-ratelimit-reset").as_deref(), Some("1772449200"));
    sb.shutdown().await;
}

#[tokio::test]
async fn rate_limit_window_is_configurable() {
    let mut cfg = config();
    cfg.timers.rate_limit_window = std::time::Duration::from_secs(60);
    let sb = flightdesk_sandbox::start(cfg).await.unwrap();
    let r = pf(&sb, "standard_plan", "/organizations").await;
    assert_eq!(r.header("x-ratelimit-reset").as_deref(), Some("1772443860"));
    sb.shutdown().await;
}

#[tokio::test]
async fn faults_keep_rate_headers_and_envelope() {
    let sb = sandbox_with("pf:429burst=1").await;
    let r = pf(&sb, "organization_plan", "/organizations").await;
    assert_error(&r, 429, "rate_limited");
    assert_eq!(
        pf(&sb, "organization_plan", "/organizations").await.status,
        200
    );
    admin_put(&sb, "/faults", json!({"spec": "pilotflows:5xx=1"})).await;
    let r = pf(&sb, "organization_plan", "/organizations").await;
    assert!(r.status >= 500);
    assert_eq!(r.json()["error"]["code"], "server_error");
    assert!(r.header("x-ratelimit-remaining").is_some());
    admin_put(&sb, "/faults", json!({"spec": "pf:malformed=1"})).await;
    let r = pf(&sb, "organization_plan", "/organizations").await;
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    admin_put(&sb, "/faults", json!({"spec": "pf:expired=1"})).await;
    assert_error(
        &pf(&sb, "organization_plan", "/organizations").await,
        401,
        "token_expired",
    );
    admin_put(&sb, "/faults", json!({"spec": "pf:slow=30ms"})).await;
    let t0 = std::time::Instant::now();
    let r = pf(
        &sb,
        "organization_plan",
        "/organizations/{org}/members?page[size]=100",
    )
    .await;
    assert!(t0.elapsed().as_millis() >= 6 * 30);
    let v = r.json();
    assert_eq!(
        v["data"].as_array().unwrap().len() as u64,
        v["meta"]["total"].as_u64().unwrap(),
        "slow body arrives whole"
    );
    assert!(r.header("x-ratelimit-limit").is_some());
    admin_put(
        &sb,
        "/faults",
        json!({"spec": "pf:latency=250ms,pf:truncated=1"}),
    )
    .await;
    let t0 = std::time::Instant::now();
    let r = pf(&sb, "organization_plan", "/organizations").await;
    assert!(t0.elapsed().as_millis() >= 250);
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    sb.shutdown().await;
}

#[tokio::test]
async fn deterministic_bytes() {
    let a = sandbox().await;
    let b = sandbox().await;
    for l in LISTS {
        let p = format!("/organizations/{{org}}/{l}?page[size]=100&page[number]=2");
        let (x, y) = (
            pf(&a, "organization_plan", &p).await,
            pf(&b, "organization_plan", &p).await,
        );
        assert_eq!(x.status, 200);
        let strip = |s: &str, sb: &RunningSandbox| s.replace(&sb.base_url(PF), "BASE");
        assert_eq!(strip(&x.text, &a), strip(&y.text, &b), "{l}");
    }
    a.shutdown().await;
    b.shutdown().await;
}
