//! `/_sandbox/` admin API: inspect and change the world, move the clock, set faults, drive
//! webhooks, and dump what each provider currently serves.
//!
//! All bodies are JSON; times may be RFC 3339 strings or unix seconds. Errors are
//! `{"error": {"code", "message"}}` with status 400/404.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::faults::FaultSpec;
use crate::providers::{self, Change, ChangeAction, RecordKind};
use crate::world::*;
use crate::{AppState, Provider};

type R = Result<Response, Response>;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(manifest))
        .route("/manifest", get(manifest))
        .route("/world", get(world_summary))
        .route("/clock", get(clock_get))
        .route("/clock/advance", post(clock_advance))
        .route("/clock/set", post(clock_set))
        .route("/faults", get(faults_get).put(faults_set).post(faults_set))
        .route("/webhooks/endpoints", get(hooks_list).post(hooks_add))
        .route("/webhooks/endpoints/{id}", delete(hooks_del))
        .route("/webhooks/deliveries", get(hooks_log))
        .route("/webhooks/trigger", post(hooks_trigger))
        .route("/truth/{provider}", get(truth))
        .route("/overlaps", get(overlaps))
        .route("/records/{kind}", get(records_list))
        .route("/records/{kind}/{id}", get(record_get))
        .route("/bookings", post(booking_create))
        .route("/bookings/{id}", axum::routing::patch(booking_patch))
        .route("/bookings/{id}/cancel", post(booking_cancel))
        .route("/flights", post(flight_create))
        .route(
            "/flights/{id}",
            axum::routing::patch(flight_patch).delete(flight_delete),
        )
        .route("/people", post(person_create))
        .route("/people/{id}", axum::routing::patch(person_patch))
        .route("/work-orders", post(wo_create))
        .route("/work-orders/{id}", axum::routing::patch(wo_patch))
        .route("/invoices", post(invoice_create))
        .route("/invoices/{id}/pay", post(invoice_pay))
        .route("/invoices/{id}/void", post(invoice_void))
        .route("/compliance/{id}", axum::routing::patch(compliance_patch))
        .route("/flylogs/users/{uid}/enrollments", get(flylogs_enrollments))
        .route(
            "/flylogs/enrollments/{id}",
            delete(flylogs_enrollment_delete),
        )
        .route("/flylogs/trainings/{id}", delete(flylogs_training_delete))
        .fallback(|| async { bad(StatusCode::NOT_FOUND, "not_found", "no such admin endpoint") })
        .with_state(state)
}

fn bad(status: StatusCode, code: &str, msg: &str) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": msg}})),
    )
        .into_response()
}
fn bad_req(msg: impl std::fmt::Display) -> Response {
    bad(StatusCode::BAD_REQUEST, "bad_request", &msg.to_string())
}
fn not_found(what: &str) -> Response {
    bad(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!("{what} not found"),
    )
}
fn ok(v: Value) -> R {
    Ok(Json(v).into_response())
}

fn body_json(b: &Bytes) -> Result<Value, Response> {
    if b.is_empty() {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(b).map_err(|e| bad_req(format!("invalid JSON: {e}")))?;
    if !v.is_object() {
        return Err(bad_req("body must be a JSON object"));
    }
    Ok(v)
}

/// A time from an RFC 3339 string or unix seconds.
pub fn ts_of(v: &Value) -> Option<Ts> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.timestamp()),
        _ => None,
    }
}

fn opt_ts(b: &Value, k: &str) -> Result<Option<Ts>, Response> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => ts_of(v)
            .map(Some)
            .ok_or_else(|| bad_req(format!("`{k}` must be RFC 3339 or unix seconds"))),
    }
}
fn opt_u32(b: &Value, k: &str) -> Result<Option<u32>, Response> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| bad_req(format!("`{k}` must be a world id (integer)"))),
    }
}
fn opt_str(b: &Value, k: &str) -> Result<Option<String>, Response> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad_req(format!("`{k}` must be a string"))),
    }
}
fn parse_enum<T: serde::de::DeserializeOwned>(b: &Value, k: &str) -> Result<Option<T>, Response> {
    match b.get(k) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => serde_json::from_value(v.clone())
            .map(Some)
            .map_err(|_| bad_req(format!("invalid `{k}`: {v}"))),
    }
}

async fn manifest(State(s): State<AppState>) -> Json<Value> {
    Json(json!({
        "providers": s.manifest(),
        "admin_url": format!("{}/_sandbox", s.root_url),
        "clock": {"now": s.clock.now().to_rfc3339(), "pinned": s.clock.is_pinned()},
        "faults": s.faults.spec().to_spec_string(),
        "world": s.world().summary(),
    }))
}

