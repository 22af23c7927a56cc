//! Flight School Booking read API (per-school site; base = `https://acme.flightschoolbooking.com`).
//!
//! Lists: zero-based `page`, 50 rows, `{total, has_more, change_id, rows}`; every row has a
//! `url` that re-reads that one object. Bearer tokens (the `FSBToken` scheme of one stored
//! page variant is accepted too) carry per-area grants: bookings, booked_out, training,
//! billing, people.
//!
//! Paths (only `/club/bookings` is documented; the others follow its pattern, with aliases):
//! `/club/bookings`, `/club/booked-out` (`/club/booked_out`, `/club/bookedout`),
//! `/club/training` (`/club/training-records`), `/club/billing-transactions`
//! (`/club/billing_transactions`, `/club/billing/transactions`), `/club/people`
//! (`/club/users`); `{list}/{id}` re-reads one row.
//!
//! Row shape ("dialect", set with the `fsb:dialect=` fault, default `mixed`):
//! `documented` = snake_case fields with JSON numbers, as the field lists say; `example` =
//! what the bookings example shows (`total` and times as strings, camelCase `startTime`,
//! `member`, ...); `mixed` = documented field names, but `total` is a string (as in the
//! example) and rows with an odd id carry their numbers as strings.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use super::common::{auth_scheme, query_pairs, token};
use super::{Change, Credential};
use crate::world::*;
use crate::{AppState, Provider};

pub const AREAS: [&str; 5] = ["bookings", "booked_out", "training", "billing", "people"];

pub const BOOKING_ID: u32 = 5_000;
pub const PERSON_ID: u32 = 100;
pub const AIRCRAFT_ID: u32 = 1;
pub const OUT_ID: u32 = 70_000;
pub const TRAINING_ID: u32 = 20_000;
pub const TXN_ID: u32 = 300_000;

fn tokens(w: &World) -> Vec<(String, String, Vec<&'static str>)> {
    let mut v = vec![(
        "all_areas".to_string(),
        token("", w.seed, "fsb-all", 64),
        AREAS.to_vec(),
    )];
    for a in AREAS {
        v.push((
            format!("no_{a}"),
            token("", w.seed, &format!("fsb-no-{a}"), 64),
            AREAS.iter().copied().filter(|x| *x != a).collect(),
        ));
    }
    v.push((
        "booked_out_only".into(),
        token("", w.seed, "fsb-bo-only", 64),
        vec!["booked_out"],
    ));
    v
}

pub fn credentials(w: &World) -> Vec<Credential> {
    tokens(w)
        .into_iter()
        .map(|(role, t, areas)| {
            Credential::new(&role, t)
                .with("areas", areas)
                .with("site", "skyhaven")
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

fn bad(msg: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "invalid_parameter", msg)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum List {
    Bookings,
    BookedOut,
    Training,
    Billing,
    People,
}

impl List {
    fn area(self) -> &'static str {
        match self {
            List::Bookings => "bookings",
            List::BookedOut => "booked_out",
            List::Training => "training",
            List::Billing => "billing",
            List::People => "people",
        }
    }
    fn path(self) -> &'static str {
        match self {
            List::Bookings => "/club/bookings",
            List::BookedOut => "/club/booked-out",
            List::Training => "/club/training",
            List::Billing => "/club/billing-transactions",
            List::People => "/club/people",
        }
    }
}

pub fn router(state: AppState) -> Router {
    let mut r = Router::new();
    for (l, paths) in [
        (List::Bookings, vec!["/club/bookings"]),
        (
            List::BookedOut,
            vec!["/club/booked-out", "/club/booked_out", "/club/bookedout"],
        ),
        (
            List::Training,
            vec![
                "/club/training",
                "/club/training-records",
                "/club/training_records",
            ],
        ),
        (
            List::Billing,
            vec![
                "/club/billing-transactions",
                "/club/billing_transactions",
                "/club/billing/transactions",
            ],
        ),
        (List::People, vec!["/club/people", "/club/users"]),
    ] {
        for p in paths {
            r = r
                .route(
                    p,
                    get(move |s: State<AppState>, h: HeaderMap, q: RawQuery| list(s, h, q, l)),
                )
                .route(
                    &format!("{p}/{{id}}"),
                    get(move |s: State<AppState>, h: HeaderMap, id: Path<String>| one(s, h, id, l)),
                );
        }
    }
    r.fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "Page not found") })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "The API is read-only",
            )
        })
        .with_state(state)
}

