//! Airbly v3 over real HTTP: assetList (GET and POST), every argument and default, the
//! envelope, errors in 200 bodies, the public sample group, maintenance mode, webhooks.

mod common;

use std::time::Duration;

use common::{admin_get, admin_post, admin_put, config, credential, sandbox, sandbox_with, token};
use flightdesk_sandbox::{start, Provider, RunningSandbox, SandboxConfig, Timers};
use serde_json::{json, Value};

const SAMPLE_KEY: &str = "9C4NSsnLig3zlgzPHqLkXwHPtKv7OC";
const SAMPLE_GROUP: &str = "00000001-4444-1100-0000-000000000001";
const N44: &str = "00000001-4444-2000-8846-001471040618";
const N88: &str = "00001000-4444-2000-5574-001522329325";
const ENVELOPE: [&str; 9] = [
    "cmd",
    "cmd_exec_time_ms",
    "error",
    "auth_group_success",
    "auth_group_id",
    "server_timestamp",
    "server_available",
    "server_message_timestamp",
    "server_message",
];
const NOW_MS: i64 = 1_772_443_800_000;

fn school_key(sb: &RunningSandbox) -> String {
    token(sb, Provider::Airbly, "group")
}

/// A sandbox that pushes Airbly webhooks to `url`, retrying unconfirmed posts quickly.
async fn with_webhook(url: String) -> RunningSandbox {
    start(SandboxConfig {
        webhook: Some(url),
        timers: Timers {
            webhook_retry: Duration::from_millis(150),
            ..Timers::default()
        },
        ..config()
    })
    .await
    .unwrap()
}

async fn get(sb: &RunningSandbox, q: &str) -> Value {
    let url = format!("{}/assetList?{q}", sb.base_url(Provider::Airbly));
    let r = reqwest::get(url).await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// assetList as the school group, with the arguments `q` after its key.
async fn school(sb: &RunningSandbox, q: &str) -> Value {
    let key = school_key(sb);
    if q.is_empty() {
        get(sb, &format!("groupKey={key}")).await
    } else {
        get(sb, &format!("groupKey={key}&{q}")).await
    }
}

/// The world's records of `kind`, as a bare list or under `records`.
async fn records(sb: &RunningSandbox, kind: &str) -> Option<Vec<Value>> {
    let v = admin_get(sb, &format!("/records/{kind}")).await.json();
    v.as_array()
        .cloned()
        .or_else(|| v["records"].as_array().cloned())
}

async fn post_form(sb: &RunningSandbox, path: &str, body: &str) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", sb.base_url(Provider::Airbly)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn assert_envelope(v: &Value, cmd: &str) {
    for k in ENVELOPE {
        assert!(v.get(k).is_some(), "missing {k} in {v}");
    }
    assert_eq!(v["cmd"], cmd);
    assert!(v["cmd_exec_time_ms"].is_i64());
    assert!(v["server_timestamp"].is_i64());
    assert!(v["server_available"].is_boolean());
}

fn assets(v: &Value) -> &Vec<Value> {
    v["assetList"]["assets"]
        .as_array()
        .unwrap_or_else(|| panic!("no assets in {v}"))
}

