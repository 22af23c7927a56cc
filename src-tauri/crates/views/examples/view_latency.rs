//! View latency benchmark: every view's query over a fully synced cache.
//!
//! `cargo run --release -p flightdesk-views --example view_latency -- [--preset demo|large] [--dir DIR]`
//!
//! Syncs one account of every provider from a sandbox in a process of its own (the sync
//! benchmarks' `support` module), then times what the window asks for: a cold open (the
//! workspace, the unified entities and the first week, as at start-up), calendar weeks and
//! months, search as the user types, the dispatch board and the trainings. Each figure is
//! a p50/p99 over many different ranges or texts, so no answer is served from a warm page
//! the previous query left behind more than a real user's would be.

#[path = "../../sync/examples/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, NaiveTime, TimeDelta, Utc};
use flightdesk_core::identity::EntityKind;
use flightdesk_sync::SyncOptions;
use flightdesk_views::board::board;
use flightdesk_views::cache::LookupCache;
use flightdesk_views::calendar::{calendar, CalendarQuery};
use flightdesk_views::lookup::{EntityRef, Lookup};
use flightdesk_views::schedule::{self, Proposal, SlotQuery};
use flightdesk_views::search::search;
use flightdesk_views::trainings::trainings;
use support::Bench;

#[tokio::main]
async fn main() {
    if support::serve_sandbox_if_asked().await {
        return;
    }
    let bench = Bench::start(&support::preset_name()).await;
    let started = Instant::now();
    let report = flightdesk_sync::sync(&bench.workspace, &SyncOptions::default(), &|_| {})
        .await
        .expect("the sync runs");
    println!(
        "full sync: {} requests in {:.0} s",
        report.requests,
        started.elapsed().as_secs_f64()
    );
    let store = bench.workspace.store().clone();
    let (bookings, classes): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM bookings), (SELECT count(*) FROM classes)")
            .fetch_one(store.pool())
            .await
            .expect("counts");
    println!("cache: {bookings} bookings, {classes} classes");

    // Start-up, once the workspace is open: resolve the entities, answer the first week.
    let cold = Instant::now();
    let lookup = Lookup::load(&store).await.expect("entities");
    let now = Utc::now();
    calendar(&store, &lookup, &week_of(now))
        .await
        .expect("first week");
    println!(
        "start-up queries (entities and the first week): {:.0} ms ({} unified entities)",
        cold.elapsed().as_secs_f64() * 1e3,
        lookup.entities().len()
    );

    let lookup = Arc::new(Lookup::load(&store).await.expect("entities"));
    // The SQL path (the CLI; the window while its index catches up after a change).
    let mut sql_weeks = Vec::new();
    for offset in -100..100i64 {
        let q = week_of(now + TimeDelta::days(7 * offset));
        let t = Instant::now();
        calendar(&store, &lookup, &q).await.expect("a week");
        sql_weeks.push(t.elapsed());
    }
    let longest = flightdesk_views::calendar::longest_item(&store)
        .await
        .expect("the longest item");
    report_latency(
        &format!(
            "calendar week, SQL path (200 weeks; the longest item, {} h, widens each scan)",
            longest.num_hours()
        ),
        sql_weeks,
    );

    // The same weeks, only the rows: what SQLite and sqlx cost before any item is built.
    let plans = flightdesk_views::calendar::query_plans(&store)
        .await
        .expect("the calendar's queries");
    let ranges: Vec<&str> = plans
        .iter()
        .map(|(sql, _)| sql.as_str())
        .filter(|sql| sql.contains("?3"))
        .collect();
    let mut fetches = Vec::new();
    for offset in -100..100i64 {
        let q = week_of(now + TimeDelta::days(7 * offset));
        let encode = flightdesk_core::instant::encode;
        let t = Instant::now();
        for sql in &ranges {
            sqlx::query(sql)
                .bind(encode(&(q.from - TimeDelta::days(1))))
                .bind(encode(&q.to))
                .bind(encode(&q.from))
                .fetch_all(store.pool())
                .await
                .expect("the rows of a week");
        }
        fetches.push(t.elapsed());
    }
    report_latency(
        "  of which reading the rows, items of a day at most (same weeks)",
        fetches,
    );

    // The window's path: the cache keeps the entities and the calendar's rows in memory.
    let cache = LookupCache::default();
    let (_, before) = support::memory();
    let built = Instant::now();
    let index = cache
        .calendar_index(&store)
        .await
        .expect("the calendar index");
    println!(
        "calendar index: {} rows read in {:.0} ms (in the background, once per change), \
         resident memory {before:.0} -> {:.0} MB",
        index.len(),
        built.elapsed().as_secs_f64() * 1e3,
        support::memory().1
    );
    let window = cache.get(&store).await.expect("entities");
    let mut weeks = Vec::new();
    let mut sizes = Vec::new();
    for offset in -100..100i64 {
        let q = week_of(now + TimeDelta::days(7 * offset));
        let t = Instant::now();
        let answer = calendar(&store, &window, &q).await.expect("a week");
        weeks.push(t.elapsed());
        sizes.push(answer.items.len());
    }
    sizes.sort_unstable();
    report_latency(
        &format!(
            "calendar week, from memory (200 weeks, {}..{} items, median {})",
            sizes[0],
            sizes[sizes.len() - 1],
            sizes[sizes.len() / 2]
        ),
        weeks,
    );

    let mut months = Vec::new();
    for offset in -24..24i64 {
        let from = now + TimeDelta::days(30 * offset);
        let q = CalendarQuery::new(from, from + TimeDelta::days(42), chrono_tz::UTC);
        let t = Instant::now();
        calendar(&store, &window, &q).await.expect("a month");
        months.push(t.elapsed());
    }
    report_latency(
        "calendar month grid, from memory (48 six-week grids)",
        months,
    );

    // Search as the user types: every prefix of a few real texts of the cache.
    let words: Vec<(String,)> =
        sqlx::query_as("SELECT title FROM search_index ORDER BY rowid LIMIT 40")
            .fetch_all(store.pool())
            .await
            .expect("some labels");
    let searches = search_as_typed(&store, &window, &words).await;
    report_latency(
        &format!("search as typed ({} keystrokes)", searches.len()),
        searches,
    );

    let mut boards = Vec::new();
    for hour in 0..24 {
        let at = now + TimeDelta::hours(hour);
        let t = Instant::now();
        board(&store, &lookup, at, chrono_tz::UTC)
            .await
            .expect("a board");
        boards.push(t.elapsed());
    }
    report_latency("dispatch board (24 times of day)", boards);

    let mut all = Vec::new();
    for _ in 0..10 {
        let t = Instant::now();
        trainings(&store, &lookup, None, now)
            .await
            .expect("trainings");
        all.push(t.elapsed());
    }
    report_latency("trainings, every training", all);

    // A class of 12 students with a teacher and a room: the checks, then slot suggestions
    // over two weeks, for 20 different starts.
    let people: Vec<EntityRef> = lookup
        .entities()
        .iter()
        .filter(|e| e.kind == EntityKind::Person)
        .take(13)
        .cloned()
        .collect();
    let room = lookup
        .entities()
        .iter()
        .find(|e| e.kind != EntityKind::Person)
        .cloned();
    let mut schedules = Vec::new();
    let mut checks = Vec::new();
    for day in 0..20 {
        let starts_at = now + TimeDelta::days(day) + TimeDelta::hours(1);
        let proposal = Proposal {
            starts_at,
            ends_at: starts_at + TimeDelta::hours(2),
            teacher: people.first().cloned(),
            students: people[1..].to_vec(),
            resource: room.clone(),
            flight_training: true,
            ignore: vec![],
        };
        let t = Instant::now();
        schedule::check(&store, &window, &proposal, now, chrono_tz::UTC)
            .await
            .expect("a check");
        checks.push(t.elapsed());
        let query = SlotQuery {
            proposal,
            from: starts_at,
            to: starts_at + TimeDelta::days(14),
            day_start: NaiveTime::from_hms_opt(7, 0, 0).expect("07:00"),
            day_end: NaiveTime::from_hms_opt(20, 0, 0).expect("20:00"),
            step: TimeDelta::minutes(30),
            limit: 5,
        };
        schedule::slots(&store, &window, &query, now, chrono_tz::UTC)
            .await
            .expect("slots");
        schedules.push(t.elapsed());
    }
    report_latency(
        "class check + 5 free slots (teacher, room, 12 students, two weeks)",
        schedules,
    );
    report_latency("  of which the check", checks);

    // What merging the FTS5 index's segments after a sync would give (the sync writes it
    // page by page, in many small segments that every query probes).
    let segments: i64 = sqlx::query_scalar("SELECT count(DISTINCT segid) FROM search_index_idx")
        .fetch_one(store.pool())
        .await
        .expect("the FTS5 segments");
    let t = Instant::now();
    sqlx::query("INSERT INTO search_index (search_index) VALUES ('optimize')")
        .execute(store.pool())
        .await
        .expect("the FTS5 merge");
    let merged = t.elapsed();
    let searches = search_as_typed(&store, &window, &words).await;
    report_latency(
        &format!(
            "search as typed, after merging the FTS5 index's {segments} segments into one ({:.1} s)",
            merged.as_secs_f64()
        ),
        searches,
    );
    bench.stop().await;
}

/// Every prefix (two letters and up) of the first 12 letters of each label, searched.
async fn search_as_typed(
    store: &flightdesk_store::Store,
    lookup: &Lookup,
    labels: &[(String,)],
) -> Vec<Duration> {
    let mut searches = Vec::new();
    for (label,) in labels {
        let text: String = label.chars().take(12).collect();
        for end in 2..=text.chars().count() {
            let typed: String = text.chars().take(end).collect();
            let t = Instant::now();
            search(store, lookup, &typed, 50).await.expect("a search");
            searches.push(t.elapsed());
        }
    }
    searches
}

/// The Monday-to-Monday week of `at`, in UTC.
fn week_of(at: DateTime<Utc>) -> CalendarQuery {
    use chrono::Datelike;
    let day = at.date_naive();
    let monday = day - Days::new(u64::from(day.weekday().num_days_from_monday()));
    let from = monday.and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    CalendarQuery::new(from, from + TimeDelta::days(7), chrono_tz::UTC)
}

fn report_latency(what: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    println!(
        "{what}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
