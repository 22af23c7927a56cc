//! Classes waiting in the outbox, in the calendar: one scheduled offline shows at its time
//! with its teacher and a "waiting to send" mark (and the checks see it), a class being
//! deleted keeps its place marked, and a class that was changed shows its new time only.

#[path = "../../sync/tests/common/mod.rs"]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::world;
use flightdesk_connectors::flylogs::ClassDraft;
use flightdesk_core::{Kind, Provider};
use flightdesk_store::OutboxState;
use flightdesk_sync::class_writes::{self, Shown};
use flightdesk_views::calendar::{self, CalendarQuery, PendingChange, Role};
use flightdesk_views::lookup::Lookup;
use flightdesk_views::schedule::{self, Proposal, WarningKind};
use serde_json::json;

const TZ: chrono_tz::Tz = chrono_tz::UTC;

fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn waiting_class_writes_are_drawn_marked_and_checked() {
    let w = world("").await;
    let account = w
        .connect(Provider::Flylogs, "office", "manager", json!({}))
        .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    let store = w.workspace.store();
    let classes = w.cached(Kind::Classes).await;
    let existing = classes
        .iter()
        .find(|c| c["instructor_id"].is_string() && c["starts_at"].is_string())
        .expect("a cached class with a teacher");
    let teacher = existing["instructor_id"].as_str().unwrap().to_string();
    let subject = w.cached(Kind::Subjects).await[0]["source_id"]
        .as_str()
        .unwrap()
        .to_string();

    // A new class, far from anything, queued offline (nothing replays here).
    let start: DateTime<Utc> = "2027-06-01T09:00:00Z".parse().unwrap();
    let draft = ClassDraft {
        subject_id: subject,
        lesson_id: None,
        exam_id: None,
        start,
        teacher_id: teacher.clone(),
        location_id: None,
        student_ids: vec![],
        remarks: String::new(),
        notify: false,
    };
    let shown = Shown {
        ends_at: Some(start + Duration::minutes(90)),
        name: Some("Offline ground school".into()),
    };
    let created = class_writes::schedule_class(store, account.id, &draft, &shown)
        .await
        .unwrap();
    // And the deletion of the cached class.
    let existing_id = existing["source_id"].as_str().unwrap();
    let deleting = class_writes::delete_class(store, account.id, existing_id)
        .await
        .unwrap();

    let lookup = Lookup::load(store).await.unwrap();
    let day = CalendarQuery::new(start - Duration::hours(12), start + Duration::hours(12), TZ);
    let items = calendar::calendar(store, &lookup, &day)
        .await
        .unwrap()
        .items;
    let new = items
        .iter()
        .find(|i| i.title == "Offline ground school")
        .expect("the class scheduled offline shows");
    assert_eq!(instant(&new.starts_at), start);
    assert_eq!(instant(&new.ends_at), start + Duration::minutes(90));
    let mark = new.pending.as_ref().expect("it is marked");
    assert_eq!(mark.change, PendingChange::Create);
    assert_eq!(mark.outbox_id, created.id);
    assert_eq!(mark.state, OutboxState::Pending);
    let person = new
        .people
        .iter()
        .find(|p| p.role == Role::Instructor)
        .expect("its teacher is the unified person")
        .entity
        .clone();

    // The checks see it: the same teacher at the same time is busy with it.
    let proposal = Proposal {
        starts_at: start + Duration::minutes(30),
        ends_at: start + Duration::minutes(60),
        teacher: Some(person),
        students: vec![],
        resource: None,
        flight_training: false,
        ignore: vec![],
    };
    let checked = schedule::check(store, &lookup, &proposal, Utc::now(), TZ)
        .await
        .unwrap();
    assert!(
        checked
            .warnings
            .iter()
            .any(|w| w.kind == WarningKind::TeacherBusy && w.item.as_deref() == Some(&*new.id)),
        "{checked:#?}"
    );

    // The class being deleted still shows where it was, marked.
    let at = instant_of(existing);
    let around = CalendarQuery::new(at - Duration::hours(1), at + Duration::hours(1), TZ);
    let items = calendar::calendar(store, &lookup, &around)
        .await
        .unwrap()
        .items;
    let gone = items
        .iter()
        .find(|i| i.source_id == existing_id)
        .expect("the class being deleted still shows");
    let mark = gone.pending.as_ref().expect("marked");
    assert_eq!(
        (mark.change, mark.outbox_id),
        (PendingChange::Delete, deleting.id)
    );

    // Discarding the deletion takes the mark away; the class is as the cache has it.
    store.discard_write(deleting.id).await.unwrap();
    let items = calendar::calendar(store, &lookup, &around)
        .await
        .unwrap()
        .items;
    let back = items.iter().find(|i| i.source_id == existing_id).unwrap();
    assert!(back.pending.is_none());
}

fn instant_of(class: &serde_json::Value) -> DateTime<Utc> {
    class["starts_at"].as_str().unwrap().parse().unwrap()
}
