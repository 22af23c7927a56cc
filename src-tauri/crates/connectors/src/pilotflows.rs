//! PilotFlows API v1 as the sandbox documents it: organisation-scoped resources under
//! `/organizations/{org}/…`, JSON:API-style `{data: [{id, type, attributes}], meta, links}`
//! pages with `page[number]` (1-based) and `page[size]` (≤ 100), `links.next` null on the
//! last page, `filter[updated_since]` for changes, and hourly `X-RateLimit-*` windows
//! (paced by [`crate::http::Http`]).
//!
//! Members, aircraft, invoices and calendar events are incremental: after the first pass
//! each sync asks only for what changed since the previous pass began (the server's clock
//! at its first page, less [`WATERMARK_MARGIN`]), one request when nothing did. Not the
//! newest `updated_at` seen: a record read early in a pass and edited before a later page
//! was read would carry an older stamp than that page's rows and never be asked for again.
//!
//! Offset pages shift when a row is deleted or added between two of them, which can skip
//! a live row; a flight-log listing that then completed would mark it removed. Each page's
//! `meta.total` is compared with the first page's: a moving total starts the pass over (at
//! most [`MAX_RESTARTS`] times; then it goes on, and a flight-log listing whose total
//! moved removes nothing). Flight logs can be deleted and the API reports no tombstones, so a
//! deletion only shows as absence from a full listing: they are listed whole once every
//! [`SWEEP_HOURS`] (the account option `flight_log_sweep_hours` changes it; 0 lists them
//! whole every sync) and asked only for changes in between. A school of 15 laptops then
//! fits PilotFlows' 1,000 requests an hour; new and edited logs still arrive at once, and
//! a deleted one leaves the cache within a day (or at once with `sync --full`).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flightdesk_core::records::{Aircraft, Booking, FlightLog, Invoice, Person};
use flightdesk_core::{Kind, Provider, Record, RecordData, SkippedRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::OnceCell;

use crate::wire::{self, date, id, instant, integer, number, status, string};
use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Next, Page, Position,
    Resource, Result, SyncMode, SyncPolicy, Verified,
};

/// The documented production base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.pilotflows.com/v1";

/// Rows per request: the sandbox's maximum.
const PAGE_SIZE: u32 = 100;

/// The PilotFlows connector of one account.
pub struct PilotFlows {
    pub(crate) account: AccountConfig,
    pub(crate) http: Arc<Http>,
    organization: OnceCell<String>,
}

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Pos {
    /// Next page number (1-based).
    page: u32,
    /// The filter of this pass: when the last completed pass began, by the server's clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<String>,
    /// When this pass began (server clock, less the margin): the next pass's filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started: Option<String>,
    /// `meta.total` at this pass's first page, to notice the listing move.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    listed: Option<u64>,
    /// Restarts of this pass because its listing moved.
    #[serde(default)]
    restarts: u32,
    /// The listing moved and the pass went on anyway: it removes nothing.
    #[serde(default)]
    moved: bool,
    /// Flight logs: when the last full listing completed (this laptop's clock: it only
    /// schedules the next one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    listed_whole_at: Option<DateTime<Utc>>,
    /// Flight logs: this pass lists the resource whole.
    #[serde(default)]
    whole: bool,
}

/// Hours between two full listings of the flight logs (see the module docs).
pub const SWEEP_HOURS: i64 = 24;

/// Taken off the server's clock at a pass's first page to make the next pass's filter:
/// `Date` has whole seconds, and a write may commit just after the listing's query read.
/// The filter is inclusive, so the overlap is read twice, never missed.
pub const WATERMARK_MARGIN: chrono::Duration = chrono::Duration::minutes(1);

/// Without a `Date` header the laptop's clock stands in, with room for its skew.
const LOCAL_CLOCK_MARGIN: chrono::Duration = chrono::Duration::minutes(15);

/// Restarts of a pass whose listing keeps moving before it goes on regardless.
const MAX_RESTARTS: u32 = 3;

