//! Reading the materialized logbook: a page of one person's entries, one entry with
//! everything behind it, and the people who have entries.

use std::collections::HashMap;

use chrono::NaiveDate;
use flightdesk_store::Store;
use serde::Serialize;
use serde_json::{json, Map, Value};
use sqlx::{QueryBuilder, Row, Sqlite};

use crate::error::{LogbookError, QueryContext, Result};
use crate::model::{
    Disagreement, Entry, EntryDetail, Field, LogbookPerson, Page, PageQuery, PersonRef, SortColumn,
    SortDirection, SourceDetail, SourceKey, Sourced,
};
use crate::{index, materialize};

/// The largest page the window or the CLI asks for in one query.
pub const MAX_PAGE: u32 = 10_000;

/// The name of `q`'s order in `logbook_order`, the index columns it follows, that index.
fn order(q: &PageQuery) -> (&'static str, &'static str, &'static str) {
    let i = match q.sort {
        SortColumn::Date => 0,
        SortColumn::Registration => 1,
        SortColumn::Total => 2,
    };
    materialize::ORDERS[i]
}

/// One page of `q.person`'s entries and how many match in all.
///
/// Without a filter or dates (the window's list as it scrolls), a page is a range of the
/// person's numbered entries (`logbook_order`), however deep the offset. With them, the
/// matching entries are found in the person's page index ([`crate::index`]) and only the
/// page's entries are read.
pub async fn page(store: &Store, q: &PageQuery) -> Result<Page> {
    let words: Vec<String> = q
        .filter
        .as_deref()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() && q.from.is_none() && q.to.is_none() {
        numbered_page(store, q).await
    } else {
        filtered_page(store, q, &words).await
    }
}

/// The SQL of a numbered page: ranks `?3..=?4` of order `?2` of person `?1`.
pub fn numbered_page_sql(direction: SortDirection) -> String {
    let dir = match direction {
        SortDirection::Asc => "ASC",
        SortDirection::Desc => "DESC",
    };
    format!(
        "SELECT e.entry FROM logbook_order o JOIN logbook_entries e ON e.id = o.id
         WHERE o.person_id = ?1 AND o.sort = ?2 AND o.rank BETWEEN ?3 AND ?4
         ORDER BY o.rank {dir}"
    )
}

async fn numbered_page(store: &Store, q: &PageQuery) -> Result<Page> {
    let total: i64 = sqlx::query_scalar("SELECT entries FROM logbook_people WHERE person_id = ?")
        .bind(&q.person)
        .fetch_optional(store.pool())
        .await
        .context("counting the logbook entries")?
        .unwrap_or(0);
    let (offset, limit) = (i64::from(q.offset), i64::from(q.limit.min(MAX_PAGE)));
    if offset >= total || limit == 0 {
        return Ok(Page {
            entries: Vec::new(),
            total: total as u64,
        });
    }
    // Ranks count ascending; a descending page is the same range seen from the end.
    let last = (offset + limit).min(total) - 1;
    let (lo, hi) = match q.direction {
        SortDirection::Asc => (offset, last),
        SortDirection::Desc => (total - 1 - last, total - 1 - offset),
    };
    let rows: Vec<String> = sqlx::query_scalar(&numbered_page_sql(q.direction))
        .bind(&q.person)
        .bind(order(q).0)
        .bind(lo)
        .bind(hi)
        .fetch_all(store.pool())
        .await
        .context("reading a page of the logbook")?;
    Ok(Page {
        entries: rows.iter().map(|r| decode(r)).collect::<Result<_>>()?,
        total: total as u64,
    })
}

async fn filtered_page(store: &Store, q: &PageQuery, words: &[String]) -> Result<Page> {
    let index = index::pages(store, &q.person).await?;
    let matches = index.matching(q.from, q.to, words);
    let total = matches.len() as u64;
    let ranks = index.page(matches, q, q.limit.min(MAX_PAGE) as usize);
    Ok(Page {
        entries: by_date_ranks(store, &q.person, &ranks).await?,
        total,
    })
}

