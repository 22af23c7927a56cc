//! The Airbly connector over real HTTP against the in-process sandbox: first and incremental
//! passes, the per-asset log windows, every applicable fault, and the auth failures. After
//! each scenario the records equal the sandbox's truth (`/_sandbox/truth/airbly`).

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{
    admin, advance, airbly_truth, records, sandbox, set_faults, token, NOW, SCHOOL_GROUP,
};
use flightdesk_connectors::airbly::{Airbly, AssetListQuery};
use flightdesk_connectors::{
    Connector, ConnectorError, Kind, Next, Position, Provider as P, Record,
};
use flightdesk_sandbox::RunningSandbox;
use reqwest::Method;
use serde_json::{json, Value};

fn client_with(sb: &RunningSandbox, key: &str, options: Value) -> Airbly {
    common::connector(sb, "airbly-test", key, options, None)
}

fn client(sb: &RunningSandbox, options: Value) -> Airbly {
    client_with(sb, &token(sb, P::Airbly, "group"), options)
}

/// The cache as the store would hold it: (kind, source id) → record; removals delete.
#[derive(Default)]
struct Cache {
    rows: BTreeMap<(Kind, String), Record>,
    pages: usize,
    largest_page: usize,
}

impl Cache {
    fn apply(&mut self, records: Vec<Record>) {
        self.pages += 1;
        self.largest_page = self.largest_page.max(records.len());
        for r in records {
            let k = (r.kind(), r.source_id.clone());
            if r.removed {
                self.rows.remove(&k);
            } else {
                self.rows.insert(k, r);
            }
        }
    }
    fn ids(&self, kind: Kind) -> BTreeSet<String> {
        self.rows
            .keys()
            .filter(|(k, _)| *k == kind)
            .map(|(_, id)| id.clone())
            .collect()
    }
}

/// Runs one pass from `pos` to its end; returns the position to keep.
async fn pass(
    c: &Airbly,
    mut pos: Position,
    cache: &mut Cache,
) -> Result<Position, ConnectorError> {
    loop {
        let page = c.fetch_page("assets", &pos).await?;
        cache.apply(page.records);
        match page.next {
            Next::More(p) => pos = p,
            Next::Done(p) => return Ok(p),
            other => panic!("airbly never asks for {other:?}"),
        }
    }
}

async fn assert_equals_truth(sb: &RunningSandbox, cache: &Cache) {
    let (assets, logs, struck) = airbly_truth(sb).await;
    assert_eq!(cache.ids(Kind::Aircraft), assets, "aircraft");
    let got = cache.ids(Kind::FlightLogs);
    assert_eq!(got.len(), logs.len(), "flight-log count");
    assert_eq!(got, logs, "flight logs");
    assert!(got.is_disjoint(&struck));
}

