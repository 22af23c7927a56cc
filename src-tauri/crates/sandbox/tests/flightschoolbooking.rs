//! Flight School Booking over real HTTP.

mod common;

use std::collections::BTreeSet;

use common::*;
use flightdesk_sandbox::Provider::FlightSchoolBooking as FSB;
use flightdesk_sandbox::RunningSandbox;
use serde_json::{json, Value};

const NOW_TS: i64 = 1_772_443_800;
const LISTS: [(&str, &str); 5] = [
    ("/club/bookings", "bookings"),
    ("/club/booked-out", "booked_out"),
    ("/club/training", "training"),
    ("/club/billing-transactions", "billing"),
    ("/club/people", "people"),
];

async fn documented() -> RunningSandbox {
    sandbox_with("fsb:dialect=documented").await
}

async fn fsb(sb: &RunningSandbox, path: &str) -> Resp {
    let t = token(sb, FSB, "all_areas");
    get(&format!("{}{path}", sb.base_url(FSB)), Some(&t)).await
}

async fn walk(sb: &RunningSandbox, path: &str) -> (Vec<Value>, String) {
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut out = vec![];
    let mut cid = None;
    for page in 0.. {
        let r = fsb(sb, &format!("{path}{sep}page={page}")).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        let v = r.json();
        let rows = v["rows"].as_array().unwrap();
        assert!(rows.len() <= 50);
        out.extend(rows.iter().cloned());
        let c = v["change_id"].as_str().unwrap().to_string();
        assert_eq!(
            cid.get_or_insert(c.clone()),
            &c,
            "stable while nothing changes"
        );
        assert!(v["total"].as_u64().unwrap() as usize >= out.len());
        if v["has_more"] == false {
            assert_eq!(v["total"].as_u64().unwrap() as usize, out.len());
            break;
        }
        assert_eq!(rows.len(), 50, "full pages until the last");
    }
    (out, cid.unwrap())
}

fn assert_error(r: &Resp, status: u16) {
    assert_eq!(r.status, status, "{}", r.text);
    assert!(r.json()["error"]["message"].is_string());
}

