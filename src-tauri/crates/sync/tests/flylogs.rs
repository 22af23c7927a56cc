//! Flylogs through the real engine and store: two accounts (a student and the office) in
//! one workspace, snapshot passes, 401 versus a skipped 403, and transient faults.

mod common;

use common::{world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_sync::Outcome;
use serde_json::json;

async fn office_equals_truth(w: &World) {
    let t = w.truth(Provider::Flylogs).await;
    for (kind, key) in [
        (Kind::Classes, "classes"),
        (Kind::Missions, "missions"),
        (Kind::Subjects, "subjects"),
        (Kind::Lessons, "lessons"),
    ] {
        assert_eq!(
            w.cached_ids(kind, "office").await.len() as u64,
            t[key].as_u64().unwrap(),
            "{kind}"
        );
    }
    let enrolments = w
        .cached_ids(Kind::Enrolments, "office")
        .await
        .into_iter()
        .filter(|i| !i.starts_with("attendance:"))
        .count();
    assert_eq!(enrolments as u64, t["enrollments"].as_u64().unwrap());
}

#[tokio::test]
async fn two_accounts_sync_side_by_side() {
    let w = world("").await;
    w.connect(Provider::Flylogs, "student", "student", json!({}))
        .await;
    w.connect(Provider::Flylogs, "office", "manager", json!({}))
        .await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    assert!(r.resources.iter().all(|s| s.outcome == Outcome::Synced));
    office_equals_truth(&w).await;
    // The same Flylogs records under both accounts: identity is (account, source_id).
    let student = w.cached_ids(Kind::Missions, "student").await;
    let office = w.cached_ids(Kind::Missions, "office").await;
    assert!(!student.is_empty() && student.is_subset(&office));
    // A second snapshot pass changes nothing.
    let r = w.sync(false).await;
    let t = r.totals();
    assert_eq!((t.new, t.removed), (0, 0), "{r:?}");
}

#[tokio::test]
async fn login_accounts_and_a_bad_key() {
    let w = world("").await;
    let email = w.credential_fact(Provider::Flylogs, "instructor", "email");
    let password = w.credential_fact(Provider::Flylogs, "instructor", "password");
    let account = w
        .workspace
        .store()
        .upsert_account(&flightdesk_store::NewAccount {
            provider: Provider::Flylogs,
            name: "teacher".into(),
            base_url: w
                .sandbox
                .base_url(common::sandbox_provider(Provider::Flylogs)),
            options: json!({"email": email}).as_object().cloned().unwrap(),
        })
        .await
        .unwrap();
    w.workspace
        .set_credential(
            &account,
            &flightdesk_secrets::Secret::new(password.as_str().unwrap()),
        )
        .unwrap();
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    assert!(!w.cached_ids(Kind::Classes, "teacher").await.is_empty());
    w.set_faults("flylogs:expired=1").await;
    let r = w.sync(false).await;
    assert_eq!(r.resources[0].outcome, Outcome::NeedsCredential, "{r:?}");
}

#[tokio::test]
async fn transient_faults_leave_the_office_cache_equal_to_the_truth() {
    for spec in [
        "flylogs:5xx=0.25",
        "flylogs:truncated=0.25",
        "flylogs:429burst=3",
    ] {
        let w = world(spec).await;
        w.connect(Provider::Flylogs, "office", "manager", json!({}))
            .await;
        let r = w.sync(false).await;
        assert!(!r.failed(), "{spec}: {r:?}");
        office_equals_truth(&w).await;
    }
}