async fn world_summary(State(s): State<AppState>) -> Json<Value> {
    Json(s.world().summary())
}

fn clock_json(s: &AppState) -> Value {
    json!({"now": s.clock.now().to_rfc3339(), "unix": s.clock.now_ts(), "pinned": s.clock.is_pinned()})
}
async fn clock_get(State(s): State<AppState>) -> Json<Value> {
    Json(clock_json(&s))
}
/// `{"seconds": N}` or `{"duration": "90m"}` (ms/s/m/h/d suffixes).
async fn clock_advance(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let secs = if let Some(n) = b.get("seconds") {
        n.as_i64()
            .ok_or_else(|| bad_req("`seconds` must be an integer"))?
    } else if let Some(d) = b.get("duration").and_then(Value::as_str) {
        parse_secs(d).ok_or_else(|| bad_req("`duration` like 90s, 15m, 2h, 3d"))?
    } else {
        return Err(bad_req("give `seconds` or `duration`"));
    };
    let before = s.clock.now_ts();
    s.clock.advance(chrono::Duration::seconds(secs));
    clock_moved(&s, before, s.clock.now_ts());
    ok(clock_json(&s))
}
fn parse_secs(d: &str) -> Option<i64> {
    let d = d.trim();
    let (n, m) = match d.chars().last()? {
        's' => (&d[..d.len() - 1], 1),
        'm' => (&d[..d.len() - 1], 60),
        'h' => (&d[..d.len() - 1], 3600),
        'd' => (&d[..d.len() - 1], 86_400),
        _ => (d, 1),
    };
    n.parse::<i64>().ok().map(|n| n * m)
}
async fn clock_set(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let t = opt_ts(&b, "now")?.ok_or_else(|| bad_req("give `now`"))?;
    let before = s.clock.now_ts();
    s.clock
        .set(chrono::DateTime::from_timestamp(t, 0).ok_or_else(|| bad_req("time out of range"))?);
    clock_moved(&s, before, s.clock.now_ts());
    ok(clock_json(&s))
}

/// Most events one clock move sends (advancing by months must not flood a receiver).
pub const MAX_CLOCK_EVENTS: usize = 200;

/// Time passing completes simulator sessions and moves compliance items into due-soon or
/// overdue: AviationAlley announces those (only when it has webhook endpoints).
fn clock_moved(s: &AppState, from: Ts, to: Ts) {
    if to <= from || s.hooks.endpoints(Some(Provider::AviationAlley)).is_empty() {
        return;
    }
    let changes: Vec<Change> = {
        let w = s.world();
        let done = w.bookings.iter().filter(|b| {
            b.end > from
                && b.end <= to
                && b.cancelled_at.is_none()
                && !b.no_show
                && b.aircraft()
                    .is_some_and(|a| w.aircraft[a as usize].kind == AircraftKind::Simulator)
        });
        let mut v: Vec<Change> = done
            .map(|b| Change {
                kind: RecordKind::Booking,
                id: b.id,
                action: ChangeAction::Completed,
            })
            .collect();
        v.extend(
            w.compliance
                .iter()
                .filter(|c| {
                    c.status(from) != c.status(to)
                        && matches!(
                            c.status(to),
                            ComplianceStatus::DueSoon | ComplianceStatus::Overdue
                        )
                })
                .map(|c| Change {
                    kind: RecordKind::Compliance,
                    id: c.id,
                    action: ChangeAction::Updated,
                }),
        );
        v.truncate(MAX_CLOCK_EVENTS);
        v
    };
    for c in changes {
        providers::aviationalley::on_change(s, c);
    }
}

fn faults_json(s: &AppState) -> Value {
    let spec = s.faults.spec();
    json!({"spec": spec.to_spec_string(), "providers": spec.providers})
}
async fn faults_get(State(s): State<AppState>) -> Json<Value> {
    Json(faults_json(&s))
}
/// `{"spec": "airbly:5xx=0.2,..."}` replaces all faults (empty string clears them). A plain
/// text body is accepted too.
async fn faults_set(State(s): State<AppState>, b: Bytes) -> R {
    let spec = match serde_json::from_slice::<Value>(&b) {
        Ok(v) => v
            .get("spec")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| bad_req("give `spec`"))?,
        Err(_) => String::from_utf8_lossy(&b).into_owned(),
    };
    let spec = FaultSpec::parse(&spec).map_err(bad_req)?;
    s.faults.set(spec);
    ok(faults_json(&s))
}