fn auth(s: &AppState, h: &HeaderMap, l: List) -> Result<(), Response> {
    let Some(t) = auth_scheme(h, "bearer").or_else(|| auth_scheme(h, "fsbtoken")) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Missing API token",
        ));
    };
    let w = s.world();
    match tokens(&w).into_iter().find(|(_, tok, _)| tok == t) {
        None => Err(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Invalid API token",
        )),
        Some((_, _, areas)) if !areas.contains(&l.area()) => Err(error(
            StatusCode::FORBIDDEN,
            "forbidden",
            &format!("This token has no access to {}", l.area()),
        )),
        Some(_) => Ok(()),
    }
}

struct Q {
    pairs: Vec<(String, String)>,
}

impl Q {
    fn get(&self, k: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.as_str())
    }
    fn flag(&self, k: &str) -> Result<bool, Response> {
        match self.get(k) {
            None | Some("0") | Some("") => Ok(false),
            Some("1") => Ok(true),
            Some(_) => Err(bad(&format!("{k} must be 0 or 1"))),
        }
    }
    fn int(&self, k: &str) -> Result<Option<i64>, Response> {
        match self.get(k) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse::<i64>()
                .map(Some)
                .map_err(|_| bad(&format!("{k} must be an integer"))),
        }
    }
}

fn dialect(s: &AppState) -> String {
    s.faults
        .get(Provider::FlightSchoolBooking)
        .dialect
        .unwrap_or_else(|| "mixed".into())
}

fn url(s: &AppState, l: List, id: u32) -> String {
    format!(
        "{}{}{}/{id}",
        s.root_url,
        Provider::FlightSchoolBooking.prefix(),
        l.path()
    )
}

fn fsb_person(w: &World, p: u32) -> (u32, String) {
    (PERSON_ID + p, w.people[p as usize].name())
}

fn is_fsb_aircraft(w: &World, a: u32) -> bool {
    w.aircraft[a as usize].kind == AircraftKind::Aircraft
}

fn is_unavailability(b: &Booking) -> bool {
    matches!(b.kind, BookingKind::Unavailable | BookingKind::Maintenance)
}

fn in_scope_booking(w: &World, b: &Booking) -> bool {
    match b.resource {
        Resource::Aircraft(a) => is_fsb_aircraft(w, a),
        Resource::Classroom(_) => true,
        Resource::None => true,
    }
}

fn booking_row(s: &AppState, w: &World, b: &Booking) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("id".into(), json!(BOOKING_ID + b.id));
    m.insert(
        "url".into(),
        json!(url(s, List::Bookings, BOOKING_ID + b.id)),
    );
    m.insert("start_time".into(), json!(b.start));
    m.insert("stop_time".into(), json!(b.end));
    m.insert("booked_at".into(), json!(b.booked_at));
    let (oid, oname) = fsb_person(w, b.originator);
    m.insert("originator_id".into(), json!(oid));
    m.insert("originator_name".into(), json!(oname));
    if let Some(c) = b.student {
        let (id, n) = fsb_person(w, c);
        m.insert("customer_id".into(), json!(id));
        m.insert("customer_name".into(), json!(n));
    }
    if let Some(a) = b.aircraft() {
        m.insert("aircraft_id".into(), json!(AIRCRAFT_ID + a));
        m.insert(
            "aircraft".into(),
            json!(w.aircraft[a as usize].registration),
        );
    }
    if let Some(i) = b.instructor {
        let (id, n) = fsb_person(w, i);
        m.insert("instructor_id".into(), json!(id));
        m.insert("instructor_name".into(), json!(n));
    }
    let notes = match b.resource {
        Resource::Classroom(c) if b.notes.is_empty() => {
            format!("Ground school, {}", w.classrooms[c as usize].name)
        }
        _ => b.notes.clone(),
    };
    m.insert("notes".into(), json!(notes));
    if let Some(at) = b.cancelled_at {
        m.insert("cancelled".into(), json!(true));
        m.insert("cancelled_at".into(), json!(at));
        m.insert(
            "cancelled_by".into(),
            json!(b
                .cancelled_by
                .map(|p| w.people[p as usize].name())
                .unwrap_or_default()),
        );
        m.insert(
            "cancelled_notes".into(),
            json!(b.cancel_reason.clone().unwrap_or_default()),
        );
    }
    m
}

