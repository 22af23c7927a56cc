//! Malformed requests get a JSON error, never a panic, hang or empty reply; admin API errors.

mod common;

use common::*;
use flightdesk_sandbox::Provider;
use serde_json::json;

#[tokio::test]
async fn malformed_requests_get_json_errors() {
    let sb = sandbox().await;
    let aa = token(&sb, Provider::AviationAlley, "live_full");
    let pf = token(&sb, Provider::PilotFlows, "organization_plan");
    let fsb = token(&sb, Provider::FlightSchoolBooking, "all_areas");
    let cases: Vec<(Provider, &str, &str)> = vec![
        (Provider::AviationAlley, &aa, "/trainees?limit=%ZZ"),
        (
            Provider::AviationAlley,
            &aa,
            "/trainees?limit=99999999999999999999999",
        ),
        (Provider::AviationAlley, &aa, "/bookings?from=%00"),
        (
            Provider::AviationAlley,
            &aa,
            "/crew?at=2026-02-30T00:00:00Z",
        ),
        (
            Provider::AviationAlley,
            &aa,
            "/flight-log?userId=zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
        ),
        (Provider::AviationAlley, &aa, "/cursor/../trainees"),
        (
            Provider::PilotFlows,
            &pf,
            "/organizations/101/members?page[number]=18446744073709551615",
        ),
        (
            Provider::PilotFlows,
            &pf,
            "/organizations/101/members?page[size]=%FF",
        ),
        (Provider::PilotFlows, &pf, "/organizations/%FF/members"),
        (
            Provider::PilotFlows,
            &pf,
            "/organizations/101/flight_logs/18446744073709551616",
        ),
        (
            Provider::FlightSchoolBooking,
            &fsb,
            "/club/bookings?page=18446744073709551615",
        ),
        (Provider::FlightSchoolBooking, &fsb, "/club/bookings?page=%"),
        (
            Provider::FlightSchoolBooking,
            &fsb,
            "/club/people?role=%E2%98%83",
        ),
        (
            Provider::FlightSchoolBooking,
            &fsb,
            "/club/bookings/99999999999999999999",
        ),
        (Provider::Airbly, "", "/nothing-here-yet"),
    ];
    for (p, t, path) in cases {
        let r = get(
            &format!("{}{path}", sb.base_url(p)),
            (!t.is_empty()).then_some(t),
        )
        .await;
        assert!(r.status < 500, "{p}{path}: {}", r.status);
        if r.status >= 400 {
            let _ = r.json();
        }
        assert!(
            !r.text.is_empty() || r.status == 404,
            "{p}{path}: empty body"
        );
    }
    // Bodies that are not JSON, too big numbers, wrong types.
    let url = format!(
        "{}/organizations/101/flight_logs",
        sb.base_url(Provider::PilotFlows)
    );
    for body in [
        "",
        "[]",
        "null",
        "{\"data\": 5}",
        "{\"data\": {\"attributes\": []}}",
        "{\"date\": 20260301}",
        "\u{0}\u{1}",
    ] {
        let r = send(
            client()
                .post(&url)
                .bearer_auth(&pf)
                .header("content-type", "application/json")
                .body(body),
        )
        .await;
        assert!(
            (400..500).contains(&r.status),
            "{body:?}: {} {}",
            r.status,
            r.text
        );
        assert!(r.json()["error"]["code"].is_string());
    }
    // Unknown top-level paths.
    let r = get(&format!("http://{}/what", sb.addr()), None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["error"]["code"], "not_found");
    sb.shutdown().await;
}