async fn hooks_list(State(s): State<AppState>) -> Json<Value> {
    Json(json!({"endpoints": s.hooks.endpoints(None)}))
}
/// `{"provider": "aviationalley", "url": "...", "secret"?: "...", "events"?: ["booking.created"]}`
async fn hooks_add(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let p: Provider = opt_str(&b, "provider")?
        .unwrap_or_else(|| "aviationalley".into())
        .parse()
        .map_err(bad_req)?;
    let url = opt_str(&b, "url")?.ok_or_else(|| bad_req("give `url`"))?;
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(bad_req("`url` must be http(s)"));
    }
    let events: Vec<String> = match b.get("events") {
        None | Some(Value::Null) => vec![],
        Some(v) => {
            serde_json::from_value(v.clone()).map_err(|_| bad_req("`events` must be strings"))?
        }
    };
    let ep = s.hooks.register(p, &url, opt_str(&b, "secret")?, events);
    Ok((StatusCode::CREATED, Json(json!(ep))).into_response())
}
async fn hooks_del(State(s): State<AppState>, Path(id): Path<String>) -> R {
    let id: u32 = id.parse().map_err(|_| bad_req("bad id"))?;
    if s.hooks.remove(id) {
        ok(json!({"deleted": id}))
    } else {
        Err(not_found("endpoint"))
    }
}
async fn hooks_log(State(s): State<AppState>) -> Json<Value> {
    Json(json!({"deliveries": s.hooks.log()}))
}
/// `{"provider": "aviationalley", "event": "booking.created", "id"?: N}` sends that event for
/// world record N (or a representative one).
async fn hooks_trigger(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let p: Provider = opt_str(&b, "provider")?
        .unwrap_or_else(|| "aviationalley".into())
        .parse()
        .map_err(bad_req)?;
    let event = opt_str(&b, "event")?.unwrap_or_default();
    let id = opt_u32(&b, "id")?;
    let r = match p {
        Provider::AviationAlley => providers::aviationalley::trigger(&s, &event, id),
        Provider::PilotFlows => providers::pilotflows::trigger(&s, &event, id),
        Provider::Airbly => providers::airbly::trigger(&s, &event, id),
        Provider::FlightSchoolBooking => providers::flightschoolbooking::trigger(&s, &event, id),
        Provider::Flylogs => providers::flylogs::trigger(&s, &event, id),
    };
    match r {
        Ok(ids) => ok(json!({"queued": ids})),
        Err(e) => Err(bad_req(e)),
    }
}

async fn truth(State(s): State<AppState>, Path(p): Path<String>) -> R {
    let p: Provider = p
        .parse()
        .map_err(|e: String| bad(StatusCode::NOT_FOUND, "not_found", &e))?;
    ok(providers::truth(&s, p))
}

/// The truth a calendar's conflict finder is checked against: every pair of live (not
/// cancelled) world bookings that share an aircraft, simulator, classroom or person at
/// overlapping times, and the ids each provider may serve a booking under.
async fn overlaps(State(s): State<AppState>) -> Json<Value> {
    let w = s.world();
    let live: Vec<&Booking> = w
        .bookings
        .iter()
        .filter(|b| b.cancelled_at.is_none() && b.start < b.end)
        .collect();
    let mut holders: std::collections::BTreeMap<String, Vec<&Booking>> = Default::default();
    for &b in &live {
        let resource = match b.resource {
            Resource::Aircraft(a) => Some(format!("aircraft {a}")),
            Resource::Classroom(c) => Some(format!("classroom {c}")),
            Resource::None => None,
        };
        let people = b.student.into_iter().chain(b.instructor);
        for key in resource
            .into_iter()
            .chain(people.map(|p| format!("person {p}")))
        {
            holders.entry(key).or_default().push(b);
        }
    }
    let mut pairs = std::collections::BTreeSet::new();
    for list in holders.values() {
        for (i, a) in list.iter().enumerate() {
            for b in &list[i + 1..] {
                if a.start < b.end && b.start < a.end {
                    pairs.insert((a.id.min(b.id), a.id.max(b.id)));
                }
            }
        }
    }
    let ids: Vec<Value> = w
        .bookings
        .iter()
        .map(|b| {
            json!({
                "booking": b.id,
                "aviationalley": providers::aviationalley::booking_uuid(&w, b.id),
                "flightschoolbooking": (providers::flightschoolbooking::BOOKING_ID + b.id).to_string(),
                "pilotflows": (b.id + 1).to_string(),
                "flylogs": providers::flylogs::class_id(&w, b.id),
                "start": b.start,
                "end": b.end,
            })
        })
        .collect();
    Json(json!({"pairs": pairs, "bookings": ids}))
}

