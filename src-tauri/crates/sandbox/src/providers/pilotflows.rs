//! PilotFlows API v1.
//!
//! The seed documents auth (Bearer API key), the success envelope `{"data": {id, type,
//! attributes}}`, the error envelope `{"error": {code, message, details}}`, the resource
//! groups and the per-plan hourly rate limits with `X-RateLimit-*` headers on all responses.
//! Paths and paging are not documented; the sandbox uses organisation-scoped REST paths and
//! JSON:API-style paging (see docs/sandbox.md):
//!
//! ```text
//! GET    /organizations                      GET /organizations/{org}
//! GET    /organizations/{org}/members[/{id}]
//! GET    /organizations/{org}/aircraft[/{id}]
//! GET    /organizations/{org}/flight_logs[/{id}]   POST, PATCH|PUT /{id}, DELETE /{id}
//! GET    /organizations/{org}/invoices[/{id}]      GET /organizations/{org}/expenses[/{id}]
//! GET    /organizations/{org}/calendar_events[/{id}]
//! lists: page[number] (1-based, default 1), page[size] (1..100, default 25),
//!        filter[updated_since] (RFC 3339 or YYYY-MM-DD); links.next is null on the last page
//! ```

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{OriginalUri, Path, RawQuery, Request, State as AxState};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::common::{bearer, query_pairs, token};
use super::{Change, ChangeAction, Credential, RecordKind};
use crate::world::*;
use crate::{AppState, SandboxConfig};

/// One PilotFlows organisation over the shared world.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Org {
    /// The training centre's main base (Organization plan).
    Main,
    /// The flying club at the main base (Standard plan): a few aircraft and members.
    Club,
    /// The satellite centre (Enterprise plan, custom limit).
    Satellite,
}

impl Org {
    pub const ALL: [Org; 3] = [Org::Main, Org::Club, Org::Satellite];
    pub fn id(self) -> &'static str {
        match self {
            Org::Main => "101",
            Org::Club => "102",
            Org::Satellite => "103",
        }
    }
    pub fn plan(self) -> &'static str {
        match self {
            Org::Main => "organization",
            Org::Club => "standard",
            Org::Satellite => "enterprise",
        }
    }
    /// Requests per rate-limit window.
    pub fn limit(self) -> u64 {
        match self {
            Org::Main => 5_000,
            Org::Club => 1_000,
            Org::Satellite => 10_000,
        }
    }
    fn from_id(id: &str) -> Option<Org> {
        Org::ALL.into_iter().find(|o| o.id() == id)
    }
    fn name(self) -> &'static str {
        match self {
            Org::Main => "Skyhaven Flight Training Centre",
            Org::Club => "Skyhaven Flying Club",
            Org::Satellite => "Skyhaven Riverside",
        }
    }
    fn location(self) -> u32 {
        if self == Org::Satellite {
            1
        } else {
            0
        }
    }
}

/// Club membership: the first two instructors and first six students at the main base.
fn club_members(w: &World) -> Vec<u32> {
    let mut v: Vec<u32> = w
        .people
        .iter()
        .filter(|p| p.role == Role::Instructor && p.location == 0)
        .take(2)
        .map(|p| p.id)
        .collect();
    v.extend(
        w.people
            .iter()
            .filter(|p| p.role == Role::Student && p.location == 0)
            .take(6)
            .map(|p| p.id),
    );
    v
}

/// Club aircraft: the first two aircraft (the Airbly sample tails).
fn club_aircraft(w: &World) -> Vec<u32> {
    w.aircraft
        .iter()
        .filter(|a| a.kind == AircraftKind::Aircraft)
        .take(2)
        .map(|a| a.id)
        .collect()
}

struct Scope {
    org: Org,
    members: Vec<u32>,
    aircraft: Vec<u32>,
}

impl Scope {
    fn new(w: &World, org: Org) -> Scope {
        match org {
            Org::Club => Scope {
                org,
                members: club_members(w),
                aircraft: club_aircraft(w),
            },
            _ => Scope {
                org,
                members: w
                    .people
                    .iter()
                    .filter(|p| p.location == org.location())
                    .map(|p| p.id)
                    .collect(),
                aircraft: w
                    .aircraft
                    .iter()
                    .filter(|a| a.location == org.location())
                    .map(|a| a.id)
                    .collect(),
            },
        }
    }
    fn member(&self, p: u32) -> bool {
        self.members.binary_search(&p).is_ok()
            || (self.org == Org::Club && self.members.contains(&p))
    }
    fn has_aircraft(&self, a: u32) -> bool {
        self.aircraft.contains(&a)
    }
    fn has_flight(&self, f: &Flight) -> bool {
        f.in_pilotflows
            && !f.deleted
            && self.has_aircraft(f.aircraft)
            && (self.org != Org::Club
                || self.member(f.pic)
                || f.student.is_some_and(|s| self.member(s)))
    }
    fn has_invoice(&self, w: &World, i: &Invoice) -> bool {
        match i.flight {
            Some(f) => {
                let f = &w.flights[f as usize];
                self.has_aircraft(f.aircraft) && (self.org != Org::Club || self.member(i.customer))
            }
            None => self.member(i.customer),
        }
    }
    fn has_expense(&self, w: &World, e: &Expense) -> bool {
        match e.aircraft {
            Some(a) => self.has_aircraft(a),
            None => self.org != Org::Club && w.locations.len() > 1 && self.org == Org::Main,
        }
    }
    fn has_booking(&self, w: &World, b: &Booking) -> bool {
        match b.resource {
            Resource::Aircraft(a) => self.has_aircraft(a),
            Resource::Classroom(c) => {
                self.org != Org::Club && w.classrooms[c as usize].location == self.org.location()
            }
            Resource::None => b.instructor.is_some_and(|i| self.member(i)),
        }
    }
}

