//! Airbly synced into a real (temporary, encrypted) store, page by page as the engine does:
//! first pass, incremental pass with an edit and a deletion, and a process "killed" between
//! pages that resumes from the stored position. The store's export equals the sandbox truth.

use std::collections::BTreeSet;
use std::sync::Arc;

use flightdesk_connectors::airbly::Airbly;
use flightdesk_connectors::{
    AccountConfig, ClientOptions, Connector, Http, Kind, Next, Position, Provider as P, SyncMode,
};
use flightdesk_sandbox::{start, Provider, RunningSandbox, SandboxConfig};
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, PageWrite, PassEnd, Store, DB_FILE_NAME};
use serde_json::{json, Value};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const SCHOOL_GROUP: &str = "00000001-4444-1100-0000-000000000002";

async fn setup() -> (RunningSandbox, tempfile::TempDir, Store, i64) {
    let sb = start(SandboxConfig {
        now: Some("2026-03-02T09:30:00Z".parse().unwrap()),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join(DB_FILE_NAME), &Secret::new(KEY))
        .await
        .unwrap();
    let account = store
        .upsert_account(&NewAccount {
            provider: P::Airbly,
            name: "airbly-school".into(),
            base_url: sb.base_url(Provider::Airbly),
            options: Default::default(),
        })
        .await
        .unwrap();
    (sb, dir, store, account.id)
}

fn connector(sb: &RunningSandbox) -> Airbly {
    let key = sb.manifest()["airbly"]["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "group")
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    Airbly::new(
        AccountConfig {
            name: "airbly-school".into(),
            base_url: sb.base_url(Provider::Airbly),
            credential: Secret::new(key),
            options: json!({"page_logs": 25}).as_object().cloned().unwrap(),
            session: None,
        },
        Arc::new(Http::new(ClientOptions::fast()).unwrap()),
    )
}

/// Drives one resource as the engine does; stops after `max_pages` pages when given.
async fn sync(store: &Store, account: i64, c: &Airbly, max_pages: Option<usize>) -> bool {
    let resource = &c.resources()[0];
    assert_eq!(resource.mode, SyncMode::Incremental);
    let state = store
        .begin_pass(account, resource.name, false)
        .await
        .unwrap();
    let mut pass = state.pass;
    let mut pos = Position::from_text(state.position.as_deref());
    let mut pages = 0;
    loop {
        if max_pages.is_some_and(|m| pages >= m) {
            return false;
        }
        pages += 1;
        let page = c.fetch_page(resource.name, &pos).await.unwrap();
        let (next, end) = match &page.next {
            Next::More(p) => (p.clone(), PassEnd::Continues),
            Next::Done(p) => (p.clone(), PassEnd::Completes),
            other => panic!("{other:?}"),
        };
        let text = next.to_text();
        let outcome = store
            .write_page(&PageWrite {
                account_id: account,
                resource: resource.name,
                pass,
                records: &page.records,
                position: text.as_deref(),
                end,
            })
            .await
            .unwrap();
        pass = outcome.pass;
        if matches!(page.next, Next::Done(_)) {
            return true;
        }
        pos = next;
    }
}

async fn exported(store: &Store, kind: Kind) -> Vec<Value> {
    store.export_kind(kind, true).await.unwrap()
}

async fn assert_store_equals_truth(sb: &RunningSandbox, store: &Store) {
    let v: Value = reqwest::get(format!("{}/truth/airbly", sb.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let g = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["uuid"] == SCHOOL_GROUP)
        .unwrap()
        .clone();
    let mut assets = BTreeSet::new();
    let mut logs = BTreeSet::new();
    for a in g["assets"].as_array().unwrap() {
        assets.insert(a["uuid"].as_str().unwrap().to_ascii_lowercase());
        for l in a["logs"].as_array().unwrap() {
            if l["status"] != "striked" {
                logs.insert(l["uuid"].as_str().unwrap().to_ascii_lowercase());
            }
        }
    }
    let ids = |rows: &[Value]| -> (BTreeSet<String>, usize) {
        let s: BTreeSet<String> = rows
            .iter()
            .map(|r| r["source_id"].as_str().unwrap().to_string())
            .collect();
        (s, rows.len())
    };
    let (a, na) = ids(&exported(store, Kind::Aircraft).await);
    assert_eq!((a, na), (assets.clone(), assets.len()));
    let rows = exported(store, Kind::FlightLogs).await;
    let (l, nl) = ids(&rows);
    assert_eq!(nl, logs.len(), "no duplicates");
    assert_eq!(l, logs);
    let r = &rows[0];
    assert_eq!(r["source"], "airbly");
    assert_eq!(r["account"], "airbly-school");
    assert!(r["raw"]["uuid"].is_string(), "raw JSON kept: {r}");
}

#[tokio::test]
async fn first_and_incremental_sync_into_the_store() {
    let (sb, _dir, store, account) = setup().await;
    let c = connector(&sb);
    assert!(sync(&store, account, &c, None).await);
    assert_store_equals_truth(&sb, &store).await;

    // Time passes; a flight is edited and another deleted.
    let admin = reqwest::Client::new();
    admin
        .post(format!("{}/clock/advance", sb.admin_url()))
        .json(&json!({"seconds": 30}))
        .send()
        .await
        .unwrap();
    let flights: Vec<Value> = reqwest::get(format!("{}/records/flights", sb.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cached: BTreeSet<String> = exported(&store, Kind::FlightLogs)
        .await
        .iter()
        .map(|r| r["source_id"].as_str().unwrap().to_string())
        .collect();
    let tracked: Vec<&Value> = flights
        .iter()
        .filter(|f| cached.contains(&f["uuid"].as_str().unwrap().to_ascii_lowercase()))
        .collect();
    let (edited, deleted) = (tracked[3]["id"].clone(), tracked[4].clone());
    admin
        .patch(format!("{}/flights/{edited}", sb.admin_url()))
        .json(&json!({"landings": 9}))
        .send()
        .await
        .unwrap();
    admin
        .delete(format!("{}/flights/{}", sb.admin_url(), deleted["id"]))
        .send()
        .await
        .unwrap();
    assert!(sync(&store, account, &c, None).await);
    assert_store_equals_truth(&sb, &store).await;
    let state = store.sync_state(account, "assets").await.unwrap().unwrap();
    assert!(!state.in_pass);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_sync_killed_between_pages_resumes_from_the_store() {
    let (sb, _dir, store, account) = setup().await;
    // The first process writes three pages and dies.
    assert!(!sync(&store, account, &connector(&sb), Some(3)).await);
    let state = store.sync_state(account, "assets").await.unwrap().unwrap();
    assert!(state.in_pass && state.position.is_some());
    // The next one resumes the same pass from the stored position.
    assert!(sync(&store, account, &connector(&sb), None).await);
    assert_store_equals_truth(&sb, &store).await;
    sb.shutdown().await;
}