fn list_of(w: &World, kind: &str) -> Option<Value> {
    Some(match kind {
        "people" => json!(w.people),
        "aircraft" => json!(w.aircraft),
        "classrooms" => json!(w.classrooms),
        "locations" => json!(w.locations),
        "courses" => json!(w.courses),
        "bookings" => json!(w.bookings),
        "flights" => json!(w.flights),
        "duties" => json!(w.duties),
        "work-orders" => json!(w.work_orders),
        "invoices" => json!(w.invoices),
        "expenses" => json!(w.expenses),
        "compliance" => json!(w.compliance),
        _ => return None,
    })
}
async fn records_list(State(s): State<AppState>, Path(kind): Path<String>) -> R {
    let w = s.world();
    list_of(&w, &kind)
        .map(|v| Json(v).into_response())
        .ok_or_else(|| not_found("record kind"))
}
async fn record_get(State(s): State<AppState>, Path((kind, id)): Path<(String, String)>) -> R {
    let id: usize = id.parse().map_err(|_| bad_req("bad id"))?;
    let w = s.world();
    let v = match kind.as_str() {
        "people" => w.people.get(id).map(|x| json!(x)),
        "aircraft" => w.aircraft.get(id).map(|x| json!(x)),
        "bookings" => w.bookings.get(id).map(|x| json!(x)),
        "flights" => w.flights.get(id).map(|x| json!(x)),
        "duties" => w.duties.get(id).map(|x| json!(x)),
        "work-orders" => w.work_orders.get(id).map(|x| json!(x)),
        "invoices" => w.invoices.get(id).map(|x| json!(x)),
        "expenses" => w.expenses.get(id).map(|x| json!(x)),
        "compliance" => w.compliance.get(id).map(|x| json!(x)),
        _ => return Err(not_found("record kind")),
    };
    v.map(|v| Json(v).into_response())
        .ok_or_else(|| not_found("record"))
}

fn changed(s: &AppState, kind: RecordKind, id: u32, action: ChangeAction, v: Value) -> R {
    providers::on_change(s, Change { kind, id, action });
    let status = if action == ChangeAction::Created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(v)).into_response())
}

fn resource_of(w: &World, b: &Value) -> Result<Option<Resource>, Response> {
    if let Some(a) = b.get("aircraft").filter(|v| !v.is_null()) {
        let id = match a {
            Value::String(reg) => w.aircraft_by_reg(reg).map(|x| x.id),
            v => v
                .as_u64()
                .map(|n| n as u32)
                .filter(|n| (*n as usize) < w.aircraft.len()),
        };
        return id
            .map(|i| Some(Resource::Aircraft(i)))
            .ok_or_else(|| bad_req("unknown aircraft"));
    }
    if let Some(c) = opt_u32(b, "classroom")? {
        if (c as usize) >= w.classrooms.len() {
            return Err(bad_req("unknown classroom"));
        }
        return Ok(Some(Resource::Classroom(c)));
    }
    Ok(None)
}

fn check_person(w: &World, id: Option<u32>, what: &str) -> Result<(), Response> {
    match id {
        Some(p) if w.person(p).is_none() => Err(bad_req(format!("unknown {what}"))),
        _ => Ok(()),
    }
}

