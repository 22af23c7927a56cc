//! The aircraft section: every unified aircraft and simulator with its Airbly status, its
//! open work orders and the compliance items that need doing soon.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use flightdesk_core::identity::EntityKind;
use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::entities::EntityView;
use crate::error::{QueryContext, Result};
use crate::rows::{self, Accounts, EntityIndex, Synced};

/// Compliance items due within this many days (or overdue) are shown.
pub const COMPLIANCE_HORIZON_DAYS: i64 = 30;

/// The fleet.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Fleet {
    /// Aircraft first, then simulators, each by name.
    pub aircraft: Vec<AircraftRow>,
    pub synced: Vec<Synced>,
    /// The least recently synced resource of this section.
    pub as_of: Option<DateTime<Utc>>,
}

/// One aircraft or simulator (one unified entity).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AircraftRow {
    /// The entity id (`aircraft:N44API`), as `flightdesk entities` shows it.
    pub id: String,
    /// `aircraft` or `simulator`.
    pub kind: EntityKind,
    pub name: String,
    /// `provider/account/source_id` of every source.
    pub sources: Vec<String>,
    /// From its Airbly asset, if Airbly tracks it.
    pub airbly: Option<AirblyStatus>,
    /// Open work orders, critical first, then oldest first.
    pub work_orders: Vec<WorkOrder>,
    /// Compliance items overdue or due within [`COMPLIANCE_HORIZON_DAYS`], soonest first.
    pub compliance: Vec<ComplianceDue>,
    /// Something here needs a dispatcher's eye: Airbly asks for attention or says
    /// maintenance is due, a critical or high work order is open, or an item is overdue.
    pub attention: bool,
}

/// Airbly's view of an asset (`assetList`).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AirblyStatus {
    pub account: String,
    /// `stopped`, `inflight`, `sos`, `disabled`.
    pub operational_status: Option<String>,
    /// `none` or `required`.
    pub attention_status: Option<String>,
    /// `current`, `due`, `overdue` (or `none`).
    pub maintenance_status: Option<String>,
    /// Total usage when Airbly answered.
    pub usage: Usage,
}

/// Total usage, in hours where Airbly counts seconds.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Usage {
    pub engine_hours: Option<f64>,
    pub air_hours: Option<f64>,
    pub tach_hours: Option<f64>,
    pub landings: Option<f64>,
    pub cycles: Option<f64>,
}

/// An open work order.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct WorkOrder {
    pub account: String,
    pub source_id: String,
    /// The provider's reference (`WO-00002`).
    pub number: Option<String>,
    pub title: Option<String>,
    /// `open`, `in_progress`, `awaiting_parts`.
    pub status: Option<String>,
    /// `critical`, `high`, `normal`, `low`.
    pub priority: Option<String>,
    pub opened_at: Option<DateTime<Utc>>,
}

/// A compliance item that needs doing soon.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ComplianceDue {
    pub account: String,
    pub source_id: String,
    pub title: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// Days from the board's local day to `due_on` (negative: overdue).
    #[ts(type = "number | null")]
    pub days_left: Option<i64>,
    pub overdue: bool,
}

/// The order work orders are worked in.
fn priority_rank(p: Option<&str>) -> u8 {
    match p {
        Some("critical") => 0,
        Some("high") => 1,
        Some("normal") => 2,
        Some("low") => 3,
        _ => 4,
    }
}

pub(crate) async fn fleet(
    store: &Store,
    accounts: &Accounts,
    entities: &[EntityView],
    today: NaiveDate,
) -> Result<Fleet> {
    let mut craft: Vec<&EntityView> = entities
        .iter()
        .filter(|e| matches!(e.kind, EntityKind::Aircraft | EntityKind::Simulator))
        .collect();
    craft.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
    let index = EntityIndex::new(entities);
    let mut rows: Vec<AircraftRow> = craft
        .iter()
        .map(|e| AircraftRow {
            id: e.id.clone(),
            kind: e.kind,
            name: e.name.clone(),
            sources: e.sources.iter().map(|s| s.key.clone()).collect(),
            airbly: None,
            work_orders: Vec::new(),
            compliance: Vec::new(),
            attention: false,
        })
        .collect();
    let row_of = |provider: Provider, account: &str, id: &str| {
        let e = index.holding(provider, account, id)?;
        craft.iter().position(|c| c.id == e.id)
    };

    for (provider, account, id, raw) in airbly_assets(store, accounts).await? {
        if let Some(i) = row_of(provider, &account, &id) {
            rows[i].airbly = Some(airbly_status(account, &raw));
        }
    }
    for (provider, account, aircraft_id, wo) in open_work_orders(store, accounts).await? {
        if let Some(i) = row_of(provider, &account, &aircraft_id) {
            rows[i].work_orders.push(wo);
        }
    }
    let horizon = today + Duration::days(COMPLIANCE_HORIZON_DAYS);
    for (provider, account, aircraft_id, item) in due_items(store, accounts, today, horizon).await?
    {
        if let Some(i) = row_of(provider, &account, &aircraft_id) {
            rows[i].compliance.push(item);
        }
    }
    for r in &mut rows {
        r.work_orders.sort_by(|a, b| {
            (priority_rank(a.priority.as_deref()), a.opened_at)
                .cmp(&(priority_rank(b.priority.as_deref()), b.opened_at))
        });
        r.compliance.sort_by_key(|c| c.due_on);
        r.attention = r.airbly.as_ref().is_some_and(|a| {
            a.attention_status.as_deref() == Some("required")
                || matches!(a.maintenance_status.as_deref(), Some("due" | "overdue"))
        }) || r
            .work_orders
            .iter()
            .any(|w| priority_rank(w.priority.as_deref()) <= 1)
            || r.compliance.iter().any(|c| c.overdue);
    }
    let synced = rows::synced(store, &["aircraft", "work_orders", "compliance_items"]).await?;
    Ok(Fleet {
        aircraft: rows,
        as_of: rows::as_of(&synced),
        synced,
    })
}

