//! AviationAlley REST API v1 (training-centre / simulator side).
//!
//! Seven GET endpoints, Bearer keys `aa_live_…` / `aa_test_…` each scoped to one centre and a
//! set of scopes, keyset pagination (`limit` 1–200, default 50, opaque `cursor`), responses
//! `{data: [...], pagination: {limit, nextCursor}}`. Webhooks are signed with
//! `X-AviationAlley-Signature` (hex HMAC-SHA256 of the raw body, endpoint secret).
//!
//! Choices where the docs are silent: ids are UUIDs, fields camelCase, times RFC 3339 UTC;
//! the docs render the query names as `Limit`/`Cursor` but describe `limit`/`cursor`: both
//! spellings are accepted. Errors are `{"error": {"code", "message"}}`.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::common::{bearer, query_pairs, token};
use super::{Change, ChangeAction, Credential, RecordKind};
use crate::webhooks::{accept_2xx, Delivery};
use crate::world::*;
use crate::{AppState, Provider};

pub const SCOPES: [&str; 7] = [
    "trainees:read",
    "bookings:read",
    "workorders:read",
    "invoices:read",
    "compliance:read",
    "flight_log:read",
    "crew:read",
];

pub const EVENTS: [&str; 18] = [
    "booking.created",
    "booking.updated",
    "booking.cancelled",
    "booking.completed",
    "workorder.created",
    "workorder.updated",
    "workorder.completed",
    "invoice.created",
    "invoice.paid",
    "invoice.voided",
    "trainee.created",
    "trainee.updated",
    "compliance.due_soon",
    "compliance.overdue",
    "bidding.awards_published",
    "quote.created",
    "quote.accepted",
    "quote.declined",
];

pub const SIGNATURE_HEADER: &str = "X-AviationAlley-Signature";

/// Max duty hours in one duty period / in 7 days before a breach is reported.
pub const MAX_DUTY_HOURS: f64 = 12.0;
pub const MAX_DUTY_HOURS_7D: f64 = 50.0;

struct Key {
    role: &'static str,
    token: String,
    centre: u32,
    scopes: Vec<&'static str>,
}

fn keys(w: &World) -> Vec<Key> {
    let s = w.seed;
    let all = SCOPES.to_vec();
    vec![
        Key {
            role: "live_full",
            token: token("aa_live_", s, "aa-live-full", 32),
            centre: 0,
            scopes: all.clone(),
        },
        Key {
            role: "test_full",
            token: token("aa_test_", s, "aa-test-full", 32),
            centre: 0,
            scopes: all.clone(),
        },
        Key {
            role: "live_bookings_trainees_only",
            token: token("aa_live_", s, "aa-live-partial", 32),
            centre: 0,
            scopes: vec!["trainees:read", "bookings:read"],
        },
        Key {
            role: "test_flight_log_crew_only",
            token: token("aa_test_", s, "aa-test-partial", 32),
            centre: 0,
            scopes: vec!["flight_log:read", "crew:read"],
        },
        Key {
            role: "live_full_satellite_centre",
            token: token("aa_live_", s, "aa-live-satellite", 32),
            centre: 1,
            scopes: all,
        },
    ]
}

pub fn centre_id(w: &World, loc: u32) -> String {
    uuid_for(0x0c00, loc, w.seed)
}

pub fn credentials(w: &World) -> Vec<Credential> {
    keys(w)
        .into_iter()
        .map(|k| {
            Credential::new(k.role, k.token.clone())
                .with(
                    "environment",
                    if k.token.starts_with("aa_live_") {
                        "live"
                    } else {
                        "test"
                    },
                )
                .with("center_id", centre_id(w, k.centre))
                .with("center_name", &w.locations[k.centre as usize].name)
                .with("scopes", &k.scopes)
        })
        .collect()
}

pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

fn bad(msg: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_request", &msg.into())
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/trainees", get(trainees))
        .route("/bookings", get(bookings))
        .route("/work-orders", get(work_orders))
        .route("/invoices", get(invoices))
        .route("/compliance-items", get(compliance))
        .route("/flight-log", get(flight_log))
        .route("/crew", get(crew))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "Unknown endpoint") })
        .with_state(state)
}

/// Authenticated request context.
struct Ctx {
    centre: u32,
}

fn auth(s: &AppState, h: &HeaderMap, scope: &str) -> Result<Ctx, Response> {
    let Some(tok) = bearer(h) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Missing Authorization: Bearer aa_live_… header",
        ));
    };
    if !(tok.starts_with("aa_live_") || tok.starts_with("aa_test_")) {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Malformed API key",
        ));
    }
    let w = s.world();
    let Some(k) = keys(&w).into_iter().find(|k| k.token == tok) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid API key",
        ));
    };
    if !k.scopes.contains(&scope) {
        return Err(error(
            StatusCode::FORBIDDEN,
            "insufficient_scope",
            &format!("This key lacks the `{scope}` scope"),
        ));
    }
    Ok(Ctx { centre: k.centre })
}

