//! Flylogs synced into a real (temporary, encrypted) store as the engine does: a manager's
//! full pass, then a pass after a class was deleted at Flylogs (the snapshot removes it),
//! then a pass killed between pages and resumed.

mod common;

use common::{base_url, token, truth, Stored, NOW};
use flightdesk_connectors::flylogs::Flylogs;
use flightdesk_connectors::{Kind, Provider as P, SyncMode};
use serde_json::json;

async fn setup() -> Stored<Flylogs> {
    let snapshot = SyncMode::Snapshot { keep_past: false };
    Stored::new("flylogs-office", "manager", json!({}), snapshot).await
}

async fn assert_counts_equal_truth(w: &Stored<Flylogs>) {
    let t = truth(&w.sb, P::Flylogs).await;
    for (kind, key) in [
        (Kind::Classes, "classes"),
        (Kind::Missions, "missions"),
        (Kind::Subjects, "subjects"),
        (Kind::Lessons, "lessons"),
    ] {
        let (set, n) = w.ids(kind).await;
        assert_eq!(set.len(), n, "{kind}: no duplicates");
        assert_eq!(n as u64, t[key].as_u64().unwrap(), "{kind}");
    }
    let (enrolments, _) = w.ids(Kind::Enrolments).await;
    let own = enrolments
        .iter()
        .filter(|i| !i.starts_with("attendance:"))
        .count();
    assert_eq!(own as u64, t["enrollments"].as_u64().unwrap());
    assert_eq!(
        w.ids(Kind::Trainings).await.1,
        t["trainings"].as_array().unwrap().len()
    );
}

#[tokio::test]
async fn a_deleted_class_is_removed_by_the_next_full_pass() {
    let w = setup().await;
    let c = w.connector();
    assert_eq!(w.sync(&c, None).await, Some(0));
    assert_counts_equal_truth(&w).await;

    // Delete an upcoming (unsigned) class at Flylogs.
    let classes = w.store.export_kind(Kind::Classes, false).await.unwrap();
    let upcoming = classes
        .iter()
        .find(|r| r["starts_at"].as_str().is_some_and(|s| s > NOW))
        .expect("an upcoming class");
    let id = upcoming["source_id"].as_str().unwrap();
    let r = reqwest::Client::new()
        .get(format!(
            "{}/manager/trainings/onsite/delete_class/{id}/true.json",
            base_url(&w.sb, P::Flylogs)
        ))
        .bearer_auth(token(&w.sb, P::Flylogs, "manager"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());

    assert_eq!(w.sync(&c, None).await, Some(1));
    assert!(!w.ids(Kind::Classes).await.0.contains(id));
    assert_counts_equal_truth(&w).await;
    // A quiet pass changes nothing.
    assert_eq!(w.sync(&c, None).await, Some(0));
    w.sb.shutdown().await;
}

#[tokio::test]
async fn a_pass_killed_between_pages_resumes_and_removes_nothing_wrongly() {
    let w = setup().await;
    assert_eq!(w.sync(&w.connector(), None).await, Some(0));
    // A second pass dies after 10 pages ...
    assert_eq!(w.sync(&w.connector(), Some(10)).await, None);
    // ... and the next process completes it: records seen before the kill count as seen.
    assert_eq!(w.sync(&w.connector(), None).await, Some(0));
    assert_counts_equal_truth(&w).await;
    w.sb.shutdown().await;
}
