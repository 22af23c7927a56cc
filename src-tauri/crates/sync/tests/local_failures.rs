//! A failure on this computer (the local cache refusing a write) is reported for the
//! resource it hit; the other resources and accounts still sync.

mod common;

use common::world;
use flightdesk_core::{Kind, Provider};
use flightdesk_sync::{Outcome, LOCAL_ERROR_CODE};
use serde_json::json;

#[tokio::test]
async fn a_cache_write_failing_for_one_account_leaves_the_others_synced() {
    let w = world("").await;
    let centre = w
        .connect(Provider::AviationAlley, "centre", "live_full", json!({}))
        .await;
    w.connect(
        Provider::FlightSchoolBooking,
        "school",
        "all_areas",
        json!({}),
    )
    .await;
    // A real store error, for one account's people only: SQLite refuses the insert.
    sqlx::query(&format!(
        "CREATE TRIGGER refuse_people BEFORE INSERT ON people WHEN NEW.account_id = {}
         BEGIN SELECT RAISE(ABORT, 'the disk refused the write'); END",
        centre.id
    ))
    .execute(w.workspace.store().pool())
    .await
    .unwrap();

    let report = w.sync(false).await;

    let trainees = report
        .resources
        .iter()
        .find(|r| r.account == "centre" && r.resource == "trainees")
        .expect("the failing resource is reported");
    assert_eq!(trainees.outcome, Outcome::Failed, "{trainees:?}");
    assert_eq!(trainees.error_code.as_deref(), Some(LOCAL_ERROR_CODE));
    let message = trainees.error.as_deref().unwrap_or_default();
    assert!(message.contains("the disk refused the write"), "{message}");

    // The failure is recorded where the Sync view reads it.
    let state = w
        .workspace
        .store()
        .sync_state(centre.id, "trainees")
        .await
        .unwrap()
        .expect("a sync state for the failed resource");
    assert_eq!(state.last_error_code.as_deref(), Some(LOCAL_ERROR_CODE));

    // The account's other resources and the other account synced.
    let bookings = report
        .resources
        .iter()
        .find(|r| r.account == "centre" && r.resource == "bookings")
        .unwrap();
    assert_eq!(bookings.outcome, Outcome::Synced, "{bookings:?}");
    let school: Vec<_> = report
        .resources
        .iter()
        .filter(|r| r.account == "school")
        .collect();
    assert!(!school.is_empty(), "{report:#?}");
    assert!(
        school.iter().all(|r| !r.outcome.is_failure()),
        "{school:#?}"
    );
    assert!(!w.cached_ids(Kind::People, "school").await.is_empty());
}