#[tokio::test]
async fn sample_group_and_envelope() {
    let sb = sandbox().await;
    let v = get(&sb, &format!("groupKey={SAMPLE_KEY}")).await;
    assert_envelope(&v, "assetList");
    assert_eq!(v["error"], "");
    assert_eq!(v["auth_group_success"], true);
    assert_eq!(v["auth_group_id"], SAMPLE_GROUP);
    assert_eq!(v["server_timestamp"], NOW_MS);
    assert_eq!(v["server_available"], true);
    assert_eq!(v["server_message"], "");
    assert_eq!(v["assetList"]["group"]["uuid"], SAMPLE_GROUP);
    assert_eq!(v["assetList"]["group"]["name"], "API-Test");
    let a = assets(&v);
    assert_eq!(a.len(), 2);
    let by: Vec<(&str, &str)> = a
        .iter()
        .map(|x| (x["ident"].as_str().unwrap(), x["uuid"].as_str().unwrap()))
        .collect();
    assert!(by.contains(&("N44API", N44)));
    assert!(by.contains(&("N88API", N88)));
    for x in a {
        for k in [
            "uuid",
            "created_at",
            "updated_at",
            "asset_type",
            "parrent_uuid",
            "children_uuid",
            "ident",
            "make",
            "model",
            "year",
            "serial_number",
            "description",
            "operational_status",
            "attention_status",
            "maintenance_status",
            "usage",
            "device",
            "logs",
        ] {
            assert!(x.get(k).is_some(), "asset lacks {k}");
        }
        assert_eq!(x["asset_type"], "aircraft");
        assert_eq!(x["usage"]["usage_type"], "total");
        assert!(x["device"]["serial_number"]
            .as_str()
            .unwrap()
            .starts_with("P200-"));
        // Default log_types is none.
        assert_eq!(x["logs"], json!([]));
        assert!(["stopped", "inflight", "sos", "disabled"]
            .contains(&x["operational_status"].as_str().unwrap()));
        assert!(["current", "due", "overdue"].contains(&x["maintenance_status"].as_str().unwrap()));
    }
    // The manifest lists the sample group with its documented key and uuid.
    let s = credential(&sb, Provider::Airbly, "public_sample_group");
    assert_eq!(s["token"], SAMPLE_KEY);
    assert_eq!(s["group_uuid"], SAMPLE_GROUP);
    sb.shutdown().await;
}

