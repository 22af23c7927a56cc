//! Flylogs through the real engine and store: two accounts (a student and the office) in
//! one workspace, snapshot passes, 401 versus a skipped 403, and transient faults.

mod common;

use common::{world, World};
use flightdesk_core::{Kind, Provider};
use flightdesk_secrets::Secret;
use flightdesk_sync::accounts::{connect_account, Connection};
use flightdesk_sync::{ClientOptions, Outcome};
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

fn flylogs_connection(w: &World, name: &str, role: &str, options: serde_json::Value) -> Connection {
    let password = w.credential_fact(Provider::Flylogs, role, "password");
    Connection {
        provider: Provider::Flylogs,
        name: name.into(),
        base_url: w
            .sandbox
            .base_url(common::sandbox_provider(Provider::Flylogs)),
        credential: Secret::new(password.as_str().unwrap()),
        options: options.as_object().cloned().unwrap(),
        verify: true,
    }
}

#[tokio::test]
async fn a_two_factor_account_syncs_unattended_on_its_kept_session() {
    let w = world("").await;
    let email = w.credential_fact(Provider::Flylogs, "student_2fa", "email");
    let code = w.credential_fact(Provider::Flylogs, "student_2fa", "two_factor_code");
    let connected = connect_account(
        &w.workspace,
        flylogs_connection(
            &w,
            "twofa",
            "student_2fa",
            json!({"email": email, "code": code}),
        ),
        ClientOptions::fast(),
    )
    .await
    .unwrap();
    assert!(connected.session_saved);
    // The one-time code is not kept; the 2FA mode is.
    let account = w.workspace.store().account("twofa").await.unwrap();
    assert!(
        !account.options.contains_key("code"),
        "{:?}",
        account.options
    );
    assert_eq!(account.options["two_factor"], "EMAIL");
    let kept = w
        .workspace
        .session(&account)
        .unwrap()
        .expect("a kept session");

    // Each sync builds a fresh connector (nothing in memory) with no code: the kept
    // session is enough, and no new login replaces it.
    for _ in 0..2 {
        let r = w.sync(false).await;
        assert!(!r.failed(), "{r:?}");
        assert_eq!(r.resources[0].outcome, Outcome::Synced);
        assert_eq!(w.workspace.session(&account).unwrap(), Some(kept.clone()));
    }
    assert!(!w.cached_ids(Kind::Enrolments, "twofa").await.is_empty());

    // Sessions end after 14 idle days; with 2FA only the user can sign in again.
    w.advance_clock(15 * 86_400).await;
    let r = w.sync(false).await;
    let s = &r.resources[0];
    assert_eq!(s.outcome, Outcome::NeedsCredential, "{r:?}");
    let error = s.error.as_deref().unwrap();
    assert!(
        error.contains("reconnect it with a fresh code")
            && error.contains("flightdesk connect flylogs --name twofa"),
        "{error}"
    );
    let health = w
        .workspace
        .store()
        .account_health(account.id)
        .await
        .unwrap();
    assert!(health.needs_credential);

    // Reconnecting with a fresh code mends it.
    connect_account(
        &w.workspace,
        flylogs_connection(&w, "twofa", "student_2fa", json!({"code": code})),
        ClientOptions::fast(),
    )
    .await
    .unwrap();
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");

    // Disconnecting forgets the session with the password.
    w.workspace.delete_credential(&account).unwrap();
    assert!(w.workspace.session(&account).unwrap().is_none());
    assert!(w.workspace.credential(&account).unwrap().is_none());
}

#[tokio::test]
async fn a_password_account_logs_in_again_when_its_session_is_rejected() {
    let w = world("").await;
    let email = w.credential_fact(Provider::Flylogs, "instructor", "email");
    let password = w.credential_fact(Provider::Flylogs, "instructor", "password");
    connect_account(
        &w.workspace,
        flylogs_connection(&w, "teacher", "instructor", json!({"email": email})),
        ClientOptions::fast(),
    )
    .await
    .unwrap();
    let account = w.workspace.store().account("teacher").await.unwrap();
    assert_eq!(account.options["two_factor"], "OFF");
    let first = w.workspace.session(&account).unwrap().unwrap();
    // A login elsewhere ends the kept session.
    w.http
        .post(format!(
            "{}/login.json",
            w.sandbox
                .base_url(common::sandbox_provider(Provider::Flylogs))
        ))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    let second = w.workspace.session(&account).unwrap().unwrap();
    assert_ne!(first, second, "the new session token is kept");
    // And it is the one the next sync uses.
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    assert_eq!(w.workspace.session(&account).unwrap(), Some(second));
}