/// The bookings example's legacy shape.
fn booking_example(m: &Map<String, Value>) -> Map<String, Value> {
    let s = |k: &str| {
        m.get(k)
            .map(|v| v.to_string().trim_matches('"').to_string())
            .unwrap_or_default()
    };
    let mut o = Map::new();
    o.insert("id".into(), json!(s("id")));
    o.insert("url".into(), json!(s("url")));
    o.insert("startTime".into(), json!(s("start_time")));
    o.insert("stopTime".into(), json!(s("stop_time")));
    o.insert("bookedAt".into(), json!(s("booked_at")));
    o.insert("member".into(), json!(s("customer_name")));
    o.insert("aircraft".into(), json!(s("aircraft")));
    o.insert("instructor".into(), json!(s("instructor_name")));
    o.insert("notes".into(), json!(s("notes")));
    if m.contains_key("cancelled") {
        o.insert("cancelled".into(), json!("1"));
        o.insert("cancelledAt".into(), json!(s("cancelled_at")));
        o.insert("cancelledBy".into(), json!(s("cancelled_by")));
        o.insert("cancelledNotes".into(), json!(s("cancelled_notes")));
    }
    o
}

/// Numbers (also nested) as strings, booleans as "1"/"0", the way loosely typed servers do.
fn stringify(v: &mut Value) {
    match v {
        Value::Number(n) => *v = Value::String(n.to_string()),
        Value::Bool(b) => *v = Value::String(if *b { "1" } else { "0" }.into()),
        Value::Array(a) => a.iter_mut().for_each(stringify),
        Value::Object(o) => o.values_mut().for_each(stringify),
        _ => {}
    }
}

fn shape(dialect: &str, l: List, id: u32, m: Map<String, Value>) -> Value {
    match dialect {
        "documented" => Value::Object(m),
        "example" => {
            let mut v = if l == List::Bookings {
                Value::Object(booking_example(&m))
            } else {
                Value::Object(m)
            };
            stringify(&mut v);
            v
        }
        _ => {
            let mut v = Value::Object(m);
            if id % 2 == 1 {
                stringify(&mut v);
            }
            v
        }
    }
}

fn pilot_role(w: &World, p: u32) -> &'static str {
    match w.people[p as usize].role {
        Role::Student => "student",
        Role::Instructor | Role::Manager => "instructor",
        _ => "member",
    }
}

/// A booked-out record: (id, sort time, row).
fn booked_out_rows(s: &AppState, w: &World, now: Ts) -> Vec<(u32, Ts, Map<String, Value>)> {
    let day0 = now - now.rem_euclid(DAY);
    let mut out = vec![];
    for b in &w.bookings {
        let Some(a) = b.aircraft() else { continue };
        if !is_fsb_aircraft(w, a) || b.cancelled_at.is_some() || b.no_show || b.student.is_none() {
            continue;
        }
        let f = b
            .flight
            .map(|f| &w.flights[f as usize])
            .filter(|f| !f.deleted && f.in_fsb);
        let out_time = f.map(|f| f.off_block).unwrap_or(b.start + 15 * 60);
        if out_time > now || out_time < day0 {
            continue;
        }
        let p1_in = match f {
            Some(f) if f.on_block <= now => Some(f.on_block),
            None if b.end <= now => Some(b.end - 10 * 60),
            _ => None,
        };
        let (pic, stu) = match (b.kind, b.instructor) {
            (BookingKind::Solo, _) | (_, None) => (b.student.unwrap_or(0), None),
            (_, Some(i)) => (i, b.student),
        };
        let id = OUT_ID + b.id;
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("url".into(), json!(url(s, List::BookedOut, id)));
        m.insert("created_at".into(), json!(out_time - 5 * 60));
        m.insert("out_time".into(), json!(out_time));
        m.insert("eta_time".into(), json!(b.end));
        m.insert("booking".into(), Value::Object(booking_row(s, w, b)));
        let (oid, on) = fsb_person(w, b.originator);
        m.insert("originator_id".into(), json!(oid));
        m.insert("originator_name".into(), json!(on));
        m.insert("aircraft_id".into(), json!(AIRCRAFT_ID + a));
        m.insert(
            "aircraft".into(),
            json!(w.aircraft[a as usize].registration),
        );
        let (pid, pn) = fsb_person(w, pic);
        m.insert("pilot_id".into(), json!(pid));
        m.insert("pilot_name".into(), json!(pn));
        m.insert("pilot_role".into(), json!(pilot_role(w, pic)));
        if let Some(st) = stu {
            let (sid, sn) = fsb_person(w, st);
            m.insert("student_id".into(), json!(sid));
            m.insert("student_name".into(), json!(sn));
            m.insert("student_role".into(), json!("student"));
        }
        let home = w.locations[w.aircraft[a as usize].location as usize]
            .ident
            .clone();
        let dest = f
            .map(|f| w.locations[f.arrival as usize].ident.clone())
            .unwrap_or_else(|| home.clone());
        m.insert("passengers".into(), json!(""));
        m.insert("departed".into(), json!(home));
        m.insert("destination".into(), json!(dest));
        m.insert("pob".into(), json!(if stu.is_some() { 2 } else { 1 }));
        m.insert(
            "fuel_added".into(),
            json!(if b.id % 3 == 0 { 40.0 } else { 0.0 }),
        );
        if let Some(t) = p1_in {
            m.insert("p1_in".into(), json!(t));
        }
        m.insert("notes".into(), json!(""));
        out.push((id, out_time, m));
    }
    out
}