impl PilotFlows {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        let organization = OnceCell::new();
        if let Some(org) = account
            .option("organization")
            .or_else(|| account.option("organisation"))
        {
            let _ = organization.set(org);
        }
        Self {
            account,
            http,
            organization,
        }
    }

    /// One GET; the body, and the server's clock when it answered.
    pub(crate) async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Value, Option<DateTime<Utc>>)> {
        let url = format!("{}/{path}", self.account.base());
        let token = self.account.credential.expose().to_string();
        let answer = self
            .http
            .send_json(&format!("listing pilotflows {path}"), |c| {
                c.get(&url).query(query).bearer_auth(&token)
            })
            .await?;
        if let Some(err) = answer.body.get("error").filter(|e| !e.is_null()) {
            let code = string(err, &["code"]);
            let message = string(err, &["message"]).unwrap_or_else(|| err.to_string());
            return Err(match code.as_deref() {
                Some("unauthorized" | "invalid_api_key" | "token_expired") => {
                    ConnectorError::Unauthorized { message }
                }
                Some("forbidden") => ConnectorError::Forbidden { message },
                _ => ConnectorError::Api {
                    code,
                    message,
                    retryable: false,
                },
            });
        }
        let at = answer.server_time();
        Ok((answer.body, at))
    }

    /// Whether the flight-log pass starting at `pos` lists them whole: the first pass, and
    /// then once every [`SWEEP_HOURS`] (or the account's `flight_log_sweep_hours`).
    fn sweep_due(&self, pos: &Pos) -> bool {
        let hours = self
            .account
            .option("flight_log_sweep_hours")
            .and_then(|h| h.parse::<i64>().ok())
            .unwrap_or(SWEEP_HOURS);
        match (&pos.since, pos.listed_whole_at) {
            (Some(_), Some(at)) => Utc::now() - at >= chrono::Duration::hours(hours),
            _ => true,
        }
    }

    /// The organisation: the account's option, else the only one the key sees.
    pub(crate) async fn organization(&self) -> Result<&str> {
        self.organization
            .get_or_try_init(|| async {
                let (body, _) = self.get("organizations", &[]).await?;
                let orgs = wire::list(body.get("data"));
                match orgs.as_slice() {
                    [one] => id(one, &["id"])
                        .ok_or_else(|| ConnectorError::malformed("listing organizations", "no id")),
                    [] => Err(ConnectorError::Config(
                        "the key sees no organisation".into(),
                    )),
                    many => Err(ConnectorError::Config(format!(
                        "the key sees {} organisations; choose one with --set organization=ID ({})",
                        many.len(),
                        many.iter()
                            .filter_map(|o| id(o, &["id"]))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))),
                }
            })
            .await
            .map(String::as_str)
    }
}

#[async_trait::async_trait]
impl Connector for PilotFlows {
    fn provider(&self) -> Provider {
        Provider::PilotFlows
    }

    fn resources(&self) -> Vec<Resource> {
        let r = |name, kinds, mode| Resource {
            name,
            kinds,
            mode,
            policy: SyncPolicy::default(),
        };
        vec![
            r("members", &[Kind::People], SyncMode::Incremental),
            r("aircraft", &[Kind::Aircraft], SyncMode::Incremental),
            r(
                "flight_logs",
                &[Kind::FlightLogs],
                SyncMode::Snapshot { keep_past: false },
            ),
            r("invoices", &[Kind::Invoices], SyncMode::Incremental),
            r("calendar_events", &[Kind::Bookings], SyncMode::Incremental),
        ]
    }

    fn requests_sent(&self) -> u64 {
        self.http.requests_sent()
    }

    async fn verify(&self) -> Result<Verified> {
        let (body, _) = self.get("organizations", &[]).await?;
        let orgs = wire::list(body.get("data"));
        let mut discovered = serde_json::Map::new();
        let summary = match orgs.as_slice() {
            [one] => {
                let org = id(one, &["id"]).unwrap_or_default();
                let name = one
                    .get("attributes")
                    .and_then(|a| string(a, &["name"]))
                    .unwrap_or_default();
                if self.account.option("organization").is_none() {
                    discovered.insert("organization".into(), Value::String(org.clone()));
                }
                format!("organisation {name} ({org})")
            }
            many => format!("{} organisations visible", many.len()),
        };
        Ok(Verified {
            summary,
            discovered,
        })
    }