/// Parsed common list parameters.
struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    fn parse(q: Option<String>) -> Result<Params, Response> {
        let pairs = query_pairs(q.as_deref()).ok_or_else(|| bad("Malformed query string"))?;
        Ok(Params { pairs })
    }
    /// Value of `name` (case-insensitive name, so `Limit` works too); repeated → error.
    fn get(&self, name: &str) -> Result<Option<&str>, Response> {
        let mut it = self
            .pairs
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name));
        let first = it.next().map(|(_, v)| v.as_str());
        if it.next().is_some() {
            return Err(bad(format!("`{name}` given more than once")));
        }
        Ok(first)
    }
    fn limit(&self) -> Result<usize, Response> {
        match self.get("limit")? {
            None => Ok(50),
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if (1..=200).contains(&n) => Ok(n as usize),
                Ok(_) => Err(bad("`limit` must be between 1 and 200")),
                Err(_) => Err(bad("`limit` must be an integer")),
            },
        }
    }
    fn cursor(&self, tag: char) -> Result<Option<(i64, u32)>, Response> {
        match self.get("cursor")? {
            None | Some("") => Ok(None),
            Some(c) => decode_cursor(c, tag)
                .map(Some)
                .ok_or_else(|| bad("Invalid `cursor`")),
        }
    }
    fn enum_of(&self, name: &str, allowed: &[&str]) -> Result<Option<String>, Response> {
        match self.get(name)? {
            None | Some("") => Ok(None),
            Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
            Some(v) => Err(bad(format!(
                "Invalid `{name}` `{v}`: one of {}",
                allowed.join(", ")
            ))),
        }
    }
    fn datetime(&self, name: &str) -> Result<Option<Ts>, Response> {
        match self.get(name)? {
            None | Some("") => Ok(None),
            Some(v) => chrono::DateTime::parse_from_rfc3339(v)
                .map(|d| Some(d.timestamp()))
                .map_err(|_| bad(format!("`{name}` must be an ISO 8601 date-time"))),
        }
    }
    fn date(&self, name: &str) -> Result<Option<Ts>, Response> {
        match self.get(name)? {
            None | Some("") => Ok(None),
            Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .filter(|_| v.len() == 10)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| Some(d.and_utc().timestamp()))
                .ok_or_else(|| bad(format!("`{name}` must be a date YYYY-MM-DD"))),
        }
    }
    fn uuid(&self, name: &str) -> Result<Option<String>, Response> {
        match self.get(name)? {
            None | Some("") => Ok(None),
            Some(v) if is_uuid(v) => Ok(Some(v.to_ascii_lowercase())),
            Some(_) => Err(bad(format!("`{name}` must be a UUID"))),
        }
    }
}

fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

fn encode_cursor(tag: char, sort: i64, id: u32) -> String {
    hex::encode(format!("{tag}:{sort}:{id}"))
}

fn decode_cursor(c: &str, tag: char) -> Option<(i64, u32)> {
    let raw = String::from_utf8(hex::decode(c).ok()?).ok()?;
    let mut it = raw.split(':');
    if it.next()? != tag.to_string() {
        return None;
    }
    let sort = it.next()?.parse().ok()?;
    let id = it.next()?.parse().ok()?;
    it.next().is_none().then_some((sort, id))
}

/// Keyset page over `(sort, id, item)` triples (any order; sorted here).
fn page<T>(
    mut items: Vec<(i64, u32, T)>,
    after: Option<(i64, u32)>,
    limit: usize,
    tag: char,
    render: impl Fn(&T) -> Value,
) -> Response {
    items.sort_by_key(|(s, i, _)| (*s, *i));
    let start = match after {
        Some(k) => items.partition_point(|(s, i, _)| (*s, *i) <= k),
        None => 0,
    };
    let rest = &items[start..];
    let more = rest.len() > limit;
    let take = &rest[..rest.len().min(limit)];
    let next = if more {
        take.last().map(|(s, i, _)| encode_cursor(tag, *s, *i))
    } else {
        None
    };
    let data: Vec<Value> = take.iter().map(|(_, _, v)| render(v)).collect();
    Json(json!({"data": data, "pagination": {"limit": limit, "nextCursor": next}})).into_response()
}

