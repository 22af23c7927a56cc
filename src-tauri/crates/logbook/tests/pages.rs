//! Pages, freshness and the figures cache over a store with materialized entries (no
//! sandbox, no keyring: the store is opened with a fixed test key).

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use flightdesk_logbook::{
    self as logbook, Annotation, Entry, Field, Origin, PageQuery, PersonRef, SortColumn,
    SortDirection, SourceKey,
};
use flightdesk_secrets::Secret;
use flightdesk_store::{Store, DB_FILE_NAME};
use flightdesk_views::lookup::Lookup;

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async fn store(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join(DB_FILE_NAME), &Secret::new(KEY))
        .await
        .unwrap()
}

fn field<T>(value: Option<T>) -> Field<T> {
    Field {
        from: value.as_ref().map(|_| Origin::Annotation),
        value,
        disagreeing: Vec::new(),
    }
}

/// Entry `i` of `person`: dates repeat (every third entry shares a day), registrations
/// and totals repeat and are sometimes missing, so every order has ties and NULLs.
fn entry(person: &str, i: u32) -> Entry {
    let day = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Duration::days(i64::from(i / 3));
    let block_off: Option<DateTime<Utc>> = (!i.is_multiple_of(5))
        .then(|| Utc.from_utc_datetime(&day.and_hms_opt(8 + (i % 3), 0, 0).unwrap()));
    let registration = (!i.is_multiple_of(7)).then(|| format!("N{}", i % 4));
    let total = (!i.is_multiple_of(11)).then(|| f64::from(i % 6) / 2.0);
    Entry {
        id: format!("{person}-{i:05}"),
        person: PersonRef {
            id: person.to_string(),
            name: format!("Pilot {person}"),
        },
        date: day,
        departure: field(Some("KSKY".to_string())),
        arrival: field(None),
        route: field(None),
        aircraft_id: None,
        registration: field(registration),
        make_model: field(None),
        category_class: field(Some("airplane ASEL".to_string())),
        simulator: false,
        block_off: field(block_off),
        block_on: field(None),
        air_hours: field(None),
        total_hours: field(total),
        role: field(Some(logbook::Role::Pic)),
        pic_hours: total.unwrap_or(0.0),
        sic_hours: 0.0,
        dual_received_hours: 0.0,
        instruction_given_hours: 0.0,
        solo_hours: 0.0,
        cross_country_hours: field(None),
        cross_country_50nm_hours: field(None),
        farthest_landing_nm: None,
        places: Default::default(),
        night_hours: field(None),
        actual_instrument_hours: field(None),
        simulated_instrument_hours: field(None),
        landings: field(Some(1)),
        night_takeoffs: field(None),
        day_full_stop_landings: field(None),
        night_full_stop_landings: field(None),
        approaches: field(None),
        holding: field(None),
        instructor_name: field(None),
        remarks: field(Some(
            if i.is_multiple_of(10) {
                "checkride"
            } else {
                "local"
            }
            .to_string(),
        )),
        crew: Vec::new(),
        sources: vec![SourceKey {
            source: flightdesk_core::Provider::PilotFlows,
            account: "club".into(),
            source_id: format!("{person}-{i}"),
        }],
        annotation: None,
    }
}

fn ids(page: &logbook::Page) -> Vec<&str> {
    page.entries.iter().map(|e| e.id.as_str()).collect()
}