#[tokio::test]
async fn first_sync_reads_every_log_in_bounded_windows() {
    let sb = sandbox("").await;
    let c = client(&sb, json!({"page_logs": 7}));
    let mut cache = Cache::default();
    pass(&c, Position::start(), &mut cache).await.unwrap();
    assert_equals_truth(&sb, &cache).await;
    // Beyond the documented default of 10 newest logs per asset.
    let mut per_asset: BTreeMap<String, usize> = BTreeMap::new();
    for ((k, _), r) in &cache.rows {
        if *k == Kind::FlightLogs {
            *per_asset
                .entry(r.data.fields()["aircraft_id"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    assert!(per_asset.values().any(|n| *n > 10), "{per_asset:?}");
    // Each request carried at most one window of 7 logs (plus the asset listing).
    assert!(
        cache.largest_page <= per_asset.len().max(7),
        "{}",
        cache.largest_page
    );
    let expected: usize = 1 + per_asset.values().map(|n| n / 7 + 1).sum::<usize>();
    assert!(
        c.requests_sent() as usize <= expected + 1,
        "{} requests for {per_asset:?}",
        c.requests_sent()
    );
    // Normalized rows keep the raw JSON, points included.
    let with_points = cache
        .rows
        .values()
        .filter(|r| r.kind() == Kind::FlightLogs)
        .filter(|r| r.raw["points"].as_array().is_some_and(|p| !p.is_empty()))
        .count();
    assert!(with_points > 0);
    let maint = cache
        .rows
        .values()
        .filter(|r| r.kind() == Kind::FlightLogs && r.data.fields()["status"] == "maintenance")
        .count();
    assert!(maint > 0, "maintenance logs are cached too");
    sb.shutdown().await;
}

#[tokio::test]
async fn default_window_and_get_requests_agree() {
    let sb = sandbox("").await;
    let mut a = Cache::default();
    pass(&client(&sb, json!({})), Position::start(), &mut a)
        .await
        .unwrap();
    let mut b = Cache::default();
    pass(
        &client(&sb, json!({"method": "get", "page_logs": "3"})),
        Position::start(),
        &mut b,
    )
    .await
    .unwrap();
    assert_eq!(a.rows, b.rows);
    assert_equals_truth(&sb, &a).await;
    sb.shutdown().await;
}

#[tokio::test]
async fn incremental_sync_reads_only_changes() {
    let sb = sandbox("").await;
    let c = client(&sb, json!({"page_logs": 20}));
    let mut cache = Cache::default();
    let pos = pass(&c, Position::start(), &mut cache).await.unwrap();

    // Nothing changed: one request, nothing delivered. (The sandbox's clock is pinned; when
    // it moves, logs whose recorded edit lies ahead of it change with it.)
    let before = c.requests_sent();
    let pages_before = cache.pages;
    let pos = pass(&c, pos, &mut cache).await.unwrap();
    assert_eq!(c.requests_sent() - before, 1);
    assert_eq!(cache.pages - pages_before, 1);
    assert_equals_truth(&sb, &cache).await;

    // An edit, a deletion and a new flight on tracked aircraft.
    let flights = records(&sb, "flights").await;
    let (assets, logs, _) = airbly_truth(&sb).await;
    let tracked: Vec<&Value> = flights
        .iter()
        .filter(|f| f["by_device"] == true && f["deleted"] == false)
        .filter(|f| logs.contains(&f["uuid"].as_str().unwrap().to_ascii_lowercase()))
        .collect();
    assert!(tracked.len() > 3 && !assets.is_empty());
    let edited = tracked[0].clone();
    let deleted = tracked[1].clone();
    advance(&sb, 10).await;
    admin(
        &sb,
        Method::PATCH,
        &format!("/flights/{}", edited["id"]),
        json!({"landings": 7}),
    )
    .await;
    admin(
        &sb,
        Method::DELETE,
        &format!("/flights/{}", deleted["id"]),
        json!({}),
    )
    .await;
    let now = chrono::DateTime::parse_from_rfc3339(NOW)
        .unwrap()
        .timestamp()
        + 20;
    let created = admin(
        &sb,
        Method::POST,
        "/flights",
        json!({"aircraft": edited["aircraft"], "pic": edited["pic"],
               "off_block": now - 7200, "on_block": now - 3600}),
    )
    .await;
    advance(&sb, 10).await;
    let before = c.requests_sent();
    let pos = pass(&c, pos, &mut cache).await.unwrap();
    let used = c.requests_sent() - before;
    assert!(
        used <= 4,
        "{used} requests for three changes on at most two aircraft"
    );
    assert_equals_truth(&sb, &cache).await;
    let key = |f: &Value| {
        (
            Kind::FlightLogs,
            f["uuid"].as_str().unwrap().to_ascii_lowercase(),
        )
    };
    assert_eq!(cache.rows[&key(&edited)].data.fields()["landings"], 7);
    assert!(!cache.rows.contains_key(&key(&deleted)));
    let new_uuid = created["uuid"]
        .as_str()
        .or(created["record"]["uuid"].as_str())
        .map(|s| s.to_ascii_lowercase());
    if let Some(u) = new_uuid {
        assert!(cache.rows.contains_key(&(Kind::FlightLogs, u)));
    }

    // And quiet again.
    let before = c.requests_sent();
    pass(&c, pos, &mut cache).await.unwrap();
    assert_eq!(c.requests_sent() - before, 1);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_pass_interrupted_anywhere_resumes_without_loss_or_duplicates() {
    let sb = sandbox("").await;
    let (_, logs, _) = airbly_truth(&sb).await;
    // Stop after k pages (as if the process were killed), then resume from the last
    // persisted position with a fresh connector.
    for k in [1usize, 2, 5] {
        let c = client(&sb, json!({"page_logs": 9}));
        let mut cache = Cache::default();
        let mut pos = Position::start();
        let mut delivered = 0usize;
        for _ in 0..k {
            let page = c.fetch_page("assets", &pos).await.unwrap();
            delivered += page.records.len();
            cache.apply(page.records);
            match page.next {
                Next::More(p) => pos = p,
                Next::Done(_) => break,
                _ => unreachable!(),
            }
        }
        let again = client(&sb, json!({"page_logs": 9}));
        pass(&again, pos, &mut cache).await.unwrap();
        assert_equals_truth(&sb, &cache).await;
        assert!(delivered <= logs.len() + 20);
    }
    sb.shutdown().await;
}

#[tokio::test]
async fn transient_faults_lose_and_duplicate_nothing() {
    for spec in [
        "airbly:5xx=0.3",
        "airbly:truncated=0.3",
        "airbly:malformed=0.3",
        "airbly:429burst=3",
        "airbly:slow=2ms",
        "airbly:latency=20ms",
    ] {
        let sb = sandbox(spec).await;
        let c = client(&sb, json!({"page_logs": 15}));
        let mut cache = Cache::default();
        let pos = pass(&c, Position::start(), &mut cache)
            .await
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        assert_equals_truth(&sb, &cache).await;
        // Incremental under the same fault.
        advance(&sb, 10).await;
        pass(&c, pos, &mut cache)
            .await
            .unwrap_or_else(|e| panic!("{spec} (incremental): {e}"));
        assert_equals_truth(&sb, &cache).await;
        sb.shutdown().await;
    }
}

#[tokio::test]
async fn maintenance_is_a_retryable_error_and_the_pass_resumes_after_it() {
    let sb = sandbox("").await;
    let c = client(&sb, json!({"page_logs": 10}));
    let mut cache = Cache::default();
    // Two pages in, the server goes into maintenance.
    let mut pos = Position::start();
    for _ in 0..2 {
        let page = c.fetch_page("assets", &pos).await.unwrap();
        cache.apply(page.records);
        if let Next::More(p) = page.next {
            pos = p;
        }
    }
    set_faults(&sb, "airbly:maintenance=1").await;
    let err = c.fetch_page("assets", &pos).await.unwrap_err();
    assert!(
        matches!(
            err.root(),
            ConnectorError::Api {
                retryable: true,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("maintenance"), "{err}");
    let v = c.verify().await.unwrap_err();
    assert!(matches!(v.root(), ConnectorError::Api { .. }));
    set_faults(&sb, "").await;
    pass(&c, pos, &mut cache).await.unwrap();
    assert_equals_truth(&sb, &cache).await;
    sb.shutdown().await;
}

#[tokio::test]
async fn a_bad_or_expired_key_is_unauthorized() {
    let sb = sandbox("").await;
    let wrong = client_with(&sb, "NotTheKeyNotTheKeyNotTheKey123", json!({}));
    let e = wrong
        .fetch_page("assets", &Position::start())
        .await
        .unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert!(!e.to_string().contains("NotTheKey"), "{e}");
    let empty = client_with(&sb, "", json!({}));
    assert!(matches!(
        empty.verify().await.unwrap_err(),
        ConnectorError::Unauthorized { .. }
    ));
    set_faults(&sb, "airbly:expired=1").await;
    let c = client(&sb, json!({}));
    let e = c.verify().await.unwrap_err();
    assert!(matches!(e, ConnectorError::Unauthorized { .. }), "{e:?}");
    assert_eq!(e.code(), "unauthorized");
    sb.shutdown().await;
}

#[tokio::test]
async fn verify_discovers_the_group_and_the_sample_group_works() {
    let sb = sandbox("").await;
    let v = client(&sb, json!({})).verify().await.unwrap();
    assert_eq!(v.discovered["group_uuid"], SCHOOL_GROUP);
    assert!(v.summary.contains(SCHOOL_GROUP), "{}", v.summary);
    let sample = client_with(&sb, "9C4NSsnLig3zlgzPHqLkXwHPtKv7OC", json!({}));
    let mut cache = Cache::default();
    pass(&sample, Position::start(), &mut cache).await.unwrap();
    let regs: BTreeSet<String> = cache
        .rows
        .values()
        .filter(|r| r.kind() == Kind::Aircraft)
        .map(|r| {
            r.data.fields()["registration"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        regs,
        ["N44API", "N88API"].iter().map(|s| s.to_string()).collect()
    );
    assert!(cache.ids(Kind::FlightLogs).len() > 2);
    sb.shutdown().await;
}

#[tokio::test]
async fn every_filter_reaches_the_server() {
    let sb = sandbox("").await;
    let c = client(&sb, json!({}));
    let all = |q: AssetListQuery| {
        let c = &c;
        async move { c.asset_list(&q).await.unwrap().assets }
    };
    let assets = all(AssetListQuery {
        log_types: Some("flight".into()),
        log_limit_per_asset: Some(3),
        point_types: Some("first,last".into()),
        asset_types: Some("aircraft".into()),
        ..Default::default()
    })
    .await;
    let a = &assets[0];
    let uuid = a["uuid"].as_str().unwrap().to_string();
    let logs = a["logs"].as_array().unwrap();
    assert_eq!(logs.len(), 3);
    assert!(logs.iter().all(|l| l["log_type"] == "flight"));
    assert!(logs
        .iter()
        .all(|l| l["points"].as_array().unwrap().len() <= 2));
    let newest = &logs[0];
    let happened = newest["happened_at"].as_i64().unwrap();
    let updated = newest["updated_at"].as_i64().unwrap();
    // One log by uuid, on one asset.
    let one = all(AssetListQuery {
        asset_uuids: vec![uuid.clone()],
        log_types: Some("all".into()),
        log_uuids: vec![newest["uuid"].as_str().unwrap().to_string()],
        ..Default::default()
    })
    .await;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["logs"].as_array().unwrap().len(), 1);
    // Completion and update windows are strict.
    let window = all(AssetListQuery {
        asset_uuids: vec![uuid.clone()],
        log_types: Some("all".into()),
        log_completed_after: Some(happened - 1),
        log_completed_before: Some(happened + 1),
        log_updated_after: Some(updated - 1),
        log_updated_before: Some(updated + 1),
        ..Default::default()
    })
    .await;
    assert!(window[0]["logs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["uuid"] == newest["uuid"]));
    let none = all(AssetListQuery {
        asset_uuids: vec![uuid.clone()],
        log_types: Some("all".into()),
        log_completed_after: Some(happened),
        log_completed_before: Some(happened),
        ..Default::default()
    })
    .await;
    assert!(none[0]["logs"].as_array().unwrap().is_empty());
    // Asset update bounds.
    let later = all(AssetListQuery {
        asset_updated_before: Some(1),
        ..Default::default()
    })
    .await;
    assert!(later.is_empty());
    // The `asset_uuids` option restricts a sync to those aircraft.
    let only = client(&sb, json!({"asset_uuids": uuid.to_uppercase()}));
    let mut cache = Cache::default();
    pass(&only, Position::start(), &mut cache).await.unwrap();
    assert_eq!(cache.ids(Kind::Aircraft), BTreeSet::from([uuid.clone()]));
    // A bad argument is an error reported in a 200 body.
    let e = c
        .asset_list(&AssetListQuery {
            point_types: Some("most".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            ConnectorError::Api {
                retryable: false,
                ..
            }
        ),
        "{e:?}"
    );
    sb.shutdown().await;
}
