//! AviationAlley REST API v1: keyset cursors (`cursor` = the previous `nextCursor`,
//! `limit` 1–200), scoped keys (a missing scope is a 403 for that resource only),
//! `{data, pagination: {limit, nextCursor}}` envelopes, camelCase fields, RFC 3339 times.
//!
//! The API has no change filter, so every resource is a snapshot: each pass lists it
//! whole and the engine marks what vanished as removed. The crew endpoint is one
//! unpaged snapshot of duty status.

use std::sync::Arc;

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
}

#[derive(Debug, Serialize, Deserialize)]
struct Cursor {
    cursor: String,
}

impl AviationAlley {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }

    async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value> {
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
        Ok(answer.body)
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
        let r = |name, kinds| Resource {
            name,
            kinds,
            mode: SNAPSHOT,
            policy: SyncPolicy::default(),
        };
        vec![
            r("trainees", &[Kind::People]),
            r("bookings", &[Kind::Bookings]),
            r("work-orders", &[Kind::WorkOrders]),
            r("invoices", &[Kind::Invoices]),
            r("compliance-items", &[Kind::ComplianceItems]),
            r("flight-log", &[Kind::FlightLogs]),
            r("crew", &[Kind::CrewDuty]),
        ]
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
            Ok(body) => {
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
        if !RESOURCES.contains(&resource) {
            return Err(unknown_resource(self.provider(), resource));
        }
        let mut query = vec![];
        if resource != "crew" {
            query.push(("limit", LIMIT.to_string()));
            if let Some(c) = position.decode::<Cursor>() {
                query.push(("cursor", c.cursor));
            }
        }
        let mut body = self.get(resource, &query).await?;
        let Decoded { records, skipped } = records_of(resource, &mut body)?;
        let next = body
            .get("pagination")
            .and_then(|p| string(p, &["nextCursor", "next_cursor"]));
        let next = match next {
            Some(cursor) if resource != "crew" => Next::More(Position::of(&Cursor { cursor })),
            _ => Next::Done(Position::start()),
        };
        Ok(Page {
            skipped,
            ..Page::new(records, next)
        })
    }
}

const RESOURCES: [&str; 7] = [
    "trainees",
    "bookings",
    "work-orders",
    "invoices",
    "compliance-items",
    "flight-log",
    "crew",
];

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