/// Per-organisation fixed-window request counters.
#[derive(Debug)]
pub struct State {
    window: i64,
    counters: Mutex<BTreeMap<&'static str, (i64, u64)>>,
}

impl State {
    pub fn new(cfg: &SandboxConfig) -> Self {
        State {
            window: cfg.timers.rate_limit_window.as_secs().max(1) as i64,
            counters: Mutex::new(BTreeMap::new()),
        }
    }
}

fn keys(w: &World) -> Vec<(Org, String)> {
    Org::ALL
        .into_iter()
        .map(|o| (o, token("pf_", w.seed, &format!("pf-{}", o.id()), 40)))
        .collect()
}

fn org_of_token(w: &World, t: &str) -> Option<Org> {
    keys(w).into_iter().find(|(_, k)| k == t).map(|(o, _)| o)
}

pub fn credentials(w: &World) -> Vec<Credential> {
    keys(w)
        .into_iter()
        .map(|(o, k)| {
            Credential::new(&format!("{}_plan", o.plan()), k)
                .with("organization_id", o.id())
                .with("organization_name", o.name())
                .with("plan", o.plan())
                .with("rate_limit_per_hour", o.limit())
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

fn error_details(
    status: StatusCode,
    code: &str,
    message: &str,
    field: &str,
    issue: &str,
) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message, "details": {"field": field, "issue": issue}}})),
    )
        .into_response()
}

fn invalid_param(field: &str, issue: &str) -> Response {
    error_details(
        StatusCode::BAD_REQUEST,
        "validation_error",
        &format!("Invalid parameter {field}"),
        field,
        issue,
    )
}

/// Counts the request against its organisation and sets `X-RateLimit-*` on every response.
pub async fn rate_limit_layer(AxState(s): AxState<AppState>, req: Request, next: Next) -> Response {
    let org = bearer(req.headers()).and_then(|t| org_of_token(&s.world(), t));
    let (bucket, limit) = match org {
        Some(o) => (o.id(), o.limit()),
        None => ("anonymous", Org::Club.limit()),
    };
    let st = &s.providers.pilotflows;
    let now = s.clock.now_ts();
    let window_start = now - now.rem_euclid(st.window);
    let reset = window_start + st.window;
    let (allowed, used) = {
        let mut c = st.counters.lock().expect("rate lock");
        let e = c.entry(bucket).or_insert((window_start, 0));
        if e.0 != window_start {
            *e = (window_start, 0);
        }
        if e.1 < limit {
            e.1 += 1;
            (true, e.1)
        } else {
            (false, e.1)
        }
    };
    let mut resp = if allowed {
        next.run(req).await
    } else {
        let mut r = error(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_exceeded",
            &format!("Rate limit of {limit} requests per window exceeded"),
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from((reset - now).max(1)));
        r
    };
    let h = resp.headers_mut();
    h.insert("x-ratelimit-limit", HeaderValue::from(limit));
    h.insert(
        "x-ratelimit-remaining",
        HeaderValue::from(limit.saturating_sub(used)),
    );
    h.insert("x-ratelimit-reset", HeaderValue::from(reset));
    resp
}

pub fn router(state: AppState) -> Router {
    let flight_logs = get(list_flight_logs).post(create_flight_log);
    let flight_log = get(get_flight_log)
        .patch(update_flight_log)
        .put(update_flight_log)
        .delete(delete_flight_log);
    Router::new()
        .route("/organizations", get(list_orgs))
        .route("/organizations/{org}", get(get_org))
        .route("/organizations/{org}/members", get(list_members))
        .route("/organizations/{org}/members/{id}", get(get_member))
        .route("/organizations/{org}/aircraft", get(list_aircraft))
        .route("/organizations/{org}/aircraft/{id}", get(get_aircraft))
        .route("/organizations/{org}/flight_logs", flight_logs.clone())
        .route("/organizations/{org}/flight_logs/{id}", flight_log.clone())
        .route("/organizations/{org}/flight-logs", flight_logs)
        .route("/organizations/{org}/flight-logs/{id}", flight_log)
        .route("/organizations/{org}/invoices", get(list_invoices))
        .route("/organizations/{org}/invoices/{id}", get(get_invoice))
        .route("/organizations/{org}/expenses", get(list_expenses))
        .route("/organizations/{org}/expenses/{id}", get(get_expense))
        .route("/organizations/{org}/calendar_events", get(list_events))
        .route("/organizations/{org}/calendar_events/{id}", get(get_event))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "Resource not found") })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "Method not allowed on this resource",
            )
        })
        .with_state(state)
}

