//! Logbook edits through the outbox over real HTTP against the sandbox's PilotFlows, each
//! test ending with the sandbox's truth compared with what was asked: a log added and
//! changed while PilotFlows fails reaches it once, changed, in order; a create whose answer
//! was lost is not made twice; a field PilotFlows refuses keeps its words and names the
//! field; a deleted log leaves the cache at once; a mistake caught here queues nothing.

mod common;

use chrono::Utc;
use common::{replay, world, World};
use flightdesk_connectors::pilotflows_logbook::FlightLogFields;
use flightdesk_core::{Kind, Provider};
use flightdesk_store::{Account, OutboxState};
use flightdesk_sync::logbook_writes::{self, LogbookWriteError};
use serde_json::{json, Value};

/// A PilotFlows account synced once, and the registration of one of its aircraft.
async fn school() -> (World, Account, String) {
    let w = world("").await;
    let account = w
        .connect(
            Provider::PilotFlows,
            "school",
            "organization_plan",
            // As the connect flow keeps it (the organisation it discovered).
            json!({"organization": "101"}),
        )
        .await;
    let r = w.sync(false).await;
    assert!(!r.failed(), "{r:?}");
    let aircraft = w
        .cached(Kind::Aircraft)
        .await
        .iter()
        .find(|a| a["account"] == "school" && a["category"] != "simulator")
        .and_then(|a| a["registration"].as_str().map(str::to_string))
        .expect("an aircraft of the school");
    (w, account, aircraft)
}

/// The sandbox's flight logs of the school's organisation.
async fn logs(w: &World) -> Vec<Value> {
    let truth = w.truth(Provider::PilotFlows).await;
    let orgs = truth["organizations"].as_object().unwrap();
    orgs.values()
        .find(|o| o["organization"]["attributes"]["plan"] == "organization")
        .map(|o| o["flight_logs"].as_array().unwrap().clone())
        .unwrap()
}

fn with_remarks<'a>(logs: &'a [Value], remarks: &str) -> Vec<&'a Value> {
    logs.iter()
        .filter(|l| l["attributes"]["remarks"] == remarks)
        .collect()
}

fn new_log(aircraft: &str, remarks: &str) -> FlightLogFields {
    FlightLogFields {
        date: Some(Utc::now().date_naive() - chrono::Days::new(1)),
        aircraft: Some(aircraft.to_string()),
        duration: Some(1.3),
        landings: Some(4),
        remarks: Some(remarks.to_string()),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_log_added_and_changed_while_pilotflows_fails_reaches_it_once_changed() {
    let (w, account, aircraft) = school().await;
    let store = w.workspace.store();
    let before = logs(&w).await.len();
    let add = logbook_writes::add(store, &account, &new_log(&aircraft, "circuits"))
        .await
        .unwrap();
    let change = FlightLogFields {
        duration: Some(1.4),
        remarks: Some("circuits, then a go-around".into()),
        ..Default::default()
    };
    let edit = logbook_writes::edit(store, &account, &add.target_id, &change)
        .await
        .unwrap();
    assert_eq!(
        edit.depends_on,
        Some(add.id),
        "the edit waits for the create"
    );

    w.set_faults("pilotflows:5xx=1").await;
    let r = replay(&w).await;
    assert_eq!(r.failed, vec![add.id]);
    assert_eq!(logs(&w).await.len(), before, "nothing reached PilotFlows");

    w.set_faults("").await;
    store.retry_write(add.id, Utc::now()).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.sent, vec![add.id, edit.id], "the create, then the edit");
    let now = logs(&w).await;
    assert_eq!(now.len(), before + 1, "one log, made once");
    let made = with_remarks(&now, "circuits, then a go-around");
    assert_eq!(made.len(), 1);
    assert_eq!(made[0]["attributes"]["duration"], 1.4);
    assert_eq!(made[0]["attributes"]["landings"], 4);
    assert_eq!(made[0]["attributes"]["aircraft"], aircraft.as_str());
    let id = made[0]["id"].as_str().unwrap();
    let edit = store.outbox_row(edit.id).await.unwrap();
    assert_eq!(edit.target_id, id, "the edit was sent to the new log's id");
    // The next sync reads PilotFlows' copy back.
    w.sync(false).await;
    assert!(w.cached_ids(Kind::FlightLogs, "school").await.contains(id));
}

#[tokio::test]
async fn a_create_whose_answer_was_lost_is_not_made_twice() {
    let (w, account, aircraft) = school().await;
    let store = w.workspace.store();
    let before = logs(&w).await.len();
    let add = logbook_writes::add(store, &account, &new_log(&aircraft, "lost answer"))
        .await
        .unwrap();
    w.set_faults("pilotflows:truncated=1").await;
    let r = replay(&w).await;
    let row = store.outbox_row(add.id).await.unwrap();
    assert_eq!(r.failed, vec![add.id], "{:?}", row.last_error);
    assert_eq!(logs(&w).await.len(), before + 1, "PilotFlows did make it");
    w.set_faults("").await;
    store.retry_write(add.id, Utc::now()).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.sent, vec![add.id]);
    let now = logs(&w).await;
    assert_eq!(now.len(), before + 1, "no duplicate");
    let made = with_remarks(&now, "lost answer");
    let row = store.outbox_row(add.id).await.unwrap();
    assert_eq!(
        row.remote_id.as_deref(),
        made[0]["id"].as_str(),
        "the log was adopted"
    );
}

