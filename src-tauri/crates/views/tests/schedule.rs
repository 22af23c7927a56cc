//! The checks before saving a class and the free-slot suggestions, over a cache synced from
//! the sandbox: a class on top of a real booking is warned about in that booking's system,
//! and every suggested slot passes the same checks.

#[path = "../../sync/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use common::{world, World};
use flightdesk_core::identity::EntityKind;
use flightdesk_core::Provider;
use flightdesk_views::calendar::{self, CalendarItem, CalendarQuery, Role};
use flightdesk_views::lookup::Lookup;
use flightdesk_views::schedule::{self, Proposal, SlotQuery, WarningKind};
use serde_json::json;

const TZ: chrono_tz::Tz = chrono_tz::UTC;

async fn synced() -> World {
    let w = world("").await;
    w.connect(Provider::AviationAlley, "centre", "live_full", json!({}))
        .await;
    w.connect(
        Provider::FlightSchoolBooking,
        "school",
        "all_areas",
        json!({}),
    )
    .await;
    w.connect(Provider::Flylogs, "office", "manager", json!({}))
        .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    w
}

async fn now(w: &World) -> DateTime<Utc> {
    let clock = w.admin(reqwest::Method::GET, "/clock", json!({})).await;
    clock["now"].as_str().unwrap().parse().unwrap()
}

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A future, live item with an instructor and a resource, within the next two weeks.
async fn a_booked_lesson(w: &World, lookup: &Lookup, at: DateTime<Utc>) -> CalendarItem {
    let q = CalendarQuery::new(at, at + Duration::days(14), TZ);
    let items = calendar::calendar(w.workspace.store(), lookup, &q)
        .await
        .unwrap()
        .items;
    items
        .into_iter()
        .find(|i| {
            !i.cancelled
                && !i.unavailability
                && instant(&i.starts_at) > at
                && !i.resources.is_empty()
                && i.people.iter().any(|p| p.role == Role::Instructor)
        })
        .expect("a booked lesson with an instructor ahead")
}

fn proposal_over(item: &CalendarItem) -> Proposal {
    let teacher = item
        .people
        .iter()
        .find(|p| p.role == Role::Instructor)
        .map(|p| p.entity.clone());
    Proposal {
        starts_at: instant(&item.starts_at),
        ends_at: instant(&item.ends_at),
        teacher,
        students: vec![],
        resource: item.resources.first().cloned(),
        flight_training: false,
        ignore: vec![],
    }
}

#[tokio::test]
async fn a_class_over_a_booking_is_warned_about_in_its_system_and_slots_are_free() {
    let w = synced().await;
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    let at = now(&w).await;
    let item = a_booked_lesson(&w, &lookup, at).await;
    let proposal = proposal_over(&item);

    let check = schedule::check(store, &lookup, &proposal, at, TZ)
        .await
        .unwrap();
    let on_item: Vec<_> = check
        .warnings
        .iter()
        .filter(|x| x.item.as_deref() == Some(item.id.as_str()))
        .collect();
    let kinds: Vec<WarningKind> = on_item.iter().map(|x| x.kind).collect();
    assert!(kinds.contains(&WarningKind::TeacherBusy), "{check:#?}");
    assert!(kinds.contains(&WarningKind::ResourceBusy), "{check:#?}");
    for x in &on_item {
        assert_eq!(x.source, Some(item.source));
        assert!(x.message.contains(&item.title), "{}", x.message);
        assert!(
            x.message.contains(item.source.display_name()),
            "the sentence names the system: {}",
            x.message
        );
    }

    // Editing that very item is no conflict with itself.
    let editing = Proposal {
        ignore: vec![item.id.clone()],
        ..proposal.clone()
    };
    let again = schedule::check(store, &lookup, &editing, at, TZ)
        .await
        .unwrap();
    assert!(
        again
            .warnings
            .iter()
            .all(|x| x.item.as_deref() != Some(item.id.as_str())),
        "{again:#?}"
    );

    // Slots for the same people and resource, from the booking's start: none overlaps it,
    // each passes the check, and they come in order.
    let query = SlotQuery {
        proposal: proposal.clone(),
        from: proposal.starts_at,
        to: proposal.starts_at + Duration::days(14),
        day_start: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
        day_end: NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
        step: Duration::minutes(30),
        limit: 5,
    };
    let slots = schedule::slots(store, &lookup, &query, at, TZ)
        .await
        .unwrap();
    assert_eq!(slots.len(), 5, "two weeks hold five free slots");
    let mut previous = None;
    for slot in &slots {
        let (s, e) = (instant(&slot.starts_at), instant(&slot.ends_at));
        assert!(e <= proposal.starts_at || s >= proposal.ends_at, "{slot:?}");
        assert!(previous.is_none_or(|p| p < s), "in order");
        previous = Some(s);
        let there = Proposal {
            starts_at: s,
            ends_at: e,
            ..proposal.clone()
        };
        let check = schedule::check(store, &lookup, &there, at, TZ)
            .await
            .unwrap();
        assert!(check.warnings.is_empty(), "{slot:?}: {check:#?}");
    }
}

