//! The in-memory calendar index answers exactly what the SQL path answers, conflicts
//! across systems included: after a sync, and after the sync brings an edit, a
//! cancellation and a new booking, after a removal and after an account's data is gone.

#[path = "../../sync/tests/common/mod.rs"]
mod common;

use chrono::{DateTime, Duration, Utc};
use common::{world, World};
use flightdesk_core::Provider;
use flightdesk_sync::SyncReport;
use flightdesk_views::cache::LookupCache;
use flightdesk_views::calendar::{self, CalendarQuery};
use flightdesk_views::lookup::Lookup;
use reqwest::Method;
use serde_json::{json, Value};

async fn synced() -> World {
    let w = world("").await;
    w.connect(Provider::AviationAlley, "centre", "live_full", json!({}))
        .await;
    w.connect(Provider::PilotFlows, "club", "organization_plan", json!({}))
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
    let clock = w.admin(Method::GET, "/clock", json!({})).await;
    clock["now"].as_str().unwrap().parse().unwrap()
}

/// What the window hears after a sync: one `records-changed` per resource that changed.
async fn tell(cache: &LookupCache, report: &SyncReport) {
    for r in &report.resources {
        if r.counts.new + r.counts.updated + r.counts.removed > 0 {
            let kinds: Vec<String> = r.kinds.iter().map(|k| k.as_str().to_string()).collect();
            cache.records_changed(&r.account, &kinds).await;
        }
    }
}

/// Six weeks around `at`, with and without cancellations, one in a zone with DST, plus
/// a single day and a month.
fn queries(at: DateTime<Utc>) -> Vec<CalendarQuery> {
    let madrid: chrono_tz::Tz = "Europe/Madrid".parse().unwrap();
    let mut out = Vec::new();
    for week in -3..3 {
        let from = at + Duration::days(7 * week);
        let mut q = CalendarQuery::new(from, from + Duration::days(7), chrono_tz::UTC);
        out.push(q.clone());
        q.include_cancelled = true;
        out.push(q);
    }
    out.push(CalendarQuery::new(at, at + Duration::days(7), madrid));
    out.push(CalendarQuery::new(
        at,
        at + Duration::days(1),
        chrono_tz::UTC,
    ));
    out.push(CalendarQuery::new(
        at - Duration::days(14),
        at + Duration::days(28),
        chrono_tz::UTC,
    ));
    out
}

/// Brings the index up to date, then compares it with SQL over every query.
async fn same_answers(w: &World, cache: &LookupCache, at: DateTime<Utc>, when: &str) -> usize {
    let store = w.workspace.store();
    let index = cache.calendar_index(store).await.unwrap();
    assert!(!index.is_empty(), "{when}: the index holds rows");
    // The window's lookup carries the index; one loaded on its own reads SQL.
    let lookup = cache.get(store).await.unwrap();
    assert!(lookup.calendar_index().is_some(), "{when}");
    let alone = Lookup::load(store).await.unwrap();
    let mut conflicts = 0;
    for q in queries(at) {
        let sql = calendar::calendar(store, &alone, &q).await.unwrap();
        let memory = calendar::calendar_in(&index, &alone, &q).unwrap();
        assert_eq!(
            sql.items.len(),
            memory.items.len(),
            "{when}: {}..{}",
            q.from,
            q.to
        );
        assert_eq!(sql, memory, "{when}: {}..{}", q.from, q.to);
        assert_eq!(
            calendar::calendar(store, &lookup, &q).await.unwrap(),
            sql,
            "{when}"
        );
        conflicts += sql.items.iter().map(|i| i.conflicts.len()).sum::<usize>();
    }
    conflicts
}

/// A live aircraft booking of the world in the five days after `at`.
fn in_week(bookings: &Value, at: DateTime<Utc>, skip: usize) -> Value {
    let ts = |v: &Value| match v {
        Value::Number(n) => n.as_i64().unwrap(),
        Value::String(s) => s.parse::<DateTime<Utc>>().unwrap().timestamp(),
        other => panic!("not a time: {other}"),
    };
    bookings
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["cancelled_at"].is_null() && b["resource"]["aircraft"].is_u64())
        .filter(|b| {
            let start = ts(&b["start"]);
            start > at.timestamp() && start < (at + Duration::days(5)).timestamp()
        })
        .nth(skip)
        .cloned()
        .expect("a booking in the demo week")
}

