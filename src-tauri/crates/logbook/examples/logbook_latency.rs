//! Logbook benchmark: building after a full sync, a page query, and totals plus every
//! currency verdict for one person, on the sandbox's `large` preset and at 100,000
//! entries for one person.
//!
//! `cargo run --release -p flightdesk-logbook --example logbook_latency -- [--preset demo|large] [--dir DIR]`
//!
//! Syncs one account of every provider from a sandbox in a process of its own (the sync
//! benchmarks' `support` module), rebuilds the logbook, then times pages (200 different
//! offsets and sorts) and totals plus currency for the person with most entries. Then it
//! writes 100,000 entries for one person (copies of that person's entries, spread over
//! 40 years) and times the same queries again.

#[path = "../../sync/examples/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, Utc};
use flightdesk_logbook::{self as logbook, PageQuery, SortColumn, SortDirection};
use flightdesk_store::Store;
use flightdesk_sync::SyncOptions;
use flightdesk_views::lookup::Lookup;
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
    let t = Instant::now();
    let lookup = Lookup::load(&store).await.expect("entities");
    let lookup_ms = ms(t.elapsed());
    let stats = logbook::rebuild(&store, &lookup, chrono_tz::Tz::UTC)
        .await
        .expect("the rebuild");
    println!(
        "rebuild after the full sync: {} flight-log records -> {} entries for {} people in {} ms (plus {lookup_ms:.0} ms resolving entities)",
        stats.records, stats.entries, stats.people, stats.millis
    );
    let t = Instant::now();
    let again = logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
        .await
        .expect("fresh");
    println!(
        "ensure_fresh with nothing changed: rebuilt={} in {:.1} ms",
        again.rebuilt,
        ms(t.elapsed())
    );
    let people = logbook::people(&store).await.expect("people");
    let busiest = people[0].person.id.clone();
    println!("busiest person: {} entries", people[0].entries);
    queries(&store, &busiest, people[0].entries).await;

    // 100,000 entries for one person.
    let mine = logbook::all_entries(&store, &busiest, None, None)
        .await
        .expect("entries");
    let start = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date");
    let many: Vec<_> = (0..100_000usize)
        .map(|i| {
            let mut e = mine[i % mine.len()].clone();
            // Built entries' ids are 16 hex digits (`columns::entry_id`).
            e.id = format!("{:016x}", 0xbe4c_0000_0000_0000_u64 + i as u64);
            let date = start + Days::new((i / 7) as u64);
            // The block times move with the date, as a real flight's do.
            let shift = date - e.date;
            for t in [&mut e.block_off.value, &mut e.block_on.value]
                .into_iter()
                .flatten()
            {
                *t += shift;
            }
            e.date = date;
            e
        })
        .collect();
    let t = Instant::now();
    logbook::build::materialize(&store, &many)
        .await
        .expect("written");
    println!(
        "writing 100,000 entries: {:.0} ms ({:.0} entries/s)",
        ms(t.elapsed()),
        100_000.0 / t.elapsed().as_secs_f64()
    );
    queries(&store, &busiest, 100_000).await;
    // A process that did not build (the CLI on a fresh logbook, the app after a restart)
    // reads the person's index row and parses the figures on its first call.
    logbook::facts::forget_cached();
    logbook::index::forget_cached();
    let at = Utc::now();
    let t = Instant::now();
    logbook::totals(&store, &busiest, at.date_naive())
        .await
        .expect("totals");
    logbook::currency(&store, &busiest, at.fixed_offset())
        .await
        .expect("currency");
    println!(
        "totals + every currency verdict, first call in a process that did not build (100000 entries): {:.1} ms",
        ms(t.elapsed())
    );
    let t = Instant::now();
    logbook::page(
        &store,
        &PageQuery {
            person: busiest.clone(),
            filter: Some("kmtn".into()),
            ..PageQuery::default()
        },
    )
    .await
    .expect("a page");
    println!(
        "filtered page, first call in a process that did not build (100000 entries): {:.1} ms",
        ms(t.elapsed())
    );
    bench.stop().await;
}

