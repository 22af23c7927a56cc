//! Test set-up shared by the connector tests: the in-process sandbox with its clock pinned,
//! a connector of any provider built against it, and a temporary encrypted store holding
//! one account that is synced page by page as the engine does.
// Each test binary uses only its part: the HTTP tests the connectors, the store tests the store.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::marker::PhantomData;
use std::sync::Arc;

use flightdesk_connectors::airbly::Airbly;
use flightdesk_connectors::flylogs::Flylogs;
use flightdesk_connectors::{
    AccountConfig, ClientOptions, Connector, Http, Kind, Next, Position, Provider, SyncMode,
};
use flightdesk_sandbox::{start, FaultSpec, RunningSandbox, SandboxConfig};
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, PageWrite, PassEnd, Store, SyncState, DB_FILE_NAME};
use serde_json::{json, Value};

pub const NOW: &str = "2026-03-02T09:30:00Z";
/// The Airbly group the school's key opens.
pub const SCHOOL_GROUP: &str = "00000001-4444-1100-0000-000000000002";
const STORE_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// A sandbox with its clock pinned at [`NOW`] and the given fault spec ("" for none).
pub async fn sandbox(faults: &str) -> RunningSandbox {
    start(SandboxConfig {
        now: Some(NOW.parse().unwrap()),
        faults: FaultSpec::parse(faults).unwrap(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap()
}

pub fn base_url(sb: &RunningSandbox, p: Provider) -> String {
    sb.base_url(p.as_str().parse().unwrap())
}

/// The manifest entry of the sandbox credential of `role` for `p`.
pub fn credential(sb: &RunningSandbox, p: Provider, role: &str) -> Value {
    sb.credential(p.as_str().parse().unwrap(), role)
        .unwrap_or_else(|| panic!("no credential {role} for {p}"))
}

/// The token (key, group key) of the sandbox credential of `role` for `p`.
pub fn token(sb: &RunningSandbox, p: Provider, role: &str) -> String {
    credential(sb, p, role)["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A connector type the tests build directly, so its own methods stay reachable.
pub trait Build: Connector + Sized {
    const PROVIDER: Provider;
    fn build(account: AccountConfig, http: Arc<Http>) -> Self;
}

impl Build for Airbly {
    const PROVIDER: Provider = Provider::Airbly;
    fn build(account: AccountConfig, http: Arc<Http>) -> Self {
        Airbly::new(account, http)
    }
}

impl Build for Flylogs {
    const PROVIDER: Provider = Provider::Flylogs;
    fn build(account: AccountConfig, http: Arc<Http>) -> Self {
        Flylogs::new(account, http)
    }
}

/// A connector on the sandbox as a sync process builds it: its own HTTP client (fast
/// retries), the credential, the account's options, and the session token the keyring
/// kept (if any).
pub fn connector<C: Build>(
    sb: &RunningSandbox,
    name: &str,
    credential: &str,
    options: Value,
    session: Option<Secret>,
) -> C {
    let account = AccountConfig {
        name: name.into(),
        base_url: base_url(sb, C::PROVIDER),
        credential: Secret::new(credential),
        options: options.as_object().cloned().unwrap_or_default(),
        session,
    };
    C::build(account, Arc::new(Http::new(ClientOptions::fast()).unwrap()))
}

/// Calls the sandbox's admin API (`path` from `/_sandbox`); asserts success and returns the
/// JSON answer.
pub async fn admin(sb: &RunningSandbox, method: reqwest::Method, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .request(method, format!("{}{path}", sb.admin_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

pub async fn admin_get(sb: &RunningSandbox, path: &str) -> Value {
    let r = reqwest::get(format!("{}{path}", sb.admin_url()))
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// The shared world's records of one kind (`flights`, `aircraft`, ...).
pub async fn records(sb: &RunningSandbox, kind: &str) -> Vec<Value> {
    serde_json::from_value(admin_get(sb, &format!("/records/{kind}")).await).unwrap()
}

/// What the sandbox serves for `p` (`/_sandbox/truth/<p>`).
pub async fn truth(sb: &RunningSandbox, p: Provider) -> Value {
    admin_get(sb, &format!("/truth/{}", p.as_str())).await
}

/// What Airbly serves the school group: asset uuids, live log uuids, struck log uuids.
pub async fn airbly_truth(
    sb: &RunningSandbox,
) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let v = truth(sb, Provider::Airbly).await;
    let g = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["uuid"] == SCHOOL_GROUP)
        .unwrap()
        .clone();
    let (mut assets, mut logs, mut struck) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for a in g["assets"].as_array().unwrap() {
        assets.insert(a["uuid"].as_str().unwrap().to_ascii_lowercase());
        for l in a["logs"].as_array().unwrap() {
            let u = l["uuid"].as_str().unwrap().to_ascii_lowercase();
            if l["status"] == "striked" {
                struck.insert(u);
            } else {
                logs.insert(u);
            }
        }
    }
    (assets, logs, struck)
}

pub async fn advance(sb: &RunningSandbox, seconds: i64) {
    admin(
        sb,
        reqwest::Method::POST,
        "/clock/advance",
        json!({ "seconds": seconds }),
    )
    .await;
}

pub async fn set_faults(sb: &RunningSandbox, spec: &str) {
    admin(sb, reqwest::Method::PUT, "/faults", json!({ "spec": spec })).await;
}

/// A temporary encrypted store holding one account of `C`'s provider on the sandbox,
/// whose first resource is expected to be read as `mode`.
pub struct Stored<C> {
    pub sb: RunningSandbox,
    pub store: Store,
    pub account: i64,
    name: &'static str,
    role: &'static str,
    options: Value,
    mode: SyncMode,
    _dir: tempfile::TempDir,
    _connector: PhantomData<C>,
}

impl<C: Build> Stored<C> {
    /// The account `name` with `options`; its connectors use the sandbox credential of `role`.
    pub async fn new(
        name: &'static str,
        role: &'static str,
        options: Value,
        mode: SyncMode,
    ) -> Self {
        let sb = sandbox("").await;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join(DB_FILE_NAME), &Secret::new(STORE_KEY))
            .await
            .unwrap();
        let account = store
            .upsert_account(&NewAccount {
                provider: C::PROVIDER,
                name: name.into(),
                base_url: base_url(&sb, C::PROVIDER),
                options: options.as_object().cloned().unwrap_or_default(),
            })
            .await
            .unwrap();
        Stored {
            sb,
            store,
            account: account.id,
            name,
            role,
            options,
            mode,
            _dir: dir,
            _connector: PhantomData,
        }
    }

    /// A fresh connector for the account, as each sync process builds one.
    pub fn connector(&self) -> C {
        let key = token(&self.sb, C::PROVIDER, self.role);
        connector(&self.sb, self.name, &key, self.options.clone(), None)
    }

    /// Drives the first resource as the engine does; stops after `max_pages` pages when
    /// given. `Some(records removed)` when the pass completed, `None` when it was stopped.
    pub async fn sync(&self, c: &C, max_pages: Option<usize>) -> Option<u64> {
        let resource = &c.resources()[0];
        assert_eq!(resource.mode, self.mode);
        let completes = match resource.mode {
            SyncMode::Incremental => PassEnd::Completes,
            SyncMode::Snapshot { keep_past: false } => PassEnd::CompletesSnapshot {
                kinds: resource.kinds,
                keep_starting_before: None,
            },
            other => panic!("no store test reads {other:?}"),
        };
        let state = self
            .store
            .begin_pass(self.account, resource.name, false)
            .await
            .unwrap();
        let mut pass = state.pass;
        let mut pos = Position::from_text(state.position.as_deref());
        let (mut pages, mut removed) = (0, 0);
        loop {
            if max_pages.is_some_and(|m| pages >= m) {
                return None;
            }
            pages += 1;
            let page = c.fetch_page(resource.name, &pos).await.unwrap();
            let (next, end) = match &page.next {
                Next::More(p) => (p.clone(), PassEnd::Continues),
                Next::Done(p) => (p.clone(), completes.clone()),
                other => panic!("{other:?}"),
            };
            let text = next.to_text();
            let outcome = self
                .store
                .write_page(&PageWrite {
                    account_id: self.account,
                    resource: resource.name,
                    pass,
                    records: &page.records,
                    skipped: &page.skipped,
                    position: text.as_deref(),
                    end,
                })
                .await
                .unwrap();
            removed += outcome.counts.removed;
            pass = outcome.pass;
            if matches!(page.next, Next::Done(_)) {
                return Some(removed);
            }
            pos = next;
        }
    }

    /// Where the account's `resource` stands in the store.
    pub async fn state(&self, resource: &str) -> SyncState {
        let state = self.store.sync_state(self.account, resource).await.unwrap();
        state.unwrap_or_else(|| panic!("no sync state for {resource}"))
    }

    /// The cached rows of `kind`, raw JSON included.
    pub async fn exported(&self, kind: Kind) -> Vec<Value> {
        self.store.export_kind(kind, true).await.unwrap()
    }

    /// The source ids of the cached rows of `kind`, and how many rows there are.
    pub async fn ids(&self, kind: Kind) -> (BTreeSet<String>, usize) {
        let rows = self.store.export_kind(kind, false).await.unwrap();
        (source_ids(&rows), rows.len())
    }
}

pub fn source_ids(rows: &[Value]) -> BTreeSet<String> {
    rows.iter()
        .map(|r| r["source_id"].as_str().unwrap().to_string())
        .collect()
}