    async fn fetch_page(&self, resource: &str, position: &Position) -> Result<Page> {
        let map = mapper(resource).ok_or_else(|| unknown_resource(self.provider(), resource))?;
        let snapshot = resource == "flight_logs";
        let org = self.organization().await?.to_string();
        let mut pos: Pos = position.decode().unwrap_or_default();
        if pos.page <= 1 && snapshot {
            pos.whole = self.sweep_due(&pos);
        }
        pos.page = pos.page.max(1);
        let mut query = vec![
            ("page[number]", pos.page.to_string()),
            ("page[size]", PAGE_SIZE.to_string()),
        ];
        if let (Some(since), false) = (&pos.since, snapshot && pos.whole) {
            query.push(("filter[updated_since]", since.clone()));
        }
        let (mut body, server_time) = self
            .get(&format!("organizations/{org}/{resource}"), &query)
            .await?;
        let total = body
            .get("meta")
            .and_then(|m| m.get("total"))
            .and_then(Value::as_u64);
        if pos.page == 1 {
            let clock = match server_time {
                Some(at) => at - WATERMARK_MARGIN,
                None => Utc::now() - LOCAL_CLOCK_MARGIN,
            };
            pos.started = Some(flightdesk_core::instant::encode(&clock));
            pos.listed = total;
        } else if let Some(next) = moved(&mut pos, total) {
            return Ok(Page::new(Vec::new(), next).at(server_time));
        }
        let rows = body
            .get_mut("data")
            .map(Value::take)
            .map(wire::into_list)
            .unwrap_or_default();
        let (records, skipped) = decode_rows(resource, map, rows);
        let next_link = body
            .get("links")
            .and_then(|l| l.get("next"))
            .is_some_and(|n| !n.is_null() && n.as_str() != Some(""));
        let next = if next_link && !(records.is_empty() && skipped.is_empty()) {
            Next::More(Position::of(&Pos {
                page: pos.page + 1,
                ..pos
            }))
        } else {
            // A listing that moved under the pass cannot judge what is gone.
            let complete_listing = pos.whole && !pos.moved;
            let listed_whole_at = if complete_listing {
                Some(Utc::now())
            } else {
                pos.listed_whole_at
            };
            let following = Position::of(&Pos {
                page: 1,
                since: pos.started.clone().or(pos.since),
                listed_whole_at,
                ..Pos::default()
            });
            if snapshot && !complete_listing {
                Next::DoneChangesOnly(following)
            } else {
                Next::Done(following)
            }
        };
        Ok(Page {
            records,
            skipped,
            next,
            server_time,
        })
    }
}

/// The mapping of a resource's `attributes`.
type Mapper = fn(&str, &Value) -> RecordData;

fn mapper(resource: &str) -> Option<Mapper> {
    Some(match resource {
        "members" => map_member,
        "aircraft" => map_aircraft,
        "flight_logs" => map_flight_log,
        "invoices" => map_invoice,
        "calendar_events" => map_event,
        _ => return None,
    })
}

/// The rows of one page: records (a `deleted_at` or `deleted: true` row is a removal),
/// and the rows without an id, set aside.
fn decode_rows(resource: &str, map: Mapper, rows: Vec<Value>) -> (Vec<Record>, Vec<SkippedRow>) {
    let mut records = Vec::with_capacity(rows.len());
    let mut skipped = Vec::new();
    for row in rows {
        let Some(source_id) = id(&row, &["id"]) else {
            tracing::warn!(resource, "pilotflows row without an id skipped");
            skipped.push(SkippedRow::new(
                row,
                format!("{resource} row without an `id`"),
            ));
            continue;
        };
        let empty = Value::Object(Default::default());
        let attributes = row.get("attributes").unwrap_or(&empty);
        let removed = attributes.get("deleted_at").is_some_and(|d| !d.is_null())
            || attributes.get("deleted").and_then(Value::as_bool) == Some(true);
        let record = Record::new(source_id.clone(), map(&source_id, attributes), row);
        records.push(if removed { record.removed() } else { record });
    }
    (records, skipped)
}

/// Every decoder on `data` (JSON or not), for the fuzz crate: it must never panic.
#[cfg(feature = "fuzzing")]
pub fn fuzz_decode(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for resource in [
        "members",
        "aircraft",
        "flight_logs",
        "invoices",
        "calendar_events",
    ] {
        let map = mapper(resource).expect("a known resource");
        let _ = decode_rows(resource, map, wire::list(v.get("data")));
    }
    let total = v
        .get("meta")
        .and_then(|m| m.get("total"))
        .and_then(Value::as_u64);
    let _ = moved(&mut Pos::default(), total);
}

