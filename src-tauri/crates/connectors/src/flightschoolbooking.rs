//! Flight School Booking read API: zero-based `page`, 50 rows, `{total, has_more,
//! change_id, rows}`. A pass reads from page 0; when page 0's `change_id` equals the one of
//! the last completed pass nothing changed and the pass ends after that one request; when
//! the `change_id` moves between pages the pass restarts from page 0.
//!
//! Rows come in the documented shape (snake_case, JSON numbers), the example's shape
//! (`startTime` strings, `member` names, `total` as a string), or a mix: every form is read.
//! The site serves future bookings only, so bookings that move into the past are kept.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flightdesk_core::records::{Booking, FlightLog, Invoice, Mission, Person};
use flightdesk_core::{Kind, Provider, Record, RecordData, SkippedRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::wire::{self, boolean, date, id, instant, integer, number, status, string};
use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Next, Page, Position,
    Resource, Result, SyncMode, SyncPolicy, Verified,
};

/// The five lists and their paths.
const LISTS: [(&str, &str, Kind); 5] = [
    ("bookings", "club/bookings", Kind::Bookings),
    ("booked-out", "club/booked-out", Kind::FlightLogs),
    ("training", "club/training", Kind::Missions),
    ("billing", "club/billing-transactions", Kind::Invoices),
    ("people", "club/people", Kind::People),
];

/// The Flight School Booking connector of one account (one school's site).
pub struct FlightSchoolBooking {
    account: AccountConfig,
    http: Arc<Http>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Pos {
    /// Next page to read in this pass.
    page: u32,
    /// `change_id` of the page-0 read of this pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reading: Option<String>,
    /// `change_id` of the last completed pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    complete: Option<String>,
}

impl FlightSchoolBooking {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }

