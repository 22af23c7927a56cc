//! Who an entry belongs to and what they are called, over a store built by hand (no
//! sandbox, no keyring): demo data never reaches a real person, and a person a record
//! names by id alone still gets a name.

use chrono::NaiveDate;
use flightdesk_core::Provider;
use flightdesk_logbook as logbook;
use flightdesk_secrets::Secret;
use flightdesk_store::{NewAccount, Store, DB_FILE_NAME};
use flightdesk_views::lookup::Lookup;
use serde_json::json;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join(DB_FILE_NAME), &Secret::new(KEY))
        .await
        .unwrap()
}

async fn account(store: &Store, name: &str, base_url: &str) -> i64 {
    store
        .upsert_account(&NewAccount {
            provider: Provider::PilotFlows,
            name: name.into(),
            base_url: base_url.into(),
            options: Default::default(),
        })
        .await
        .unwrap()
        .id
}

/// A PilotFlows solo flight log as a sync caches it (date and duration, no times).
async fn log(
    store: &Store,
    account: i64,
    id: &str,
    date: &str,
    hours: f64,
    pilot: (&str, Option<&str>),
) {
    let raw = json!({"id": id, "type": "flight_log", "attributes": {
        "date": date, "duration": hours, "flight_type": "solo",
        "created_at": format!("{date}T20:00:00Z"),
    }});
    sqlx::query(
        "INSERT INTO flight_logs (account_id, source_id, resource, date, pilot_id, pilot_name,
                                  aircraft_registration, duration_hours, landings, raw,
                                  first_seen_at, changed_at)
         VALUES (?, ?, 'flight_logs', ?, ?, ?, 'N123AB', ?, 1, ?, ?, ?)",
    )
    .bind(account)
    .bind(id)
    .bind(date)
    .bind(pilot.0)
    .bind(pilot.1)
    .bind(hours)
    .bind(raw.to_string())
    .bind("2026-01-01T00:00:00.000Z")
    .bind("2026-01-01T00:00:00.000Z")
    .execute(store.pool())
    .await
    .unwrap();
}

async fn rebuilt(store: &Store) -> Vec<logbook::LogbookPerson> {
    let lookup = Lookup::load(store).await.unwrap();
    logbook::rebuild(store, &lookup, chrono_tz::Tz::UTC)
        .await
        .unwrap();
    logbook::people(store).await.unwrap()
}

fn all_time_total(t: &logbook::Totals) -> f64 {
    t.periods[3].all.hours.total
}

#[tokio::test]
async fn demo_flights_never_count_for_a_real_person_but_make_a_demo_persons_logbook() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let real = account(&store, "club", "https://api.pilotflows.com/v1").await;
    let demo = account(
        &store,
        "demo-pilotflows",
        "http://127.0.0.1:41234/pilotflows",
    )
    .await;
    // The sandbox's Ann Smith has the real Ann Smith's name, so the two are one person.
    log(
        &store,
        real,
        "1",
        "2026-03-01",
        1.0,
        ("1", Some("Ann Smith")),
    )
    .await;
    log(
        &store,
        demo,
        "1",
        "2026-03-02",
        2.0,
        ("1", Some("Ann Smith")),
    )
    .await;
    log(
        &store,
        demo,
        "2",
        "2026-03-03",
        1.5,
        ("2", Some("Dan Demo")),
    )
    .await;
    let people = rebuilt(&store).await;
    let find = |name: &str| {
        people
            .iter()
            .find(|p| p.person.name == name)
            .unwrap_or_else(|| panic!("{name} in {people:#?}"))
    };
    let anns = people.iter().filter(|p| p.person.name == "Ann Smith");
    assert_eq!(anns.count(), 1, "one Ann Smith: {people:#?}");
    let (ann, dan) = (find("Ann Smith"), find("Dan Demo"));
    assert_eq!(
        (ann.entries, ann.total_hours),
        (1, 1.0),
        "no demo flight for Ann"
    );
    assert_eq!(
        (dan.entries, dan.total_hours),
        (1, 1.5),
        "Dan is a demo person"
    );
    let at = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let totals = logbook::totals(&store, &ann.person.id, at).await.unwrap();
    assert_eq!(all_time_total(&totals), 1.0);
    let entries = logbook::all_entries(&store, &ann.person.id, None, None)
        .await
        .unwrap();
    assert!(entries
        .iter()
        .all(|e| e.sources.iter().all(|s| s.account == "club")));
}

#[tokio::test]
async fn a_pilot_named_by_id_alone_gets_the_members_name_or_a_clear_label() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let club = account(&store, "club", "https://api.pilotflows.com/v1").await;
    // Member 6 left the club (removed), but the cache kept the name they had.
    sqlx::query(
        "INSERT INTO people (account_id, source_id, resource, name, raw, removed,
                             first_seen_at, changed_at)
         VALUES (?, '6', 'members', 'Ann Smith', '{}', 1, '2026-01-01', '2026-01-01')",
    )
    .bind(club)
    .execute(store.pool())
    .await
    .unwrap();
    log(&store, club, "10", "2026-03-01", 1.0, ("6", None)).await;
    log(&store, club, "11", "2026-03-02", 1.0, ("7", None)).await;
    let mut names: Vec<String> = rebuilt(&store)
        .await
        .into_iter()
        .map(|p| p.person.name)
        .collect();
    names.sort();
    assert_eq!(names, ["Ann Smith", "PilotFlows member 7"]);
}