/// The entries of `person` at date ranks `ranks`, in that order.
async fn by_date_ranks(store: &Store, person: &str, ranks: &[u32]) -> Result<Vec<Entry>> {
    let mut out = Vec::with_capacity(ranks.len());
    // One statement per few hundred ranks (SQLite's bound-parameter limit is far above).
    for chunk in ranks.chunks(500) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT o.rank, e.entry FROM logbook_order o JOIN logbook_entries e ON e.id = o.id
             WHERE o.person_id = ",
        );
        q.push_bind(person);
        q.push(" AND o.sort = 'date' AND o.rank IN (");
        let mut list = q.separated(", ");
        for r in chunk {
            list.push_bind(i64::from(*r));
        }
        q.push(")");
        let rows = q
            .build()
            .fetch_all(store.pool())
            .await
            .context("reading a page of the logbook")?;
        let mut found: HashMap<i64, String> = rows
            .into_iter()
            .map(|r| (r.get("rank"), r.get("entry")))
            .collect();
        for r in chunk {
            // A rank gone between the two reads (a rebuild in between) is left out.
            if let Some(json) = found.remove(&i64::from(*r)) {
                out.push(decode(&json)?);
            }
        }
    }
    Ok(out)
}

pub(crate) fn decode(json: &str) -> Result<Entry> {
    serde_json::from_str(json).map_err(|e| LogbookError::Corrupt(e.to_string()))
}