fn iso(t: Ts) -> String {
    rfc3339(t)
}
fn opt_iso(t: Option<Ts>) -> Value {
    t.map(|t| Value::String(iso(t))).unwrap_or(Value::Null)
}
fn person_ref(w: &World, p: Option<u32>) -> (Value, Value) {
    match p.and_then(|p| w.person(p)) {
        Some(p) => (json!(p.uuid), json!(p.name())),
        None => (Value::Null, Value::Null),
    }
}
fn money(cents: i64) -> f64 {
    cents as f64 / 100.0
}

pub fn booking_uuid(w: &World, id: u32) -> String {
    uuid_for(ns::BOOKING, id, w.seed)
}

fn is_centre_sim(w: &World, a: u32, centre: u32) -> bool {
    let a = &w.aircraft[a as usize];
    a.kind == AircraftKind::Simulator && a.location == centre
}

// ---- renderers (also used by webhooks and truth) ----

pub fn trainee_json(w: &World, p: &Person) -> Value {
    json!({
        "id": p.uuid,
        "centerId": centre_id(w, p.location),
        "firstName": p.first_name,
        "lastName": p.last_name,
        "email": p.email,
        "phone": p.phone,
        "dateOfBirth": p.date_of_birth,
        "status": if p.active { "ACTIVE" } else { "INACTIVE" },
        "program": p.course.and_then(|c| w.courses.get(c as usize)).map(|c| c.name.clone()),
        "medicalExpiresOn": date_str(p.medical_expires),
        "createdAt": iso(p.created_at),
        "updatedAt": iso(p.updated_at),
    })
}

pub fn booking_json(w: &World, b: &Booking, now: Ts) -> Value {
    let a = b.aircraft().map(|a| &w.aircraft[a as usize]);
    let (tid, tname) = person_ref(w, b.student);
    let (iid, iname) = person_ref(w, b.instructor);
    json!({
        "id": booking_uuid(w, b.id),
        "centerId": centre_id(w, a.map(|a| a.location).unwrap_or(0)),
        "simulatorId": a.map(|a| a.uuid.clone()),
        "simulatorName": a.map(|a| format!("{} ({} {})", a.registration, a.make, a.model)),
        "traineeId": tid,
        "traineeName": tname,
        "instructorId": iid,
        "instructorName": iname,
        "startsAt": iso(b.start),
        "endsAt": iso(b.end),
        "status": b.status(now),
        "notes": b.notes,
        "cancelledAt": opt_iso(b.cancelled_at),
        "cancellationReason": b.cancel_reason,
        "createdAt": iso(b.created_at),
        "updatedAt": iso(b.updated_at),
    })
}

pub fn work_order_json(w: &World, o: &WorkOrder) -> Value {
    let a = &w.aircraft[o.aircraft as usize];
    json!({
        "id": o.uuid,
        "number": format!("WO-{:05}", o.id + 1),
        "centerId": centre_id(w, a.location),
        "simulatorId": a.uuid,
        "simulatorName": a.registration,
        "title": o.title,
        "status": o.status,
        "priority": o.priority,
        "openedAt": iso(o.opened_at),
        "closedAt": opt_iso(o.closed_at),
        "createdAt": iso(o.created_at),
        "updatedAt": iso(o.updated_at),
    })
}

pub fn invoice_json(w: &World, i: &Invoice, now: Ts) -> Value {
    let (tid, tname) = person_ref(w, Some(i.customer));
    let sub = i.amount_cents - i.tax_cents;
    json!({
        "id": i.uuid,
        "number": format!("INV-{}", i.number),
        "traineeId": tid,
        "traineeName": tname,
        "status": i.status(now),
        "currency": "USD",
        "subtotal": money(sub),
        "tax": money(i.tax_cents),
        "total": money(i.amount_cents),
        "issuedAt": iso(i.issued_at),
        "dueAt": iso(i.due_at),
        "paidAt": opt_iso(i.paid_at),
        "lineItems": [{"description": i.description, "quantity": 1, "unitPrice": money(sub), "amount": money(sub)}],
        "createdAt": iso(i.created_at),
        "updatedAt": iso(i.updated_at),
    })
}

pub fn compliance_json(w: &World, c: &ComplianceItem, now: Ts) -> Value {
    let (stype, sid) = match (c.person, c.aircraft) {
        (Some(p), _) => ("USER", json!(w.people[p as usize].uuid)),
        (_, Some(a)) => ("SIMULATOR", json!(w.aircraft[a as usize].uuid)),
        _ => ("CENTER", json!(centre_id(w, c.location))),
    };
    json!({
        "id": c.uuid,
        "centerId": centre_id(w, c.location),
        "title": c.title,
        "category": c.category,
        "status": c.status(now),
        "dueDate": date_str(c.due_at),
        "subjectType": stype,
        "subjectId": sid,
        "createdAt": iso(c.created_at),
        "updatedAt": iso(c.updated_at),
    })
}

