//! AviationAlley REST API v1: keyset cursors (`cursor` = the previous `nextCursor`,
//! `limit` 1–200), scoped keys (a missing scope is a 403 for that resource only),
//! `{data, pagination: {limit, nextCursor}}` envelopes, camelCase fields, RFC 3339 times.
//!
//! The API has no change filter, so every resource is a snapshot: a full listing (a
//! sweep) lists it whole and the engine marks what vanished as removed. The crew endpoint
//! is one unpaged snapshot of duty status.
//!
//! A big centre's full listings cost hundreds of requests (770 for the `large` sandbox's
//! flight log), so each resource has a [`SyncPolicy`] (see `PLANS`): the small ones are
//! read whole at every scheduled sync or every few hours; bookings, invoices and the
//! flight log are read as a recent window (`from`/`to`) often, which removes nothing, and
//! swept whole daily or weekly, which is when a deletion leaves the cache. Windows and
//! sweeps are judged by the provider's clock (its `Date` header), not the laptop's.

use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};

use flightdesk_core::records::{
    Booking, ComplianceItem, CrewDuty, FlightLog, Invoice, Person, WorkOrder,
};
use flightdesk_core::{Kind, Provider, Record, RecordData, SkippedRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::{self, boolean, date, id, instant, integer, number, status, string};
use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Next, Page, Position,
    Resource, Result, SyncMode, SyncPolicy, Verified,
};

/// The documented production base URL.
pub const DEFAULT_BASE_URL: &str = "https://aviationalley.com/api/v1";

/// Rows per request: the documented maximum.
const LIMIT: u32 = 200;

const SNAPSHOT: SyncMode = SyncMode::Snapshot { keep_past: false };

/// The AviationAlley connector of one account.
pub struct AviationAlley {
    account: AccountConfig,
    http: Arc<Http>,
    /// The provider's clock minus the laptop's at this instance's last answer (seconds).
    clock_offset: std::sync::Mutex<Option<i64>>,
}

/// Where a resource's pass stands.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
struct Pos {
    /// The next page's cursor; none at a pass's first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cursor: Option<String>,
    /// This pass lists the resource whole (it may remove what it did not see).
    #[serde(default)]
    sweep: bool,
    /// The window filters of this pass, fixed at its first page so every page agrees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    filters: Vec<(String, String)>,
    /// When this pass began (unix seconds, provider's clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    started_at: Option<i64>,
    /// When the last completed sweep began (provider's clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    swept_at: Option<i64>,
    /// The provider's clock minus the laptop's at the last answer, in seconds: the next
    /// pass estimates the provider's now before it has an answer.
    #[serde(default)]
    clock_offset: i64,
}

/// What a pass between two sweeps reads of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Window {
    /// Listed whole at every pass.
    Whole,
    /// `from`/`to` date-times: `back` seconds before now to `ahead` after it.
    Around { back: i64, ahead: Option<i64> },
    /// `from` a date (`YYYY-MM-DD`) this many days before today.
    DaysBack(i64),
}

impl Window {
    fn filters(self, now: DateTime<Utc>) -> Vec<(String, String)> {
        let at = |secs: i64| {
            let t = now
                .checked_add_signed(TimeDelta::seconds(secs))
                .unwrap_or(now);
            t.to_rfc3339_opts(SecondsFormat::Secs, true)
        };
        match self {
            Window::Whole => Vec::new(),
            Window::Around { back, ahead } => std::iter::once(("from".to_string(), at(-back)))
                .chain(ahead.map(|a| ("to".to_string(), at(a))))
                .collect(),
            Window::DaysBack(days) => {
                let day = now.date_naive() - TimeDelta::days(days);
                vec![("from".into(), day.format("%Y-%m-%d").to_string())]
            }
        }
    }
}

/// One resource's kinds, policy and window.
struct Plan {
    name: &'static str,
    kinds: &'static [Kind],
    policy: SyncPolicy,
    window: Window,
}