/// On a later page: whether the listing's total moved since the first page (rows shifted,
/// one may have been skipped). The pass starts over, or after [`MAX_RESTARTS`] goes on
/// and removes nothing.
fn moved(pos: &mut Pos, total: Option<u64>) -> Option<Next> {
    if total.is_none() || total == pos.listed {
        return None;
    }
    tracing::info!(page = pos.page, before = ?pos.listed, now = ?total, "pilotflows listing moved between pages");
    if pos.restarts < MAX_RESTARTS {
        return Some(Next::Restart(Position::of(&Pos {
            page: 1,
            since: pos.since.clone(),
            listed_whole_at: pos.listed_whole_at,
            restarts: pos.restarts + 1,
            ..Pos::default()
        })));
    }
    pos.moved = true;
    pos.listed = total;
    None
}

fn name_of(a: &Value) -> Option<String> {
    string(a, &["name", "full_name"]).or_else(|| {
        let parts: Vec<String> = [&["first_name"][..], &["last_name"]]
            .iter()
            .filter_map(|n| string(a, n))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

fn map_member(_: &str, a: &Value) -> RecordData {
    Person {
        name: name_of(a),
        email: string(a, &["email"]),
        role: status(a, &["role"]),
        status: status(a, &["status"]),
        location_id: id(a, &["home_base", "base"]),
    }
    .into()
}

fn map_aircraft(_: &str, a: &Value) -> RecordData {
    let make_model = [string(a, &["make"]), string(a, &["model"])]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    Aircraft {
        registration: string(a, &["registration", "tail_number"]),
        name: (!make_model.is_empty()).then_some(make_model),
        model: string(a, &["model"]),
        category: status(a, &["category"]),
        status: status(a, &["status"]),
        location_id: string(a, &["home_base"]),
    }
    .into()
}

fn map_flight_log(_: &str, a: &Value) -> RecordData {
    let departure = string(a, &["departure", "from"]);
    let arrival = string(a, &["arrival", "to"]);
    let route = string(a, &["route"]).or_else(|| match (&departure, &arrival) {
        (Some(d), Some(r)) => Some(format!("{d}-{r}")),
        _ => None,
    });
    FlightLog {
        date: date(a, &["date"]),
        starts_at: instant(a, &["off_block", "departure_time", "started_at"]),
        ends_at: instant(a, &["on_block", "arrival_time", "ended_at"]),
        pilot_id: id(a, &["pilot_id"]),
        pilot_name: string(a, &["pilot_name"]),
        instructor_id: None,
        instructor_name: None,
        aircraft_id: id(a, &["aircraft_id"]),
        aircraft_registration: string(a, &["aircraft", "aircraft_registration"]),
        departure,
        arrival,
        route,
        duration_hours: number(a, &["duration", "total_time"]),
        landings: integer(a, &["landings"]),
        usage: number(a, &["hobbs", "tach"]),
        remarks: string(a, &["remarks"]),
        status: status(a, &["flight_type"]),
    }
    .into()
}

fn map_invoice(_: &str, a: &Value) -> RecordData {
    Invoice {
        number: string(a, &["number"]),
        person_id: id(a, &["member_id"]),
        status: status(a, &["status"]),
        amount: number(a, &["total", "amount"]),
        currency: string(a, &["currency"]),
        issued_on: date(a, &["issued_on", "issued_at"]),
        due_on: date(a, &["due_on", "due_at"]),
        paid_at: instant(a, &["paid_at"]),
    }
    .into()
}

fn map_event(_: &str, a: &Value) -> RecordData {
    let category = status(a, &["category"]);
    let st = status(a, &["status"]);
    Booking {
        starts_at: instant(a, &["starts_at", "start"]),
        ends_at: instant(a, &["ends_at", "end"]),
        resource_kind: category.clone().map(|c| match c.as_str() {
            "flight" | "maintenance" => "aircraft".to_string(),
            "ground_school" => "room".to_string(),
            "unavailable" => "none".to_string(),
            other => other.to_string(),
        }),
        resource_id: id(a, &["aircraft_id", "resource_id"]),
        // `resource` names the aircraft, simulator or room; the title ("N44API: Ann Lee")
        // stays in the raw row for the item's details.
        resource_name: string(a, &["resource", "aircraft"]),
        instructor_id: id(a, &["instructor_id"]),
        instructor_name: string(a, &["instructor_name"]),
        person_id: id(a, &["member_id", "student_id"]),
        person_name: string(a, &["member_name", "student_name"]),
        unavailability: category.as_deref() == Some("unavailable"),
        cancelled: st.as_deref() == Some("cancelled"),
        status: st,
        cancelled_at: instant(a, &["cancelled_at"]),
        booked_at: instant(a, &["created_at"]),
        location_id: None,
        notes: string(a, &["notes", "description"]),
    }
    .into()
}