/// Flight-log entries of one flight: one per participant (seat 0 = PIC, 1 = student).
fn flight_entries(w: &World, f: &Flight) -> Vec<(u32, Value)> {
    [(0u32, Some(f.pic)), (1, f.student)]
        .into_iter()
        .filter(|(_, p)| p.is_some())
        .map(|(seat, _)| (f.id * 2 + seat, flight_entry(w, f, seat)))
        .collect()
}

fn flight_entry(w: &World, f: &Flight, seat: u32) -> Value {
    let a = &w.aircraft[f.aircraft as usize];
    let (p, role) = match (seat, f.student) {
        (0, Some(_)) => (f.pic, "INSTRUCTOR"),
        (0, None) => (f.pic, "PIC"),
        (_, s) => (s.unwrap_or(f.pic), "STUDENT"),
    };
    let person = &w.people[p as usize];
    let hours = ((f.on_block - f.off_block) as f64 / 360.0).round() / 10.0;
    json!({
        "id": uuid_for(ns::FLIGHT | 0x0100 | seat as u16, f.id, w.seed),
        "flightId": f.uuid,
        "userId": person.uuid,
        "userName": person.name(),
        "role": role,
        "date": date_str(f.off_block),
        "aircraftId": a.uuid,
        "aircraftRegistration": a.registration,
        "aircraftType": format!("{} {}", a.make, a.model),
        "isSimulator": a.kind == AircraftKind::Simulator,
        "departure": w.locations[f.departure as usize].ident,
        "arrival": w.locations[f.arrival as usize].ident,
        "blockOff": iso(f.off_block),
        "takeoff": iso(f.takeoff),
        "landing": iso(f.landing),
        "blockOn": iso(f.on_block),
        "totalTime": hours,
        "landings": f.landings,
        "exercises": f.exercises,
        "remarks": f.remarks,
        "bookingId": f.booking.map(|b| booking_uuid(w, b)),
        "createdAt": iso(f.created_at),
        "updatedAt": iso(f.updated_at),
    })
}

// ---- handlers ----

async fn trainees(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let run = || -> Result<Response, Response> {
        let ctx = auth(&s, &h, "trainees:read")?;
        let p = Params::parse(q)?;
        let (limit, after) = (p.limit()?, p.cursor('t')?);
        let w = s.world();
        let items = w
            .people
            .iter()
            .filter(|x| x.role == Role::Student && x.location == ctx.centre)
            .map(|x| (x.id as i64, x.id, x))
            .collect();
        Ok(page(items, after, limit, 't', |x| trainee_json(&w, x)))
    };
    run().unwrap_or_else(|e| e)
}

const BOOKING_STATUSES: [&str; 5] = [
    "SCHEDULED",
    "IN_PROGRESS",
    "COMPLETED",
    "CANCELLED",
    "NO_SHOW",
];

fn status_name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn check_range(from: Option<Ts>, to: Option<Ts>) -> Result<(), Response> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Err(bad("`from` must not be after `to`")),
        _ => Ok(()),
    }
}

async fn bookings(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let run = || -> Result<Response, Response> {
        let ctx = auth(&s, &h, "bookings:read")?;
        let p = Params::parse(q)?;
        let (limit, after) = (p.limit()?, p.cursor('b')?);
        let (from, to) = (p.datetime("from")?, p.datetime("to")?);
        check_range(from, to)?;
        let status = p.enum_of("status", &BOOKING_STATUSES)?;
        let now = s.clock.now_ts();
        let w = s.world();
        let items = w
            .bookings
            .iter()
            .filter(|b| {
                b.aircraft()
                    .is_some_and(|a| is_centre_sim(&w, a, ctx.centre))
            })
            .filter(|b| from.is_none_or(|f| b.start >= f) && to.is_none_or(|t| b.start < t))
            .filter(|b| {
                status
                    .as_ref()
                    .is_none_or(|st| status_name(b.status(now)) == *st)
            })
            .map(|b| (b.start, b.id, b))
            .collect();
        Ok(page(items, after, limit, 'b', |b| booking_json(&w, b, now)))
    };
    run().unwrap_or_else(|e| e)
}