const MINUTE: u64 = 60;
const HOUR: u64 = 60 * MINUTE;
const DAY: u64 = 24 * HOUR;

const fn policy(every: u64, sweep_every: Option<u64>, budget_per_hour: u32) -> SyncPolicy {
    SyncPolicy {
        every: std::time::Duration::from_secs(every),
        sweep_every: match sweep_every {
            Some(s) => Some(std::time::Duration::from_secs(s)),
            None => None,
        },
        budget_per_hour,
    }
}

/// Every resource in sync order. Budgets are requests per hour per laptop on the `large`
/// sandbox centre (docs/connectors.md has the measured figures); together they stay under
/// 60. Dispatch needs crew, work orders and compliance fresh, and they are one request
/// each; they go first, so their answers tell the windowed reads the provider's clock.
const PLANS: [Plan; 7] = [
    Plan {
        name: "crew",
        kinds: &[Kind::CrewDuty],
        policy: policy(15 * MINUTE, None, 4),
        window: Window::Whole,
    },
    Plan {
        name: "work-orders",
        kinds: &[Kind::WorkOrders],
        policy: policy(15 * MINUTE, None, 4),
        window: Window::Whole,
    },
    Plan {
        name: "compliance-items",
        kinds: &[Kind::ComplianceItems],
        policy: policy(15 * MINUTE, None, 4),
        window: Window::Whole,
    },
    Plan {
        name: "trainees",
        kinds: &[Kind::People],
        policy: policy(6 * HOUR, None, 2),
        window: Window::Whole,
    },
    Plan {
        // The fortnight ahead (and yesterday's changes), every sync; the rest daily.
        name: "bookings",
        kinds: &[Kind::Bookings],
        policy: policy(15 * MINUTE, Some(DAY), 20),
        window: Window::Around {
            back: DAY as i64,
            ahead: Some(14 * DAY as i64),
        },
    },
    Plan {
        // Invoices issued in the last month, hourly; payments of older ones daily.
        name: "invoices",
        kinds: &[Kind::Invoices],
        policy: policy(HOUR, Some(DAY), 4),
        window: Window::Around {
            back: 31 * DAY as i64,
            ahead: None,
        },
    },
    Plan {
        // The last week's entries, hourly; the whole log (770 requests on `large`) weekly.
        name: "flight-log",
        kinds: &[Kind::FlightLogs],
        policy: policy(HOUR, Some(7 * DAY), 10),
        window: Window::DaysBack(7),
    },
];

fn plan(resource: &str) -> Result<&'static Plan> {
    PLANS
        .iter()
        .find(|p| p.name == resource)
        .ok_or_else(|| unknown_resource(Provider::AviationAlley, resource))
}

impl AviationAlley {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self {
            account,
            http,
            clock_offset: std::sync::Mutex::new(None),
        }
    }

    /// The provider's clock now: from this sync's answers, else one small request (its
    /// answer is only read for its `Date`), else the offset the last pass saw. A stale
    /// estimate would misplace a window and a sweep, so a fresh answer is worth a request.
    async fn provider_now(&self, last_offset: i64) -> DateTime<Utc> {
        let fresh = || *self.clock_offset.lock().expect("clock lock");
        if fresh().is_none() {
            let _ = self.get("trainees", &[("limit", "1".into())]).await;
        }
        Utc::now() + TimeDelta::seconds(fresh().unwrap_or(last_offset))
    }

    /// The crew duty snapshot at `at`, which the endpoint also answers for the future (a
    /// forecast of who will be on duty). Read live for the board's forecast and never
    /// written to the cache: the cached crew stays the provider's present.
    pub async fn crew_at(&self, at: DateTime<Utc>) -> Result<Vec<Record>> {
        let at = at.to_rfc3339_opts(SecondsFormat::Secs, true);
        let (mut body, _) = self.get("crew", &[("at", at)]).await?;
        Ok(records_of("crew", &mut body)?.records)
    }

    /// One GET; the body, and the provider's clock when it answered.
    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<(Value, Option<DateTime<Utc>>)> {
        let url = format!("{}/{path}", self.account.base());
        let token = self.account.credential.expose().to_string();
        let answer = self
            .http
            .send_json(&format!("listing aviationalley {path}"), |c| {
                c.get(&url).query(query).bearer_auth(&token)
            })
            .await?;
        if let Some(err) = answer.body.get("error").filter(|e| !e.is_null()) {
            return Err(body_error(err));
        }
        let at = answer.server_time();
        if let Some(at) = at {
            *self.clock_offset.lock().expect("clock lock") = Some((at - Utc::now()).num_seconds());
        }
        Ok((answer.body, at))
    }
}