// ---- auth / paging ----

fn auth(s: &AppState, h: &HeaderMap) -> Result<Org, Response> {
    let Some(t) = bearer(h) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Missing or malformed Authorization header",
        ));
    };
    org_of_token(&s.world(), t)
        .ok_or_else(|| error(StatusCode::UNAUTHORIZED, "unauthorized", "Invalid API key"))
}

fn auth_org(s: &AppState, h: &HeaderMap, org: &str) -> Result<Org, Response> {
    let mine = auth(s, h)?;
    match Org::from_id(org) {
        Some(o) if o == mine => Ok(o),
        Some(_) => Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            "This API key is not valid for that organization",
        )),
        None => Err(error(
            StatusCode::NOT_FOUND,
            "not_found",
            "Organization not found",
        )),
    }
}

struct ListQuery {
    number: usize,
    size: usize,
    since: Option<Ts>,
    pairs: Vec<(String, String)>,
}

fn list_query(q: Option<&str>) -> Result<ListQuery, Response> {
    let pairs = query_pairs(q).ok_or_else(|| invalid_param("query", "Malformed query string"))?;
    let mut lq = ListQuery {
        number: 1,
        size: 25,
        since: None,
        pairs: pairs.clone(),
    };
    for (k, v) in &pairs {
        match k.as_str() {
            "page[number]" => {
                lq.number = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| invalid_param(k, "Must be an integer >= 1"))?
            }
            "page[size]" => {
                lq.size = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100).contains(n))
                    .ok_or_else(|| invalid_param(k, "Must be an integer between 1 and 100"))?
            }
            "filter[updated_since]" => {
                let t = chrono::DateTime::parse_from_rfc3339(v)
                    .map(|d| d.timestamp())
                    .ok()
                    .or_else(|| {
                        chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                            .ok()
                            .and_then(|d| d.and_hms_opt(0, 0, 0))
                            .map(|d| d.and_utc().timestamp())
                    });
                lq.since = Some(t.ok_or_else(|| {
                    invalid_param(k, "Must be an RFC 3339 date-time or YYYY-MM-DD")
                })?);
            }
            k if k.starts_with("filter[") => return Err(invalid_param(k, "Unsupported filter")),
            k if k.starts_with("page[") => {
                return Err(invalid_param(k, "Unsupported page parameter"))
            }
            _ => {}
        }
    }
    Ok(lq)
}