async fn work_orders(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let run = || -> Result<Response, Response> {
        let ctx = auth(&s, &h, "workorders:read")?;
        let p = Params::parse(q)?;
        let (limit, after) = (p.limit()?, p.cursor('w')?);
        let status = p.enum_of(
            "status",
            &[
                "OPEN",
                "IN_PROGRESS",
                "AWAITING_PARTS",
                "COMPLETED",
                "CANCELLED",
            ],
        )?;
        let priority = p.enum_of("priority", &["LOW", "NORMAL", "HIGH", "CRITICAL"])?;
        let sim = p.uuid("simulatorId")?;
        let w = s.world();
        let items = w
            .work_orders
            .iter()
            .filter(|o| w.aircraft[o.aircraft as usize].location == ctx.centre)
            .filter(|o| status.as_ref().is_none_or(|x| status_name(o.status) == *x))
            .filter(|o| {
                priority
                    .as_ref()
                    .is_none_or(|x| status_name(o.priority) == *x)
            })
            .filter(|o| {
                sim.as_ref()
                    .is_none_or(|x| w.aircraft[o.aircraft as usize].uuid == *x)
            })
            .map(|o| (o.opened_at, o.id, o))
            .collect();
        Ok(page(items, after, limit, 'w', |o| work_order_json(&w, o)))
    };
    run().unwrap_or_else(|e| e)
}

/// AviationAlley bills simulator time: invoices for sim sessions at the key's centre.
fn is_centre_invoice(w: &World, i: &Invoice, centre: u32) -> bool {
    match i.flight {
        Some(f) => is_centre_sim(w, w.flights[f as usize].aircraft, centre),
        None => w.people[i.customer as usize].location == centre,
    }
}

async fn invoices(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let run = || -> Result<Response, Response> {
        let ctx = auth(&s, &h, "invoices:read")?;
        let p = Params::parse(q)?;
        let (limit, after) = (p.limit()?, p.cursor('i')?);
        let status = p.enum_of("status", &["DRAFT", "SENT", "PAID", "VOID", "OVERDUE"])?;
        let (from, to) = (p.datetime("from")?, p.datetime("to")?);
        check_range(from, to)?;
        let now = s.clock.now_ts();
        let w = s.world();
        let items = w
            .invoices
            .iter()
            .filter(|i| is_centre_invoice(&w, i, ctx.centre))
            .filter(|i| from.is_none_or(|f| i.issued_at >= f) && to.is_none_or(|t| i.issued_at < t))
            .filter(|i| {
                status
                    .as_ref()
                    .is_none_or(|x| status_name(i.status(now)) == *x)
            })
            .map(|i| (i.issued_at, i.id, i))
            .collect();
        Ok(page(items, after, limit, 'i', |i| invoice_json(&w, i, now)))
    };
    run().unwrap_or_else(|e| e)
}

async fn compliance(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let run = || -> Result<Response, Response> {
        let ctx = auth(&s, &h, "compliance:read")?;
        let p = Params::parse(q)?;
        let (limit, after) = (p.limit()?, p.cursor('c')?);
        let status = p.enum_of(
            "status",
            &["COMPLIANT", "DUE_SOON", "OVERDUE", "IN_PROGRESS", "WAIVED"],
        )?;
        let category = p.enum_of(
            "category",
            &[
                "PART_142",
                "NSP",
                "AIRCRAFT_EVALUATION",
                "INSTRUCTOR_CURRENCY",
                "FACILITY",
                "OTHER",
            ],
        )?;
        let now = s.clock.now_ts();
        let w = s.world();
        let items = w
            .compliance
            .iter()
            .filter(|c| c.location == ctx.centre)
            .filter(|c| {
                status
                    .as_ref()
                    .is_none_or(|x| status_name(c.status(now)) == *x)
            })
            .filter(|c| {
                category
                    .as_ref()
                    .is_none_or(|x| status_name(c.category) == *x)
            })
            .map(|c| (c.due_at, c.id, c))
            .collect();
        Ok(page(items, after, limit, 'c', |c| {
            compliance_json(&w, c, now)
        }))
    };
    run().unwrap_or_else(|e| e)
}

async fn flight_log(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let run = || -> Result<Response, Response> {
        let ctx = auth(&s, &h, "flight_log:read")?;
        let p = Params::parse(q)?;
        let (limit, after) = (p.limit()?, p.cursor('f')?);
        let user = p.uuid("userId")?;
        let (from, to) = (p.date("from")?, p.date("to")?);
        check_range(from, to)?;
        let w = s.world();
        let user_id = match &user {
            Some(u) => match w.people.iter().find(|p| p.uuid == *u) {
                Some(p) => Some(p.id),
                None => {
                    return Ok(page(Vec::<(i64, u32, ())>::new(), None, limit, 'f', |_| {
                        json!({})
                    }))
                }
            },
            None => None,
        };
        let mut items = vec![];
        for f in &w.flights {
            if f.deleted || w.aircraft[f.aircraft as usize].location != ctx.centre {
                continue;
            }
            let day = f.off_block - f.off_block.rem_euclid(DAY);
            if from.is_some_and(|x| day < x) || to.is_some_and(|x| day > x) {
                continue;
            }
            if user_id.is_some_and(|u| f.pic != u && f.student != Some(u)) {
                continue;
            }
            for (seat, p) in [(0u32, Some(f.pic)), (1, f.student)] {
                let Some(p) = p else { continue };
                if user_id.is_some_and(|u| u != p) {
                    continue;
                }
                items.push((f.off_block, f.id * 2 + seat, (f, seat)));
            }
        }
        Ok(page(items, after, limit, 'f', |(f, seat)| {
            flight_entry(&w, f, *seat)
        }))
    };
    run().unwrap_or_else(|e| e)
}