    /// A list page and the site's clock when it answered.
    async fn get(
        &self,
        path: &str,
        query: Vec<(&'static str, String)>,
    ) -> Result<(Value, Option<DateTime<Utc>>)> {
        let url = format!("{}/{path}", self.account.base());
        let token = self.account.credential.expose().to_string();
        let answer = self
            .http
            .send_json(&format!("listing flightschoolbooking {path}"), |c| {
                c.get(&url).query(&query).bearer_auth(&token)
            })
            .await?;
        if let Some(err) = answer.body.get("error").filter(|e| !e.is_null()) {
            let code = string(err, &["code"]).or_else(|| err.as_str().map(str::to_string));
            let message = string(err, &["message"]).unwrap_or_else(|| err.to_string());
            return Err(match code.as_deref() {
                Some("unauthorized" | "invalid_token" | "token_expired") => {
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
}

#[async_trait::async_trait]
impl Connector for FlightSchoolBooking {
    fn provider(&self) -> Provider {
        Provider::FlightSchoolBooking
    }

    fn resources(&self) -> Vec<Resource> {
        LISTS
            .iter()
            .map(|(name, _, kind)| Resource {
                name,
                kinds: match kind {
                    Kind::Bookings => &[Kind::Bookings],
                    Kind::FlightLogs => &[Kind::FlightLogs],
                    Kind::Missions => &[Kind::Missions],
                    Kind::Invoices => &[Kind::Invoices],
                    _ => &[Kind::People],
                },
                mode: SyncMode::Snapshot {
                    // Bookings and booked-out aircraft are listed while current or future.
                    keep_past: matches!(kind, Kind::Bookings | Kind::FlightLogs),
                },
                policy: SyncPolicy::default(),
            })
            .collect()
    }

    fn requests_sent(&self) -> u64 {
        self.http.requests_sent()
    }

    async fn verify(&self) -> Result<Verified> {
        for (_, path, _) in LISTS {
            match self.get(path, vec![("page", "0".into())]).await {
                Ok((body, _)) => {
                    let total = integer(&body, &["total"]).unwrap_or_default();
                    return Ok(Verified {
                        summary: format!("token accepted ({path}: {total} rows)"),
                        discovered: Default::default(),
                    });
                }
                Err(ConnectorError::Forbidden { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(Verified {
            summary: "token accepted (no list is permitted)".into(),
            discovered: Default::default(),
        })
    }

    async fn fetch_page(&self, resource: &str, position: &Position) -> Result<Page> {
        let (_, path, kind) = LISTS
            .iter()
            .find(|(name, _, _)| *name == resource)
            .ok_or_else(|| unknown_resource(self.provider(), resource))?;
        let pos: Pos = position.decode().unwrap_or_default();
        let mut query = vec![("page", pos.page.to_string())];
        if *kind == Kind::Bookings {
            query.push(("include_cancellations", "1".into()));
            query.push(("include_unavailability", "1".into()));
        }
        let (mut body, at) = self.get(path, query).await?;
        let change_id = string(&body, &["change_id", "changeId"]);
        if pos.page == 0 && change_id.is_some() && change_id == pos.complete {
            return Ok(Page::new(vec![], Next::Unchanged).at(at));
        }
        let rows = ["rows", "data"]
            .iter()
            .find_map(|k| body.get_mut(*k).map(Value::take))
            .map(wire::into_list)
            .unwrap_or_default();
        let (records, skipped) = decode_rows(*kind, rows);
        if pos.page > 0 && change_id != pos.reading {
            // The list changed between pages: read it again from the start.
            let restart = Next::Restart(Position::of(&Pos {
                page: 0,
                reading: None,
                complete: pos.complete,
            }));
            return Ok(Page {
                skipped,
                ..Page::new(records, restart).at(at)
            });
        }
        let has_more =
            boolean(&body, &["has_more", "hasMore"]).unwrap_or(false) && !records.is_empty();
        let next = if has_more {
            Next::More(Position::of(&Pos {
                page: pos.page + 1,
                reading: change_id,
                complete: pos.complete,
            }))
        } else {
            Next::Done(Position::of(&Pos {
                page: 0,
                reading: None,
                complete: change_id,
            }))
        };
        Ok(Page {
            skipped,
            ..Page::new(records, next).at(at)
        })
    }
}

/// The rows of one page of `kind`: records, and the rows without an id or url, set aside
/// (one bad row must not stop the rest of the list at every sync).
fn decode_rows(kind: Kind, rows: Vec<Value>) -> (Vec<Record>, Vec<SkippedRow>) {
    let mut records = Vec::with_capacity(rows.len());
    let mut skipped = Vec::new();
    for row in rows {
        let Some(source_id) = id(&row, &["id", "booking_id"]).or_else(|| id_from_url(&row)) else {
            skipped.push(SkippedRow::new(row, "a row with neither `id` nor `url`"));
            continue;
        };
        let data = match kind {
            Kind::Bookings => map_booking(&row),
            Kind::FlightLogs => map_booked_out(&row),
            Kind::Missions => map_training(&row),
            Kind::Invoices => map_billing(&row),
            _ => map_person(&row),
        };
        records.push(Record::new(source_id, data, row));
    }
    (records, skipped)
}

/// Every decoder on `data` (JSON or not), for the fuzz crate: it must never panic.
#[cfg(feature = "fuzzing")]
pub fn fuzz_decode(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let rows = ["rows", "data"]
        .iter()
        .find_map(|k| v.get(*k).cloned())
        .map(wire::into_list)
        .unwrap_or_default();
    for kind in [
        Kind::Bookings,
        Kind::FlightLogs,
        Kind::Missions,
        Kind::Invoices,
        Kind::People,
    ] {
        let _ = decode_rows(kind, rows.clone());
    }
    let _ = (
        string(&v, &["change_id", "changeId"]),
        boolean(&v, &["has_more", "hasMore"]),
    );
}

/// The id at the end of a row's `url` (`https://acme…/club/bookings/5012`).
fn id_from_url(row: &Value) -> Option<String> {
    let url = string(row, &["url"])?;
    let last = url.trim_end_matches('/').rsplit('/').next()?;
    (!last.is_empty() && !last.contains(':')).then(|| last.to_string())
}

fn map_booking(v: &Value) -> RecordData {
    let cancelled = boolean(v, &["cancelled"]).unwrap_or(false);
    let aircraft_id = id(v, &["aircraft_id", "aircraftId"]);
    let aircraft = string(v, &["aircraft"]);
    let person_id = id(v, &["customer_id", "customerId", "member_id"]);
    let person_name = string(v, &["customer_name", "customerName", "member"]);
    let unavailability = person_id.is_none() && person_name.is_none();
    Booking {
        starts_at: instant(v, &["start_time", "startTime"]),
        ends_at: instant(v, &["stop_time", "stopTime"]),
        resource_kind: Some(if aircraft_id.is_some() || aircraft.is_some() {
            "aircraft".into()
        } else {
            "none".into()
        }),
        resource_id: aircraft_id,
        resource_name: aircraft,
        instructor_id: id(v, &["instructor_id", "instructorId"]),
        instructor_name: string(v, &["instructor_name", "instructorName", "instructor"]),
        person_id,
        person_name,
        status: Some(
            if cancelled {
                "cancelled"
            } else if unavailability {
                "unavailable"
            } else {
                "scheduled"
            }
            .into(),
        ),
        unavailability,
        cancelled,
        cancelled_at: instant(v, &["cancelled_at", "cancelledAt"]),
        booked_at: instant(v, &["booked_at", "bookedAt"]),
        location_id: None,
        notes: string(v, &["notes"]),
    }
    .into()
}

fn map_booked_out(v: &Value) -> RecordData {
    FlightLog {
        date: instant(v, &["start_time", "startTime", "p1_out"]).map(|t| t.date_naive()),
        starts_at: instant(v, &["p1_out", "start_time", "startTime"]),
        ends_at: instant(v, &["p1_in", "stop_time", "stopTime"]),
        pilot_id: id(v, &["customer_id", "pilot_id", "member_id"]),
        pilot_name: string(v, &["customer_name", "pilot_name", "member"]),
        instructor_id: id(v, &["instructor_id"]),
        instructor_name: string(v, &["instructor_name", "instructor"]),
        aircraft_id: id(v, &["aircraft_id"]),
        aircraft_registration: string(v, &["aircraft", "registration"]),
        departure: string(v, &["departure", "from"]),
        arrival: string(v, &["arrival", "to", "destination"]),
        route: string(v, &["route"]),
        duration_hours: number(v, &["duration", "hours"]),
        landings: integer(v, &["landings"]),
        usage: number(v, &["tacho", "hobbs"]),
        remarks: string(v, &["notes"]),
        status: Some(
            if v.get("p1_in").is_some_and(|x| !x.is_null()) {
                "in"
            } else {
                "out"
            }
            .into(),
        ),
    }
    .into()
}

fn map_training(v: &Value) -> RecordData {
    Mission {
        name: string(v, &["exercises", "lesson", "title"]),
        person_id: id(v, &["student_id", "customer_id"]),
        instructor_id: id(v, &["instructor_id"]),
        aircraft_id: id(v, &["aircraft_id"]),
        lesson_id: id(v, &["lesson_id"]),
        training_id: id(v, &["course_id", "syllabus_id"]),
        starts_at: instant(v, &["start_time", "startTime"]),
        ends_at: instant(v, &["stop_time", "stopTime"]),
        status: status(v, &["status"]).or_else(|| {
            boolean(v, &["complete", "completed"])
                .map(|c| if c { "complete" } else { "incomplete" }.into())
        }),
        signature_state: status(v, &["signature_state", "signed", "sign_off"]),
    }
    .into()
}

fn map_billing(v: &Value) -> RecordData {
    Invoice {
        number: string(v, &["reference", "number"]),
        person_id: id(v, &["customer_id"]),
        status: status(v, &["type_text", "status"]),
        amount: number(v, &["total", "amount"]),
        currency: string(v, &["currency"]),
        issued_on: date(v, &["date"])
            .or_else(|| instant(v, &["timestamp"]).map(|t| t.date_naive())),
        due_on: v
            .get("invoice")
            .and_then(|i| date(i, &["due_date"]))
            .or_else(|| date(v, &["due_date"])),
        paid_at: instant(v, &["paid_at"]),
    }
    .into()
}

fn map_person(v: &Value) -> RecordData {
    let name = string(v, &["name", "full_name"]).or_else(|| {
        let parts: Vec<String> = [
            &["first_name", "firstname"][..],
            &["last_name", "surname", "lastname"],
        ]
        .iter()
        .filter_map(|n| string(v, n))
        .collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    });
    Person {
        name,
        email: string(v, &["email"]),
        role: status(v, &["role", "type", "member_type"]),
        status: status(v, &["status"]),
        location_id: None,
    }
    .into()
}
