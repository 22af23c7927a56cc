//! Unified entities over a cache synced from the sandbox: one world served by all five
//! providers, so the same aircraft and people appear in several of them.

// The sync crate's test worlds: a sandbox on a loopback port and a throwaway workspace.
#[path = "../../sync/tests/common/mod.rs"]
mod common;

use common::{world, World};
use flightdesk_core::identity::EntityKind;
use flightdesk_core::Provider;
use flightdesk_views::entities::{self, EntityView};
use flightdesk_views::lookup::Lookup;
use serde_json::json;

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

fn providers(e: &EntityView) -> std::collections::BTreeSet<Provider> {
    e.sources.iter().map(|s| s.provider).collect()
}

#[tokio::test]
async fn an_aircraft_is_one_entity_across_every_system_that_has_it() {
    let w = synced().await;
    let aircraft = entities::entities(
        &Lookup::load(w.workspace.store()).await.unwrap(),
        Some(EntityKind::Aircraft),
    );
    assert!(!aircraft.is_empty());
    assert!(aircraft.iter().all(|e| e.kind == EntityKind::Aircraft));
    // Registrations are unique: no two entities share one.
    let mut ids: Vec<&str> = aircraft.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), aircraft.len());
    let shared: Vec<&EntityView> = aircraft
        .iter()
        .filter(|e| {
            let p = providers(e);
            p.contains(&Provider::Airbly) && p.contains(&Provider::PilotFlows)
        })
        .collect();
    assert!(!shared.is_empty(), "{aircraft:#?}");
    for e in &shared {
        assert!(e.id.starts_with("aircraft:"), "{e:?}");
        assert!(
            e.sources[1..]
                .iter()
                .all(|s| s.matched_by == "same registration"),
            "{e:#?}"
        );
    }
}

#[tokio::test]
async fn a_link_and_a_split_survive_a_full_resync() {
    let w = synced().await;
    let store = w.workspace.store();
    let aircraft = entities::entities(
        &Lookup::load(store).await.unwrap(),
        Some(EntityKind::Aircraft),
    );
    let matched = aircraft
        .iter()
        .find(|e| e.sources.len() >= 2)
        .expect("an aircraft known to two systems");
    let (a, b) = (&matched.sources[0].key, &matched.sources[1].key);
    let lone: Vec<&EntityView> = aircraft
        .iter()
        .filter(|e| e.id != matched.id)
        .take(2)
        .collect();
    assert_eq!(lone.len(), 2);
    let (c, d) = (&lone[0].sources[0].key, &lone[1].sources[0].key);

    entities::decide(store, a, b, false).await.unwrap();
    entities::decide(store, c, d, true).await.unwrap();
    let report = w.sync(true).await;
    assert!(!report.failed(), "{report:#?}");

    let after = entities::entities(
        &Lookup::load(store).await.unwrap(),
        Some(EntityKind::Aircraft),
    );
    let holding = |key: &str| {
        after
            .iter()
            .find(|e| e.sources.iter().any(|s| s.key == key))
            .unwrap_or_else(|| panic!("{key} is in no entity"))
    };
    assert_ne!(
        holding(a).id,
        holding(b).id,
        "the split holds: {:#?}",
        holding(a)
    );
    let linked = holding(c);
    assert_eq!(linked.id, holding(d).id, "the link holds");
    assert!(linked
        .sources
        .iter()
        .any(|s| s.matched_by == "linked by you"));

    // A typo is refused, not kept.
    let err = entities::decide(store, a, "airbly/fleet/no-such-id", true)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no-such-id"), "{err}");
}