fn training_row(s: &AppState, w: &World, f: &Flight) -> Option<Map<String, Value>> {
    if f.deleted || !f.in_fsb {
        return None;
    }
    let (student, instructor) = match f.student {
        Some(st) => (st, Some(f.pic)),
        None if w.people[f.pic as usize].role == Role::Student => (f.pic, None),
        None => return None,
    };
    let id = TRAINING_ID + f.id;
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("url".into(), json!(url(s, List::Training, id)));
    m.insert("start_time".into(), json!(f.off_block));
    m.insert("stop_time".into(), json!(f.on_block));
    if let Some(i) = instructor {
        let (iid, n) = fsb_person(w, i);
        m.insert("instructor_id".into(), json!(iid));
        m.insert("instructor_name".into(), json!(n));
    }
    let (sid, sn) = fsb_person(w, student);
    m.insert("student_id".into(), json!(sid));
    m.insert("student_name".into(), json!(sn));
    m.insert(
        "operating_capacity".into(),
        json!(if instructor.is_some() {
            "Dual"
        } else {
            "Solo (PIC)"
        }),
    );
    m.insert("exercises".into(), json!(f.exercises));
    m.insert("notes".into(), json!(f.debrief));
    let a = &w.aircraft[f.aircraft as usize];
    m.insert(
        "flight".into(),
        json!({
            "id": OUT_ID + f.booking.unwrap_or(f.id),
            "aircraft_id": AIRCRAFT_ID + a.id,
            "aircraft": a.registration,
            "out_time": f.off_block,
            "in_time": f.on_block,
            "departed": w.locations[f.departure as usize].ident,
            "destination": w.locations[f.arrival as usize].ident,
            "landings": f.landings,
        }),
    );
    if let Some(inv) = w.invoices.iter().rev().find(|i| i.flight == Some(f.id)) {
        m.insert(
            "invoice_reference".into(),
            json!(format!("{:05}", inv.number)),
        );
    }
    m.insert("accounts_code".into(), json!("200"));
    Some(m)
}

fn money(c: i64) -> Value {
    json!((c as f64) / 100.0)
}