fn role_name(r: Role) -> &'static str {
    match r {
        Role::Instructor => "INSTRUCTOR",
        Role::Dispatcher => "DISPATCHER",
        Role::Mechanic => "MECHANIC",
        Role::Manager => "MANAGER",
        Role::Student => "TRAINEE",
    }
}

/// Duty snapshot of one crew member at `at`.
pub fn crew_json(w: &World, p: &Person, at: Ts) -> Value {
    let duties: Vec<&Duty> = w
        .duties
        .iter()
        .filter(|d| d.person == p.id && d.end > at - 8 * DAY && d.start < at + 8 * DAY)
        .collect();
    let current = duties.iter().find(|d| d.start <= at && at < d.end);
    let next = duties
        .iter()
        .filter(|d| d.start > at)
        .min_by_key(|d| d.start);
    let prev = duties.iter().filter(|d| d.end <= at).max_by_key(|d| d.end);
    let hours = |a: Ts, b: Ts| -> f64 {
        duties
            .iter()
            .map(|d| (d.end.min(b) - d.start.max(a)).max(0))
            .sum::<i64>() as f64
            / 3600.0
    };
    let day0 = at - at.rem_euclid(DAY);
    let today = hours(day0, at);
    let week = hours(at - 7 * DAY, at);
    let status = match (current, prev) {
        (Some(d), _) if d.kind == DutyKind::Standby => "STANDBY",
        (Some(_), _) => "ON_DUTY",
        (None, Some(d)) if at - d.end < 10 * HOUR => "REST",
        _ => "OFF_DUTY",
    };
    let mut breaches = vec![];
    if let Some(d) = current {
        if (d.end - d.start) as f64 / 3600.0 > MAX_DUTY_HOURS {
            breaches.push("DAILY_DUTY_LIMIT");
        }
    }
    if week > MAX_DUTY_HOURS_7D {
        breaches.push("WEEKLY_DUTY_LIMIT");
    }
    if let (Some(c), Some(pv)) = (current, prev) {
        if c.start - pv.end < 10 * HOUR {
            breaches.push("MINIMUM_REST");
        }
    }
    let duty = |d: &&Duty| json!({"type": d.kind, "startsAt": iso(d.start), "endsAt": iso(d.end)});
    json!({
        "userId": p.uuid,
        "name": p.name(),
        "email": p.email,
        "role": role_name(p.role),
        "centerId": centre_id(w, p.location),
        "status": status,
        "currentDuty": current.map(duty),
        "nextDuty": next.map(duty),
        "dutyHoursToday": (today * 100.0).round() / 100.0,
        "dutyHoursLast7Days": (week * 100.0).round() / 100.0,
        "limits": {"maxDutyHours": MAX_DUTY_HOURS, "maxDutyHours7Days": MAX_DUTY_HOURS_7D},
        "limitBreaches": breaches,
    })
}

async fn crew(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let run = || -> Result<Response, Response> {
        let ctx = auth(&s, &h, "crew:read")?;
        let p = Params::parse(q)?;
        let role = p.enum_of("role", &["INSTRUCTOR", "DISPATCHER", "MECHANIC", "MANAGER"])?;
        let at = p.datetime("at")?.unwrap_or_else(|| s.clock.now_ts());
        let w = s.world();
        let data: Vec<Value> = w
            .people
            .iter()
            .filter(|x| x.role != Role::Student && x.active && x.location == ctx.centre)
            .filter(|x| role.as_deref().is_none_or(|r| role_name(x.role) == r))
            .map(|x| crew_json(&w, x, at))
            .collect();
        let n = data.len();
        Ok(Json(
            json!({"data": data, "at": iso(at), "pagination": {"limit": n, "nextCursor": null}}),
        )
        .into_response())
    };
    run().unwrap_or_else(|e| e)
}

// ---- webhooks ----