fn body_error(err: &Value) -> ConnectorError {
    let code = string(err, &["code"]);
    let message = string(err, &["message"]).unwrap_or_else(|| err.to_string());
    match code.as_deref() {
        Some("unauthorized") => ConnectorError::Unauthorized { message },
        Some("insufficient_scope" | "forbidden") => ConnectorError::Forbidden { message },
        _ => ConnectorError::Api {
            code,
            message,
            retryable: false,
        },
    }
}

#[async_trait::async_trait]
impl Connector for AviationAlley {
    fn provider(&self) -> Provider {
        Provider::AviationAlley
    }

    fn resources(&self) -> Vec<Resource> {
        PLANS
            .iter()
            .map(|p| Resource {
                name: p.name,
                kinds: p.kinds,
                mode: SNAPSHOT,
                policy: p.policy,
            })
            .collect()
    }

    fn requests_sent(&self) -> u64 {
        self.http.requests_sent()
    }

    async fn verify(&self) -> Result<Verified> {
        let env = if self.account.credential.expose().starts_with("aa_test_") {
            "test"
        } else {
            "live"
        };
        match self.get("trainees", &[("limit", "1".into())]).await {
            Ok((body, _)) => {
                let centre = body
                    .get("data")
                    .and_then(|d| d.get(0))
                    .and_then(|t| string(t, &["centerId", "centreId", "center_id"]));
                Ok(Verified {
                    summary: format!(
                        "{env} key accepted{}",
                        centre.map(|c| format!(" (centre {c})")).unwrap_or_default()
                    ),
                    discovered: Default::default(),
                })
            }
            // A valid key without the trainees scope still authenticates.
            Err(ConnectorError::Forbidden { .. }) => Ok(Verified {
                summary: format!("{env} key accepted (trainees not in its scopes)"),
                discovered: Default::default(),
            }),
            Err(e) => Err(e),
        }
    }