#[tokio::test]
async fn admin_api_validates_input() {
    let sb = sandbox().await;
    let c = client();
    let r = send(c.post(format!("{}/bookings", sb.admin_url())).body("{oops")).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"]["code"], "bad_request");
    for (path, body) in [
        (
            "/bookings",
            json!({"aircraft": "NOPE", "start": 1, "end": 2}),
        ),
        (
            "/bookings",
            json!({"aircraft": "N44API", "start": "tomorrow", "end": 2}),
        ),
        (
            "/bookings",
            json!({"aircraft": "N44API", "start": 100, "end": 50}),
        ),
        (
            "/bookings",
            json!({"aircraft": "N44API", "start": 1, "end": 2, "student": 999999}),
        ),
        (
            "/flights",
            json!({"aircraft": "N44API", "off_block": 10, "on_block": 5, "pic": 1}),
        ),
        ("/people", json!({"first_name": "A"})),
        (
            "/people",
            json!({"first_name": "A", "last_name": "B", "role": "astronaut"}),
        ),
        ("/work-orders", json!({"aircraft": "SIM-1"})),
        ("/invoices", json!({"customer": 20})),
        ("/clock/advance", json!({"duration": "soon"})),
        ("/clock/set", json!({})),
        ("/webhooks/endpoints", json!({"url": "ftp://x"})),
        (
            "/webhooks/endpoints",
            json!({"provider": "nope", "url": "http://127.0.0.1:1/"}),
        ),
        (
            "/webhooks/trigger",
            json!({"provider": "pilotflows", "event": "x"}),
        ),
    ] {
        let r = admin_post(&sb, path, body.clone()).await;
        assert_eq!(r.status, 400, "{path} {body}: {}", r.text);
        assert!(r.json()["error"]["message"].is_string());
    }
    assert_eq!(
        admin_patch(&sb, "/bookings/99999999", json!({}))
            .await
            .status,
        404
    );
    assert_eq!(admin_get(&sb, "/records/spaceships").await.status, 404);
    assert_eq!(admin_get(&sb, "/records/bookings/abc").await.status, 400);
    assert_eq!(admin_get(&sb, "/truth/nope").await.status, 404);
    // Happy paths return the changed record.
    let r = admin_post(
        &sb,
        "/people",
        json!({"first_name": "Zed", "last_name": "Quill", "role": "student"}),
    )
    .await;
    assert_eq!(r.status, 201);
    let pid = r.json()["id"].as_u64().unwrap();
    let r = admin_post(
        &sb,
        "/invoices",
        json!({"customer": pid, "amount_cents": 12_000}),
    )
    .await;
    assert_eq!(r.status, 201);
    let iid = r.json()["id"].as_u64().unwrap();
    assert_eq!(
        admin_post(&sb, &format!("/invoices/{iid}/pay"), json!({}))
            .await
            .json()["status"],
        "PAID"
    );
    let r = admin_post(
        &sb,
        "/work-orders",
        json!({"aircraft": "SIM-2", "title": "Fan noise", "priority": "HIGH"}),
    )
    .await;
    assert_eq!(r.status, 201);
    let wid = r.json()["id"].as_u64().unwrap();
    let r = admin_patch(
        &sb,
        &format!("/work-orders/{wid}"),
        json!({"status": "COMPLETED"}),
    )
    .await;
    assert_eq!(r.json()["status"], "COMPLETED");
    assert!(r.json()["closed_at"].is_i64());
    let r = admin_post(&sb, "/flights", json!({"aircraft": "N88API", "pic": 2, "student": 20, "off_block": "2026-03-02T07:00:00Z", "on_block": "2026-03-02T08:12:00Z"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let fid = r.json()["id"].as_u64().unwrap();
    assert_eq!(
        admin_patch(&sb, &format!("/flights/{fid}"), json!({"debrief": "Good"}))
            .await
            .json()["debrief"],
        "Good"
    );
    assert_eq!(
        send(client().delete(format!("{}/flights/{fid}", sb.admin_url())))
            .await
            .json()["deleted"],
        true
    );
    let r = admin_patch(&sb, "/compliance/0", json!({"status": "WAIVED"})).await;
    assert_eq!(r.json()["pinned_status"], "WAIVED");
    let m = admin_get(&sb, "/manifest").await.json();
    assert!(m["providers"]["aviationalley"]["base_url"].is_string());
    assert!(m["world"]["bookings"].as_u64().unwrap() > 1000);
    let f = admin_put(
        &sb,
        "/faults",
        json!({"spec": "airbly:maintenance=1,*:latency=1ms"}),
    )
    .await
    .json();
    assert_eq!(f["providers"]["airbly"]["maintenance"], true);
    let plain = send(
        client()
            .put(format!("{}/faults", sb.admin_url()))
            .body("fsb:dialect=example"),
    )
    .await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.json()["spec"], "flightschoolbooking:dialect=example");
    sb.shutdown().await;
}
