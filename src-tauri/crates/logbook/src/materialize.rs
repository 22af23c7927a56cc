//! Writing the materialized logbook (migrations 0011 and 0013): the entries, their facts
//! lines and sources, each person's page orders and summary, in one transaction.
//!
//! Rows go in multi-row `INSERT`s: one statement per row cost a round trip to SQLite's
//! worker each, about 1,800 entries a second.

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use crate::error::{QueryContext, Result};
use crate::facts::Facts;
use crate::freshness;
use crate::model::Entry;

/// Entries per `INSERT` (8 values each, under SQLite's 32,766 bound parameters).
const BATCH: usize = 500;

/// The page orders `logbook_order` numbers, as (name, the `ORDER BY` of the index it
/// follows, that index). `query::page` reads them in either direction.
pub(crate) const ORDERS: [(&str, &str, &str); 3] = [
    ("date", "date, block_off, id", "logbook_entries_by_date"),
    (
        "registration",
        "registration, date, id",
        "logbook_entries_by_registration",
    ),
    ("total", "total_hours, date, id", "logbook_entries_by_total"),
];

/// The text a page's filter matches, lower case.
fn search_text(e: &Entry) -> String {
    let mut parts: Vec<&str> = [
        e.registration.get(),
        e.make_model.get(),
        e.departure.get(),
        e.arrival.get(),
        e.route.get(),
        e.instructor_name.get(),
        e.remarks.get(),
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect();
    parts.extend(e.crew.iter().map(|p| p.name.as_str()));
    parts.join(" ").to_lowercase()
}

/// Replaces every materialized table's rows with `entries`.
pub(crate) async fn replace_all(conn: &mut SqliteConnection, entries: &[Entry]) -> Result<()> {
    for table in [
        "logbook_entries",
        "logbook_entry_sources",
        "logbook_facts",
        "logbook_order",
        "logbook_people",
    ] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *conn)
            .await
            .context("clearing the materialized logbook")?;
    }
    for chunk in entries.chunks(BATCH) {
        insert_rows(conn, chunk, "INSERT").await?;
    }
    number_pages(conn).await?;
    summarize_people(conn, entries).await?;
    crate::index::write(conn, None).await?;
    freshness::new_revision(conn).await
}

/// Rewrites one entry whose page keys (date, block off, registration, total) and person are
/// unchanged, as an annotation does: its page numbers and its person's summary stand.
pub(crate) async fn replace_one(conn: &mut SqliteConnection, e: &Entry) -> Result<()> {
    insert_rows(conn, std::slice::from_ref(e), "INSERT OR REPLACE").await?;
    crate::index::write(conn, Some(&e.person.id)).await?;
    freshness::new_revision(conn).await
}

async fn insert_rows(conn: &mut SqliteConnection, entries: &[Entry], verb: &str) -> Result<()> {
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "{verb} INTO logbook_entries
            (id, person_id, date, block_off, registration, total_hours, search, entry) "
    ));
    q.push_values(entries, |mut row, e| {
        row.push_bind(&e.id)
            .push_bind(&e.person.id)
            .push_bind(e.date.to_string())
            .push_bind(e.block_off.get().map(flightdesk_core::instant::encode))
            .push_bind(e.registration.get().map(|r| r.to_uppercase()))
            .push_bind(e.total_hours.get().copied())
            .push_bind(search_text(e))
            .push_bind(serde_json::to_string(e).expect("an entry serializes"));
    });
    q.build()
        .execute(&mut *conn)
        .await
        .context("writing logbook entries")?;

    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "{verb} INTO logbook_facts (person_id, date, id, facts) "
    ));
    q.push_values(entries, |mut row, e| {
        row.push_bind(&e.person.id)
            .push_bind(e.date.to_string())
            .push_bind(&e.id)
            .push_bind(Facts::of(e).line());
    });
    q.build()
        .execute(&mut *conn)
        .await
        .context("writing logbook entries' figures")?;

    let sources: Vec<(&Entry, &crate::model::SourceKey)> = entries
        .iter()
        .flat_map(|e| e.sources.iter().map(move |s| (e, s)))
        .collect();
    for chunk in sources.chunks(BATCH) {
        // OR REPLACE as before 0013: a record is a source of one entry per person, and a
        // rebuild should not fail if a matching bug ever gave it two.
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT OR REPLACE INTO logbook_entry_sources
                (person_id, provider, account, source_id, entry_id) ",
        );
        q.push_values(chunk, |mut row, (e, s)| {
            row.push_bind(&e.person.id)
                .push_bind(s.source.as_str())
                .push_bind(&s.account)
                .push_bind(&s.source_id)
                .push_bind(&e.id);
        });
        q.build()
            .execute(&mut *conn)
            .await
            .context("writing logbook entries' sources")?;
    }
    Ok(())
}

/// Numbers every person's entries in each page order, in SQL so the numbering follows
/// exactly the collation of the indexes the filtered pages read.
async fn number_pages(conn: &mut SqliteConnection) -> Result<()> {
    for (name, order, _) in ORDERS {
        sqlx::query(&format!(
            "INSERT INTO logbook_order (person_id, sort, rank, id)
             SELECT person_id, ?, row_number() OVER (PARTITION BY person_id ORDER BY {order}) - 1, id
             FROM logbook_entries"
        ))
        .bind(name)
        .execute(&mut *conn)
        .await
        .context("numbering the logbook's pages")?;
    }
    Ok(())
}

/// Each person's entry count, hours, last date and name.
async fn summarize_people(conn: &mut SqliteConnection, entries: &[Entry]) -> Result<()> {
    struct Summary<'a> {
        name: &'a str,
        entries: i64,
        hours: f64,
        last: chrono::NaiveDate,
    }
    let mut by: HashMap<&str, Summary> = HashMap::new();
    for e in entries {
        let s = by.entry(e.person.id.as_str()).or_insert(Summary {
            name: &e.person.name,
            entries: 0,
            hours: 0.0,
            last: e.date,
        });
        s.entries += 1;
        s.hours += e.total_hours.get().copied().unwrap_or(0.0);
        s.last = s.last.max(e.date);
        // The largest name, as the people list always showed (stable across rebuilds).
        if e.person.name.as_str() > s.name {
            s.name = &e.person.name;
        }
    }
    let rows: Vec<_> = by.into_iter().collect();
    for chunk in rows.chunks(BATCH) {
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO logbook_people (person_id, name, entries, hours, last_date) ",
        );
        q.push_values(chunk, |mut row, (id, s)| {
            row.push_bind(*id)
                .push_bind(s.name)
                .push_bind(s.entries)
                .push_bind(s.hours)
                .push_bind(s.last.to_string());
        });
        q.build()
            .execute(&mut *conn)
            .await
            .context("summarizing the logbook's people")?;
    }
    Ok(())
}
