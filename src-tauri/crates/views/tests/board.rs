//! The dispatcher's board over a cache synced from the sandbox: one world served by every
//! provider, so each fact can be checked against the world itself.

// The sync crate's test worlds: a sandbox on a loopback port and a throwaway workspace.
#[path = "../../sync/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use common::{world, World, NOW};
use flightdesk_connectors::aviationalley::AviationAlley;
use flightdesk_connectors::{AccountConfig, ClientOptions, Http};
use flightdesk_core::identity::EntityKind;
use flightdesk_core::Provider;
use flightdesk_secrets::Secret;
use flightdesk_views::board::crew::{self, Crew, CrewMember, CrewSource};
use flightdesk_views::board::{self, Board};
use flightdesk_views::entities;
use flightdesk_views::lookup::Lookup;
use reqwest::Method;
use serde_json::{json, Value};

async fn synced() -> World {
    let w = world("").await;
    w.connect(Provider::AviationAlley, "centre", "live_full", json!({}))
        .await;
    w.connect(Provider::PilotFlows, "club", "organization_plan", json!({}))
        .await;
    w.connect(Provider::Airbly, "fleet", "group", json!({}))
        .await;
    w.connect(
        Provider::FlightSchoolBooking,
        "school",
        "all_areas",
        json!({}),
    )
    .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    w
}

fn now() -> DateTime<Utc> {
    NOW.parse().unwrap()
}

async fn board_at(w: &World, at: DateTime<Utc>) -> Board {
    board::board(
        w.workspace.store(),
        &Lookup::load(w.workspace.store()).await.unwrap(),
        at,
        chrono_tz::UTC,
    )
    .await
    .unwrap()
}

/// The world's record of `kind` whose `field` is `value`.
async fn world_record(w: &World, kind: &str, field: &str, value: &str) -> Value {
    let list = w
        .admin(Method::GET, &format!("/records/{kind}"), json!(null))
        .await;
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r[field] == value)
        .unwrap_or_else(|| panic!("no {kind} with {field} {value}"))
        .clone()
}

fn member<'c>(crew: &'c Crew, person_id: &str) -> &'c CrewMember {
    crew.roles
        .iter()
        .flat_map(|g| &g.members)
        .find(|m| m.person_id == person_id)
        .unwrap_or_else(|| panic!("{person_id} is not in the crew: {crew:#?}"))
}

#[tokio::test]
async fn every_unified_aircraft_is_one_row_and_the_days_movements_are_merged() {
    let w = synced().await;
    let b = board_at(&w, now()).await;
    let store = w.workspace.store();
    let mut unified = BTreeSet::new();
    for kind in [EntityKind::Aircraft, EntityKind::Simulator] {
        for e in entities::entities(&Lookup::load(store).await.unwrap(), Some(kind)) {
            unified.insert(e.id);
        }
    }
    let rows: BTreeSet<String> = b.aircraft.aircraft.iter().map(|a| a.id.clone()).collect();
    assert_eq!(rows.len(), b.aircraft.aircraft.len(), "one row per entity");
    assert_eq!(rows, unified);
    // Airbly's status is on exactly the rows Airbly knows, as Airbly sent it.
    for a in &b.aircraft.aircraft {
        let in_airbly = a.sources.iter().any(|s| s.starts_with("airbly/"));
        assert_eq!(a.airbly.is_some(), in_airbly, "{a:#?}");
    }
    let n44 = b
        .aircraft
        .aircraft
        .iter()
        .find(|a| a.id == "aircraft:N44API")
        .unwrap();
    let asset = n44.airbly.as_ref().unwrap();
    assert!(asset.operational_status.is_some() && asset.usage.engine_hours.unwrap() > 0.0);

    let m = &b.movements;
    let day = b.day.to_string();
    assert!(!m.departures.is_empty() && !m.arrivals.is_empty());
    assert!(m
        .departures
        .iter()
        .all(|d| d.starts_at.unwrap().date_naive().to_string() == day));
    // PilotFlows and Flight School Booking both book the school's aircraft: one movement.
    assert!(
        m.departures.iter().any(|d| d.sources.len() >= 2),
        "{:#?}",
        m.departures
    );
    let mut seen = BTreeSet::new();
    for d in m.departures.iter().filter(|d| d.aircraft_id.is_some()) {
        assert!(seen.insert((&d.aircraft_id, d.starts_at)), "twice: {d:#?}");
    }
    // At 09:30 the morning's flights are out; each names a unified aircraft.
    assert!(!m.booked_out.is_empty());
    for o in &m.booked_out {
        assert!(rows.contains(o.aircraft_id.as_deref().unwrap()), "{o:#?}");
        assert!(o.out_at.unwrap() <= now());
        assert!(o.in_at.is_none_or(|i| i >= o.out_at.unwrap()));
    }
    // Every section says what it is as of.
    assert!(b.crew.synced.iter().any(|s| s.resource == "crew"));
    assert!(m.synced.iter().any(|s| s.resource == "booked-out"));
    assert!(b.aircraft.synced.iter().any(|s| s.resource == "assets"));
    for as_of in [b.crew.as_of, b.aircraft.as_of, m.as_of] {
        assert!(as_of.is_some());
    }
}

