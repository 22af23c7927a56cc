//! Writes still in the outbox, drawn over the cache: a class scheduled or changed shows
//! where it will be (and conflicts like any other item), a class being deleted stays
//! with its deletion marked, each "waiting to send" until its provider has it. Read from
//! the store's `pending_changes` on every calendar answer: a handful of rows, so the
//! in-memory index never has to know about them.

use std::collections::HashMap;

use flightdesk_core::instant;
use flightdesk_store::{OutboxState, Store};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use super::slim::{RowRef, SlimRows, Table};
use crate::error::{QueryContext, Result};

/// What a waiting write does to the item it marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PendingChange {
    Create,
    Change,
    Delete,
}

/// The outbox write an item waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PendingMark {
    #[ts(type = "number")]
    pub outbox_id: i64,
    pub change: PendingChange,
    /// `pending`, `sending` or `failed` (refused writes are rolled back, so never here).
    pub state: OutboxState,
}

/// The waiting class writes: their rows as they will be, and a mark per record.
#[derive(Debug, Default)]
pub(crate) struct Pending {
    rows: SlimRows,
    marks: HashMap<(i64, String), PendingMark>,
}

impl Pending {
    /// The optimistic changes of classes whose writes are not yet sent, oldest first so
    /// the newest change of a record wins.
    pub async fn load(store: &Store) -> Result<Self> {
        let found = sqlx::query(
            "SELECT p.outbox_id, p.account_id, p.target_id, p.change, p.fields, o.state
             FROM pending_changes p JOIN outbox o ON o.id = p.outbox_id
             WHERE p.record_kind = 'classes' AND o.state != 'sent'
             ORDER BY p.outbox_id",
        )
        .fetch_all(store.pool())
        .await
        .context("reading the changes waiting to be sent")?;
        let mut pending = Self::default();
        let mut upserts: HashMap<(i64, String), Value> = HashMap::new();
        for row in found {
            let account_id: i64 = row.get("account_id");
            let target: String = row.get("target_id");
            let Ok(state) = row.get::<String, _>("state").parse::<OutboxState>() else {
                continue;
            };
            let key = (account_id, target.clone());
            let change = match row.get::<String, _>("change").as_str() {
                "delete" => {
                    upserts.remove(&key);
                    PendingChange::Delete
                }
                _ => {
                    let fields: Value =
                        serde_json::from_str(row.get("fields")).unwrap_or(Value::Null);
                    upserts.insert(key.clone(), fields);
                    if target.starts_with(flightdesk_store::LOCAL_ID_PREFIX) {
                        PendingChange::Create
                    } else {
                        PendingChange::Change
                    }
                }
            };
            let mark = PendingMark {
                outbox_id: row.get("outbox_id"),
                change,
                state,
            };
            pending.marks.insert(key, mark);
        }
        let now = instant::encode(&chrono::Utc::now());
        for ((account_id, target), fields) in upserts {
            pending
                .rows
                .push_fields(Table::Classes, account_id, &target, &fields, &now);
        }
        Ok(pending)
    }

    /// `base` with each changed class replaced by its waiting copy, and the classes
    /// created offline added, within `[from, to)` (Unix milliseconds).
    pub fn apply<'a>(&'a self, base: Vec<RowRef<'a>>, from: i64, to: i64) -> Vec<RowRef<'a>> {
        if self.marks.is_empty() {
            return base;
        }
        let replaced = |r: &RowRef<'_>| {
            r.row.table == Table::Classes
                && self
                    .rows
                    .refs()
                    .any(|p| p.row.account_id == r.row.account_id && p.source_id() == r.source_id())
        };
        let mut rows: Vec<RowRef<'a>> = base.into_iter().filter(|r| !replaced(r)).collect();
        rows.extend(
            self.rows
                .refs()
                .filter(|p| p.row.starts_at < to && p.row.ends_at > from),
        );
        rows
    }

    /// The mark of a class item, if a write of it waits.
    pub fn mark(&self, account_id: i64, source_id: &str) -> Option<&PendingMark> {
        self.marks.get(&(account_id, source_id.to_string()))
    }
}