#[tokio::test]
async fn a_field_pilotflows_refuses_keeps_its_words_and_names_the_field() {
    let (w, account, aircraft) = school().await;
    let store = w.workspace.store();
    // A well-formed identifier that is no airport PilotFlows knows.
    let log = FlightLogFields {
        departure: Some("ZZZZ".into()),
        ..new_log(&aircraft, "to nowhere")
    };
    let add = logbook_writes::add(store, &account, &log).await.unwrap();
    let r = replay(&w).await;
    assert_eq!(r.rejected, vec![add.id]);
    let row = store.outbox_row(add.id).await.unwrap();
    assert_eq!(row.state, OutboxState::Rejected);
    assert_eq!(row.last_error_code.as_deref(), Some("invalid:departure"));
    let words = row.last_error.unwrap();
    assert!(words.contains("Unknown airport identifier"), "{words}");
    assert!(with_remarks(&logs(&w).await, "to nowhere").is_empty());
    assert!(
        store.pending_changes(account.id).await.unwrap().is_empty(),
        "its optimistic change is rolled back"
    );
}

#[tokio::test]
async fn a_deleted_log_leaves_the_cache_once_pilotflows_accepts() {
    let (w, account, _) = school().await;
    let store = w.workspace.store();
    let cached = w.cached_ids(Kind::FlightLogs, "school").await;
    let id = cached.iter().next().expect("a cached flight log").clone();
    let delete = logbook_writes::delete(store, &account, &id).await.unwrap();
    let r = replay(&w).await;
    let row = store.outbox_row(delete.id).await.unwrap();
    assert_eq!(r.sent, vec![delete.id], "{:?}", row.last_error);
    assert!(!logs(&w).await.iter().any(|l| l["id"] == id.as_str()));
    assert!(
        !w.cached_ids(Kind::FlightLogs, "school").await.contains(&id),
        "gone from the cache without waiting for a whole listing"
    );
}

#[tokio::test]
async fn a_mistake_caught_here_names_its_field_and_queues_nothing() {
    let (w, account, aircraft) = school().await;
    let store = w.workspace.store();
    let tomorrow = Utc::now().date_naive() + chrono::Days::new(1);
    let cases: [(FlightLogFields, &str); 3] = [
        (
            FlightLogFields {
                date: Some(tomorrow),
                ..new_log(&aircraft, "x")
            },
            "date",
        ),
        (
            FlightLogFields {
                aircraft: Some("ZZ-NONE".into()),
                ..new_log(&aircraft, "x")
            },
            "aircraft",
        ),
        (
            FlightLogFields {
                duration: Some(25.0),
                ..new_log(&aircraft, "x")
            },
            "duration",
        ),
    ];
    for (log, want) in cases {
        match logbook_writes::add(store, &account, &log).await {
            Err(LogbookWriteError::Invalid { field, .. }) => assert_eq!(field, want),
            other => panic!("{want}: {other:?}"),
        }
    }
    let e = logbook_writes::delete(store, &account, "no-such-log")
        .await
        .unwrap_err();
    assert!(matches!(e, LogbookWriteError::NoSuchLog(_)), "{e}");
    assert!(store.outbox().await.unwrap().is_empty());
}