#[tokio::test]
async fn students_busy_elsewhere_are_named() {
    let w = synced().await;
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    let at = now(&w).await;
    let q = CalendarQuery::new(at, at + Duration::days(14), TZ);
    let items = calendar::calendar(store, &lookup, &q).await.unwrap().items;
    let (item, student) = items
        .iter()
        .filter(|i| !i.cancelled && instant(&i.starts_at) > at)
        .find_map(|i| {
            let s = i.people.iter().find(|p| p.role == Role::Student)?;
            Some((i, s.entity.clone()))
        })
        .expect("a booking with a student ahead");
    assert_eq!(student.kind, EntityKind::Person);
    let proposal = Proposal {
        starts_at: instant(&item.starts_at) + Duration::minutes(10),
        ends_at: instant(&item.starts_at) + Duration::minutes(40),
        teacher: None,
        students: vec![student.clone()],
        resource: None,
        flight_training: false,
        ignore: vec![],
    };
    let check = schedule::check(store, &lookup, &proposal, at, TZ)
        .await
        .unwrap();
    let warning = check
        .warnings
        .iter()
        .find(|x| x.item.as_deref() == Some(item.id.as_str()))
        .expect("the student's booking is named");
    assert_eq!(warning.kind, WarningKind::StudentBusy);
    assert!(
        warning.message.starts_with(&student.name),
        "{}",
        warning.message
    );
}

/// The checks build only the items of the proposal's entities: over a span full of other
/// items, the warnings name exactly the calendar's live items that involve the teacher,
/// the resource or a student.
#[tokio::test]
async fn the_check_names_every_calendar_item_of_its_entities_and_no_other() {
    let w = synced().await;
    let store = w.workspace.store();
    let lookup = Lookup::load(store).await.unwrap();
    let at = now(&w).await;
    let lesson = a_booked_lesson(&w, &lookup, at).await;
    let from = instant(&lesson.starts_at) - Duration::hours(6);
    let to = from + Duration::hours(12);
    let q = CalendarQuery::new(from, to, TZ);
    let items = calendar::calendar(store, &lookup, &q).await.unwrap().items;
    let mut students: Vec<_> = items
        .iter()
        .flat_map(|i| &i.people)
        .filter(|p| p.role == Role::Student)
        .map(|p| p.entity.clone())
        .collect();
    students.sort_by(|a, b| a.id.cmp(&b.id));
    students.dedup();
    students.truncate(3);
    let proposal = Proposal {
        starts_at: from,
        ends_at: to,
        students,
        ..proposal_over(&lesson)
    };
    let ids: BTreeSet<&str> = proposal
        .teacher
        .iter()
        .chain(&proposal.resource)
        .chain(&proposal.students)
        .map(|e| e.id.as_str())
        .collect();
    let expected: BTreeSet<&str> = items
        .iter()
        .filter(|i| !i.cancelled)
        .filter(|i| {
            i.resources
                .iter()
                .chain(i.people.iter().map(|p| &p.entity))
                .any(|e| ids.contains(e.id.as_str()))
        })
        .map(|i| i.id.as_str())
        .collect();
    assert!(
        expected.len() < items.len(),
        "the span holds other items too"
    );
    let check = schedule::check(store, &lookup, &proposal, at, TZ)
        .await
        .unwrap();
    let named: BTreeSet<&str> = check
        .warnings
        .iter()
        .filter_map(|x| x.item.as_deref())
        .collect();
    assert_eq!(named, expected);
}