/// Every entry of `person` from `from` to `to` (both included), oldest first: what an
/// export writes.
pub async fn all_entries(
    store: &Store,
    person: &str,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<Entry>> {
    let rows = sqlx::query(
        "SELECT entry FROM logbook_entries WHERE person_id = ? AND date >= ? AND date <= ?
         ORDER BY date, block_off, id",
    )
    .bind(person)
    .bind(from.map_or("0000-01-01".to_string(), |d| d.to_string()))
    .bind(to.map_or("9999-12-31".to_string(), |d| d.to_string()))
    .fetch_all(store.pool())
    .await
    .context("reading a person's logbook")?;
    rows.iter().map(|r| decode(r.get("entry"))).collect()
}

/// The stored entry `id`.
pub(crate) async fn stored(store: &Store, id: &str) -> Result<Entry> {
    let json: Option<String> = sqlx::query_scalar("SELECT entry FROM logbook_entries WHERE id = ?")
        .bind(id)
        .fetch_optional(store.pool())
        .await
        .context("reading a logbook entry")?;
    decode(&json.ok_or_else(|| LogbookError::UnknownEntry(id.to_string()))?)
}

/// The normalized columns a source detail shows.
const COLUMNS: &[&str] = &[
    "date",
    "starts_at",
    "ends_at",
    "pilot_id",
    "pilot_name",
    "instructor_id",
    "instructor_name",
    "aircraft_id",
    "aircraft_registration",
    "departure",
    "arrival",
    "route",
    "duration_hours",
    "landings",
    "usage",
    "remarks",
    "status",
];

/// Entry `id` with each source's normalized and raw fields and every disagreement.
pub async fn entry(store: &Store, id: &str) -> Result<EntryDetail> {
    let entry = stored(store, id).await?;
    let mut sources = Vec::with_capacity(entry.sources.len());
    for key in &entry.sources {
        sources.push(source_detail(store, key).await?);
    }
    let disagreements = disagreements(&entry);
    Ok(EntryDetail {
        entry,
        sources,
        disagreements,
    })
}

async fn source_detail(store: &Store, key: &SourceKey) -> Result<SourceDetail> {
    let row = sqlx::query(&format!(
        "SELECT {}, f.raw FROM flight_logs f JOIN accounts a ON a.id = f.account_id
         WHERE a.provider = ? AND a.name = ? AND f.source_id = ?",
        COLUMNS
            .iter()
            .map(|c| format!("f.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(key.source.as_str())
    .bind(&key.account)
    .bind(&key.source_id)
    .fetch_optional(store.pool())
    .await
    .context("reading an entry's source record")?;
    let Some(row) = row else {
        // Removed since the last build: say so rather than fail the whole detail.
        return Ok(SourceDetail {
            key: key.clone(),
            fields: json!({}),
            raw: Value::Null,
        });
    };
    let mut fields = Map::new();
    for c in COLUMNS {
        let v = match *c {
            "duration_hours" | "usage" => row
                .get::<Option<f64>, _>(*c)
                .map_or(Value::Null, |x| json!(x)),
            "landings" => row
                .get::<Option<i64>, _>(*c)
                .map_or(Value::Null, |x| json!(x)),
            _ => row
                .get::<Option<String>, _>(*c)
                .map_or(Value::Null, Value::String),
        };
        fields.insert((*c).to_string(), v);
    }
    Ok(SourceDetail {
        key: key.clone(),
        fields: Value::Object(fields),
        raw: serde_json::from_str(row.get::<&str, _>("raw")).unwrap_or(Value::Null),
    })
}

fn text<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn disagreement<T: Serialize>(column: &str, f: &Field<T>, out: &mut Vec<Disagreement>) {
    if f.disagreeing.is_empty() {
        return;
    }
    let (Some(v), Some(from)) = (&f.value, &f.from) else {
        return;
    };
    let mut values = vec![Sourced {
        value: text(v),
        from: from.clone(),
    }];
    values.extend(f.disagreeing.iter().map(|d| Sourced {
        value: text(&d.value),
        from: d.from.clone(),
    }));
    out.push(Disagreement {
        column: column.to_string(),
        values,
    });
}

/// Every column of `e` whose sources (or annotation) disagree.
pub fn disagreements(e: &Entry) -> Vec<Disagreement> {
    let mut out = Vec::new();
    disagreement("departure", &e.departure, &mut out);
    disagreement("arrival", &e.arrival, &mut out);
    disagreement("route", &e.route, &mut out);
    disagreement("registration", &e.registration, &mut out);
    disagreement("make_model", &e.make_model, &mut out);
    disagreement("category_class", &e.category_class, &mut out);
    disagreement("block_off", &e.block_off, &mut out);
    disagreement("block_on", &e.block_on, &mut out);
    disagreement("air_hours", &e.air_hours, &mut out);
    disagreement("total_hours", &e.total_hours, &mut out);
    disagreement("role", &e.role, &mut out);
    disagreement("cross_country_hours", &e.cross_country_hours, &mut out);
    disagreement("night_hours", &e.night_hours, &mut out);
    disagreement(
        "actual_instrument_hours",
        &e.actual_instrument_hours,
        &mut out,
    );
    disagreement(
        "simulated_instrument_hours",
        &e.simulated_instrument_hours,
        &mut out,
    );
    disagreement("landings", &e.landings, &mut out);
    disagreement("night_takeoffs", &e.night_takeoffs, &mut out);
    disagreement(
        "day_full_stop_landings",
        &e.day_full_stop_landings,
        &mut out,
    );
    disagreement(
        "night_full_stop_landings",
        &e.night_full_stop_landings,
        &mut out,
    );
    disagreement("approaches", &e.approaches, &mut out);
    disagreement("holding", &e.holding, &mut out);
    disagreement("instructor_name", &e.instructor_name, &mut out);
    disagreement("remarks", &e.remarks, &mut out);
    out
}

/// Everyone with logbook entries, most hours first.
pub async fn people(store: &Store) -> Result<Vec<LogbookPerson>> {
    let rows = sqlx::query(
        "SELECT person_id, entries AS n, hours, last_date AS last, name
         FROM logbook_people ORDER BY hours DESC, person_id",
    )
    .fetch_all(store.pool())
    .await
    .context("listing the people with logbook entries")?;
    Ok(rows
        .into_iter()
        .map(|r| LogbookPerson {
            person: PersonRef {
                id: r.get("person_id"),
                name: r.get::<Option<String>, _>("name").unwrap_or_default(),
            },
            entries: r.get::<i64, _>("n") as u64,
            total_hours: (r.get::<f64, _>("hours") * 10.0).round() / 10.0,
            last_date: r
                .get::<Option<String>, _>("last")
                .and_then(|d| d.parse().ok()),
        })
        .collect())
}