fn list_response<T>(
    uri: &Uri,
    root: &str,
    lq: &ListQuery,
    items: Vec<(Ts, T)>,
    render: impl Fn(T) -> Value,
) -> Response {
    let items: Vec<T> = items
        .into_iter()
        .filter(|(u, _)| lq.since.is_none_or(|s| *u >= s))
        .map(|x| x.1)
        .collect();
    let total = items.len();
    let pages = total.div_ceil(lq.size).max(1);
    let start = (lq.number - 1).saturating_mul(lq.size).min(total);
    let end = (start + lq.size).min(total);
    let link = |n: usize| -> String {
        let mut q: Vec<(String, String)> = lq
            .pairs
            .iter()
            .filter(|(k, _)| k != "page[number]" && k != "page[size]")
            .cloned()
            .collect();
        q.push(("page[number]".into(), n.to_string()));
        q.push(("page[size]".into(), lq.size.to_string()));
        format!(
            "{root}{}?{}",
            uri.path(),
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    let next = (lq.number < pages).then(|| link(lq.number + 1));
    let prev = (lq.number > 1).then(|| link((lq.number - 1).min(pages)));
    let data: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(end - start)
        .map(render)
        .collect();
    Json(json!({
        "data": data,
        "meta": {"total": total, "page": {"number": lq.number, "size": lq.size, "total_pages": pages}},
        "links": {"self": link(lq.number), "first": link(1), "last": link(pages), "prev": prev, "next": next},
    }))
    .into_response()
}

fn one(v: Option<Value>) -> Response {
    match v {
        Some(v) => Json(json!({"data": v})).into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found", "Resource not found"),
    }
}

fn parse_pf_id(id: &str) -> Option<u32> {
    id.parse::<u32>().ok().filter(|n| *n >= 1).map(|n| n - 1)
}

// ---- renderers ----

fn res(id: u32, ty: &str, attributes: Value) -> Value {
    json!({"id": (id + 1).to_string(), "type": ty, "attributes": attributes})
}

fn member_json(w: &World, org: Org, p: &Person) -> Value {
    let role = match (p.role, org) {
        (Role::Manager, _) => "owner",
        (Role::Dispatcher, _) => "admin",
        (Role::Instructor, _) => "instructor",
        (Role::Mechanic, _) => "mechanic",
        (Role::Student, Org::Club) => "member",
        (Role::Student, _) => "student",
    };
    res(
        p.id,
        "member",
        json!({
            "first_name": p.first_name,
            "last_name": p.last_name,
            "email": p.email,
            "phone": p.phone,
            "role": role,
            "status": if p.active { "active" } else { "inactive" },
            "medical_expires_on": date_str(p.medical_expires),
            "course": p.course.and_then(|c| w.courses.get(c as usize)).map(|c| c.name.clone()),
            "joined_at": rfc3339(p.created_at),
            "created_at": rfc3339(p.created_at),
            "updated_at": rfc3339(p.updated_at),
        }),
    )
}

fn aircraft_json(w: &World, a: &Aircraft) -> Value {
    let engine = a.base_engine_seconds
        + w.flights
            .iter()
            .filter(|f| f.aircraft == a.id && !f.deleted)
            .map(|f| f.engine_seconds())
            .sum::<i64>();
    let in_maintenance = w.work_orders.iter().any(|o| {
        o.aircraft == a.id
            && matches!(
                o.status,
                WorkOrderStatus::Open
                    | WorkOrderStatus::InProgress
                    | WorkOrderStatus::AwaitingParts
            )
            && o.priority == Priority::Critical
    });
    res(
        a.id,
        "aircraft",
        json!({
            "registration": a.registration,
            "make": a.make,
            "model": a.model,
            "year": a.year,
            "serial_number": a.serial_number,
            "category": if a.kind == AircraftKind::Simulator { "simulator" } else { "airplane" },
            "status": if !a.active { "inactive" } else if in_maintenance { "maintenance" } else { "active" },
            "hobbs_hours": (engine as f64 / 360.0).round() / 10.0,
            "hourly_rate": a.rate_cents as f64 / 100.0,
            "home_base": w.locations[a.location as usize].ident,
            "created_at": rfc3339(a.created_at),
            "updated_at": rfc3339(a.updated_at),
        }),
    )
}

fn flight_log_json(w: &World, f: &Flight) -> Value {
    let a = &w.aircraft[f.aircraft as usize];
    let pic = &w.people[f.pic as usize];
    let stu = f.student.map(|s| &w.people[s as usize]);
    res(
        f.id,
        "flight_log",
        json!({
            "date": date_str(f.off_block),
            "aircraft": a.registration,
            "aircraft_id": (a.id + 1).to_string(),
            "duration": f.pilotflows_tenths as f64 / 10.0,
            "pilot_id": (pic.id + 1).to_string(),
            "pilot_name": pic.name(),
            "student_id": stu.map(|s| (s.id + 1).to_string()),
            "student_name": stu.map(|s| s.name()),
            "flight_type": if f.student.is_some() { "dual" } else { "solo" },
            "departure": w.locations[f.departure as usize].ident,
            "arrival": w.locations[f.arrival as usize].ident,
            "landings": f.landings,
            "remarks": f.remarks,
            "created_at": rfc3339(f.created_at),
            "updated_at": rfc3339(f.updated_at),
        }),
    )
}

fn invoice_json(w: &World, i: &Invoice, now: Ts) -> Value {
    res(
        i.id,
        "invoice",
        json!({
            "number": format!("PF-{}", i.number),
            "member_id": (i.customer + 1).to_string(),
            "member_name": w.people[i.customer as usize].name(),
            "description": i.description,
            "status": format!("{:?}", i.status(now)).to_lowercase(),
            "currency": "USD",
            "subtotal": (i.amount_cents - i.tax_cents) as f64 / 100.0,
            "tax": i.tax_cents as f64 / 100.0,
            "total": i.amount_cents as f64 / 100.0,
            "issued_on": date_str(i.issued_at),
            "due_on": date_str(i.due_at),
            "paid_at": i.paid_at.map(rfc3339),
            "flight_log_id": i.flight.filter(|f| w.flights[*f as usize].in_pilotflows).map(|f| (f + 1).to_string()),
            "created_at": rfc3339(i.created_at),
            "updated_at": rfc3339(i.updated_at),
        }),
    )
}

fn expense_json(w: &World, e: &Expense) -> Value {
    res(
        e.id,
        "expense",
        json!({
            "date": date_str(e.date),
            "category": e.category,
            "vendor": e.vendor,
            "amount": e.amount_cents as f64 / 100.0,
            "currency": "USD",
            "aircraft": e.aircraft.map(|a| w.aircraft[a as usize].registration.clone()),
            "created_at": rfc3339(e.created_at),
            "updated_at": rfc3339(e.updated_at),
        }),
    )
}

fn event_json(w: &World, b: &Booking, now: Ts) -> Value {
    let (category, what) = match b.resource {
        Resource::Aircraft(a) => {
            let a = &w.aircraft[a as usize];
            let cat = match b.kind {
                BookingKind::Maintenance => "maintenance",
                _ if a.kind == AircraftKind::Simulator => "simulator",
                _ => "flight",
            };
            (cat, a.registration.clone())
        }
        Resource::Classroom(c) => ("ground_school", w.classrooms[c as usize].name.clone()),
        Resource::None => ("unavailable", "Unavailable".to_string()),
    };
    let who = b
        .student
        .or(b.instructor)
        .map(|p| w.people[p as usize].name())
        .unwrap_or_default();
    let title = if who.is_empty() {
        what.clone()
    } else {
        format!("{what}: {who}")
    };
    res(
        b.id,
        "calendar_event",
        json!({
            "title": title,
            "category": category,
            "starts_at": rfc3339(b.start),
            "ends_at": rfc3339(b.end),
            "all_day": false,
            "status": format!("{:?}", b.status(now)).to_lowercase(),
            "resource": what,
            "member_id": b.student.map(|p| (p + 1).to_string()),
            "instructor_id": b.instructor.map(|p| (p + 1).to_string()),
            "notes": b.notes,
            "created_at": rfc3339(b.created_at),
            "updated_at": rfc3339(b.updated_at),
        }),
    )
}

// ---- handlers ----

fn org_json(o: Org) -> Value {
    json!({"id": o.id(), "type": "organization", "attributes": {
        "name": o.name(), "plan": o.plan(), "rate_limit_per_hour": o.limit(), "timezone": "UTC",
    }})
}

async fn list_orgs(
    AxState(s): AxState<AppState>,
    h: HeaderMap,
    OriginalUri(uri): OriginalUri,
    RawQuery(q): RawQuery,
) -> Response {
    let run = || -> Result<Response, Response> {
        let o = auth(&s, &h)?;
        let lq = list_query(q.as_deref())?;
        Ok(list_response(
            &uri,
            &s.root_url,
            &lq,
            vec![(0, o)],
            org_json,
        ))
    };
    run().unwrap_or_else(|e| e)
}

async fn get_org(AxState(s): AxState<AppState>, h: HeaderMap, Path(org): Path<String>) -> Response {
    match auth_org(&s, &h, &org) {
        Ok(o) => one(Some(org_json(o))),
        Err(e) => e,
    }
}

macro_rules! list_handler {
    ($name:ident, |$w:ident, $sc:ident, $now:ident| $items:expr, $render:expr) => {
        async fn $name(
            AxState(s): AxState<AppState>,
            h: HeaderMap,
            OriginalUri(uri): OriginalUri,
            Path(org): Path<String>,
            RawQuery(q): RawQuery,
        ) -> Response {
            let run = || -> Result<Response, Response> {
                let o = auth_org(&s, &h, &org)?;
                let lq = list_query(q.as_deref())?;
                let $now = s.clock.now_ts();
                let $w = s.world();
                let $sc = Scope::new(&$w, o);
                let items: Vec<(Ts, _)> = $items;
                Ok(list_response(&uri, &s.root_url, &lq, items, $render))
            };
            run().unwrap_or_else(|e| e)
        }
    };
}

macro_rules! get_handler {
    ($name:ident, |$w:ident, $sc:ident, $now:ident, $id:ident| $item:expr) => {
        async fn $name(
            AxState(s): AxState<AppState>,
            h: HeaderMap,
            Path((org, id)): Path<(String, String)>,
        ) -> Response {
            let o = match auth_org(&s, &h, &org) {
                Ok(o) => o,
                Err(e) => return e,
            };
            let Some($id) = parse_pf_id(&id) else {
                return error(StatusCode::NOT_FOUND, "not_found", "Resource not found");
            };
            let $now = s.clock.now_ts();
            let $w = s.world();
            let $sc = Scope::new(&$w, o);
            let _ = $now;
            one($item)
        }
    };
}

list_handler!(
    list_members,
    |w, sc, now| {
        let _ = now;
        w.people
            .iter()
            .filter(|p| sc.member(p.id))
            .map(|p| (p.updated_at, p))
            .collect()
    },
    |p| member_json(&w, sc.org, p)
);
get_handler!(get_member, |w, sc, now, id| w
    .people
    .get(id as usize)
    .filter(|p| sc.member(p.id))
    .map(|p| member_json(&w, sc.org, p)));

list_handler!(
    list_aircraft,
    |w, sc, now| {
        let _ = now;
        w.aircraft
            .iter()
            .filter(|a| sc.has_aircraft(a.id))
            .map(|a| (a.updated_at, a))
            .collect()
    },
    |a| aircraft_json(&w, a)
);
get_handler!(get_aircraft, |w, sc, now, id| w
    .aircraft
    .get(id as usize)
    .filter(|a| sc.has_aircraft(a.id))
    .map(|a| aircraft_json(&w, a)));

list_handler!(
    list_flight_logs,
    |w, sc, now| {
        let _ = now;
        w.flights
            .iter()
            .filter(|f| sc.has_flight(f))
            .map(|f| (f.updated_at, f))
            .collect()
    },
    |f| flight_log_json(&w, f)
);
get_handler!(get_flight_log, |w, sc, now, id| w
    .flights
    .get(id as usize)
    .filter(|f| sc.has_flight(f))
    .map(|f| flight_log_json(&w, f)));

list_handler!(
    list_invoices,
    |w, sc, now| {
        w.invoices
            .iter()
            .filter(|i| sc.has_invoice(&w, i))
            .map(|i| (i.updated_at, i))
            .collect()
    },
    |i| invoice_json(&w, i, now)
);
get_handler!(get_invoice, |w, sc, now, id| w
    .invoices
    .get(id as usize)
    .filter(|i| sc.has_invoice(&w, i))
    .map(|i| invoice_json(&w, i, now)));

list_handler!(
    list_expenses,
    |w, sc, now| {
        let _ = now;
        w.expenses
            .iter()
            .filter(|e| sc.has_expense(&w, e))
            .map(|e| (e.updated_at, e))
            .collect()
    },
    |e| expense_json(&w, e)
);
get_handler!(get_expense, |w, sc, now, id| w
    .expenses
    .get(id as usize)
    .filter(|e| sc.has_expense(&w, e))
    .map(|e| expense_json(&w, e)));

list_handler!(
    list_events,
    |w, sc, now| {
        w.bookings
            .iter()
            .filter(|b| sc.has_booking(&w, b))
            .map(|b| (b.updated_at, b))
            .collect()
    },
    |b| event_json(&w, b, now)
);
get_handler!(get_event, |w, sc, now, id| w
    .bookings
    .get(id as usize)
    .filter(|b| sc.has_booking(&w, b))
    .map(|b| event_json(&w, b, now)));

/// Attributes from `{"data": {"type": "flight_log", "attributes": {...}}}` or a bare object.
fn attributes(body: &Bytes) -> Result<serde_json::Map<String, Value>, Response> {
    let v: Value = serde_json::from_slice(body).map_err(|_| {
        error_details(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "Request body is not valid JSON",
            "body",
            "Malformed JSON",
        )
    })?;
    let attrs = match v.get("data") {
        Some(d) => {
            if let Some(t) = d.get("type").and_then(Value::as_str) {
                if t != "flight_log" {
                    return Err(error_details(
                        StatusCode::CONFLICT,
                        "type_mismatch",
                        "Resource type must be flight_log",
                        "type",
                        "Expected flight_log",
                    ));
                }
            }
            d.get("attributes").cloned().unwrap_or(Value::Null)
        }
        None => v,
    };
    match attrs {
        Value::Object(m) => Ok(m),
        _ => Err(validation("attributes", "Attributes must be an object")),
    }
}

fn validation(field: &str, issue: &str) -> Response {
    error_details(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_error",
        &format!("Invalid {field}"),
        field,
        issue,
    )
}

struct LogInput {
    date: Option<Ts>,
    aircraft: Option<u32>,
    tenths: Option<u32>,
    pilot: Option<u32>,
    student: Option<Option<u32>>,
    remarks: Option<String>,
    landings: Option<u32>,
    departure: Option<u32>,
    arrival: Option<u32>,
}

fn parse_log(
    w: &World,
    sc: &Scope,
    m: &serde_json::Map<String, Value>,
) -> Result<LogInput, Response> {
    let date = match m.get("date") {
        None => None,
        Some(Value::String(d)) if d.len() == 10 => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .map(|d| d.and_utc().timestamp())
                .ok_or_else(|| validation("date", "Date must be in YYYY-MM-DD format"))?,
        ),
        Some(_) => return Err(validation("date", "Date must be in YYYY-MM-DD format")),
    };
    let aircraft = match m.get("aircraft") {
        None => None,
        Some(Value::String(r)) => Some(
            w.aircraft_by_reg(r)
                .filter(|a| sc.has_aircraft(a.id))
                .map(|a| a.id)
                .ok_or_else(|| {
                    validation(
                        "aircraft",
                        "Unknown aircraft registration for this organization",
                    )
                })?,
        ),
        Some(_) => {
            return Err(validation(
                "aircraft",
                "Aircraft must be a registration string",
            ))
        }
    };
    let tenths = match m.get("duration") {
        None => None,
        Some(v) => {
            let d = v
                .as_f64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                .filter(|d| *d > 0.0 && *d <= 24.0)
                .ok_or_else(|| {
                    validation(
                        "duration",
                        "Duration must be a number of hours between 0 and 24",
                    )
                })?;
            Some(((d * 10.0).round() as u32).max(1))
        }
    };
    let person = |k: &str| -> Result<Option<Option<u32>>, Response> {
        match m.get(k) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(None)),
            Some(v) => {
                let id = v
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_u64().map(|n| n.to_string()))
                    .and_then(|s| parse_pf_id(&s))
                    .filter(|p| sc.member(*p))
                    .ok_or_else(|| validation(k, "Unknown member for this organization"))?;
                Ok(Some(Some(id)))
            }
        }
    };
    let pilot = person("pilot_id")?.flatten();
    let student = person("student_id")?;
    let remarks = match m.get("remarks") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(validation("remarks", "Remarks must be a string")),
    };
    let landings = match m.get("landings") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_u64()
                .filter(|n| *n <= 99)
                .map(|n| n as u32)
                .ok_or_else(|| validation("landings", "Landings must be an integer 0..99"))?,
        ),
    };
    let airport = |k: &str| -> Result<Option<u32>, Response> {
        match m.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => w
                .locations
                .iter()
                .find(|l| l.ident.eq_ignore_ascii_case(s))
                .map(|l| Some(l.id))
                .ok_or_else(|| validation(k, "Unknown airport identifier")),
            Some(_) => Err(validation(k, "Must be an airport identifier")),
        }
    };
    Ok(LogInput {
        date,
        aircraft,
        tenths,
        pilot,
        student,
        remarks,
        landings,
        departure: airport("departure")?,
        arrival: airport("arrival")?,
    })
}

