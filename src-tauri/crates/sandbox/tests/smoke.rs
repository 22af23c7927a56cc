//! Start/stop, manifest shape, admin basics.

use flightdesk_sandbox::{start, Provider, SandboxConfig};

fn pinned() -> SandboxConfig {
    SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn starts_serves_manifest_and_stops() {
    let sb = start(pinned()).await.unwrap();
    let m = sb.manifest();
    for p in Provider::ALL {
        let base = m[p.name()]["base_url"].as_str().unwrap();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        assert!(base.ends_with(p.prefix()));
        assert_eq!(base, sb.base_url(p));
    }
    let c = reqwest::Client::new();
    let clock: serde_json::Value = c
        .get(format!("{}/clock", sb.admin_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["unix"], 1_772_443_800);
    assert_eq!(clock["pinned"], true);
    let adv: serde_json::Value = c
        .post(format!("{}/clock/advance", sb.admin_url()))
        .json(&serde_json::json!({"duration": "2h"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(adv["unix"], 1_772_443_800 + 7200);
    let r = c
        .get(format!("{}/nope", sb.admin_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "not_found");
    sb.shutdown().await;
}