#[tokio::test]
async fn a_work_order_planted_on_a_simulator_is_listed_under_it_critical_first() {
    let w = synced().await;
    let sim = world_record(&w, "aircraft", "registration", "SIM-1").await;
    let sim_id = sim["uuid"].as_str().unwrap();
    for (title, priority) in [
        ("Seat rail squeak", "LOW"),
        ("Visual system down", "CRITICAL"),
    ] {
        w.admin(
            Method::POST,
            "/work-orders",
            json!({"aircraft": "SIM-1", "title": title, "priority": priority}),
        )
        .await;
    }
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    let b = board_at(&w, now()).await;
    let key = format!("aviationalley/centre/{sim_id}");
    let row = b
        .aircraft
        .aircraft
        .iter()
        .find(|a| a.sources.contains(&key))
        .unwrap_or_else(|| panic!("no row holds {key}"));
    assert_eq!(row.kind, EntityKind::Simulator);
    let titles: Vec<&str> = row
        .work_orders
        .iter()
        .filter_map(|o| o.title.as_deref())
        .collect();
    assert_eq!(titles.first(), Some(&"Visual system down"), "{titles:?}");
    assert_eq!(titles.last(), Some(&"Seat rail squeak"), "{titles:?}");
    let rank = |p: Option<&str>| {
        ["critical", "high", "normal", "low"]
            .iter()
            .position(|x| Some(*x) == p)
    };
    let ranks: Vec<_> = row
        .work_orders
        .iter()
        .map(|o| rank(o.priority.as_deref()))
        .collect();
    assert!(ranks.windows(2).all(|p| p[0] <= p[1]), "{ranks:?}");
    assert!(row.attention);
    // No other row has them.
    let elsewhere = b
        .aircraft
        .aircraft
        .iter()
        .filter(|a| a.id != row.id)
        .flat_map(|a| &a.work_orders)
        .any(|o| o.title.as_deref() == Some("Visual system down"));
    assert!(!elsewhere);

    // Completed, it leaves the board.
    let planted = world_record(&w, "work-orders", "title", "Visual system down").await;
    w.admin(
        Method::PATCH,
        &format!("/work-orders/{}", planted["id"]),
        json!({"status": "COMPLETED"}),
    )
    .await;
    assert!(!w.sync(false).await.failed());
    let b = board_at(&w, now()).await;
    let row = b
        .aircraft
        .aircraft
        .iter()
        .find(|a| a.sources.contains(&key))
        .unwrap();
    assert!(row
        .work_orders
        .iter()
        .all(|o| o.title.as_deref() != Some("Visual system down")));
}

/// The first over-long duty after NOW in the world: (person's AviationAlley id, an
/// instant inside it).
async fn long_duty(w: &World) -> (String, DateTime<Utc>) {
    let duties = w.admin(Method::GET, "/records/duties", json!(null)).await;
    let people = w.admin(Method::GET, "/records/people", json!(null)).await;
    let now = now().timestamp();
    let d = duties
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["start"].as_i64().unwrap() > now)
        .filter(|d| d["end"].as_i64().unwrap() - d["start"].as_i64().unwrap() > 12 * 3600)
        .min_by_key(|d| d["start"].as_i64().unwrap())
        .expect("the world plants over-long duties");
    let person = &people[d["person"].as_u64().unwrap() as usize];
    let at = DateTime::from_timestamp(d["start"].as_i64().unwrap() + 3600, 0).unwrap();
    (person["uuid"].as_str().unwrap().to_string(), at)
}

#[tokio::test]
async fn a_long_duty_in_the_world_is_a_breach_in_a_forecast_and_once_synced() {
    let w = synced().await;
    let (person, at) = long_duty(&w).await;
    let today = board_at(&w, now()).await;
    assert!(member(&today.crew, &person).breaches.is_empty(), "not yet");

    // The forecast: the connector asks for `at`, the board turns the answer into its crew.
    let aa = AviationAlley::new(
        AccountConfig {
            name: "centre".into(),
            base_url: w
                .sandbox
                .base_url(common::sandbox_provider(Provider::AviationAlley)),
            credential: Secret::new(w.token(Provider::AviationAlley, "live_full")),
            options: Default::default(),
            session: None,
        },
        Arc::new(Http::new(ClientOptions::fast()).unwrap()),
    );
    let forecast = crew::from_forecast(vec![("centre".into(), aa.crew_at(at).await.unwrap())]);
    assert_eq!(forecast.source, CrewSource::Forecast);
    assert_eq!(forecast.snapshot_at, Some(at));
    let m = member(&forecast, &person);
    assert!(m.breaches.iter().any(|b| b == "daily_duty_limit"), "{m:#?}");
    assert!(m.on_duty && m.current_duty.is_some());
    assert!(forecast.breaches >= 1);
    // Breaches lead their role.
    let group = forecast
        .roles
        .iter()
        .find(|g| g.members.iter().any(|x| x.person_id == person))
        .unwrap();
    assert!(!group.members[0].breaches.is_empty());

    // The same instant reached by the clock and synced: the cached board shows it too.
    w.admin(Method::POST, "/clock/set", json!({"now": at.timestamp()}))
        .await;
    assert!(!w.sync(false).await.failed());
    let later = board_at(&w, at).await;
    assert_eq!(later.crew.source, CrewSource::Cache);
    assert_eq!(later.crew.snapshot_at, Some(at));
    let m = member(&later.crew, &person);
    assert!(m.breaches.iter().any(|b| b == "daily_duty_limit"), "{m:#?}");
    assert_eq!(m.limits.max_duty_hours, Some(12.0));
}