fn send(s: &AppState, event: &str, centre: u32, object: Value) -> Vec<u64> {
    let now = s.clock.now_ts();
    let mut h = s.config.seed ^ now as u64 ^ s.hooks.next_seq() << 40;
    for b in event.bytes().chain(object.to_string().into_bytes()) {
        h = splitmix(h ^ b as u64);
    }
    let cid = centre_id(&s.world(), centre);
    let body = json!({
        "id": format!("evt_{:016x}", h),
        "type": event,
        "createdAt": iso(now),
        "centerId": cid,
        "data": object,
    });
    s.hooks.send(Delivery {
        provider: Provider::AviationAlley,
        event: event.into(),
        body: serde_json::to_vec(&body).unwrap_or_default(),
        signature_header: Some(SIGNATURE_HEADER),
        headers: vec![("X-AviationAlley-Event".into(), event.into())],
        accept: accept_2xx,
    })
}

/// The event and payload for a world change, if AviationAlley sees that record.
fn event_for(s: &AppState, c: Change) -> Option<(String, u32, Value)> {
    let now = s.clock.now_ts();
    let w = s.world();
    let i = c.id as usize;
    Some(match c.kind {
        RecordKind::Booking => {
            let b = w.bookings.get(i)?;
            let a = b.aircraft()?;
            if w.aircraft[a as usize].kind != AircraftKind::Simulator {
                return None;
            }
            let ev = match c.action {
                ChangeAction::Created => "booking.created",
                ChangeAction::Cancelled => "booking.cancelled",
                ChangeAction::Completed => "booking.completed",
                _ => "booking.updated",
            };
            (
                ev.into(),
                w.aircraft[a as usize].location,
                booking_json(&w, b, now),
            )
        }
        RecordKind::WorkOrder => {
            let o = w.work_orders.get(i)?;
            let ev = match c.action {
                ChangeAction::Created => "workorder.created",
                ChangeAction::Completed => "workorder.completed",
                _ => "workorder.updated",
            };
            (
                ev.into(),
                w.aircraft[o.aircraft as usize].location,
                work_order_json(&w, o),
            )
        }
        RecordKind::Invoice => {
            let inv = w.invoices.get(i)?;
            let centre = (0..2).find(|c| is_centre_invoice(&w, inv, *c))?;
            let ev = match c.action {
                ChangeAction::Created => "invoice.created",
                ChangeAction::Paid => "invoice.paid",
                ChangeAction::Voided => "invoice.voided",
                _ => return None,
            };
            (ev.into(), centre, invoice_json(&w, inv, now))
        }
        RecordKind::Person => {
            let p = w.people.get(i)?;
            if p.role != Role::Student {
                return None;
            }
            let ev = if c.action == ChangeAction::Created {
                "trainee.created"
            } else {
                "trainee.updated"
            };
            (ev.into(), p.location, trainee_json(&w, p))
        }
        RecordKind::Compliance => {
            let ci = w.compliance.get(i)?;
            let ev = match ci.status(now) {
                ComplianceStatus::DueSoon => "compliance.due_soon",
                ComplianceStatus::Overdue => "compliance.overdue",
                _ => return None,
            };
            (ev.into(), ci.location, compliance_json(&w, ci, now))
        }
        _ => return None,
    })
}

pub fn on_change(s: &AppState, c: Change) {
    if let Some((ev, centre, obj)) = event_for(s, c) {
        send(s, &ev, centre, obj);
    }
}