/// Create a booking: `{aircraft: "N44API"|id, classroom?, student?, instructor?, kind?,
/// start, end, notes?}`.
async fn booking_create(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let resource = resource_of(&w, &b)?.unwrap_or(Resource::None);
        let start = opt_ts(&b, "start")?.ok_or_else(|| bad_req("give `start`"))?;
        let end = opt_ts(&b, "end")?.ok_or_else(|| bad_req("give `end`"))?;
        if end <= start {
            return Err(bad_req("`end` must be after `start`"));
        }
        let student = opt_u32(&b, "student")?;
        let instructor = opt_u32(&b, "instructor")?;
        check_person(&w, student, "student")?;
        check_person(&w, instructor, "instructor")?;
        let kind = parse_enum::<BookingKind>(&b, "kind")?.unwrap_or(match (resource, instructor) {
            (Resource::Aircraft(a), _)
                if w.aircraft[a as usize].kind == AircraftKind::Simulator =>
            {
                BookingKind::Sim
            }
            (Resource::Classroom(_), _) => BookingKind::Ground,
            (_, None) if student.is_some() => BookingKind::Solo,
            (_, _) if student.is_none() => BookingKind::Unavailable,
            _ => BookingKind::Dual,
        });
        let originator = opt_u32(&b, "originator")?.unwrap_or_else(|| {
            w.ids_with_role(Role::Dispatcher)
                .first()
                .copied()
                .unwrap_or(0)
        });
        let id = w.push_booking(Booking {
            id: 0,
            kind,
            resource,
            student,
            instructor,
            originator,
            start,
            end,
            booked_at: now,
            no_show: false,
            cancelled_at: None,
            cancelled_by: None,
            cancel_reason: None,
            notes: opt_str(&b, "notes")?.unwrap_or_default(),
            flight: None,
            conflict: false,
            created_at: now,
            updated_at: now,
            version: 0,
        });
        (id, json!(w.bookings[id as usize]))
    };
    changed(&s, RecordKind::Booking, id, ChangeAction::Created, v)
}

fn parse_id(id: &str, len: usize) -> Result<usize, Response> {
    id.parse::<usize>()
        .ok()
        .filter(|i| *i < len)
        .ok_or_else(|| not_found("record"))
}

async fn booking_patch(State(s): State<AppState>, Path(id): Path<String>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v, action) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.bookings.len())?;
        let res = resource_of(&w, &b)?;
        let student = opt_u32(&b, "student")?;
        let instructor = opt_u32(&b, "instructor")?;
        check_person(&w, student, "student")?;
        check_person(&w, instructor, "instructor")?;
        let (start, end) = (opt_ts(&b, "start")?, opt_ts(&b, "end")?);
        let notes = opt_str(&b, "notes")?;
        let no_show = b.get("no_show").and_then(Value::as_bool);
        let seq = w.touch();
        let bk = &mut w.bookings[i];
        let start = start.unwrap_or(bk.start);
        let end = end.unwrap_or(bk.end);
        if end <= start {
            return Err(bad_req("`end` must be after `start`"));
        }
        bk.start = start;
        bk.end = end;
        if let Some(r) = res {
            bk.resource = r;
        }
        if student.is_some() {
            bk.student = student;
        }
        if instructor.is_some() {
            bk.instructor = instructor;
        }
        if let Some(n) = notes {
            bk.notes = n;
        }
        if let Some(ns) = no_show {
            bk.no_show = ns;
        }
        if b.get("uncancel").and_then(Value::as_bool) == Some(true) {
            bk.cancelled_at = None;
            bk.cancelled_by = None;
            bk.cancel_reason = None;
        }
        bk.updated_at = now;
        bk.version = seq;
        let action = if bk.status(now) == BookingStatus::Completed {
            ChangeAction::Completed
        } else {
            ChangeAction::Updated
        };
        (i as u32, json!(bk), action)
    };
    changed(&s, RecordKind::Booking, id, action, v)
}

async fn booking_cancel(State(s): State<AppState>, Path(id): Path<String>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.bookings.len())?;
        if w.bookings[i].cancelled_at.is_some() {
            return Err(bad(
                StatusCode::CONFLICT,
                "already_cancelled",
                "booking already cancelled",
            ));
        }
        let by = opt_u32(&b, "by")?;
        check_person(&w, by, "person")?;
        let reason = opt_str(&b, "reason")?.unwrap_or_else(|| "Cancelled".into());
        let seq = w.touch();
        let bk = &mut w.bookings[i];
        bk.cancelled_at = Some(now);
        bk.cancelled_by = Some(by.unwrap_or(bk.originator));
        bk.cancel_reason = Some(reason);
        bk.updated_at = now;
        bk.version = seq;
        (i as u32, json!(bk))
    };
    changed(&s, RecordKind::Booking, id, ChangeAction::Cancelled, v)
}