/// Billing rows of one invoice: the invoice itself and, when paid or voided, the payment or
/// credit note.
fn billing_rows(s: &AppState, w: &World, i: &Invoice) -> Vec<(u32, Ts, Map<String, Value>)> {
    if let Some(f) = i.flight {
        if !is_fsb_aircraft(w, w.flights[f as usize].aircraft) {
            return vec![];
        }
    }
    if i.status == InvoiceStatus::Draft {
        return vec![];
    }
    let (cid, cn) = fsb_person(w, i.customer);
    let lines = |sign: i64| {
        let net = i.amount_cents - i.tax_cents;
        json!([{"description": i.description, "quantity": 1, "amount": money(sign * net),
                "tax": money(sign * i.tax_cents), "accounts_code": "200", "tax_code": "S"}])
    };
    let base = |id: u32, t: Ts, type_id: u8, drcr: &str, sign: i64| {
        let mut m = Map::new();
        m.insert("id".into(), json!(id));
        m.insert("url".into(), json!(url(s, List::Billing, id)));
        m.insert("timestamp".into(), json!(t));
        m.insert("date".into(), json!(date_str(t)));
        m.insert("type_id".into(), json!(type_id));
        let tt = [
            "Invoice",
            "Credit",
            "Payment",
            "Refund",
            "Opening balance",
            "Adjustment",
        ][type_id as usize];
        m.insert("type_text".into(), json!(tt));
        m.insert("drcr".into(), json!(drcr));
        m.insert("reference".into(), json!(format!("{:05}", i.number)));
        m.insert("customer_id".into(), json!(cid));
        m.insert("customer_name".into(), json!(cn));
        m.insert("total".into(), money(sign * i.amount_cents));
        m.insert("tax_content".into(), money(sign * i.tax_cents));
        m
    };
    let mut out = vec![];
    let id = TXN_ID + i.id * 2;
    let mut inv = base(id, i.issued_at, 0, "dr", 1);
    inv.insert("due_date".into(), json!(date_str(i.due_at)));
    inv.insert(
        "paid_same_day".into(),
        json!(i
            .paid_at
            .is_some_and(|p| date_str(p) == date_str(i.issued_at))),
    );
    inv.insert("lines".into(), lines(1));
    out.push((id, i.issued_at, inv));
    match (i.status, i.paid_at) {
        (InvoiceStatus::Paid, Some(p)) => {
            let mut pay = base(id + 1, p, 2, "cr", 1);
            if i.id.is_multiple_of(2) {
                // Card payment through Stripe: fees present.
                pay.insert(
                    "processor_fee".into(),
                    money(i.amount_cents * 14 / 1000 + 20),
                );
                pay.insert("platform_fee".into(), money(i.amount_cents / 100));
            }
            pay.insert("lines".into(), json!([]));
            out.push((id + 1, p, pay));
        }
        (InvoiceStatus::Void, _) => {
            let mut cr = base(id + 1, i.updated_at, 1, "cr", 1);
            cr.insert("lines".into(), lines(1));
            out.push((id + 1, i.updated_at, cr));
        }
        _ => {}
    }
    out
}

fn roles_of(p: &Person) -> Vec<&'static str> {
    match p.role {
        Role::Student if p.active => vec!["student"],
        Role::Student => vec!["lapsed_student"],
        Role::Instructor => vec!["instructor", "member"],
        Role::Dispatcher => vec!["office"],
        Role::Mechanic => vec!["engineer"],
        Role::Manager => vec!["owner", "instructor"],
    }
}

pub const ROLES: [&str; 11] = [
    "air_experience",
    "student",
    "lapsed_student",
    "associate_member",
    "member",
    "lapsed_member",
    "engineer",
    "safety_staff",
    "instructor",
    "office",
    "owner",
];

fn person_row(s: &AppState, w: &World, p: &Person, now: Ts) -> Map<String, Value> {
    let id = PERSON_ID + p.id;
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("url".into(), json!(url(s, List::People, id)));
    m.insert("name".into(), json!(p.name()));
    m.insert("email".into(), json!(p.email));
    m.insert("can_log_in".into(), json!(p.active));
    m.insert(
        "price_group".into(),
        json!(if p.role == Role::Student {
            "Student"
        } else {
            "Staff"
        }),
    );
    m.insert("roles".into(), json!(roles_of(p)));
    m.insert("created".into(), json!(p.created_at));
    if p.active {
        m.insert(
            "accessed".into(),
            json!((now - (p.id as i64 % 9) * DAY).max(p.created_at)),
        );
    }
    if p.role == Role::Student || p.role == Role::Instructor {
        m.insert("date_of_birth".into(), json!(p.date_of_birth));
        m.insert(
            "medical_renewal_date".into(),
            json!(date_str(p.medical_expires)),
        );
    }
    m.insert(
        "membership_renewal_date".into(),
        json!(date_str(
            p.created_at + 365 * DAY * ((now - p.created_at) / (365 * DAY) + 1)
        )),
    );
    if p.role == Role::Instructor {
        m.insert(
            "revalidation_next_due".into(),
            json!(date_str(p.medical_expires + 90 * DAY)),
        );
    }
    m.insert("mobile_phone_number".into(), json!(p.phone));
    m.insert(
        "address".into(),
        json!(format!("{} Airport Road, Skyhaven", 10 + p.id)),
    );
    if p.role == Role::Student {
        m.insert("next_of_kin_details".into(), json!("On file"));
        m.insert(
            "previous_experience".into(),
            json!(p
                .course
                .and_then(|c| w.courses.get(c as usize))
                .map(|c| format!("Enrolled: {}", c.name))),
        );
    }
    m.insert("comments".into(), json!(""));
    m
}