#[tokio::test]
async fn numbered_pages_match_the_index_order_at_every_offset_and_direction() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let mut entries: Vec<Entry> = (0..230).map(|i| entry("ann", i)).collect();
    entries.extend((0..40).map(|i| entry("bob", i)));
    logbook::build::materialize(&store, &entries).await.unwrap();

    for sort in [
        SortColumn::Date,
        SortColumn::Registration,
        SortColumn::Total,
    ] {
        for direction in [SortDirection::Asc, SortDirection::Desc] {
            let base = PageQuery {
                person: "ann".into(),
                sort,
                direction,
                limit: 1_000,
                ..PageQuery::default()
            };
            // A date range holding every entry takes the index path: the reference order.
            let all = logbook::page(
                &store,
                &PageQuery {
                    from: NaiveDate::from_ymd_opt(1900, 1, 1),
                    ..base.clone()
                },
            )
            .await
            .unwrap();
            assert_eq!(all.total, 230);
            assert_eq!(all.entries.len(), 230);
            for (offset, limit) in [(0, 50), (37, 50), (200, 50), (229, 1), (230, 5), (0, 0)] {
                let page = logbook::page(
                    &store,
                    &PageQuery {
                        offset,
                        limit,
                        ..base.clone()
                    },
                )
                .await
                .unwrap();
                assert_eq!(page.total, 230);
                let want: Vec<&str> = ids(&all)
                    .into_iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .collect();
                assert_eq!(
                    ids(&page),
                    want,
                    "{sort:?} {direction:?} at {offset}+{limit}"
                );
            }
        }
    }
    // Another person's entries never show, and an unknown person has none.
    let bob = logbook::page(
        &store,
        &PageQuery {
            person: "bob".into(),
            limit: 100,
            ..PageQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(bob.total, 40);
    assert!(bob.entries.iter().all(|e| e.person.id == "bob"));
    let nobody = PageQuery {
        person: "nobody".into(),
        ..PageQuery::default()
    };
    assert_eq!(logbook::page(&store, &nobody).await.unwrap().total, 0);

    // A filter still works, and counts only what matches.
    let checkrides = logbook::page(
        &store,
        &PageQuery {
            person: "ann".into(),
            filter: Some("CHECK".into()),
            limit: 5,
            ..PageQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(checkrides.total, 23);
    assert_eq!(checkrides.entries.len(), 5);
    assert!(checkrides
        .entries
        .iter()
        .all(|e| e.remarks.get().map(String::as_str) == Some("checkride")));

    let people = logbook::people(&store).await.unwrap();
    assert_eq!(people[0].person.id, "ann");
    assert_eq!((people[0].entries, people[1].entries), (230, 40));
    assert_eq!(people[0].person.name, "Pilot ann");
}

/// Every line of `EXPLAIN QUERY PLAN sql`.
async fn plan(store: &Store, sql: &str, binds: &[&str]) -> String {
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
    for b in binds {
        q = q.bind(*b);
    }
    q.fetch_all(store.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.3)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn a_page_is_a_range_of_one_key_and_never_a_scan_or_a_sort() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let entries: Vec<Entry> = (0..50).map(|i| entry("ann", i)).collect();
    logbook::build::materialize(&store, &entries).await.unwrap();
    for direction in [SortDirection::Asc, SortDirection::Desc] {
        let sql = logbook::query::numbered_page_sql(direction);
        let p = plan(&store, &sql, &["ann", "date", "0", "99"]).await;
        assert!(
            p.contains("SEARCH o USING PRIMARY KEY (person_id=? AND sort=? AND rank>? AND rank<?)"),
            "{p}"
        );
        assert!(p.contains("SEARCH e USING INDEX"), "{p}");
        assert!(!p.contains("SCAN") && !p.contains("TEMP B-TREE"), "{p}");
    }
    // A filtered page reads its entries by their date rank: lookups of one key.
    let sql = "SELECT o.rank, e.entry FROM logbook_order o JOIN logbook_entries e ON e.id = o.id
               WHERE o.person_id = ? AND o.sort = 'date' AND o.rank IN (?, ?)";
    let p = plan(&store, sql, &["ann", "3", "7"]).await;
    assert!(
        p.contains("SEARCH o USING PRIMARY KEY (person_id=? AND sort=? AND rank=?)"),
        "{p}"
    );
    assert!(!p.contains("SCAN") && !p.contains("TEMP B-TREE"), "{p}");
}

async fn generation(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT n FROM logbook_generation")
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn ensure_fresh_rebuilds_only_when_what_the_logbook_reads_changed() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let lookup = Lookup::load(&store).await.unwrap();
    assert!(
        logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
            .await
            .unwrap()
            .rebuilt
    );
    assert!(
        !logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
            .await
            .unwrap()
            .rebuilt
    );

    let account = store
        .upsert_account(&flightdesk_store::NewAccount {
            provider: flightdesk_core::Provider::PilotFlows,
            name: "club".into(),
            base_url: "https://api.pilotflows.example".into(),
            options: Default::default(),
        })
        .await
        .unwrap();
    assert!(
        logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
            .await
            .unwrap()
            .rebuilt
    );
    sqlx::query(
        "INSERT INTO flight_logs (account_id, source_id, resource, pilot_name, raw,
                                  first_seen_at, changed_at)
         VALUES (?, '1', 'flights', 'Ann Smith', '{}', '2026-01-01', '2026-01-01')",
    )
    .bind(account.id)
    .execute(store.pool())
    .await
    .unwrap();
    let before = generation(&store).await;
    assert!(
        logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
            .await
            .unwrap()
            .rebuilt
    );
    // A sync pass that sees the record unchanged marks it seen: no new generation.
    sqlx::query("UPDATE flight_logs SET seen_pass = seen_pass + 1")
        .execute(store.pool())
        .await
        .unwrap();
    assert_eq!(generation(&store).await, before);
    assert!(
        !logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
            .await
            .unwrap()
            .rebuilt
    );
    // A changed record is a new version.
    sqlx::query("UPDATE flight_logs SET version = version + 1, pilot_name = 'Ann B. Smith'")
        .execute(store.pool())
        .await
        .unwrap();
    assert!(generation(&store).await > before);
    assert!(
        logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
            .await
            .unwrap()
            .rebuilt
    );
    assert!(
        !logbook::ensure_fresh(&store, &lookup, chrono_tz::Tz::UTC)
            .await
            .unwrap()
            .rebuilt
    );
}

#[tokio::test]
async fn totals_and_currency_see_an_annotation_made_after_they_were_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    let entries: Vec<Entry> = (0..30).map(|i| entry("ann", i)).collect();
    logbook::build::materialize(&store, &entries).await.unwrap();
    let at = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let night = |t: &logbook::Totals| t.periods[3].all.hours.night;
    assert_eq!(
        night(&logbook::totals(&store, "ann", at).await.unwrap()),
        0.0
    );
    logbook::annotate(
        &store,
        "ann-00004",
        Annotation {
            night_hours: Some(1.5),
            ..Annotation::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        night(&logbook::totals(&store, "ann", at).await.unwrap()),
        1.5
    );
    // Entries after `at` are not counted (the facts are cut at the date, not copied).
    let early = logbook::totals(&store, "ann", NaiveDate::from_ymd_opt(2020, 1, 1).unwrap())
        .await
        .unwrap();
    assert_eq!(early.periods[3].all.entries, 3);
    let verdicts = logbook::currency(
        &store,
        "ann",
        Utc.from_utc_datetime(&at.and_hms_opt(12, 0, 0).unwrap())
            .fixed_offset(),
    )
    .await
    .unwrap();
    assert!(!verdicts.is_empty());
}

#[tokio::test]
async fn figures_computed_at_build_time_are_the_ones_a_later_process_reads() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(&dir).await;
    // Large enough for the build to compute this person's figures and page index.
    let entries: Vec<Entry> = (0..6_000).map(|i| entry("ann", i)).collect();
    logbook::build::materialize(&store, &entries).await.unwrap();
    let at = NaiveDate::from_ymd_opt(2021, 12, 31).unwrap();
    let now = at.and_hms_opt(12, 0, 0).unwrap().and_utc().fixed_offset();
    let warm_totals = logbook::totals(&store, "ann", at).await.unwrap();
    let warm_verdicts = logbook::currency(&store, "ann", now).await.unwrap();
    let query = PageQuery {
        person: "ann".into(),
        filter: Some("check".into()),
        from: NaiveDate::from_ymd_opt(2021, 1, 1),
        sort: SortColumn::Total,
        limit: 50,
        offset: 10,
        ..PageQuery::default()
    };
    let warm_page = logbook::page(&store, &query).await.unwrap();
    // As a process that did not build: everything read from the index row.
    logbook::facts::forget_cached();
    logbook::index::forget_cached();
    assert_eq!(
        logbook::totals(&store, "ann", at).await.unwrap(),
        warm_totals
    );
    let cold_verdicts = logbook::currency(&store, "ann", now).await.unwrap();
    assert_eq!(
        serde_json::to_value(&cold_verdicts).unwrap(),
        serde_json::to_value(&warm_verdicts).unwrap()
    );
    let cold_page = logbook::page(&store, &query).await.unwrap();
    assert_eq!(ids(&cold_page), ids(&warm_page));
    assert!(cold_page.total > 0 && cold_page.entries.len() == 50);
    let all_time = &warm_totals.periods[3].all;
    assert_eq!(
        all_time.entries,
        731 * 3,
        "entries up to {at}: three a day from 2020"
    );
}