/// `{aircraft, pic, student?, booking?, off_block, on_block, takeoff?, landing?, landings?,
/// departure?, arrival?, by_device?, in_pilotflows?, in_fsb?, exercises?, debrief?, remarks?}`
async fn flight_create(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let Some(Resource::Aircraft(a)) = resource_of(&w, &b)? else {
            return Err(bad_req("give `aircraft`"));
        };
        let pic = opt_u32(&b, "pic")?.ok_or_else(|| bad_req("give `pic`"))?;
        let student = opt_u32(&b, "student")?;
        check_person(&w, Some(pic), "pic")?;
        check_person(&w, student, "student")?;
        let off = opt_ts(&b, "off_block")?.ok_or_else(|| bad_req("give `off_block`"))?;
        let on = opt_ts(&b, "on_block")?.ok_or_else(|| bad_req("give `on_block`"))?;
        if on <= off {
            return Err(bad_req("`on_block` must be after `off_block`"));
        }
        let booking = opt_u32(&b, "booking")?;
        if booking.is_some_and(|x| x as usize >= w.bookings.len()) {
            return Err(bad_req("unknown booking"));
        }
        let loc = w.aircraft[a as usize].location;
        let engine_before = w.aircraft[a as usize].base_engine_seconds
            + w.flights
                .iter()
                .filter(|f| f.aircraft == a && !f.deleted)
                .map(|f| f.engine_seconds())
                .sum::<i64>();
        let is_sim = w.aircraft[a as usize].kind == AircraftKind::Simulator;
        let id = w.flights.len() as u32;
        let seq = w.touch();
        let seed = w.seed;
        let f = Flight {
            id,
            uuid: uuid_for(ns::FLIGHT, id, seed),
            booking,
            aircraft: a,
            pic,
            student,
            departure: opt_u32(&b, "departure")?.unwrap_or(loc),
            arrival: opt_u32(&b, "arrival")?.unwrap_or(loc),
            off_block: off,
            takeoff: opt_ts(&b, "takeoff")?.unwrap_or(off + 300).min(on),
            landing: opt_ts(&b, "landing")?.unwrap_or(on - 300).max(off),
            on_block: on,
            landings: opt_u32(&b, "landings")?.unwrap_or(if is_sim { 0 } else { 1 }),
            fuel_ml: (on - off) * 9,
            engine_before,
            by_device: b
                .get("by_device")
                .and_then(Value::as_bool)
                .unwrap_or(!is_sim),
            in_pilotflows: b
                .get("in_pilotflows")
                .and_then(Value::as_bool)
                .unwrap_or(!is_sim),
            pilotflows_tenths: (((on - off) / 60 + 3) / 6).max(1) as u32,
            in_fsb: b.get("in_fsb").and_then(Value::as_bool).unwrap_or(!is_sim),
            exercises: opt_str(&b, "exercises")?.unwrap_or_default(),
            debrief: opt_str(&b, "debrief")?.unwrap_or_default(),
            remarks: opt_str(&b, "remarks")?.unwrap_or_default(),
            deleted: false,
            created_at: now,
            updated_at: now,
            version: seq,
        };
        w.flights.push(f);
        if let Some(bk) = booking {
            w.bookings[bk as usize].flight = Some(id);
        }
        (id, json!(w.flights[id as usize]))
    };
    changed(&s, RecordKind::Flight, id, ChangeAction::Created, v)
}

async fn flight_patch(State(s): State<AppState>, Path(id): Path<String>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.flights.len())?;
        let (off, on) = (opt_ts(&b, "off_block")?, opt_ts(&b, "on_block")?);
        let (exercises, debrief, remarks) = (
            opt_str(&b, "exercises")?,
            opt_str(&b, "debrief")?,
            opt_str(&b, "remarks")?,
        );
        let landings = opt_u32(&b, "landings")?;
        let tenths = opt_u32(&b, "pilotflows_tenths")?;
        let seq = w.touch();
        let f = &mut w.flights[i];
        let off = off.unwrap_or(f.off_block);
        let on = on.unwrap_or(f.on_block);
        if on <= off {
            return Err(bad_req("`on_block` must be after `off_block`"));
        }
        f.off_block = off;
        f.on_block = on;
        f.takeoff = f.takeoff.clamp(off, on);
        f.landing = f.landing.clamp(f.takeoff, on);
        if let Some(x) = exercises {
            f.exercises = x;
        }
        if let Some(x) = debrief {
            f.debrief = x;
        }
        if let Some(x) = remarks {
            f.remarks = x;
        }
        if let Some(x) = landings {
            f.landings = x;
        }
        if let Some(x) = tenths {
            f.pilotflows_tenths = x;
        }
        f.updated_at = now;
        f.version = seq;
        (i as u32, json!(f))
    };
    changed(&s, RecordKind::Flight, id, ChangeAction::Updated, v)
}

async fn flight_delete(State(s): State<AppState>, Path(id): Path<String>) -> R {
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.flights.len())?;
        let seq = w.touch();
        let f = &mut w.flights[i];
        f.deleted = true;
        f.updated_at = now;
        f.version = seq;
        (i as u32, json!(f))
    };
    changed(&s, RecordKind::Flight, id, ChangeAction::Deleted, v)
}

