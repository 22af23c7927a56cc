//! Flylogs synced into a real (temporary, encrypted) store as the engine does: a manager's
//! full pass, then a pass after a class was deleted at Flylogs (a sweep removes it, a cheap
//! pass never does), a pass killed between pages and resumed, and `page:N` listings that
//! move between two pages of a pass (nothing live may be marked removed).

mod common;

use common::{admin, advance, base_url, credential, token, truth, Stored, NOW};
use flightdesk_connectors::flylogs::Flylogs;
use flightdesk_connectors::{Connector, Kind, Next, Position, Provider as P, SyncMode};
use flightdesk_store::{PageWrite, PassEnd};
use reqwest::Method;
use serde_json::{json, Value};

/// A week and a minute: the next pass is due to be a sweep.
const PAST_SWEEP: i64 = 7 * 24 * 3600 + 60;

async fn setup(role: &'static str) -> Stored<Flylogs> {
    let snapshot = SyncMode::Snapshot { keep_past: false };
    Stored::new("flylogs-office", role, json!({}), snapshot).await
}

/// Something done at Flylogs between two pages of a pass.
enum Mutation {
    DeleteEnrolment(String),
    DeleteTraining(String),
}

/// How a pass went.
#[derive(Debug, Default)]
struct Pass {
    /// Records marked removed, when the pass completed.
    removed: Option<u64>,
    restarts: u32,
    /// Whether the pass ended as a sweep (`Next::Done`).
    swept: bool,
}