    async fn fetch_page(&self, resource: &str, position: &Position) -> Result<Page> {
        let plan = plan(resource)?;
        let mut pos: Pos = position.decode().unwrap_or_default();
        let paged = resource != "crew";
        if pos.cursor.is_none() {
            let now = if plan.window == Window::Whole {
                Utc::now()
            } else {
                self.provider_now(pos.clock_offset).await
            };
            pos.sweep = plan.window == Window::Whole
                || plan.policy.sweep_due(pos.swept_at, now.timestamp());
            pos.started_at = Some(now.timestamp());
            pos.filters = if pos.sweep {
                Vec::new()
            } else {
                plan.window.filters(now)
            };
        }
        let mut query: Vec<(&str, String)> = pos
            .filters
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        if paged {
            query.push(("limit", LIMIT.to_string()));
            if let Some(c) = &pos.cursor {
                query.push(("cursor", c.clone()));
            }
        }
        let (mut body, server_time) = self.get(resource, &query).await?;
        if let Some(at) = server_time {
            pos.clock_offset = (at - Utc::now()).num_seconds();
            if pos.cursor.is_none() {
                pos.started_at = Some(at.timestamp());
            }
        }
        let Decoded { records, skipped } = records_of(resource, &mut body)?;
        let cursor = body
            .get("pagination")
            .and_then(|p| string(p, &["nextCursor", "next_cursor"]))
            .filter(|_| paged);
        let next = match cursor {
            Some(cursor) => Next::More(Position::of(&Pos {
                cursor: Some(cursor),
                ..pos
            })),
            None => {
                let following = Position::of(&Pos {
                    swept_at: if pos.sweep {
                        pos.started_at
                    } else {
                        pos.swept_at
                    },
                    clock_offset: pos.clock_offset,
                    ..Pos::default()
                });
                if pos.sweep {
                    Next::Done(following)
                } else {
                    Next::DoneChangesOnly(following)
                }
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

/// The rows of one list answer: records, and rows that could not become one.
#[derive(Debug, Default)]
pub struct Decoded {
    pub records: Vec<Record>,
    pub skipped: Vec<SkippedRow>,
}

/// Maps one decoded list answer of `resource` to records (public for the ingest benchmark).
/// The rows are moved out of `body` into the records; the rest of it stays. A row without
/// an id is set aside, not a failure of the page: one bad row must not stop the resource.
pub fn records_of(resource: &str, body: &mut Value) -> Result<Decoded> {
    let map: fn(&Value, &Value) -> Option<(String, RecordData)> = match resource {
        "trainees" => map_trainee,
        "bookings" => map_booking,
        "work-orders" => map_work_order,
        "invoices" => map_invoice,
        "compliance-items" => map_compliance,
        "flight-log" => map_flight_log,
        "crew" => map_crew,
        other => return Err(unknown_resource(Provider::AviationAlley, other)),
    };
    let data = body
        .get_mut("data")
        .map(Value::take)
        .ok_or_else(|| ConnectorError::malformed(format!("listing {resource}"), "no `data`"))?;
    let mut out = Decoded::default();
    for row in wire::into_list(data) {
        match map(&row, body) {
            Some((source_id, data)) => out.records.push(Record::new(source_id, data, row)),
            None => {
                tracing::warn!(resource, "aviationalley row without an id skipped");
                out.skipped.push(SkippedRow::new(
                    row,
                    format!("{resource} row without an `id`"),
                ));
            }
        }
    }
    Ok(out)
}

/// Every decoder on `data` (JSON or not), for the fuzz crate: it must never panic.
#[cfg(feature = "fuzzing")]
pub fn fuzz_decode(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    for plan in &PLANS {
        let _ = records_of(plan.name, &mut v.clone());
    }
    if let Some(err) = v.get("error") {
        let _ = body_error(err);
    }
}

fn full_name(v: &Value) -> Option<String> {
    string(v, &["name", "fullName"]).or_else(|| {
        let parts: Vec<String> = [&["firstName", "first_name"][..], &["lastName", "last_name"]]
            .iter()
            .filter_map(|n| string(v, n))
            .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    })
}

fn map_trainee(v: &Value, _: &Value) -> Option<(String, RecordData)> {
    Some((
        id(v, &["id"])?,
        Person {
            name: full_name(v),
            email: string(v, &["email"]),
            role: Some("student".into()),
            status: status(v, &["status"]),
            location_id: id(v, &["centerId", "centreId"]),
        }
        .into(),
    ))
}

fn map_booking(v: &Value, _: &Value) -> Option<(String, RecordData)> {
    let st = status(v, &["status"]);
    Some((
        id(v, &["id"])?,
        Booking {
            starts_at: instant(v, &["startsAt", "startAt", "start"]),
            ends_at: instant(v, &["endsAt", "endAt", "end"]),
            resource_kind: Some("simulator".into()),
            resource_id: id(v, &["simulatorId"]),
            resource_name: string(v, &["simulatorName"]),
            instructor_id: id(v, &["instructorId"]),
            instructor_name: string(v, &["instructorName"]),
            person_id: id(v, &["traineeId"]),
            person_name: string(v, &["traineeName"]),
            cancelled: st.as_deref() == Some("cancelled"),
            status: st,
            unavailability: false,
            cancelled_at: instant(v, &["cancelledAt"]),
            booked_at: instant(v, &["createdAt"]),
            location_id: id(v, &["centerId"]),
            notes: string(v, &["notes"]),
        }
        .into(),
    ))
}

fn map_work_order(v: &Value, _: &Value) -> Option<(String, RecordData)> {
    Some((
        id(v, &["id"])?,
        WorkOrder {
            title: string(v, &["title"]),
            status: status(v, &["status"]),
            priority: status(v, &["priority"]),
            aircraft_id: id(v, &["simulatorId"]),
            opened_at: instant(v, &["openedAt", "createdAt"]),
            closed_at: instant(v, &["closedAt"]),
        }
        .into(),
    ))
}

fn map_invoice(v: &Value, _: &Value) -> Option<(String, RecordData)> {
    Some((
        id(v, &["id"])?,
        Invoice {
            number: string(v, &["number"]),
            person_id: id(v, &["traineeId"]),
            status: status(v, &["status"]),
            amount: number(v, &["total", "amount"]),
            currency: string(v, &["currency"]),
            issued_on: date(v, &["issuedAt", "issuedOn"]),
            due_on: date(v, &["dueAt", "dueDate"]),
            paid_at: instant(v, &["paidAt"]),
        }
        .into(),
    ))
}

fn map_compliance(v: &Value, _: &Value) -> Option<(String, RecordData)> {
    let subject = string(v, &["subjectType"]).unwrap_or_default();
    let subject_id = id(v, &["subjectId"]);
    Some((
        id(v, &["id"])?,
        ComplianceItem {
            title: string(v, &["title"]),
            category: status(v, &["category"]),
            status: status(v, &["status"]),
            due_on: date(v, &["dueDate", "dueAt"]),
            aircraft_id: (subject == "SIMULATOR")
                .then(|| subject_id.clone())
                .flatten(),
            person_id: (subject == "USER").then_some(subject_id).flatten(),
        }
        .into(),
    ))
}

fn map_flight_log(v: &Value, _: &Value) -> Option<(String, RecordData)> {
    let departure = string(v, &["departure"]);
    let arrival = string(v, &["arrival"]);
    let route = match (&departure, &arrival) {
        (Some(d), Some(a)) => Some(format!("{d}-{a}")),
        _ => None,
    };
    Some((
        id(v, &["id"])?,
        FlightLog {
            date: date(v, &["date"]),
            starts_at: instant(v, &["blockOff", "takeoff"]),
            ends_at: instant(v, &["blockOn", "landing"]),
            pilot_id: id(v, &["userId"]),
            pilot_name: string(v, &["userName"]),
            instructor_id: None,
            instructor_name: None,
            aircraft_id: id(v, &["aircraftId"]),
            aircraft_registration: string(v, &["aircraftRegistration"]),
            departure,
            arrival,
            route,
            duration_hours: number(v, &["totalTime"]),
            landings: integer(v, &["landings"]),
            usage: None,
            remarks: string(v, &["remarks"]),
            status: status(v, &["role"]),
        }
        .into(),
    ))
}

fn map_crew(v: &Value, body: &Value) -> Option<(String, RecordData)> {
    let st = status(v, &["status"]);
    Some((
        id(v, &["userId", "id"])?,
        CrewDuty {
            person_id: id(v, &["userId", "id"]),
            person_name: full_name(v),
            role: status(v, &["role"]),
            on_duty: st
                .as_deref()
                .map(|s| s == "on_duty")
                .or(boolean(v, &["onDuty"])),
            status: st,
            duty_started_at: v.get("currentDuty").and_then(|d| instant(d, &["startsAt"])),
            duty_hours: number(v, &["dutyHoursToday"]),
            duty_hours_7d: number(v, &["dutyHoursLast7Days"]),
            snapshot_at: instant(body, &["at"]),
        }
        .into(),
    ))
}