#[tokio::test]
async fn tokens_and_area_grants() {
    let sb = documented().await;
    let base = sb.base_url(FSB);
    let creds = sb.manifest()["flightschoolbooking"]["credentials"].clone();
    for c in creds.as_array().unwrap() {
        let t = c["token"].as_str().unwrap();
        assert_eq!(t.len(), 64);
        assert!(t.chars().all(|c| c.is_ascii_hexdigit()));
        let areas: Vec<&str> = c["areas"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for (path, area) in LISTS {
            let r = get(&format!("{base}{path}"), Some(t)).await;
            if areas.contains(&area) {
                assert_eq!(r.status, 200, "{} {path}", c["role"]);
            } else {
                assert_error(&r, 403);
            }
        }
    }
    for (path, _) in LISTS {
        assert_error(&get(&format!("{base}{path}"), None).await, 401);
        assert_error(
            &get(
                &format!("{base}{path}"),
                Some("fb1f233e08aeef0a213dc87cea70cedbd7dbcd0a2229cac4f64e14e3c462cc8e"),
            )
            .await,
            401,
        );
    }
    // The FSBToken scheme shown in one page variant.
    let t = token(&sb, FSB, "all_areas");
    let r = send(
        client()
            .get(format!("{base}/club/people"))
            .header("authorization", format!("FSBToken {t}")),
    )
    .await;
    assert_eq!(r.status, 200);
    // The re-read url is guarded by the same grant.
    let row = fsb(&sb, "/club/bookings").await.json()["rows"][0].clone();
    let no = token(&sb, FSB, "no_bookings");
    assert_error(&get(row["url"].as_str().unwrap(), Some(&no)).await, 403);
    assert_error(&fsb(&sb, "/club/nothing").await, 404);
    assert_error(
        &send(
            client()
                .post(format!("{base}/club/bookings"))
                .bearer_auth(&t),
        )
        .await,
        405,
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn bookings_future_only_and_flags() {
    let sb = documented().await;
    let (rows, _) = walk(&sb, "/club/bookings").await;
    assert!(rows.len() > 100);
    assert!(
        rows.iter()
            .all(|r| r["stop_time"].as_i64().unwrap() > NOW_TS),
        "future bookings only"
    );
    assert!(
        rows.iter().all(|r| r.get("cancelled").is_none()),
        "no cancellations by default"
    );
    assert!(
        rows.iter().all(|r| r.get("customer_id").is_some()),
        "no unavailability by default"
    );
    let starts: Vec<i64> = rows
        .iter()
        .map(|r| r["start_time"].as_i64().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "ascending date order"
    );
    for r in &rows {
        for k in [
            "id",
            "url",
            "start_time",
            "stop_time",
            "booked_at",
            "originator_id",
            "originator_name",
            "notes",
        ] {
            assert!(r.get(k).is_some(), "{k} in {r}");
        }
        assert_eq!(r.get("aircraft_id").is_some(), r.get("aircraft").is_some());
        assert_eq!(
            r.get("instructor_id").is_some(),
            r.get("instructor_name").is_some()
        );
    }
    assert!(
        rows.iter().any(|r| r.get("aircraft").is_none()),
        "ground school has no aircraft fields"
    );
    assert!(
        rows.iter().any(|r| r.get("instructor_id").is_none()),
        "solo flights have no instructor"
    );

    let (with_c, _) = walk(&sb, "/club/bookings?include_cancellations=1").await;
    let cancelled: Vec<&Value> = with_c
        .iter()
        .filter(|r| r.get("cancelled").is_some())
        .collect();
    assert!(!cancelled.is_empty());
    for c in &cancelled {
        assert_eq!(c["cancelled"], true);
        assert!(
            c["cancelled_at"].is_i64()
                && c["cancelled_by"].is_string()
                && c["cancelled_notes"].is_string()
        );
    }
    assert_eq!(with_c.len(), rows.len() + cancelled.len());
    let (with_u, _) = walk(&sb, "/club/bookings?include_unavailability=1").await;
    let unav: Vec<&Value> = with_u
        .iter()
        .filter(|r| r.get("customer_id").is_none())
        .collect();
    assert!(!unav.is_empty());
    assert!(unav.iter().all(|r| r.get("customer_name").is_none()));
    assert!(
        unav.iter().any(|r| r.get("aircraft").is_some())
            && unav.iter().any(|r| r.get("instructor_id").is_some())
    );
    let (both, _) = walk(
        &sb,
        "/club/bookings?include_cancellations=1&include_unavailability=1",
    )
    .await;
    assert!(both.len() >= with_c.len() && both.len() >= with_u.len());
    for bad in [
        "include_cancellations=2",
        "include_unavailability=yes",
        "page=-1",
        "page=x",
        "page=1.5",
    ] {
        assert_error(&fsb(&sb, &format!("/club/bookings?{bad}")).await, 400);
    }
    let far = fsb(&sb, "/club/bookings?page=9999").await.json();
    assert_eq!(far["rows"].as_array().unwrap().len(), 0);
    assert_eq!(far["has_more"], false);
    assert_eq!(far["total"].as_u64().unwrap() as usize, rows.len());
    let first = fsb(&sb, "/club/bookings").await.json();
    assert_eq!(first["rows"].as_array().unwrap().len(), 50);
    assert_eq!(first["has_more"], true);
    assert_eq!(
        first,
        fsb(&sb, "/club/bookings?page=0").await.json(),
        "page defaults to 0"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn change_id_moves_with_data_and_time() {
    let sb = documented().await;
    let c0 = fsb(&sb, "/club/bookings").await.json()["change_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(c0.len(), 16);
    assert_eq!(
        fsb(&sb, "/club/bookings?page=1").await.json()["change_id"],
        c0.as_str()
    );
    // A new booking.
    let r = admin_post(&sb, "/bookings", json!({"aircraft": "N44API", "student": 20, "instructor": 2, "start": "2026-03-04T10:00:00Z", "end": "2026-03-04T11:30:00Z"})).await;
    assert_eq!(r.status, 201);
    let id = r.json()["id"].as_u64().unwrap();
    let c1 = fsb(&sb, "/club/bookings").await.json()["change_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(c0, c1);
    let row_url = format!("{}/club/bookings/{}", sb.base_url(FSB), 5000 + id);
    let t = token(&sb, FSB, "all_areas");
    let one = get(&row_url, Some(&t)).await.json();
    assert_eq!(one["aircraft"], "N44API");
    assert_eq!(one["start_time"], 1_772_618_400);
    // An edit.
    admin_patch(
        &sb,
        &format!("/bookings/{id}"),
        json!({"notes": "Bring headset"}),
    )
    .await;
    let c2 = fsb(&sb, "/club/bookings").await.json()["change_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(c1, c2);
    assert_eq!(
        get(&row_url, Some(&t)).await.json()["notes"],
        "Bring headset"
    );
    // A cancellation: gone from the default list, present with include_cancellations; the
    // url still follows it.
    admin_post(
        &sb,
        &format!("/bookings/{id}/cancel"),
        json!({"reason": "Weather", "by": 9}),
    )
    .await;
    let c3 = fsb(&sb, "/club/bookings").await.json()["change_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(c2, c3);
    let followed = get(&row_url, Some(&t)).await.json();
    assert_eq!(followed["cancelled"], true);
    assert_eq!(followed["cancelled_notes"], "Weather");
    // Time passing drops finished bookings from the list, but adds or updates none: the
    // change_id holds (the seed: it "indicates whether any bookings have been added or
    // updated").
    let total = fsb(&sb, "/club/bookings").await.json()["total"]
        .as_u64()
        .unwrap();
    admin_post(&sb, "/clock/advance", json!({"duration": "1d"})).await;
    let after = fsb(&sb, "/club/bookings").await.json();
    assert!(after["total"].as_u64().unwrap() < total);
    assert_eq!(after["change_id"], c3.as_str());
    // Unchanged lists keep their change_id.
    let p0 = fsb(&sb, "/club/people").await.json()["change_id"].clone();
    assert_eq!(fsb(&sb, "/club/people").await.json()["change_id"], p0);
    admin_patch(&sb, "/people/3", json!({"email": "new@skyhaven.example"})).await;
    assert_ne!(fsb(&sb, "/club/people").await.json()["change_id"], p0);
    sb.shutdown().await;
}

#[tokio::test]
async fn every_row_url_rereads_that_row() {
    let sb = documented().await;
    let t = token(&sb, FSB, "all_areas");
    for (path, _) in LISTS {
        let v = fsb(&sb, path).await.json();
        let rows = v["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{path}");
        for r in rows.iter().take(8) {
            let u = r["url"].as_str().unwrap();
            assert!(u.starts_with(&sb.base_url(FSB)));
            let again = get(u, Some(&t)).await;
            assert_eq!(again.status, 200, "{u}");
            assert_eq!(&again.json(), r, "{u}");
        }
        assert_error(&fsb(&sb, &format!("{path}/1")).await, 404);
        assert_error(&fsb(&sb, &format!("{path}/abc")).await, 404);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn booked_out_training_billing_people() {
    let sb = documented().await;
    let (out, _) = walk(&sb, "/club/booked-out").await;
    assert!(!out.is_empty());
    let day0 = NOW_TS - NOW_TS % 86_400;
    for r in &out {
        let t = r["out_time"].as_i64().unwrap();
        assert!(
            t >= day0 && t <= NOW_TS,
            "booked out today, not in the future"
        );
        assert!(r["booking"]["id"].is_u64());
        assert!(["instructor", "member", "student"].contains(&r["pilot_role"].as_str().unwrap()));
        if let Some(p1) = r.get("p1_in") {
            assert!(p1.as_i64().unwrap() <= NOW_TS);
        }
    }
    assert!(
        out.iter().any(|r| r.get("p1_in").is_some()),
        "some are back"
    );
    assert!(
        out.iter().any(|r| r.get("p1_in").is_none()),
        "some are still out at 09:30"
    );
    assert_eq!(walk(&sb, "/club/booked_out").await.0, out, "alias path");

    let (tr, _) = walk(&sb, "/club/training").await;
    assert!(tr.len() > 100);
    let sid = tr[0]["student_id"].as_u64().unwrap();
    let (mine, _) = walk(&sb, &format!("/club/training?student_id={sid}")).await;
    assert_eq!(
        mine.len(),
        tr.iter().filter(|r| r["student_id"] == sid).count()
    );
    let iid = tr
        .iter()
        .find_map(|r| r.get("instructor_id"))
        .unwrap()
        .as_u64()
        .unwrap();
    let (by, _) = walk(&sb, &format!("/club/training?instructor_id={iid}")).await;
    assert_eq!(
        by.len(),
        tr.iter().filter(|r| r["instructor_id"] == iid).count()
    );
    let (inc, _) = walk(&sb, "/club/training?incomplete_only=1").await;
    assert!(!inc.is_empty() && inc.len() < tr.len());
    assert!(inc.iter().all(|r| r["notes"] == ""));
    assert_error(&fsb(&sb, "/club/training?student_id=abc").await, 400);
    assert_error(&fsb(&sb, "/club/training?incomplete_only=true").await, 400);
    assert!(tr.iter().all(|r| r["flight"]["aircraft"].is_string()));

    let (bt, _) = walk(&sb, "/club/billing-transactions").await;
    let types: BTreeSet<u64> = bt.iter().map(|r| r["type_id"].as_u64().unwrap()).collect();
    assert!(
        types.contains(&0) && types.contains(&2) && types.contains(&1),
        "{types:?}"
    );
    for r in &bt {
        let (ty, drcr) = (r["type_id"].as_u64().unwrap(), r["drcr"].as_str().unwrap());
        assert_eq!(drcr, if ty == 0 { "dr" } else { "cr" });
        assert_eq!(
            r.get("due_date").is_some(),
            ty == 0,
            "due_date for invoices only"
        );
        assert_eq!(r.get("paid_same_day").is_some(), ty == 0);
        if r.get("processor_fee").is_some() {
            assert_eq!(ty, 2, "fees on payments only");
        }
        assert_eq!(r["date"].as_str().unwrap().len(), 10);
    }
    assert!(
        bt.iter().any(|r| r.get("processor_fee").is_some())
            && bt
                .iter()
                .any(|r| r["type_id"] == 2 && r.get("processor_fee").is_none())
    );
    let cust = bt[0]["customer_id"].as_u64().unwrap();
    let (c, _) = walk(
        &sb,
        &format!("/club/billing-transactions?customer_id={cust}"),
    )
    .await;
    assert_eq!(
        c.len(),
        bt.iter().filter(|r| r["customer_id"] == cust).count()
    );
    let reference = bt[0]["reference"].as_str().unwrap();
    let (rf, _) = walk(
        &sb,
        &format!("/club/billing-transactions?reference={reference}"),
    )
    .await;
    assert!(!rf.is_empty() && rf.iter().all(|r| r["reference"] == reference));
    let (ac, _) = walk(&sb, "/club/billing-transactions?aircraft_id=1").await;
    assert!(!ac.is_empty() && ac.len() < bt.len());
    let (ins, _) = walk(
        &sb,
        &format!("/club/billing-transactions?instructor_id={iid}"),
    )
    .await;
    assert!(!ins.is_empty() && ins.len() < bt.len());
    assert_eq!(
        walk(
            &sb,
            "/club/billing-transactions?accounts_code=200&tax_code=S"
        )
        .await
        .0
        .len(),
        bt.len()
    );
    assert!(walk(&sb, "/club/billing-transactions?accounts_code=999")
        .await
        .0
        .is_empty());
    assert_error(
        &fsb(&sb, "/club/billing-transactions?customer_id=x").await,
        400,
    );

    let (people, _) = walk(&sb, "/club/people").await;
    assert!(people.len() >= 52);
    for role in [
        "student",
        "instructor",
        "office",
        "owner",
        "engineer",
        "member",
    ] {
        let (r, _) = walk(&sb, &format!("/club/people?role={role}")).await;
        assert!(!r.is_empty(), "{role}");
        assert!(r
            .iter()
            .all(|p| p["roles"].as_array().unwrap().iter().any(|x| x == role)));
    }
    assert!(walk(&sb, "/club/people?role=air_experience")
        .await
        .0
        .is_empty());
    assert_error(&fsb(&sb, "/club/people?role=pilot").await, 400);
    let p = &people[5];
    let name = p["name"].as_str().unwrap();
    let (byname, _) = walk(
        &sb,
        &format!("/club/people?name={}", name.replace(' ', "%20")),
    )
    .await;
    assert_eq!(byname.len(), 1);
    assert!(
        walk(&sb, &format!("/club/people?name={}", &name[..3]))
            .await
            .0
            .is_empty(),
        "name is an exact match"
    );
    let (byemail, _) = walk(
        &sb,
        &format!("/club/people?email={}", p["email"].as_str().unwrap()),
    )
    .await;
    assert_eq!(byemail[0]["id"], p["id"]);
    let (found, _) = walk(
        &sb,
        &format!("/club/people?search={}", &name[..3].to_lowercase()),
    )
    .await;
    assert!(found.iter().any(|x| x["id"] == p["id"]));
    sb.shutdown().await;
}

#[tokio::test]
async fn dialects() {
    let sb = sandbox().await; // default: mixed
    let v = fsb(&sb, "/club/bookings").await.json();
    assert!(
        v["total"].is_string(),
        "total as a string, like the example"
    );
    let rows = v["rows"].as_array().unwrap();
    assert!(
        rows.iter().any(|r| r["start_time"].is_string())
            && rows.iter().any(|r| r["start_time"].is_i64())
    );
    admin_put(&sb, "/faults", json!({"spec": "fsb:dialect=example"})).await;
    let v = fsb(&sb, "/club/bookings").await.json();
    let r = &v["rows"][0];
    assert!(v["total"].is_string());
    for k in [
        "url",
        "startTime",
        "stopTime",
        "bookedAt",
        "member",
        "aircraft",
        "instructor",
        "notes",
    ] {
        assert!(r[k].is_string(), "{k}: {r}");
    }
    assert!(r["startTime"].as_str().unwrap().parse::<i64>().is_ok());
    admin_put(&sb, "/faults", json!({"spec": "fsb:dialect=documented"})).await;
    let v = fsb(&sb, "/club/bookings").await.json();
    assert!(v["total"].is_u64() && v["rows"][0]["start_time"].is_i64());
    sb.shutdown().await;
}

#[tokio::test]
async fn churn_and_other_faults() {
    let sb = sandbox_with("fsb:dialect=documented,fsb:churn=1").await;
    let a = fsb(&sb, "/club/bookings?page=0").await.json()["change_id"].clone();
    let b = fsb(&sb, "/club/bookings?page=1").await.json()["change_id"].clone();
    assert_ne!(a, b, "data changed between page reads");
    admin_put(&sb, "/faults", json!({"spec": "fsb:malformed=1"})).await;
    assert!(serde_json::from_str::<Value>(&fsb(&sb, "/club/bookings").await.text).is_err());
    admin_put(&sb, "/faults", json!({"spec": "fsb:5xx=1"})).await;
    let r = fsb(&sb, "/club/bookings").await;
    assert!(r.status >= 500);
    assert!(r.json()["error"].is_object());
    admin_put(&sb, "/faults", json!({"spec": "fsb:expired=1"})).await;
    assert_error(&fsb(&sb, "/club/bookings").await, 401);
    admin_put(
        &sb,
        "/faults",
        json!({"spec": "fsb:latency=200ms,fsb:slow=30ms,fsb:dialect=documented"}),
    )
    .await;
    let t0 = std::time::Instant::now();
    let r = fsb(&sb, "/club/bookings").await;
    assert!(t0.elapsed() >= std::time::Duration::from_millis(200 + 6 * 30));
    assert_eq!(
        r.json()["rows"].as_array().unwrap().len(),
        50,
        "slow body arrives whole"
    );
    admin_put(
        &sb,
        "/faults",
        json!({"spec": "fsb:429burst=1,fsb:truncated=1"}),
    )
    .await;
    assert_eq!(fsb(&sb, "/club/bookings").await.status, 429);
    let r = fsb(&sb, "/club/bookings").await;
    assert_eq!(r.status, 200);
    assert!(serde_json::from_str::<Value>(&r.text).is_err());
    sb.shutdown().await;
}

#[tokio::test]
async fn deterministic_bytes() {
    let a = sandbox().await;
    let b = sandbox().await;
    for (path, _) in LISTS {
        let (x, y) = (
            fsb(&a, &format!("{path}?page=1")).await,
            fsb(&b, &format!("{path}?page=1")).await,
        );
        let strip = |s: &str, sb: &RunningSandbox| s.replace(&sb.base_url(FSB), "BASE");
        assert_eq!(strip(&x.text, &a), strip(&y.text, &b), "{path}");
    }
    a.shutdown().await;
    b.shutdown().await;
}
