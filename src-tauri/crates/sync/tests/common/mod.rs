//! Test worlds: an in-process sandbox on a random loopback port and a throwaway workspace
//! with an in-memory keyring.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use flightdesk_connectors::flylogs::ClassDraft;
use flightdesk_core::{Kind, Provider};
use flightdesk_sandbox::{start, FaultSpec, RunningSandbox, SandboxConfig};
use flightdesk_secrets::{MemoryStore, Secret};
use flightdesk_store::{Account, NewAccount};
use flightdesk_sync::{ClientOptions, ProgressEvent, ResourceSummary, SyncOptions, SyncReport};
use flightdesk_workspace::{SecretsBackend, Workspace};
use serde_json::{json, Value};

pub const NOW: &str = "2026-03-02T09:30:00Z";

pub struct World {
    pub sandbox: RunningSandbox,
    pub workspace: Workspace,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    /// The keyring the workspace was opened with, to open it again ([`World::reopen`]).
    pub secrets: Arc<MemoryStore>,
}

pub fn sandbox_provider(p: Provider) -> flightdesk_sandbox::Provider {
    p.as_str().parse().unwrap()
}

pub async fn world(faults: &str) -> World {
    let sandbox = start(SandboxConfig {
        now: Some(NOW.parse().unwrap()),
        faults: FaultSpec::parse(faults).unwrap(),
        ..SandboxConfig::default()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemoryStore::new());
    let workspace = Workspace::open(dir.path(), SecretsBackend::Memory(secrets.clone()))
        .await
        .unwrap();
    World {
        sandbox,
        workspace,
        dir,
        http: reqwest::Client::new(),
        secrets,
    }
}

impl World {
    pub fn token(&self, p: Provider, role: &str) -> String {
        self.credential_fact(p, role, "token")
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn credential_fact(&self, p: Provider, role: &str, fact: &str) -> Value {
        self.sandbox
            .credential(sandbox_provider(p), role)
            .unwrap_or_else(|| panic!("no credential {role} for {p}"))[fact]
            .clone()
    }

    /// Closes the workspace and opens it again from its directory and keyring, as an app
    /// restart does.
    pub async fn reopen(&mut self) {
        let secrets = SecretsBackend::Memory(self.secrets.clone());
        let reopened = Workspace::open(self.dir.path(), secrets).await.unwrap();
        let old = std::mem::replace(&mut self.workspace, reopened);
        old.store().clone().close().await;
    }

    /// Connects an account of `p` with the sandbox credential of `role`.
    pub async fn connect(&self, p: Provider, name: &str, role: &str, options: Value) -> Account {
        let base_url = self.sandbox.base_url(sandbox_provider(p));
        self.connect_at(p, name, role, options, &base_url).await
    }

    /// [`World::connect`] through `base_url` (a [`link::Link`] to the sandbox).
    pub async fn connect_at(
        &self,
        p: Provider,
        name: &str,
        role: &str,
        options: Value,
        base_url: &str,
    ) -> Account {
        let account = self
            .workspace
            .store()
            .upsert_account(&NewAccount {
                provider: p,
                name: name.into(),
                base_url: base_url.to_string(),
                options: options.as_object().cloned().unwrap_or_default(),
            })
            .await
            .unwrap();
        self.workspace
            .set_credential(&account, &Secret::new(self.token(p, role)))
            .unwrap();
        account
    }

    pub async fn sync(&self, full: bool) -> SyncReport {
        self.sync_with(SyncOptions {
            full,
            client: ClientOptions::fast(),
            ..Default::default()
        })
        .await
    }

    pub async fn sync_with(&self, options: SyncOptions) -> SyncReport {
        let events = Mutex::new(Vec::new());
        let report = flightdesk_sync::sync(&self.workspace, &options, &|e: &ProgressEvent| {
            events.lock().unwrap().push(e.clone())
        })
        .await
        .unwrap();
        assert!(
            !events.lock().unwrap().is_empty(),
            "progress events were sent"
        );
        report
    }

    /// Runs a sync and stops it once its first page is committed, as a killed process
    /// would; the pass is then left unfinished, to be resumed by the next sync.
    pub async fn sync_until_first_page(&self, options: &SyncOptions) {
        let first_page = tokio::sync::Notify::new();
        let progress = |e: &ProgressEvent| {
            if matches!(e, ProgressEvent::PageWritten { pages: 1, .. }) {
                first_page.notify_one();
            }
        };
        tokio::select! {
            biased;
            _ = first_page.notified() => {}
            _ = flightdesk_sync::sync(&self.workspace, options, &progress) => {
                panic!("the pass ended at its first page")
            }
        }
    }

    /// Moves the sandbox's clock on by `seconds`.
    pub async fn advance_clock(&self, seconds: i64) {
        self.admin(
            reqwest::Method::POST,
            "/clock/advance",
            serde_json::json!({ "seconds": seconds }),
        )
        .await;
    }

    pub async fn set_faults(&self, spec: &str) {
        let r = self
            .http
            .put(format!("{}/faults", self.sandbox.admin_url()))
            .json(&serde_json::json!({ "spec": spec }))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    }

    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let r = self
            .http
            .request(method, format!("{}{path}", self.sandbox.admin_url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {v}");
        v
    }

    pub async fn truth(&self, p: Provider) -> Value {
        self.http
            .get(format!("{}/truth/{}", self.sandbox.admin_url(), p.as_str()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The source ids of the live cached records of `kind` for `account`.
    pub async fn cached_ids(&self, kind: Kind, account: &str) -> BTreeSet<String> {
        let rows = self
            .workspace
            .store()
            .export_kind(kind, false)
            .await
            .unwrap();
        let ids: Vec<String> = rows
            .iter()
            .filter(|r| r["account"] == account)
            .map(|r| r["source_id"].as_str().unwrap().to_string())
            .collect();
        let set: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(set.len(), ids.len(), "no duplicates in {kind}");
        set
    }

    pub async fn cached(&self, kind: Kind) -> Vec<Value> {
        self.workspace
            .store()
            .export_kind(kind, true)
            .await
            .unwrap()
    }
}

/// The summary of one account's resource in a report.
pub fn summary<'r>(report: &'r SyncReport, account: &str, resource: &str) -> &'r ResourceSummary {
    report
        .resources
        .iter()
        .find(|r| r.account == account && r.resource == resource)
        .unwrap_or_else(|| panic!("{account}/{resource} is in the report"))
}

/// The ids of a list of JSON objects.
pub fn ids(list: &Value, field: &str) -> BTreeSet<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|r| match &r[field] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// An office account synced once, and a class it may schedule: a subject, its teacher
/// (the sandbox's instructor) and a student enrolled in the subject's training.
pub async fn office() -> (World, i64, ClassDraft) {
    let w = world("").await;
    let account = w
        .connect(Provider::Flylogs, "office", "manager", json!({}))
        .await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    let truth = w.truth(Provider::Flylogs).await;
    let teacher = truth["picks"]["instructor"]
        .to_string()
        .trim_matches('"')
        .to_string();
    let enrolments = w.cached(Kind::Enrolments).await;
    let subjects = w.cached(Kind::Subjects).await;
    let (subject, student) = subjects
        .iter()
        .find_map(|s| {
            let e = enrolments.iter().find(|e| {
                e["training_id"] == s["training_id"]
                    && e["class_id"].is_null()
                    && e["person_id"].is_string()
            })?;
            Some((
                s["source_id"].as_str()?.to_string(),
                e["person_id"].as_str()?.to_string(),
            ))
        })
        .expect("a subject with an enrolled student");
    let draft = ClassDraft {
        subject_id: subject,
        lesson_id: None,
        exam_id: None,
        start: "2026-03-10T08:00:00Z".parse().unwrap(),
        teacher_id: teacher,
        location_id: None,
        student_ids: vec![student],
        remarks: "first".into(),
        notify: false,
    };
    (w, account.id, draft)
}

/// The sandbox's copy of class `id`, read as the manager.
pub async fn class_view(w: &World, id: &str) -> Value {
    let base = w.sandbox.base_url(flightdesk_sandbox::Provider::Flylogs);
    w.http
        .get(format!("{base}/trainings/onsite/class/{id}.json"))
        .bearer_auth(w.token(Provider::Flylogs, "manager"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Sync options with the fast client (short retries), for the write tests.
pub fn options() -> SyncOptions {
    SyncOptions {
        client: ClientOptions::fast(),
        ..Default::default()
    }
}

/// Sends the outbox of `w` once.
pub async fn replay(w: &World) -> flightdesk_sync::ReplayReport {
    flightdesk_sync::replay(&w.workspace, &options(), &|_| {})
        .await
        .unwrap()
}