#[tokio::test]
async fn the_index_answers_what_sql_answers_before_and_after_changes() {
    let w = synced().await;
    let store = w.workspace.store();
    let at = now(&w).await;
    let cache = LookupCache::default();

    let conflicts = same_answers(&w, &cache, at, "after the first sync").await;
    assert!(conflicts > 0, "the demo weeks have conflicts to compare");

    // The providers change: one booking moves an hour and gets a note, one is
    // cancelled, and a new one double-books the moved one's aircraft.
    let bookings = w.admin(Method::GET, "/records/bookings", json!(null)).await;
    let moved = in_week(&bookings, at, 0);
    let cancelled = in_week(&bookings, at, 1);
    let start: DateTime<Utc> = at + Duration::days(1);
    w.admin(
        Method::PATCH,
        &format!("/bookings/{}", moved["id"]),
        json!({"start": start.to_rfc3339(), "end": (start + Duration::hours(2)).to_rfc3339(),
               "notes": "moved an hour"}),
    )
    .await;
    w.admin(
        Method::POST,
        &format!("/bookings/{}/cancel", cancelled["id"]),
        json!({"reason": "weather"}),
    )
    .await;
    w.admin(
        Method::POST,
        "/bookings",
        json!({"aircraft": moved["resource"]["aircraft"],
               "start": (start + Duration::hours(1)).to_rfc3339(),
               "end": (start + Duration::hours(3)).to_rfc3339(), "notes": "double"}),
    )
    .await;
    let report = w.sync(false).await;
    assert!(!report.failed(), "{report:#?}");
    tell(&cache, &report).await;
    // Until the index has read the changes, the window's lookup reads SQL.
    let q = CalendarQuery::new(at, at + Duration::days(7), chrono_tz::UTC);
    let lookup = cache.get(store).await.unwrap();
    assert!(lookup.calendar_index().is_none());
    let sql = calendar::calendar(store, &lookup, &q).await.unwrap();
    assert!(
        sql.items
            .iter()
            .any(|i| i.notes.as_deref() == Some("moved an hour")),
        "the edit reached the cache"
    );
    same_answers(
        &w,
        &cache,
        at,
        "after an edit, a cancellation, a new booking",
    )
    .await;

    // A record the provider stopped listing: the sync marks it removed.
    let removed: (i64, String) = sqlx::query_as(
        "SELECT account_id, source_id FROM bookings WHERE removed = 0 AND starts_at >= ?1
         ORDER BY starts_at LIMIT 1",
    )
    .bind(flightdesk_core::instant::encode(&at))
    .fetch_one(store.pool())
    .await
    .unwrap();
    sqlx::query(
        "UPDATE bookings SET removed = 1, version = version + 1
         WHERE account_id = ?1 AND source_id = ?2",
    )
    .bind(removed.0)
    .bind(&removed.1)
    .execute(store.pool())
    .await
    .unwrap();
    let account: String = sqlx::query_scalar("SELECT name FROM accounts WHERE id = ?1")
        .bind(removed.0)
        .fetch_one(store.pool())
        .await
        .unwrap();
    cache.records_changed(&account, &["bookings".into()]).await;
    same_answers(&w, &cache, at, "after a removal").await;
    cache.calendar_index(store).await.unwrap();
    let lookup = cache.get(store).await.unwrap();
    let week = calendar::calendar(store, &lookup, &q).await.unwrap();
    assert!(!week.items.iter().any(|i| i.source_id == removed.1));

    // An account's data deleted (removing the account does this): everything is read again.
    let school = store.account("school").await.unwrap();
    store.purge_account_data(school.id).await.unwrap();
    cache.invalidate().await;
    same_answers(&w, &cache, at, "after an account's data is deleted").await;
}