async fn airbly_assets(
    store: &Store,
    accounts: &Accounts,
) -> Result<Vec<(Provider, String, String, Value)>> {
    let rows = sqlx::query("SELECT account_id, source_id, raw FROM aircraft WHERE removed = 0")
        .fetch_all(store.pool())
        .await
        .context("reading the Airbly assets")?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let (provider, account) = accounts.get(row.get("account_id"))?;
            (provider == Provider::Airbly).then(|| {
                (
                    provider,
                    account.to_string(),
                    row.get("source_id"),
                    rows::raw(row.get("raw")),
                )
            })
        })
        .collect())
}

fn airbly_status(account: String, raw: &Value) -> AirblyStatus {
    let hours =
        |key: &str| rows::raw_f64(raw.pointer(&format!("/usage/{key}"))).map(|s| s / 3600.0);
    AirblyStatus {
        account,
        operational_status: rows::raw_str(raw.get("operational_status")),
        attention_status: rows::raw_str(raw.get("attention_status")),
        maintenance_status: rows::raw_str(raw.get("maintenance_status")),
        usage: Usage {
            engine_hours: hours("engine_seconds"),
            air_hours: hours("air_seconds"),
            tach_hours: hours("tach_seconds"),
            landings: rows::raw_f64(raw.pointer("/usage/landings")),
            cycles: rows::raw_f64(raw.pointer("/usage/cycles")),
        },
    }
}

async fn open_work_orders(
    store: &Store,
    accounts: &Accounts,
) -> Result<Vec<(Provider, String, String, WorkOrder)>> {
    let rows = sqlx::query(
        "SELECT account_id, source_id, title, status, priority, aircraft_id, opened_at, raw
         FROM work_orders
         WHERE removed = 0 AND aircraft_id IS NOT NULL AND closed_at IS NULL
           AND coalesce(status, '') NOT IN ('completed', 'cancelled')",
    )
    .fetch_all(store.pool())
    .await
    .context("reading the open work orders")?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let (provider, account) = accounts.get(row.get("account_id"))?;
            let raw = rows::raw(row.get("raw"));
            Some((
                provider,
                account.to_string(),
                row.get("aircraft_id"),
                WorkOrder {
                    account: account.to_string(),
                    source_id: row.get("source_id"),
                    number: rows::raw_str(raw.get("number")),
                    title: row.get("title"),
                    status: row.get("status"),
                    priority: row.get("priority"),
                    opened_at: rows::instant(row.get("opened_at")),
                },
            ))
        })
        .collect())
}

async fn due_items(
    store: &Store,
    accounts: &Accounts,
    today: NaiveDate,
    horizon: NaiveDate,
) -> Result<Vec<(Provider, String, String, ComplianceDue)>> {
    // A waived item is not due, whatever its date.
    let rows = sqlx::query(
        "SELECT account_id, source_id, title, category, status, due_on, aircraft_id
         FROM compliance_items
         WHERE removed = 0 AND aircraft_id IS NOT NULL AND coalesce(status, '') <> 'waived'
           AND (status = 'overdue' OR due_on <= ?1)",
    )
    .bind(horizon.to_string())
    .fetch_all(store.pool())
    .await
    .context("reading the compliance items due")?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let (provider, account) = accounts.get(row.get("account_id"))?;
            let status: Option<String> = row.get("status");
            let due_on = rows::date(row.get("due_on"));
            let days_left = due_on.map(|d| (d - today).num_days());
            Some((
                provider,
                account.to_string(),
                row.get("aircraft_id"),
                ComplianceDue {
                    account: account.to_string(),
                    source_id: row.get("source_id"),
                    title: row.get("title"),
                    category: row.get("category"),
                    overdue: status.as_deref() == Some("overdue")
                        || days_left.is_some_and(|d| d < 0),
                    status,
                    due_on,
                    days_left,
                },
            ))
        })
        .collect())
}
