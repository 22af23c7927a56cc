//! Flylogs synced into a real (temporary, encrypted) store as the engine does: a manager's
//! full pass, then a pass after a class was deleted at Flylogs (the snapshot removes it),
//! then a pass killed between pages and resumed.

use std::collections::BTreeSet;
use std::sync::Arc;

use flightdesk_connectors::flylogs::Flylogs;
use flightdesk_connectors::{
    AccountConfig, ClientOptions, Connector, Http, Kind, Next, Position, Provider as P, SyncMode,
};
use flightdesk_sandbox::{start, Provider, RunningSandbox, SandboxConfig};
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, PageWrite, PassEnd, Store, DB_FILE_NAME};
use serde_json::Value;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const NOW: &str = "2026-03-02T09:30:00Z";

async fn setup() -> (RunningSandbox, tempfile::TempDir, Store, i64) {
    let sb = start(SandboxConfig {
        now: Some(NOW.parse().unwrap()),
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
            provider: P::Flylogs,
            name: "flylogs-office".into(),
            base_url: sb.base_url(Provider::Flylogs),
            options: Default::default(),
        })
        .await
        .unwrap();
    (sb, dir, store, account.id)
}

fn manager_token(sb: &RunningSandbox) -> String {
    sb.manifest()["flylogs"]["credentials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["role"] == "manager")
        .unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

fn connector(sb: &RunningSandbox) -> Flylogs {
    Flylogs::new(
        AccountConfig {
            name: "flylogs-office".into(),
            base_url: sb.base_url(Provider::Flylogs),
            credential: Secret::new(manager_token(sb)),
            options: Default::default(),
            session: None,
        },
        Arc::new(Http::new(ClientOptions::fast()).unwrap()),
    )
}

/// Drives the resource as the engine does; stops after `max_pages` pages when given.
async fn sync(store: &Store, account: i64, c: &Flylogs, max_pages: Option<usize>) -> u64 {
    let resource = &c.resources()[0];
    let SyncMode::Snapshot { keep_past } = resource.mode else {
        panic!("flylogs is read as a snapshot")
    };
    assert!(!keep_past);
    let state = store
        .begin_pass(account, resource.name, false)
        .await
        .unwrap();
    let mut pass = state.pass;
    let mut pos = Position::from_text(state.position.as_deref());
    let (mut pages, mut removed) = (0, 0);
    loop {
        if max_pages.is_some_and(|m| pages >= m) {
            return u64::MAX;
        }
        pages += 1;
        let page = c.fetch_page(resource.name, &pos).await.unwrap();
        let (next, end) = match &page.next {
            Next::More(p) => (p.clone(), PassEnd::Continues),
            Next::Done(p) => (
                p.clone(),
                PassEnd::CompletesSnapshot {
                    kinds: resource.kinds,
                    keep_starting_before: None,
                },
            ),
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
        removed += outcome.counts.removed;
        pass = outcome.pass;
        if matches!(page.next, Next::Done(_)) {
            return removed;
        }
        pos = next;
    }
}

async fn ids(store: &Store, kind: Kind) -> (BTreeSet<String>, usize) {
    let rows = store.export_kind(kind, false).await.unwrap();
    let set = rows
        .iter()
        .map(|r| r["source_id"].as_str().unwrap().to_string())
        .collect();
    (set, rows.len())
}

async fn truth(sb: &RunningSandbox) -> Value {
    reqwest::get(format!("{}/truth/flylogs", sb.admin_url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn assert_counts_equal_truth(sb: &RunningSandbox, store: &Store) {
    let t = truth(sb).await;
    for (kind, key) in [
        (Kind::Classes, "classes"),
        (Kind::Missions, "missions"),
        (Kind::Subjects, "subjects"),
        (Kind::Lessons, "lessons"),
    ] {
        let (set, n) = ids(store, kind).await;
        assert_eq!(set.len(), n, "{kind}: no duplicates");
        assert_eq!(n as u64, t[key].as_u64().unwrap(), "{kind}");
    }
    let (enrolments, _) = ids(store, Kind::Enrolments).await;
    let own = enrolments
        .iter()
        .filter(|i| !i.starts_with("attendance:"))
        .count();
    assert_eq!(own as u64, t["enrollments"].as_u64().unwrap());
    assert_eq!(
        ids(store, Kind::Trainings).await.1,
        t["trainings"].as_array().unwrap().len()
    );
}

#[tokio::test]
async fn a_deleted_class_is_removed_by_the_next_full_pass() {
    let (sb, _dir, store, account) = setup().await;
    let c = connector(&sb);
    assert_eq!(sync(&store, account, &c, None).await, 0);
    assert_counts_equal_truth(&sb, &store).await;

    // Delete an upcoming (unsigned) class at Flylogs.
    let classes = store.export_kind(Kind::Classes, false).await.unwrap();
    let upcoming = classes
        .iter()
        .find(|r| r["starts_at"].as_str().is_some_and(|s| s > NOW))
        .expect("an upcoming class");
    let id = upcoming["source_id"].as_str().unwrap();
    let r = reqwest::Client::new()
        .get(format!(
            "{}/manager/trainings/onsite/delete_class/{id}/true.json",
            sb.base_url(Provider::Flylogs)
        ))
        .bearer_auth(manager_token(&sb))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());

    assert_eq!(sync(&store, account, &c, None).await, 1);
    assert!(!ids(&store, Kind::Classes).await.0.contains(id));
    assert_counts_equal_truth(&sb, &store).await;
    // A quiet pass changes nothing.
    assert_eq!(sync(&store, account, &c, None).await, 0);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_pass_killed_between_pages_resumes_and_removes_nothing_wrongly() {
    let (sb, _dir, store, account) = setup().await;
    assert_eq!(sync(&store, account, &connector(&sb), None).await, 0);
    // A second pass dies after 10 pages ...
    assert_eq!(
        sync(&store, account, &connector(&sb), Some(10)).await,
        u64::MAX
    );
    // ... and the next process completes it: records seen before the kill count as seen.
    assert_eq!(sync(&store, account, &connector(&sb), None).await, 0);
    assert_counts_equal_truth(&sb, &store).await;
    sb.shutdown().await;
}