/// What a row is made from; rendered only for the page served.
enum Src<'a> {
    Booking(&'a Booking),
    Ready(Map<String, Value>),
    Training(&'a Flight),
    Billing(&'a Invoice),
    Person(&'a Person),
}

/// (FSB id, change version, source).
type Row<'a> = (u32, u64, Src<'a>);

fn render(s: &AppState, w: &World, id: u32, src: Src<'_>, now: Ts) -> Map<String, Value> {
    match src {
        Src::Booking(b) => booking_row(s, w, b),
        Src::Ready(m) => m,
        Src::Training(f) => training_row(s, w, f).unwrap_or_default(),
        Src::Billing(i) => billing_rows(s, w, i)
            .into_iter()
            .find(|r| r.0 == id)
            .map(|r| r.2)
            .unwrap_or_default(),
        Src::Person(p) => person_row(s, w, p, now),
    }
}

/// Student and instructor of a training record, if the flight is one.
fn training_parts(w: &World, f: &Flight) -> Option<(u32, Option<u32>)> {
    if f.deleted || !f.in_fsb || w.aircraft[f.aircraft as usize].kind != AircraftKind::Aircraft {
        return None;
    }
    match f.student {
        Some(st) => Some((st, Some(f.pic))),
        None if w.people[f.pic as usize].role == Role::Student => Some((f.pic, None)),
        None => None,
    }
}

/// (time, id) of the billing rows of an invoice, without rendering them.
fn billing_keys(w: &World, i: &Invoice) -> Vec<(Ts, u32)> {
    if i.flight
        .is_some_and(|f| !is_fsb_aircraft(w, w.flights[f as usize].aircraft))
        || i.status == InvoiceStatus::Draft
    {
        return vec![];
    }
    let id = TXN_ID + i.id * 2;
    let mut v = vec![(i.issued_at, id)];
    match (i.status, i.paid_at) {
        (InvoiceStatus::Paid, Some(p)) => v.push((p, id + 1)),
        (InvoiceStatus::Void, _) => v.push((i.updated_at, id + 1)),
        _ => {}
    }
    v
}

/// Every row of `l` after filters, sorted as served.
fn rows<'a>(s: &AppState, w: &'a World, l: List, q: &Q, now: Ts) -> Result<Vec<Row<'a>>, Response> {
    let mut v: Vec<(Ts, u32, u64, Src<'a>)> = vec![];
    match l {
        List::Bookings => {
            let canc = q.flag("include_cancellations")?;
            let unav = q.flag("include_unavailability")?;
            for b in &w.bookings {
                if b.end <= now || !in_scope_booking(w, b) {
                    continue;
                }
                if b.cancelled_at.is_some() && !canc || is_unavailability(b) && !unav {
                    continue;
                }
                v.push((b.start, BOOKING_ID + b.id, b.version, Src::Booking(b)));
            }
        }
        List::BookedOut => {
            for (id, t, m) in booked_out_rows(s, w, now) {
                let b = &w.bookings[(id - OUT_ID) as usize];
                let ver = b.version + b.flight.map(|f| w.flights[f as usize].version).unwrap_or(0);
                // Rows change as time passes (p1_in appears); fold that into the version.
                let ver = ver ^ (m.contains_key("p1_in") as u64) << 63;
                v.push((t, id, ver, Src::Ready(m)));
            }
        }
        List::Training => {
            let student = q.int("student_id")?;
            let instructor = q.int("instructor_id")?;
            let incomplete = q.flag("incomplete_only")?;
            for f in &w.flights {
                let Some((st, ins)) = training_parts(w, f) else {
                    continue;
                };
                if student.is_some_and(|x| x != (PERSON_ID + st) as i64)
                    || instructor.is_some_and(|x| ins.is_none_or(|i| x != (PERSON_ID + i) as i64))
                    || incomplete && !f.debrief.is_empty()
                {
                    continue;
                }
                v.push((f.off_block, TRAINING_ID + f.id, f.version, Src::Training(f)));
            }
        }
        List::Billing => {
            let customer = q.int("customer_id")?;
            let instructor = q.int("instructor_id")?;
            let aircraft = q.int("aircraft_id")?;
            let reference = q.get("reference").filter(|r| !r.is_empty());
            let acc = q.get("accounts_code").filter(|r| !r.is_empty());
            let tax = q.get("tax_code").filter(|r| !r.is_empty());
            for i in &w.invoices {
                if customer.is_some_and(|c| c != (PERSON_ID + i.customer) as i64) {
                    continue;
                }
                if reference.is_some_and(|r| r.trim_start_matches('0') != i.number.to_string()) {
                    continue;
                }
                let f = i.flight.map(|f| &w.flights[f as usize]);
                if instructor.is_some_and(|x| {
                    f.is_none_or(|f| f.student.is_none() || (PERSON_ID + f.pic) as i64 != x)
                }) || aircraft
                    .is_some_and(|x| f.is_none_or(|f| (AIRCRAFT_ID + f.aircraft) as i64 != x))
                {
                    continue;
                }
                // Every sandbox line uses accounts code 200 and tax code S.
                if acc.is_some_and(|a| a != "200") || tax.is_some_and(|t| t != "S") {
                    continue;
                }
                for (t, id) in billing_keys(w, i) {
                    v.push((t, id, i.version, Src::Billing(i)));
                }
            }
        }
        List::People => {
            let role = match q.get("role").filter(|r| !r.is_empty()) {
                Some(r) if ROLES.contains(&r) => Some(r),
                Some(_) => return Err(bad(&format!("role must be one of {}", ROLES.join(", ")))),
                None => None,
            };
            let name = q.get("name").filter(|r| !r.is_empty());
            let email = q.get("email").filter(|r| !r.is_empty());
            let search = q
                .get("search")
                .filter(|r| !r.is_empty())
                .map(str::to_lowercase);
            for p in &w.people {
                if role.is_some_and(|r| !roles_of(p).contains(&r))
                    || name.is_some_and(|n| n != p.name())
                    || email.is_some_and(|e| !e.eq_ignore_ascii_case(&p.email))
                    || search.as_ref().is_some_and(|q| {
                        ![p.name(), p.email.clone(), p.phone.clone()]
                            .iter()
                            .any(|f| f.to_lowercase().contains(q))
                    })
                {
                    continue;
                }
                v.push((p.id as i64, PERSON_ID + p.id, p.version, Src::Person(p)));
            }
        }
    }
    v.sort_by_key(|(t, id, _, _)| (*t, *id));
    Ok(v.into_iter().map(|(_, id, ver, m)| (id, ver, m)).collect())
}

fn change_id(l: List, rows: &[Row]) -> String {
    let mut h = splitmix(l as u64 + 0xf5b);
    for (id, ver, _) in rows {
        h = splitmix(h ^ (*id as u64) ^ ver.rotate_left(17));
    }
    format!("{h:016x}")
}

async fn list(State(s): State<AppState>, h: HeaderMap, RawQuery(q): RawQuery, l: List) -> Response {
    let run = || -> Result<Response, Response> {
        auth(&s, &h, l)?;
        let pairs = query_pairs(q.as_deref()).ok_or_else(|| bad("Malformed query string"))?;
        let q = Q { pairs };
        let page = match q.get("page") {
            None | Some("") => 0usize,
            Some(p) => p
                .parse::<usize>()
                .map_err(|_| bad("page must be a zero-based integer"))?,
        };
        let now = s.clock.now_ts();
        let dl = dialect(&s);
        let body = {
            let w = s.world();
            // "Whether any bookings have been added or updated": a booking that ends and
            // so leaves the list is neither, so the id covers the ended ones too, which
            // are then dropped from what is listed.
            let bookings = l == List::Bookings;
            let mut all = rows(&s, &w, l, &q, if bookings { Ts::MIN } else { now })?;
            let cid = change_id(l, &all);
            if bookings {
                all.retain(|(_, _, src)| matches!(src, Src::Booking(b) if b.end > now));
            }
            let total = all.len();
            let start = page.saturating_mul(50).min(total);
            let end = (start + 50).min(total);
            let has_more = end < total;
            let rows: Vec<Value> = all
                .into_iter()
                .skip(start)
                .take(end - start)
                .map(|(id, _, src)| shape(&dl, l, id, render(&s, &w, id, src, now)))
                .collect();
            let total = if dl == "documented" {
                json!(total)
            } else {
                json!(total.to_string())
            };
            json!({"total": total, "has_more": has_more, "change_id": cid, "rows": rows})
        };
        churn(&s, l);
        Ok(Json(body).into_response())
    };
    run().unwrap_or_else(|e| e)
}

/// `fsb:churn=P`: after a list read, with probability P someone edits a future booking (or
/// another record of the list), so the next page sees a different change_id.
fn churn(s: &AppState, l: List) {
    let p = s.faults.get(Provider::FlightSchoolBooking).churn;
    if p <= 0.0 || s.faults.roll(Provider::FlightSchoolBooking, 9) >= p {
        return;
    }
    let now = s.clock.now_ts();
    let pick = s.faults.roll(Provider::FlightSchoolBooking, 10);
    let mut w = s.world_mut();
    let seq = w.touch();
    match l {
        List::People => {
            let i = (pick * w.people.len() as f64) as usize % w.people.len().max(1);
            if let Some(p) = w.people.get_mut(i) {
                p.updated_at = now;
                p.version = seq;
            }
        }
        List::Training | List::Billing => {
            let n = w.flights.len().max(1);
            let i = (pick * n as f64) as usize % n;
            if let Some(f) = w.flights.get_mut(i) {
                f.updated_at = now;
                f.version = seq;
            }
            if let Some(inv) = w.invoices.iter_mut().find(|x| x.flight == Some(i as u32)) {
                inv.updated_at = now;
                inv.version = seq;
            }
        }
        _ => {
            let future: Vec<usize> = (0..w.bookings.len())
                .filter(|i| {
                    let b = &w.bookings[*i];
                    b.end > now
                        && b.cancelled_at.is_none()
                        && in_scope_booking(&w, b)
                        && !is_unavailability(b)
                })
                .collect();
            if let Some(&i) = future.get((pick * future.len() as f64) as usize) {
                let b = &mut w.bookings[i];
                b.notes = format!("Updated {}", seq % 1000);
                b.updated_at = now;
                b.version = seq;
            }
        }
    }
}

async fn one(State(s): State<AppState>, h: HeaderMap, Path(id): Path<String>, l: List) -> Response {
    let run = || -> Result<Response, Response> {
        auth(&s, &h, l)?;
        let nf = || error(StatusCode::NOT_FOUND, "not_found", "No such record");
        let id: u32 = id.parse().map_err(|_| nf())?;
        let now = s.clock.now_ts();
        let dl = dialect(&s);
        let w = s.world();
        let m = match l {
            List::Bookings => id
                .checked_sub(BOOKING_ID)
                .and_then(|i| w.bookings.get(i as usize))
                .filter(|b| in_scope_booking(&w, b))
                .map(|b| booking_row(&s, &w, b)),
            List::BookedOut => booked_out_rows(&s, &w, now)
                .into_iter()
                .find(|r| r.0 == id)
                .map(|r| r.2),
            List::Training => id
                .checked_sub(TRAINING_ID)
                .and_then(|i| w.flights.get(i as usize))
                .and_then(|f| {
                    (w.aircraft[f.aircraft as usize].kind == AircraftKind::Aircraft)
                        .then(|| training_row(&s, &w, f))
                        .flatten()
                }),
            List::Billing => id
                .checked_sub(TXN_ID)
                .and_then(|i| w.invoices.get((i / 2) as usize))
                .and_then(|inv| {
                    billing_rows(&s, &w, inv)
                        .into_iter()
                        .find(|r| r.0 == id)
                        .map(|r| r.2)
                }),
            List::People => id
                .checked_sub(PERSON_ID)
                .and_then(|i| w.people.get(i as usize))
                .map(|p| person_row(&s, &w, p, now)),
        };
        m.map(|m| Json(shape(&dl, l, id, m)).into_response())
            .ok_or_else(nf)
    };
    run().unwrap_or_else(|e| e)
}

pub fn on_change(_state: &AppState, _change: Change) {}

/// Flight School Booking has no webhooks.
pub fn trigger(_state: &AppState, event: &str, _id: Option<u32>) -> Result<Vec<u64>, String> {
    Err(format!("Flight School Booking has no webhooks (`{event}`)"))
}

/// Every row of every list (documented dialect, unfiltered; bookings with cancellations and
/// unavailability).
pub fn truth(s: &AppState) -> Value {
    let now = s.clock.now_ts();
    let w = s.world();
    let q = Q {
        pairs: vec![
            ("include_cancellations".into(), "1".into()),
            ("include_unavailability".into(), "1".into()),
        ],
    };
    let mut out = Map::new();
    for l in [
        List::Bookings,
        List::BookedOut,
        List::Training,
        List::Billing,
        List::People,
    ] {
        let r = rows(s, &w, l, &q, now).unwrap_or_default();
        out.insert(
            l.path().trim_start_matches("/club/").into(),
            json!({"change_id": change_id(l, &r), "rows": r.into_iter().map(|(id, _, src)| Value::Object(render(s, &w, id, src, now))).collect::<Vec<_>>()}),
        );
    }
    Value::Object(out)
}