/// `{role, first_name, last_name, email?, location?, course?}`
async fn person_create(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let role = parse_enum::<Role>(&b, "role")?.unwrap_or(Role::Student);
        let first = opt_str(&b, "first_name")?.ok_or_else(|| bad_req("give `first_name`"))?;
        let last = opt_str(&b, "last_name")?.ok_or_else(|| bad_req("give `last_name`"))?;
        let id = w.people.len() as u32;
        let email = opt_str(&b, "email")?.unwrap_or_else(|| {
            format!(
                "{}.{}@skyhaven.example",
                first.to_lowercase(),
                last.to_lowercase()
            )
            .replace(' ', "")
        });
        let seq = w.touch();
        let seed = w.seed;
        w.people.push(Person {
            id,
            uuid: uuid_for(ns::PERSON, id, seed),
            role,
            first_name: first,
            last_name: last,
            email,
            phone: opt_str(&b, "phone")?.unwrap_or_default(),
            date_of_birth: opt_str(&b, "date_of_birth")?.unwrap_or_else(|| "2000-01-01".into()),
            location: opt_u32(&b, "location")?.unwrap_or(0).min(1),
            course: opt_u32(&b, "course")?.or((role == Role::Student).then_some(0)),
            medical_expires: now + 365 * DAY,
            active: true,
            created_at: now,
            updated_at: now,
            version: seq,
        });
        (id, json!(w.people[id as usize]))
    };
    changed(&s, RecordKind::Person, id, ChangeAction::Created, v)
}

async fn person_patch(State(s): State<AppState>, Path(id): Path<String>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.people.len())?;
        let (first, last, email, phone) = (
            opt_str(&b, "first_name")?,
            opt_str(&b, "last_name")?,
            opt_str(&b, "email")?,
            opt_str(&b, "phone")?,
        );
        let active = b.get("active").and_then(Value::as_bool);
        let medical = opt_ts(&b, "medical_expires")?;
        let seq = w.touch();
        let p = &mut w.people[i];
        if let Some(x) = first {
            p.first_name = x;
        }
        if let Some(x) = last {
            p.last_name = x;
        }
        if let Some(x) = email {
            p.email = x;
        }
        if let Some(x) = phone {
            p.phone = x;
        }
        if let Some(x) = active {
            p.active = x;
        }
        if let Some(x) = medical {
            p.medical_expires = x;
        }
        p.updated_at = now;
        p.version = seq;
        (i as u32, json!(p))
    };
    changed(&s, RecordKind::Person, id, ChangeAction::Updated, v)
}

/// `{aircraft, title, priority?, status?}`
async fn wo_create(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let Some(Resource::Aircraft(a)) = resource_of(&w, &b)? else {
            return Err(bad_req("give `aircraft` (a simulator or aircraft)"));
        };
        let title = opt_str(&b, "title")?.ok_or_else(|| bad_req("give `title`"))?;
        let priority = parse_enum::<Priority>(&b, "priority")?.unwrap_or(Priority::Normal);
        let status = parse_enum::<WorkOrderStatus>(&b, "status")?.unwrap_or(WorkOrderStatus::Open);
        let id = w.work_orders.len() as u32;
        let seq = w.touch();
        let seed = w.seed;
        w.work_orders.push(WorkOrder {
            id,
            uuid: uuid_for(ns::WORK_ORDER, id, seed),
            aircraft: a,
            title,
            status,
            priority,
            opened_at: now,
            closed_at: None,
            created_at: now,
            updated_at: now,
            version: seq,
        });
        (id, json!(w.work_orders[id as usize]))
    };
    changed(&s, RecordKind::WorkOrder, id, ChangeAction::Created, v)
}

async fn wo_patch(State(s): State<AppState>, Path(id): Path<String>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v, action) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.work_orders.len())?;
        let status = parse_enum::<WorkOrderStatus>(&b, "status")?;
        let priority = parse_enum::<Priority>(&b, "priority")?;
        let title = opt_str(&b, "title")?;
        let seq = w.touch();
        let o = &mut w.work_orders[i];
        let mut action = ChangeAction::Updated;
        if let Some(st) = status {
            o.status = st;
            if matches!(st, WorkOrderStatus::Completed | WorkOrderStatus::Cancelled) {
                o.closed_at = Some(now);
                if st == WorkOrderStatus::Completed {
                    action = ChangeAction::Completed;
                }
            } else {
                o.closed_at = None;
            }
        }
        if let Some(p) = priority {
            o.priority = p;
        }
        if let Some(t) = title {
            o.title = t;
        }
        o.updated_at = now;
        o.version = seq;
        (i as u32, json!(o), action)
    };
    changed(&s, RecordKind::WorkOrder, id, action, v)
}