/// Filtered pages (the page index): words, dates, both, in every order and at offsets up
/// to 2,000. The first query of a person after a build reads their index: timed apart.
async fn filtered_pages(store: &Store, person: &str, entries: u64) {
    let oldest = logbook::page(
        store,
        &PageQuery {
            person: person.to_string(),
            direction: SortDirection::Asc,
            limit: 1,
            ..PageQuery::default()
        },
    )
    .await
    .expect("a page");
    let first = oldest.entries.first().map(|e| e.date).unwrap_or_default();
    let from = first + Days::new(3_000);
    let to = from + Days::new(3_650);
    let filters: [(Option<&str>, bool); 5] = [
        (Some("kmtn"), false),
        (Some("kmtn n"), false),
        (Some("zzzz-nothing"), false),
        (None, true),
        (Some("kmtn"), true),
    ];
    let sorts = [
        (SortColumn::Date, SortDirection::Desc),
        (SortColumn::Date, SortDirection::Asc),
        (SortColumn::Registration, SortDirection::Asc),
        (SortColumn::Total, SortDirection::Desc),
    ];
    let mut times = Vec::new();
    let mut first_call = None;
    let mut matches = Vec::new();
    for i in 0..200u64 {
        let (filter, dated) = filters[(i % 5) as usize];
        let (sort, direction) = sorts[((i / 5) % 4) as usize];
        let q = PageQuery {
            person: person.to_string(),
            filter: filter.map(str::to_string),
            from: dated.then_some(from),
            to: dated.then_some(to),
            sort,
            direction,
            offset: ((i * 7919) % 2_000) as u32,
            limit: 100,
        };
        let t = Instant::now();
        let page = logbook::page(store, &q).await.expect("a page");
        let took = t.elapsed();
        match first_call {
            None => first_call = Some(took),
            Some(_) => times.push(took),
        }
        if i < 5 {
            let dates = if dated { " + 10 years" } else { "" };
            matches.push(format!("{filter:?}{dates}: {}", page.total));
        }
    }
    println!(
        "filtered page, first call ({entries} entries, reads the page index): {:.2} ms",
        ms(first_call.unwrap_or_default())
    );
    println!("filtered pages' matches: {}", matches.join(", "));
    report(
        &format!("filtered page of 100 (words, dates, both; every order; {entries} entries)"),
        times,
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort_unstable();
    let p = |q: f64| ms(times[((times.len() - 1) as f64 * q) as usize]);
    println!(
        "{label}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        p(0.5),
        p(0.99),
        p(1.0)
    );
}

async fn queries(store: &Store, person: &str, entries: u64) {
    let sorts = [
        (SortColumn::Date, SortDirection::Desc),
        (SortColumn::Date, SortDirection::Asc),
        (SortColumn::Registration, SortDirection::Asc),
        (SortColumn::Total, SortDirection::Desc),
    ];
    let mut times = Vec::new();
    let mut deep = Vec::new();
    for i in 0..200u64 {
        let (sort, direction) = sorts[(i % 4) as usize];
        // Offsets across the whole logbook, as a scrolled virtual list asks.
        let offset = (i * 7919) % entries.max(1);
        let q = PageQuery {
            person: person.to_string(),
            sort,
            direction,
            offset: offset as u32,
            limit: 100,
            ..PageQuery::default()
        };
        let t = Instant::now();
        let page = logbook::page(store, &q).await.expect("a page");
        let took = t.elapsed();
        assert_eq!(page.total, entries);
        if offset < 1_000 {
            times.push(took);
        } else {
            deep.push(took);
        }
    }
    report(
        &format!("page of 100 near the top ({entries} entries)"),
        times,
    );
    if !deep.is_empty() {
        report(
            &format!("page of 100 deep in the list ({entries} entries)"),
            deep,
        );
    }
    filtered_pages(store, person, entries).await;
    let at = Utc::now();
    let mut both = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        logbook::totals(store, person, at.date_naive())
            .await
            .expect("totals");
        let verdicts = logbook::currency(store, person, at.fixed_offset())
            .await
            .expect("currency");
        both.push(t.elapsed());
        assert!(!verdicts.is_empty());
    }
    // The build computed the figures of the largest logbooks; for the others the first
    // call reads and parses them. Later calls find them in the process's cache (checked
    // against the entries' revision on every call).
    println!(
        "totals + every currency verdict, first call ({entries} entries): {:.1} ms",
        ms(both[0])
    );
    report(
        &format!("totals + every currency verdict ({entries} entries)"),
        both,
    );
}