async fn create_flight_log(
    AxState(s): AxState<AppState>,
    h: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let run = || -> Result<Response, Response> {
        let o = auth_org(&s, &h, &org)?;
        let m = attributes(&body)?;
        let now = s.clock.now_ts();
        let (id, v) = {
            let mut w = s.world_mut();
            let sc = Scope::new(&w, o);
            let inp = parse_log(&w, &sc, &m)?;
            let date = inp
                .date
                .ok_or_else(|| validation("date", "Date is required"))?;
            let aircraft = inp
                .aircraft
                .ok_or_else(|| validation("aircraft", "Aircraft is required"))?;
            let tenths = inp
                .tenths
                .ok_or_else(|| validation("duration", "Duration is required"))?;
            let pilot = inp.pilot.or_else(|| {
                sc.members
                    .iter()
                    .copied()
                    .find(|p| w.people[*p as usize].role == Role::Instructor)
            });
            let pilot = pilot.ok_or_else(|| validation("pilot_id", "Pilot is required"))?;
            let loc = w.aircraft[aircraft as usize].location;
            let id = w.flights.len() as u32;
            let seq = w.touch();
            let seed = w.seed;
            let secs = tenths as i64 * 360;
            w.flights.push(Flight {
                id,
                uuid: uuid_for(ns::FLIGHT, id, seed),
                booking: None,
                aircraft,
                pic: pilot,
                student: inp.student.flatten(),
                departure: inp.departure.unwrap_or(loc),
                arrival: inp.arrival.unwrap_or(loc),
                off_block: date,
                takeoff: date + 300,
                landing: date + secs - 300,
                on_block: date + secs,
                landings: inp.landings.unwrap_or(1),
                fuel_ml: secs * 9,
                engine_before: 0,
                by_device: false,
                in_pilotflows: true,
                pilotflows_tenths: tenths,
                in_fsb: false,
                exercises: String::new(),
                debrief: String::new(),
                remarks: inp.remarks.unwrap_or_default(),
                deleted: false,
                created_at: now,
                updated_at: now,
                version: seq,
            });
            (id, flight_log_json(&w, &w.flights[id as usize]))
        };
        super::on_change(
            &s,
            Change {
                kind: RecordKind::Flight,
                id,
                action: ChangeAction::Created,
            },
        );
        let loc = format!(
            "{}{}/organizations/{}/flight_logs/{}",
            s.root_url,
            crate::Provider::PilotFlows.prefix(),
            o.id(),
            id + 1
        );
        let mut r = (StatusCode::CREATED, Json(json!({"data": v}))).into_response();
        if let Ok(l) = HeaderValue::from_str(&loc) {
            r.headers_mut().insert("location", l);
        }
        Ok(r)
    };
    run().unwrap_or_else(|e| e)
}