/// Drives the resource as the engine does (restarts, changes-only ends included), stopping
/// after `max_pages` pages when given, and applying `mutation` after page `at`.
async fn sync(
    w: &Stored<Flylogs>,
    c: &Flylogs,
    max_pages: Option<usize>,
    mutation: Option<(usize, Mutation)>,
) -> Pass {
    let resource = &c.resources()[0];
    let state = w
        .store
        .begin_pass(w.account, resource.name, false)
        .await
        .unwrap();
    let mut pass = state.pass;
    let mut pos = Position::from_text(state.position.as_deref());
    let mut out = Pass::default();
    let mut removed = 0;
    let mut mutation = mutation;
    for pages in 1.. {
        if max_pages.is_some_and(|m| pages > m) {
            return out;
        }
        assert!(pages < 20_000, "the pass never ends");
        let page = c.fetch_page(resource.name, &pos).await.unwrap();
        let (next, end, done) = match &page.next {
            Next::More(p) => (p.clone(), PassEnd::Continues, false),
            Next::Done(p) => {
                out.swept = true;
                let end = PassEnd::CompletesSnapshot {
                    kinds: resource.kinds,
                    keep_starting_before: None,
                };
                (p.clone(), end, true)
            }
            Next::DoneChangesOnly(p) => (p.clone(), PassEnd::Completes, true),
            Next::Restart(p) => {
                out.restarts += 1;
                (p.clone(), PassEnd::Restarts, false)
            }
            other => panic!("flylogs never asks for {other:?}"),
        };
        let text = next.to_text();
        let outcome = w
            .store
            .write_page(&PageWrite {
                account_id: w.account,
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
        if done {
            out.removed = Some(removed);
            return out;
        }
        if mutation.as_ref().is_some_and(|(at, _)| *at == pages) {
            let (_, m) = mutation.take().unwrap();
            apply(w, m).await;
        }
        pos = next;
    }
    unreachable!()
}

async fn apply(w: &Stored<Flylogs>, m: Mutation) {
    let path = match m {
        Mutation::DeleteEnrolment(id) => format!("/flylogs/enrollments/{id}"),
        Mutation::DeleteTraining(id) => format!("/flylogs/trainings/{id}"),
    };
    admin(&w.sb, Method::DELETE, &path, Value::Null).await;
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
async fn a_deleted_class_is_removed_by_the_next_sweep_and_never_by_a_cheap_pass() {
    let w = setup("manager").await;
    let c = w.connector();
    let first = sync(&w, &c, None, None).await;
    assert_eq!((first.removed, first.swept), (Some(0), true));
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

    // The next pass is cheap: it did not re-read everything, so it removes nothing.
    let cheap = sync(&w, &c, None, None).await;
    assert_eq!((cheap.removed, cheap.swept), (Some(0), false));
    assert!(w.ids(Kind::Classes).await.0.contains(id));
    // A week later (on the server's clock) the pass is a sweep, and the class goes.
    advance(&w.sb, PAST_SWEEP).await;
    let sweep = sync(&w, &c, None, None).await;
    assert_eq!((sweep.removed, sweep.swept), (Some(1), true));
    assert!(!w.ids(Kind::Classes).await.0.contains(id));
    assert_counts_equal_truth(&w).await;
    // A quiet pass changes nothing.
    assert_eq!(sync(&w, &c, None, None).await.removed, Some(0));
    w.sb.shutdown().await;
}

#[tokio::test]
async fn a_pass_killed_between_pages_resumes_and_removes_nothing_wrongly() {
    let w = setup("manager").await;
    assert_eq!(sync(&w, &w.connector(), None, None).await.removed, Some(0));
    // A second sweep dies after 10 pages ...
    advance(&w.sb, PAST_SWEEP).await;
    assert_eq!(sync(&w, &w.connector(), Some(10), None).await.removed, None);
    // ... and the next process completes it: records seen before the kill count as seen.
    let resumed = sync(&w, &w.connector(), None, None).await;
    assert_eq!((resumed.removed, resumed.swept), (Some(0), true));
    assert_counts_equal_truth(&w).await;
    w.sb.shutdown().await;
}

/// Posts to the Flylogs API as `token`; asserts success.
async fn flylogs_post(w: &Stored<Flylogs>, token: &str, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", base_url(&w.sb, P::Flylogs)))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().await.unwrap()
}

/// `n` more trainings, the first `enrol` of them with the student enrolled.
async fn more_trainings(w: &Stored<Flylogs>, n: usize, enrol: usize) -> Vec<String> {
    let manager = token(&w.sb, P::Flylogs, "manager");
    let student = credential(&w.sb, P::Flylogs, "student")["user_id"].clone();
    let mut ids = vec![];
    for i in 0..n {
        let body = json!({"name": format!("Moving list {i:02}"), "type": "ONSITE",
                          "theory": false, "flights": false});
        let t = flylogs_post(
            w,
            &manager,
            "/manager/trainings/trainings/create.json",
            body,
        )
        .await;
        if i < enrol {
            let body = json!({"training_id": t["id"], "students": [student]});
            flylogs_post(w, &manager, "/manager/trainings/students/enroll.json", body).await;
        }
        ids.push(t["id"].as_str().unwrap().to_string());
    }
    ids
}

/// The ids of the live records of `kind` in the cache.
async fn live(w: &Stored<Flylogs>, kind: Kind) -> Vec<String> {
    let rows = w.store.export_kind(kind, false).await.unwrap();
    rows.iter()
        .map(|r| r["source_id"].as_str().unwrap().to_string())
        .filter(|id| !id.starts_with("attendance:"))
        .collect()
}

#[tokio::test]
async fn an_enrolment_deleted_on_a_page_already_read_restarts_the_pass_and_loses_no_live_row() {
    let w = setup("student").await;
    more_trainings(&w, 31, 31).await;
    let uid = credential(&w.sb, P::Flylogs, "student")["user_id"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = common::admin_get(&w.sb, &format!("/flylogs/users/{uid}/enrollments")).await;
    let listed: Vec<String> = serde_json::from_value(listed["enrollments"].clone()).unwrap();
    assert!(listed.len() > 30, "two pages of 30: {}", listed.len());
    // Pages: me, locations, then `/trainings/page:1`; delete a row of page 1 after it.
    let gone = listed[3].clone();
    let c = w.connector();
    let pass = sync(
        &w,
        &c,
        None,
        Some((3, Mutation::DeleteEnrolment(gone.clone()))),
    )
    .await;
    // Every live enrolment is in the cache and live; the deleted one is gone.
    let cached = live(&w, Kind::Enrolments).await;
    for id in listed.iter().filter(|id| **id != gone) {
        assert!(cached.contains(id), "live enrolment {id} missing");
    }
    assert!(!cached.contains(&gone));
    assert_eq!(pass.restarts, 1, "the moved listing restarts the pass");
    // Page 1 wrote the deleted enrolment (and its training, which the student sees only
    // through it) before the restart; the completed sweep removes those two, nothing else.
    assert_eq!((pass.removed, pass.swept), (Some(2), true));

    // The same in a sweep over a cache that holds every row: the deleted one is removed,
    // and only it.
    advance(&w.sb, PAST_SWEEP).await;
    let gone = listed[5].clone();
    let pass = sync(
        &w,
        &c,
        None,
        Some((3, Mutation::DeleteEnrolment(gone.clone()))),
    )
    .await;
    assert_eq!(
        (pass.restarts, pass.removed, pass.swept),
        (1, Some(2), true)
    );
    let cached = live(&w, Kind::Enrolments).await;
    assert!(!cached.contains(&gone));
    for id in listed.iter().filter(|id| **id != gone && **id != listed[3]) {
        assert!(cached.contains(id), "live enrolment {id} marked removed");
    }
    assert_eq!(cached.len(), listed.len() - 2);
    w.sb.shutdown().await;
}

#[tokio::test]
async fn a_training_deleted_on_a_catalogue_page_already_read_marks_no_live_training_removed() {
    let w = setup("manager").await;
    let ids = more_trainings(&w, 52, 0).await;
    let c = w.connector();
    assert_eq!(sync(&w, &c, None, None).await.removed, Some(0));
    let before = live(&w, Kind::Trainings).await;
    assert!(before.len() > 50);
    advance(&w.sb, PAST_SWEEP).await;
    // One of the new trainings on the catalogue's first page (it is ordered by name).
    let page1 = reqwest::Client::new()
        .get(format!(
            "{}/manager/trainings/page:1.json",
            base_url(&w.sb, P::Flylogs)
        ))
        .bearer_auth(token(&w.sb, P::Flylogs, "manager"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let gone = page1["trainings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["Training"]["id"].as_str())
        .find(|id| ids.iter().any(|i| i == id))
        .expect("a new training on page 1")
        .to_string();
    // Pages: me, locations, the manager's own `/trainings/page:N` (one here), then the
    // catalogue.
    let own_pages = 1;
    let at = 2 + own_pages + 1;
    let pass = sync(
        &w,
        &c,
        None,
        Some((at, Mutation::DeleteTraining(gone.clone()))),
    )
    .await;
    let after = live(&w, Kind::Trainings).await;
    for id in before.iter().filter(|id| **id != gone) {
        assert!(after.contains(id), "live training {id} marked removed");
    }
    // It was read on page 1 before it went: only a sweep that held still removes it.
    assert!(!after.contains(&gone));
    assert_eq!(pass.restarts, 1);
    assert_eq!((pass.removed, pass.swept), (Some(1), true));
    assert_counts_equal_truth(&w).await;
    w.sb.shutdown().await;
}