/// `{customer, amount_cents, description?, due_days?, status?}`
async fn invoice_create(State(s): State<AppState>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let customer = opt_u32(&b, "customer")?.ok_or_else(|| bad_req("give `customer`"))?;
        check_person(&w, Some(customer), "customer")?;
        let amount = b
            .get("amount_cents")
            .and_then(Value::as_i64)
            .ok_or_else(|| bad_req("give `amount_cents` (integer)"))?;
        let status = parse_enum::<InvoiceStatus>(&b, "status")?.unwrap_or(InvoiceStatus::Sent);
        let due_days = b.get("due_days").and_then(Value::as_i64).unwrap_or(14);
        let id = w.invoices.len() as u32;
        let seq = w.touch();
        let seed = w.seed;
        w.invoices.push(Invoice {
            id,
            uuid: uuid_for(ns::INVOICE, id, seed),
            number: 10_001 + id,
            customer,
            flight: opt_u32(&b, "flight")?,
            description: opt_str(&b, "description")?.unwrap_or_else(|| "Sundry".into()),
            issued_at: now,
            due_at: now + due_days * DAY,
            amount_cents: amount,
            tax_cents: amount / 6,
            status,
            paid_at: None,
            created_at: now,
            updated_at: now,
            version: seq,
        });
        (id, json!(w.invoices[id as usize]))
    };
    changed(&s, RecordKind::Invoice, id, ChangeAction::Created, v)
}

async fn invoice_set(s: AppState, id: String, paid: bool) -> R {
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.invoices.len())?;
        let seq = w.touch();
        let inv = &mut w.invoices[i];
        if paid {
            inv.status = InvoiceStatus::Paid;
            inv.paid_at = Some(now);
        } else {
            inv.status = InvoiceStatus::Void;
        }
        inv.updated_at = now;
        inv.version = seq;
        (i as u32, json!(inv))
    };
    let action = if paid {
        ChangeAction::Paid
    } else {
        ChangeAction::Voided
    };
    changed(&s, RecordKind::Invoice, id, action, v)
}
async fn invoice_pay(State(s): State<AppState>, Path(id): Path<String>) -> R {
    invoice_set(s, id, true).await
}
async fn invoice_void(State(s): State<AppState>, Path(id): Path<String>) -> R {
    invoice_set(s, id, false).await
}

/// `{due_at?, status?: "IN_PROGRESS"|"WAIVED"|null}`
async fn compliance_patch(State(s): State<AppState>, Path(id): Path<String>, b: Bytes) -> R {
    let b = body_json(&b)?;
    let now = s.clock.now_ts();
    let (id, v) = {
        let mut w = s.world_mut();
        let i = parse_id(&id, w.compliance.len())?;
        let due = opt_ts(&b, "due_at")?;
        let status = parse_enum::<ComplianceStatus>(&b, "status")?;
        let seq = w.touch();
        let c = &mut w.compliance[i];
        if let Some(d) = due {
            c.due_at = d;
        }
        if b.get("status").is_some() {
            c.pinned_status = status
                .filter(|s| matches!(s, ComplianceStatus::InProgress | ComplianceStatus::Waived));
        }
        c.updated_at = now;
        c.version = seq;
        (i as u32, json!(c))
    };
    changed(&s, RecordKind::Compliance, id, ChangeAction::Updated, v)
}

/// Flylogs data that is not the shared world (to move a listing between two pages).
async fn flylogs_enrollments(State(s): State<AppState>, Path(uid): Path<String>) -> R {
    let uid: u32 = uid.parse().map_err(|_| bad_req("bad user id"))?;
    ok(json!({"enrollments": providers::flylogs::enrollments_of(&s, uid)}))
}
async fn flylogs_enrollment_delete(State(s): State<AppState>, Path(id): Path<String>) -> R {
    if providers::flylogs::delete_enrollment(&s, &id) {
        ok(json!({"deleted": id}))
    } else {
        Err(not_found("enrollment"))
    }
}
async fn flylogs_training_delete(State(s): State<AppState>, Path(id): Path<String>) -> R {
    if providers::flylogs::delete_training(&s, &id) {
        ok(json!({"deleted": id}))
    } else {
        Err(not_found("training without enrolments"))
    }
}