async fn update_flight_log(
    AxState(s): AxState<AppState>,
    method: Method,
    h: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let run = || -> Result<Response, Response> {
        let o = auth_org(&s, &h, &org)?;
        let fid = parse_pf_id(&id)
            .ok_or_else(|| error(StatusCode::NOT_FOUND, "not_found", "Resource not found"))?;
        let m = attributes(&body)?;
        let now = s.clock.now_ts();
        let v = {
            let mut w = s.world_mut();
            let sc = Scope::new(&w, o);
            if !w
                .flights
                .get(fid as usize)
                .is_some_and(|f| sc.has_flight(f))
            {
                return Err(error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "Resource not found",
                ));
            }
            let inp = parse_log(&w, &sc, &m)?;
            if method == Method::PUT
                && (inp.date.is_none() || inp.aircraft.is_none() || inp.tenths.is_none())
            {
                return Err(validation(
                    "attributes",
                    "PUT needs date, aircraft and duration",
                ));
            }
            let seq = w.touch();
            let f = &mut w.flights[fid as usize];
            if let Some(d) = inp.date {
                let len = f.on_block - f.off_block;
                let shift = d - (f.off_block - f.off_block.rem_euclid(DAY) + 12 * HOUR);
                if date_str(d) != date_str(f.off_block) {
                    f.off_block += shift;
                    f.takeoff += shift;
                    f.landing += shift;
                    f.on_block = f.off_block + len;
                }
            }
            if let Some(a) = inp.aircraft {
                f.aircraft = a;
            }
            if let Some(t) = inp.tenths {
                f.pilotflows_tenths = t;
            }
            if let Some(p) = inp.pilot {
                f.pic = p;
            }
            if let Some(st) = inp.student {
                f.student = st;
            }
            if let Some(r) = inp.remarks {
                f.remarks = r;
            }
            if let Some(l) = inp.landings {
                f.landings = l;
            }
            if let Some(d) = inp.departure {
                f.departure = d;
            }
            if let Some(a) = inp.arrival {
                f.arrival = a;
            }
            f.updated_at = now;
            f.version = seq;
            flight_log_json(&w, &w.flights[fid as usize])
        };
        super::on_change(
            &s,
            Change {
                kind: RecordKind::Flight,
                id: fid,
                action: ChangeAction::Updated,
            },
        );
        Ok(Json(json!({"data": v})).into_response())
    };
    run().unwrap_or_else(|e| e)
}