/// Sends `event` for world record `id` (or a representative record when `id` is None).
pub fn trigger(s: &AppState, event: &str, id: Option<u32>) -> Result<Vec<u64>, String> {
    if !EVENTS.contains(&event) {
        return Err(format!(
            "unknown AviationAlley event `{event}`; one of {}",
            EVENTS.join(", ")
        ));
    }
    let now = s.clock.now_ts();
    let (family, action) = event.split_once('.').unwrap_or((event, ""));
    let pick = |n: usize, f: &dyn Fn(usize) -> bool| -> Result<u32, String> {
        match id {
            Some(i) if (i as usize) < n => Ok(i),
            Some(_) => Err("no such record".into()),
            None => (0..n)
                .rev()
                .find(|i| f(*i))
                .map(|i| i as u32)
                .ok_or("no suitable record".into()),
        }
    };
    let (centre, obj) = {
        let w = s.world();
        match family {
            "booking" => {
                let i = pick(w.bookings.len(), &|i| {
                    w.bookings[i]
                        .aircraft()
                        .is_some_and(|a| w.aircraft[a as usize].kind == AircraftKind::Simulator)
                })?;
                let b = &w.bookings[i as usize];
                let loc = b
                    .aircraft()
                    .map(|a| w.aircraft[a as usize].location)
                    .unwrap_or(0);
                (loc, booking_json(&w, b, now))
            }
            "workorder" => {
                let i = pick(w.work_orders.len(), &|_| true)?;
                let o = &w.work_orders[i as usize];
                (
                    w.aircraft[o.aircraft as usize].location,
                    work_order_json(&w, o),
                )
            }
            "invoice" => {
                let i = pick(w.invoices.len(), &|i| {
                    is_centre_invoice(&w, &w.invoices[i], 0)
                })?;
                let inv = &w.invoices[i as usize];
                let c = (0..2).find(|c| is_centre_invoice(&w, inv, *c)).unwrap_or(0);
                (c, invoice_json(&w, inv, now))
            }
            "trainee" => {
                let i = pick(w.people.len(), &|i| w.people[i].role == Role::Student)?;
                let p = &w.people[i as usize];
                (p.location, trainee_json(&w, p))
            }
            "compliance" => {
                let want = if action == "due_soon" {
                    ComplianceStatus::DueSoon
                } else {
                    ComplianceStatus::Overdue
                };
                let i = pick(w.compliance.len(), &|i| w.compliance[i].status(now) == want)?;
                let c = &w.compliance[i as usize];
                (c.location, compliance_json(&w, c, now))
            }
            "bidding" => {
                let ins: Vec<Value> = w
                    .people
                    .iter()
                    .filter(|p| p.role == Role::Instructor && p.location == 0)
                    .take(5)
                    .map(|p| json!({"userId": p.uuid, "name": p.name()}))
                    .collect();
                let d0 = now - now.rem_euclid(DAY) + 14 * DAY;
                (
                    0,
                    json!({
                        "id": uuid_for(0x0b00, id.unwrap_or(1), w.seed),
                        "period": {"startsOn": date_str(d0), "endsOn": date_str(d0 + 27 * DAY)},
                        "publishedAt": iso(now),
                        "awards": ins,
                    }),
                )
            }
            "quote" => {
                let i = id.unwrap_or(1);
                let status = match action {
                    "accepted" => "ACCEPTED",
                    "declined" => "DECLINED",
                    _ => "SENT",
                };
                (
                    0,
                    json!({
                        "id": uuid_for(0x0d00, i, w.seed),
                        "number": format!("Q-{:05}", i),
                        "customerName": "Northwind Airlines Training Dept",
                        "description": "Type rating package: 10 x 4 h FFS sessions",
                        "status": status,
                        "currency": "USD",
                        "total": 48_000.0,
                        "createdAt": iso(now - DAY),
                        "updatedAt": iso(now),
                    }),
                )
            }
            _ => return Err("unreachable".into()),
        }
    };
    Ok(send(s, event, centre, obj))
}

/// Everything AviationAlley serves, per centre and endpoint.
pub fn truth(s: &AppState) -> Value {
    let now = s.clock.now_ts();
    let w = s.world();
    let mut centres = serde_json::Map::new();
    for c in w.locations.iter().filter(|l| l.centre).map(|l| l.id) {
        let mut bookings: Vec<&Booking> = w
            .bookings
            .iter()
            .filter(|b| b.aircraft().is_some_and(|a| is_centre_sim(&w, a, c)))
            .collect();
        bookings.sort_by_key(|b| (b.start, b.id));
        let flight_log: Vec<Value> = {
            let mut fl: Vec<(i64, u32, Value)> = w
                .flights
                .iter()
                .filter(|f| !f.deleted && w.aircraft[f.aircraft as usize].location == c)
                .flat_map(|f| {
                    flight_entries(&w, f)
                        .into_iter()
                        .map(move |(k, v)| (f.off_block, k, v))
                })
                .collect();
            fl.sort_by_key(|(a, b, _)| (*a, *b));
            fl.into_iter().map(|x| x.2).collect()
        };
        centres.insert(
            centre_id(&w, c),
            json!({
                "trainees": w.people.iter().filter(|p| p.role == Role::Student && p.location == c).map(|p| trainee_json(&w, p)).collect::<Vec<_>>(),
                "bookings": bookings.iter().map(|b| booking_json(&w, b, now)).collect::<Vec<_>>(),
                "work-orders": w.work_orders.iter().filter(|o| w.aircraft[o.aircraft as usize].location == c).map(|o| work_order_json(&w, o)).collect::<Vec<_>>(),
                "invoices": w.invoices.iter().filter(|i| is_centre_invoice(&w, i, c)).map(|i| invoice_json(&w, i, now)).collect::<Vec<_>>(),
                "compliance-items": w.compliance.iter().filter(|x| x.location == c).map(|x| compliance_json(&w, x, now)).collect::<Vec<_>>(),
                "flight-log": flight_log,
                "crew": w.people.iter().filter(|p| p.role != Role::Student && p.active && p.location == c).map(|p| crew_json(&w, p, now)).collect::<Vec<_>>(),
            }),
        );
    }
    json!({"centers": centres})
}
