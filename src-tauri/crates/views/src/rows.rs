//! What the board and the trainings view share: account names, the unified entity of a
//! source, when a section's rows were last synced, and tolerant reads of raw JSON.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::entities::EntityView;
use crate::error::{QueryContext, Result};

/// The cache's accounts by store id.
pub(crate) struct Accounts(HashMap<i64, (Provider, String)>);

impl Accounts {
    pub async fn load(store: &Store) -> Result<Self> {
        let rows = sqlx::query("SELECT id, provider, name FROM accounts")
            .fetch_all(store.pool())
            .await
            .context("listing the accounts")?;
        let mut map = HashMap::new();
        for row in rows {
            if let Ok(p) = row.get::<String, _>("provider").parse::<Provider>() {
                map.insert(row.get("id"), (p, row.get("name")));
            }
        }
        Ok(Self(map))
    }

    pub fn get(&self, id: i64) -> Option<(Provider, &str)> {
        self.0.get(&id).map(|(p, n)| (*p, n.as_str()))
    }
}

/// Which unified entity holds a source (provider, account name, source id).
pub(crate) struct EntityIndex<'a> {
    pub entities: &'a [EntityView],
    by_source: HashMap<(Provider, &'a str, &'a str), usize>,
}

impl<'a> EntityIndex<'a> {
    pub fn new(entities: &'a [EntityView]) -> Self {
        let mut by_source = HashMap::new();
        for (i, e) in entities.iter().enumerate() {
            for s in &e.sources {
                by_source.insert((s.provider, s.account.as_str(), s.source_id.as_str()), i);
            }
        }
        Self {
            entities,
            by_source,
        }
    }

    pub fn holding(&self, provider: Provider, account: &str, id: &str) -> Option<&'a EntityView> {
        let i = *self.by_source.get(&(provider, account, id))?;
        self.entities.get(i)
    }
}

/// When one account's resource that fed a section last synced.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Synced {
    pub provider: Provider,
    pub account: String,
    pub resource: String,
    /// The end of its last successful run; `None` if no run has completed yet.
    pub last_success_at: Option<DateTime<Utc>>,
}

/// The sync state of every (account, resource) that has live rows in one of `tables`.
/// `tables` are compile-time names from this crate, never input.
pub(crate) async fn synced(store: &Store, tables: &[&str]) -> Result<Vec<Synced>> {
    let feeds = tables
        .iter()
        .map(|t| format!("SELECT DISTINCT account_id, resource FROM {t} WHERE removed = 0"))
        .collect::<Vec<_>>()
        .join(" UNION ");
    let sql = format!(
        "SELECT a.provider, a.name, f.resource, s.last_success_at
         FROM ({feeds}) f JOIN accounts a ON a.id = f.account_id
         LEFT JOIN sync_state s ON s.account_id = f.account_id AND s.resource = f.resource
         ORDER BY a.provider, a.name, f.resource"
    );
    let rows = sqlx::query(&sql)
        .fetch_all(store.pool())
        .await
        .context("reading when each section's resources last synced")?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            Some(Synced {
                provider: row.get::<String, _>("provider").parse().ok()?,
                account: row.get("name"),
                resource: row.get("resource"),
                last_success_at: instant(row.get("last_success_at")),
            })
        })
        .collect())
}

/// What a section's "as of" says: its least recently synced resource (a section is only
/// as fresh as its stalest part).
pub(crate) fn as_of(synced: &[Synced]) -> Option<DateTime<Utc>> {
    synced.iter().filter_map(|s| s.last_success_at).min()
}

/// A stored instant (RFC 3339 text).
pub(crate) fn instant(text: Option<String>) -> Option<DateTime<Utc>> {
    parse_instant(&text?)
}

/// RFC 3339 text as an instant in UTC.
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A stored date (`YYYY-MM-DD`).
pub(crate) fn date(text: Option<String>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&text?, "%Y-%m-%d").ok()
}

/// An instant in raw JSON: RFC 3339 text, or unix seconds as a number or numeric text
/// (Flight School Booking sends both).
pub(crate) fn raw_instant(v: Option<&Value>) -> Option<DateTime<Utc>> {
    let secs = match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => match s.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => return instant(Some(s.clone())),
        },
        _ => None,
    }?;
    // 0 is how these APIs say "none".
    (secs > 0)
        .then(|| DateTime::from_timestamp(secs, 0))
        .flatten()
}

/// Text in raw JSON (numbers as their decimal text); empty text is none.
pub(crate) fn raw_str(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A number in raw JSON (numbers or numeric text).
pub(crate) fn raw_f64(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A stored raw column as JSON (the store checks it is valid JSON).
pub(crate) fn raw(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn raw_instants_read_epochs_and_rfc3339_and_treat_zero_as_none() {
        let at = DateTime::from_timestamp(1_796_545_620, 0);
        assert_eq!(raw_instant(Some(&json!("1796545620"))), at);
        assert_eq!(raw_instant(Some(&json!(1_796_545_620))), at);
        assert_eq!(raw_instant(Some(&json!("2026-12-06T09:27:00+01:00"))), at);
        assert_eq!(raw_instant(Some(&json!(0))), None);
        assert_eq!(raw_instant(Some(&json!("soon"))), None);
    }
}