async fn delete_flight_log(
    AxState(s): AxState<AppState>,
    h: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> Response {
    let run = || -> Result<Response, Response> {
        let o = auth_org(&s, &h, &org)?;
        let fid = parse_pf_id(&id)
            .ok_or_else(|| error(StatusCode::NOT_FOUND, "not_found", "Resource not found"))?;
        let now = s.clock.now_ts();
        {
            let mut w = s.world_mut();
            let sc = Scope::new(&w, o);
            if !w
                .flights
                .get(fid as usize)
                .is_some_and(|f| sc.has_flight(f))
            {
                return Err(error(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "Resource not found",
                ));
            }
            let seq = w.touch();
            let f = &mut w.flights[fid as usize];
            // Removing the hand entry; a device-recorded flight stays in the other systems.
            f.in_pilotflows = false;
            if !f.by_device && !f.in_fsb {
                f.deleted = true;
            }
            f.updated_at = now;
            f.version = seq;
        }
        super::on_change(
            &s,
            Change {
                kind: RecordKind::Flight,
                id: fid,
                action: ChangeAction::Deleted,
            },
        );
        Ok(StatusCode::NO_CONTENT.into_response())
    };
    run().unwrap_or_else(|e| e)
}

pub fn on_change(_state: &AppState, _change: Change) {}

/// PilotFlows sends no webhooks in the sandbox.
pub fn trigger(_state: &AppState, event: &str, _id: Option<u32>) -> Result<Vec<u64>, String> {
    Err(format!("PilotFlows webhooks are not simulated (`{event}`)"))
}

/// Everything each organisation serves.
pub fn truth(s: &AppState) -> Value {
    let now = s.clock.now_ts();
    let w = s.world();
    let mut out = serde_json::Map::new();
    for o in Org::ALL {
        let sc = Scope::new(&w, o);
        out.insert(
            o.id().into(),
            json!({
                "organization": org_json(o),
                "members": w.people.iter().filter(|p| sc.member(p.id)).map(|p| member_json(&w, o, p)).collect::<Vec<_>>(),
                "aircraft": w.aircraft.iter().filter(|a| sc.has_aircraft(a.id)).map(|a| aircraft_json(&w, a)).collect::<Vec<_>>(),
                "flight_logs": w.flights.iter().filter(|f| sc.has_flight(f)).map(|f| flight_log_json(&w, f)).collect::<Vec<_>>(),
                "invoices": w.invoices.iter().filter(|i| sc.has_invoice(&w, i)).map(|i| invoice_json(&w, i, now)).collect::<Vec<_>>(),
                "expenses": w.expenses.iter().filter(|e| sc.has_expense(&w, e)).map(|e| expense_json(&w, e)).collect::<Vec<_>>(),
                "calendar_events": w.bookings.iter().filter(|b| sc.has_booking(&w, b)).map(|b| event_json(&w, b, now)).collect::<Vec<_>>(),
            }),
        );
    }
    json!({"organizations": out})
}