#[tokio::test]
async fn errors_are_reported_in_a_200_envelope() {
    let sb = sandbox().await;
    // Missing key.
    let v = get(&sb, "").await;
    assert_envelope(&v, "assetList");
    assert_eq!(v["auth_group_success"], false);
    assert_eq!(v["auth_group_id"], "00000000-0000-0000-0000-000000000000");
    assert!(v["error"].as_str().unwrap().contains("groupKey"));
    // Wrong key.
    let v = get(&sb, "groupKey=nope").await;
    assert_envelope(&v, "assetList");
    assert_eq!(v["auth_group_success"], false);
    assert_eq!(v["error"], "Invalid group key");
    // Unknown command, and the webhook "command".
    let r: Value = reqwest::get(format!(
        "{}/fooBar?groupKey={SAMPLE_KEY}",
        sb.base_url(Provider::Airbly)
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_envelope(&r, "fooBar");
    assert!(r["error"].as_str().unwrap().contains("Unknown command"));
    let r = post_form(&sb, "/webhook", &format!("groupKey={SAMPLE_KEY}")).await;
    assert_envelope(&r, "webhook");
    assert_ne!(r["error"], "");
    // No command at all.
    let r: Value = reqwest::get(sb.base_url(Provider::Airbly))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_envelope(&r, "");
    assert_ne!(r["error"], "");
    // Bad argument values.
    for q in [
        "asset_types=boat",
        "log_types=flight,bogus",
        "point_types=middle",
        "log_limit_per_asset=-1",
        "log_limit_per_asset=ten",
        "asset_updated_after=yesterday",
        "log_completed_before=1.5",
        "asset_uuids=not-a-uuid",
        "log_uuids=00000001-4444-2000-8846-00147104061Z",
    ] {
        let v = get(&sb, &format!("groupKey={SAMPLE_KEY}&{q}")).await;
        assert_envelope(&v, "assetList");
        assert_eq!(v["auth_group_success"], true, "{q}");
        assert_ne!(v["error"], "", "{q} should be an error");
        assert_eq!(v["assetList"], json!({}), "{q}");
    }
    // A JSON POST that is not JSON.
    let r = reqwest::Client::new()
        .post(format!("{}/assetList", sb.base_url(Provider::Airbly)))
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_envelope(&v, "assetList");
    assert_ne!(v["error"], "");
    sb.shutdown().await;
}

#[tokio::test]
async fn logs_limits_order_and_types() {
    let sb = sandbox().await;
    let v = school(&sb, "log_types=all").await;
    assert_eq!(v["error"], "");
    let a = assets(&v);
    assert!(a.len() >= 3, "device-fitted fleet");
    let mut saw_maint = false;
    for x in a {
        let logs = x["logs"].as_array().unwrap();
        // Default log_limit_per_asset is 10.
        assert_eq!(logs.len(), 10, "{}", x["ident"]);
        let t: Vec<i64> = logs
            .iter()
            .map(|l| l["happened_at"].as_i64().unwrap())
            .collect();
        assert!(t.windows(2).all(|w| w[0] >= w[1]), "newest first");
        for l in logs {
            for k in [
                "uuid",
                "created_at",
                "updated_at",
                "log_type",
                "status",
                "happened_at",
                "attention_required",
                "remarks",
                "route",
                "personel",
                "device",
                "sync",
                "usage",
                "events",
                "points",
                "custom",
            ] {
                assert!(l.get(k).is_some(), "log lacks {k}");
            }
            assert_eq!(l["points"], json!([]), "default point_types is none");
            assert!(l["events"].is_array());
            saw_maint |= l["log_type"] == "maint";
        }
    }
    let _ = saw_maint;
    // Limit.
    let v = school(&sb, "log_types=flight&log_limit_per_asset=3").await;
    for x in assets(&v) {
        let logs = x["logs"].as_array().unwrap();
        assert_eq!(logs.len(), 3);
        assert!(logs.iter().all(|l| l["log_type"] == "flight"));
    }
    let v = school(&sb, "log_types=flight&log_limit_per_asset=0").await;
    assert!(assets(&v).iter().all(|x| x["logs"] == json!([])));
    // Maintenance only.
    let v = school(&sb, "log_types=maint&log_limit_per_asset=1000").await;
    let maint: Vec<&Value> = assets(&v)
        .iter()
        .flat_map(|x| x["logs"].as_array().unwrap())
        .collect();
    assert!(!maint.is_empty());
    for l in &maint {
        assert_eq!(l["log_type"], "maint");
        assert_eq!(l["status"], "closed");
        assert!(l["personel"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["type"] == "mechanic"));
    }
    // Union of types; "none" alone gives nothing.
    let v = school(&sb, "log_types=flight,maint&log_limit_per_asset=1000").await;
    let n_union: usize = assets(&v)
        .iter()
        .map(|x| x["logs"].as_array().unwrap().len())
        .sum();
    let v = school(&sb, "log_types=all&log_limit_per_asset=1000").await;
    let n_all: usize = assets(&v)
        .iter()
        .map(|x| x["logs"].as_array().unwrap().len())
        .sum();
    assert_eq!(n_union, n_all);
    let v = school(&sb, "log_types=none&log_limit_per_asset=1000").await;
    assert!(assets(&v).iter().all(|x| x["logs"] == json!([])));
    sb.shutdown().await;
}

#[tokio::test]
async fn points_first_last_all() {
    let sb = sandbox().await;
    let base = "log_types=flight&log_limit_per_asset=5";
    let v = school(&sb, &format!("{base}&point_types=first,last")).await;
    for x in assets(&v) {
        for l in x["logs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["status"] == "closed")
        {
            let p = l["points"].as_array().unwrap();
            assert_eq!(p.len(), 2, "first and last");
            assert_eq!(p[0]["point_type"], "start");
            assert_eq!(p[1]["point_type"], "stop");
            for pt in p {
                for k in [
                    "uuid",
                    "happened_at",
                    "synced_at",
                    "point_type",
                    "latitude",
                    "longitude",
                    "altitude",
                    "sensors",
                    "events",
                ] {
                    assert!(pt.get(k).is_some(), "point lacks {k}");
                }
                let lat: f64 = pt["latitude"].as_str().unwrap().parse().unwrap();
                assert!((39.0..41.5).contains(&lat));
            }
        }
    }
    let closed = |v: &Value| -> Value {
        assets(v)
            .iter()
            .flat_map(|x| x["logs"].as_array().unwrap().clone())
            .find(|l| l["status"] == "closed")
            .unwrap()
    };
    let v = school(&sb, &format!("{base}&point_types=first")).await;
    let l = &closed(&v);
    assert_eq!(l["points"].as_array().unwrap().len(), 1);
    assert_eq!(l["points"][0]["point_type"], "start");
    let v = school(&sb, &format!("{base}&point_types=last")).await;
    assert_eq!(closed(&v)["points"][0]["point_type"], "stop");
    let v = school(&sb, &format!("{base}&point_types=all")).await;
    let l = &closed(&v);
    let p = l["points"].as_array().unwrap();
    assert!(p.len() > 4);
    let t: Vec<i64> = p
        .iter()
        .map(|x| x["happened_at"].as_i64().unwrap())
        .collect();
    assert!(t.windows(2).all(|w| w[0] <= w[1]));
    assert!(p.iter().any(|x| x["events"] == json!(["takeoff"])));
    assert!(p.iter().any(|x| x["events"] == json!(["landing"])));
    assert_eq!(t[0], l["usage"]["engine_start_at"].as_i64().unwrap());
    // Maintenance logs have no points even with point_types=all.
    let v = school(&sb, "log_types=maint&point_types=all").await;
    for x in assets(&v) {
        for l in x["logs"].as_array().unwrap() {
            assert_eq!(l["points"], json!([]));
        }
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn filters_after_before_and_uuids() {
    let sb = sandbox().await;
    let all = school(&sb, "log_types=all&log_limit_per_asset=100000").await;
    let a = assets(&all);
    // asset_uuids.
    let one = a[1]["uuid"].as_str().unwrap();
    let v = school(&sb, &format!("asset_uuids={one}")).await;
    assert_eq!(assets(&v).len(), 1);
    assert_eq!(assets(&v)[0]["uuid"], one);
    let two = format!("{},{}", a[0]["uuid"].as_str().unwrap(), one);
    assert_eq!(
        assets(&school(&sb, &format!("asset_uuids={two}")).await).len(),
        2
    );
    assert_eq!(
        assets(&school(&sb, "asset_uuids=").await).len(),
        a.len(),
        "blank matches all"
    );
    assert_eq!(
        assets(&school(&sb, "asset_types=aircraft").await).len(),
        a.len()
    );
    assert_eq!(assets(&school(&sb, "asset_types=all").await).len(), a.len());
    // Documented default upper bound is accepted verbatim.
    let v = school(&sb, "asset_updated_before=9223372036854775808").await;
    assert_eq!(assets(&v).len(), a.len());
    // asset_updated_after / before.
    let newest = a
        .iter()
        .map(|x| x["updated_at"].as_i64().unwrap())
        .max()
        .unwrap();
    let v = school(&sb, &format!("asset_updated_after={newest}")).await;
    assert_eq!(assets(&v).len(), 0, "strictly after");
    let v = school(&sb, &format!("asset_updated_after={}", newest - 1)).await;
    assert!(!assets(&v).is_empty());
    let v = school(&sb, "asset_updated_before=1").await;
    assert_eq!(assets(&v).len(), 0);
    // log_uuids.
    let l0 = a[0]["logs"][3]["uuid"].as_str().unwrap();
    let v = school(&sb, &format!("log_types=all&log_uuids={l0}")).await;
    let got: Vec<&Value> = assets(&v)
        .iter()
        .flat_map(|x| x["logs"].as_array().unwrap())
        .collect();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["uuid"], l0);
    // log_updated_after: only logs changed after T (the webhook's filter).
    let logs: Vec<&Value> = a
        .iter()
        .flat_map(|x| x["logs"].as_array().unwrap())
        .collect();
    let mut ups: Vec<i64> = logs
        .iter()
        .map(|l| l["updated_at"].as_i64().unwrap())
        .collect();
    ups.sort();
    let mid = ups[ups.len() / 2];
    let count = |v: &Value| -> usize {
        assets(v)
            .iter()
            .map(|x| x["logs"].as_array().unwrap().len())
            .sum()
    };
    let q = "log_types=all&log_limit_per_asset=100000";
    let after = school(&sb, &format!("{q}&log_updated_after={mid}")).await;
    assert_eq!(count(&after), ups.iter().filter(|u| **u > mid).count());
    for x in assets(&after) {
        for l in x["logs"].as_array().unwrap() {
            assert!(l["updated_at"].as_i64().unwrap() > mid);
        }
    }
    let before = school(&sb, &format!("{q}&log_updated_before={mid}")).await;
    assert_eq!(count(&before), ups.iter().filter(|u| **u < mid).count());
    // log_completed_after / before use happened_at.
    let mut hap: Vec<i64> = logs
        .iter()
        .map(|l| l["happened_at"].as_i64().unwrap())
        .collect();
    hap.sort();
    let m = hap[hap.len() / 3];
    let v = school(&sb, &format!("{q}&log_completed_after={m}")).await;
    assert_eq!(count(&v), hap.iter().filter(|h| **h > m).count());
    let v = school(
        &sb,
        &format!(
            "{q}&log_completed_before={m}&log_completed_after={}",
            hap[0]
        ),
    )
    .await;
    assert_eq!(
        count(&v),
        hap.iter().filter(|h| **h < m && **h > hap[0]).count()
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn post_form_and_json_equal_get() {
    let sb = sandbox().await;
    let key = school_key(&sb);
    let q = format!("groupKey={key}&log_types=flight&log_limit_per_asset=2&point_types=first");
    let g = get(&sb, &q).await;
    let p = post_form(&sb, "/assetList", &q).await;
    assert_eq!(g, p);
    let j: Value = reqwest::Client::new()
        .post(format!("{}/assetList", sb.base_url(Provider::Airbly)))
        .json(
            &json!({"groupKey": key, "log_types": "flight", "log_limit_per_asset": 2,
                      "point_types": ["first"]}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(g, j);
    // Query string + body: the body wins.
    let r: Value = reqwest::Client::new()
        .post(format!(
            "{}/assetList?groupKey=wrong&log_types=none",
            sb.base_url(Provider::Airbly)
        ))
        .form(&[
            ("groupKey", key.as_str()),
            ("log_types", "flight"),
            ("log_limit_per_asset", "2"),
            ("point_types", "first"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(g, r);
    sb.shutdown().await;
}

#[tokio::test]
async fn logs_match_the_shared_world() {
    let sb = sandbox().await;
    let flights = records(&sb, "flights").await;
    let v = school(&sb, "log_types=flight&log_limit_per_asset=100000").await;
    let all: Vec<&Value> = assets(&v)
        .iter()
        .flat_map(|x| x["logs"].as_array().unwrap())
        .collect();
    // A flight in progress right now is a live log from its booking.
    for l in all.iter().filter(|l| l["status"] == "inflight") {
        assert_eq!(l["route"]["arrival_ident"], "");
        assert_eq!(l["usage"]["engine_stop_at"], 0);
    }
    let logs: Vec<&Value> = all
        .into_iter()
        .filter(|l| l["status"] == "closed")
        .collect();
    assert!(logs.len() > 50);
    if let Some(fl) = flights {
        let by_uuid: std::collections::BTreeMap<&str, &Value> = fl
            .iter()
            .map(|f| (f["uuid"].as_str().unwrap_or(""), f))
            .collect();
        let mut pf = 0;
        for l in &logs {
            let f = by_uuid
                .get(l["uuid"].as_str().unwrap())
                .expect("log is a world flight");
            assert_eq!(f["by_device"], true);
            assert_eq!(
                l["usage"]["engine_seconds"].as_i64().unwrap(),
                f["on_block"].as_i64().unwrap() - f["off_block"].as_i64().unwrap()
            );
            assert_eq!(l["usage"]["landings"], f["landings"]);
            if f["in_pilotflows"] == true {
                pf += 1;
            }
        }
        assert!(
            pf > 0,
            "some device flights are also hand-entered in PilotFlows"
        );
    }
    for l in &logs {
        assert_eq!(l["status"], "closed");
        assert_eq!(l["sync"]["type"], "log");
        let p = l["personel"].as_array().unwrap();
        assert!(!p.is_empty() && p[0]["type"] == "pic");
        assert!(l["route"]["departure_ident"]
            .as_str()
            .unwrap()
            .starts_with('K'));
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn maintenance_mode_fault() {
    let sb = sandbox_with("airbly:maintenance=1").await;
    let v = get(&sb, &format!("groupKey={SAMPLE_KEY}")).await;
    assert_envelope(&v, "assetList");
    assert_eq!(v["server_available"], false);
    assert_ne!(v["error"], "");
    assert_ne!(v["server_message"], "");
    assert!(v["server_message_timestamp"].as_i64().unwrap() > 0);
    assert!(v.get("assetList").is_none());
    // Switched off at runtime.
    let r = admin_put(&sb, "/faults", json!({"spec": ""})).await;
    assert!((200..300).contains(&r.status), "{}", r.text);
    let v = get(&sb, &format!("groupKey={SAMPLE_KEY}")).await;
    assert_eq!(v["server_available"], true);
    assert_eq!(v["error"], "");
    sb.shutdown().await;
}

#[tokio::test]
async fn expired_fault_is_an_auth_failure_in_the_envelope() {
    let sb = sandbox_with("airbly:expired=1").await;
    let v = get(&sb, &format!("groupKey={SAMPLE_KEY}")).await;
    assert_envelope(&v, "");
    assert_eq!(v["auth_group_success"], false);
    assert_ne!(v["error"], "");
    sb.shutdown().await;
}

#[tokio::test]
async fn pinned_clock_same_seed_is_byte_identical() {
    let a = sandbox().await;
    let b = sandbox().await;
    let q = format!(
        "groupKey={}&log_types=all&log_limit_per_asset=50&point_types=all",
        school_key(&a)
    );
    assert_eq!(school_key(&a), school_key(&b));
    let ta = reqwest::get(format!("{}/assetList?{q}", a.base_url(Provider::Airbly)))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let tb = reqwest::get(format!("{}/assetList?{q}", b.base_url(Provider::Airbly)))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(ta, tb);
    a.shutdown().await;
    b.shutdown().await;
}

/// A webhook receiver that rejects the first `reject` posts, then confirms.
async fn receiver(reject: usize) -> (String, tokio::sync::mpsc::UnboundedReceiver<Value>) {
    use axum::routing::post;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let app = axum::Router::new().route(
        "/hook",
        post(move |body: axum::body::Bytes| {
            let tx = tx.clone();
            let seen = seen.clone();
            async move {
                let v: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                let n = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _ = tx.send(v.clone());
                let assets = v["assets"].as_array().map(Vec::len).unwrap_or(0);
                axum::Json(json!({
                    "cmd": v["cmd"],
                    "group_uuid": v["group"]["uuid"],
                    "server_timestamp": 1,
                    "asset_count": assets,
                    "error": if n < reject { "temporarily unavailable" } else { "" },
                }))
            }
        }),
    );
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(l, app).await.unwrap() });
    (format!("http://{addr}/hook"), rx)
}

#[tokio::test]
async fn webhook_push_retries_until_confirmed() {
    let (url, mut rx) = receiver(2).await;
    let sb = with_webhook(url).await;
    let before = school(&sb, "").await;
    let tail = assets(&before)[0]["ident"].as_str().unwrap().to_string();
    // A new device flight closes on the first school aircraft.
    let list = records(&sb, "aircraft").await.unwrap();
    let ac = list
        .iter()
        .find(|a| a["registration"] == tail.as_str())
        .unwrap();
    let people = records(&sb, "people").await.unwrap();
    let pic = people.iter().find(|p| p["role"] == "instructor").unwrap()["id"].clone();
    let now = NOW_MS / 1000;
    let flight =
        json!({"aircraft": ac["id"], "pic": pic, "off_block": now - 5400, "on_block": now - 600});
    let r = admin_post(&sb, "/flights", flight).await;
    assert!((200..300).contains(&r.status), "{}", r.text);
    let created = r.json();
    let fuuid = created["uuid"]
        .as_str()
        .or(created["record"]["uuid"].as_str())
        .map(str::to_string);
    let mut posts = vec![];
    for _ in 0..3 {
        let v = tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap();
        posts.push(v);
    }
    // Same content each retry; the envelope and the PHP sample's fields are present.
    for p in &posts {
        assert_envelope(p, "webhookAssetList");
        assert_eq!(p["group"]["uuid"], "00000001-4444-1100-0000-000000000002");
        let a = p["assets"].as_array().unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(a[0]["ident"], tail.as_str());
        assert_eq!(p["webhookAssetList"]["assets"], p["assets"]);
        if let Some(u) = &fuuid {
            assert!(a[0]["logs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["uuid"] == u.as_str()));
        }
        assert!(!a[0]["logs"][0]["points"].as_array().unwrap().is_empty());
    }
    assert_eq!(posts[0]["assets"], posts[2]["assets"]);
    // Confirmed on the third attempt: no fourth post.
    assert!(tokio::time::timeout(Duration::from_millis(600), rx.recv())
        .await
        .is_err());
    let log = admin_get(&sb, "/webhooks/deliveries").await.json();
    let d = log["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["provider"] == "airbly")
        .unwrap();
    assert_eq!(d["delivered"], true);
    assert_eq!(d["attempts"], 3);
    sb.shutdown().await;
}

#[test]
fn confirmation_rule() {
    use flightdesk_sandbox::providers::airbly::accept_confirmation as ok;
    let good = json!({"cmd": "webhookAssetList", "group_uuid": "00000001-4444-1100-0000-000000000002",
                      "server_timestamp": 1, "asset_count": 1, "error": ""});
    assert!(ok(200, good.to_string().as_bytes()));
    assert!(!ok(500, good.to_string().as_bytes()));
    let mut bad = good.clone();
    bad["error"] = json!("boom");
    assert!(!ok(200, bad.to_string().as_bytes()));
    let mut bad = good.clone();
    bad["cmd"] = json!("unknown");
    assert!(!ok(200, bad.to_string().as_bytes()));
    let mut bad = good.clone();
    bad["group_uuid"] = json!("00000000-0000-0000-0000-000000000000");
    assert!(!ok(200, bad.to_string().as_bytes()));
    assert!(!ok(200, b"OK"));
}

#[tokio::test]
async fn injected_server_errors_and_bursts_keep_the_envelope() {
    let sb = sandbox_with("airbly:5xx=1").await;
    let r = reqwest::get(format!(
        "{}/assetList?groupKey={SAMPLE_KEY}",
        sb.base_url(Provider::Airbly)
    ))
    .await
    .unwrap();
    assert!(r.status().is_server_error());
    let v: Value = r.json().await.unwrap();
    assert_envelope(&v, "");
    assert_ne!(v["error"], "");
    sb.shutdown().await;
    let sb = sandbox_with("airbly:429burst=2").await;
    let url = format!(
        "{}/assetList?groupKey={SAMPLE_KEY}",
        sb.base_url(Provider::Airbly)
    );
    for _ in 0..2 {
        let r = reqwest::get(&url).await.unwrap();
        assert_eq!(r.status(), 429);
        assert!(r.headers().get("retry-after").is_some());
        let v: Value = r.json().await.unwrap();
        assert_envelope(&v, "");
    }
    let r = reqwest::get(&url).await.unwrap();
    assert_eq!(r.status(), 200);
    sb.shutdown().await;
}

#[tokio::test]
async fn deleted_flights_are_striked_and_pushed() {
    let (url, mut rx) = receiver(0).await;
    let sb = with_webhook(url).await;
    let v = school(&sb, "log_types=flight&log_limit_per_asset=3").await;
    let log = assets(&v)[0]["logs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["status"] == "closed")
        .unwrap()
        .clone();
    let flights = admin_get(&sb, "/records/flights").await.json();
    let f = flights
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["uuid"] == log["uuid"])
        .unwrap();
    let r = reqwest::Client::new()
        .delete(format!("{}/flights/{}", sb.admin_url(), f["id"]))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    let post = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let pushed = &post["assets"][0]["logs"][0];
    assert_eq!(pushed["uuid"], log["uuid"]);
    assert_eq!(pushed["status"], "striked");
    let l = log["uuid"].as_str().unwrap();
    let v = school(&sb, &format!("log_types=flight&log_uuids={l}")).await;
    let got: Vec<&Value> = assets(&v)
        .iter()
        .flat_map(|x| x["logs"].as_array().unwrap())
        .collect();
    assert_eq!(got[0]["status"], "striked");
    // Admin trigger with nothing pending sends the whole group.
    let trigger = json!({"provider": "airbly"});
    let r = admin_post(&sb, "/webhooks/trigger", trigger).await.json();
    assert!(!r["queued"].as_array().unwrap().is_empty(), "{r}");
    let post = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(post["assets"].as_array().unwrap().len() >= 3);
    sb.shutdown().await;
}
