//! Airbly v3: the `assetList` command (GET and POST) and the webhook push.
//!
//! Everything is a view of the shared world: assets are the fleet's aircraft that carry an
//! Airbly device, flight logs are the world's device-recorded flights (plus a live log for a
//! booking in progress), maintenance logs come from completed aircraft work orders and a
//! periodic inspection, and GPS points are generated along each flight.
//!
//! Two groups exist: the public sample group "API-Test" (documented key and UUID, holding
//! N44API and N88API) and the school's own group (all device-fitted aircraft).
//! All answers are HTTP 200 with the documented envelope; errors go in its `error` field.

use std::collections::BTreeMap;
use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Map, Value};

use super::{Change, Credential, RecordKind};
use crate::webhooks::Delivery;
use crate::world::{splitmix, uuid_for, AircraftKind, Role, Ts, WorkOrderStatus, World, DAY};
use crate::{AppState, Provider};

/// The documented public sample group.
pub const SAMPLE_GROUP_UUID: &str = "00000001-4444-1100-0000-000000000001";
pub const SAMPLE_GROUP_KEY: &str = "9C4NSsnLig3zlgzPHqLkXwHPtKv7OC";
pub const SAMPLE_GROUP_NAME: &str = "API-Test";
/// The school's own group (webhook target).
pub const SCHOOL_GROUP_UUID: &str = "00000001-4444-1100-0000-000000000002";
const ZERO_UUID: &str = "00000000-0000-0000-0000-000000000000";
/// Default of the `*_before` filters: documented as 9223372036854775808 (one past i64::MAX).
const TS_MAX: i128 = 9_223_372_036_854_775_808;

const NS_DEVICE: u16 = 0xa1b0;
const NS_LIVE: u16 = 0xa1b1;
const NS_MAINT: u16 = 0xa1b2;
const NS_INSPECT: u16 = 0xa1b3;
const NS_POINT: u16 = 0xa1b4;

/// Provider-local mutable state: webhook bookkeeping.
#[derive(Debug, Default)]
pub struct State {
    hook: Mutex<HookState>,
}

#[derive(Debug, Default)]
struct HookState {
    /// A post is queued (debounce).
    scheduled: bool,
    /// World changes not yet posted.
    pending: Vec<Change>,
    /// Posts sent: (delivery ids, the changes they carried).
    sent: Vec<(Vec<u64>, Vec<Change>)>,
}

/// The school group's key: 30 letters and digits derived from the seed.
pub fn school_key(seed: u64) -> String {
    const ALPHA: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = splitmix(seed ^ 0xa1b1_7000);
    (0..30)
        .map(|_| {
            x = splitmix(x);
            ALPHA[(x % ALPHA.len() as u64) as usize] as char
        })
        .collect()
}

struct Group {
    uuid: &'static str,
    name: String,
    key: String,
    aircraft: Vec<u32>,
}

fn groups(w: &World) -> Vec<Group> {
    let tracked =
        |a: &&crate::world::Aircraft| a.kind == AircraftKind::Aircraft && a.device_serial.is_some();
    let sample: Vec<u32> = crate::world::AIRBLY_SAMPLE
        .iter()
        .filter_map(|(reg, _)| w.aircraft_by_reg(reg).filter(tracked).map(|a| a.id))
        .collect();
    let school = w.aircraft.iter().filter(tracked).map(|a| a.id).collect();
    vec![
        Group {
            uuid: SAMPLE_GROUP_UUID,
            name: SAMPLE_GROUP_NAME.into(),
            key: SAMPLE_GROUP_KEY.into(),
            aircraft: sample,
        },
        Group {
            uuid: SCHOOL_GROUP_UUID,
            name: w.centre_name.clone(),
            key: school_key(w.seed),
            aircraft: school,
        },
    ]
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(no_command).post(no_command))
        .route("/{cmd}", get(command).post(command))
        .with_state(state)
}

pub fn credentials(world: &World) -> Vec<Credential> {
    groups(world)
        .into_iter()
        .map(|g| {
            let role = if g.uuid == SAMPLE_GROUP_UUID {
                "public_sample_group"
            } else {
                "group"
            };
            let idents: Vec<String> = g
                .aircraft
                .iter()
                .map(|&a| world.aircraft[a as usize].registration.clone())
                .collect();
            let uuids: Vec<String> = g
                .aircraft
                .iter()
                .map(|&a| world.aircraft[a as usize].uuid.clone())
                .collect();
            Credential::new(role, g.key)
                .with("param", "groupKey")
                .with("group_uuid", g.uuid)
                .with("group_name", g.name)
                .with("assets", idents)
                .with("asset_uuids", uuids)
        })
        .collect()
}

/// Used by the fault layer. Airbly reports problems inside a normal envelope; an injected
/// credential rejection (401) is therefore a 200 with `auth_group_success: false`.
pub fn error(status: StatusCode, _code: &str, message: &str) -> Response {
    let mut env = envelope("", 0, 0);
    if status == StatusCode::UNAUTHORIZED {
        env.insert("error".into(), json!("Invalid group key"));
        return (StatusCode::OK, axum::Json(Value::Object(env))).into_response();
    }
    env.insert("error".into(), json!(message));
    (status, axum::Json(Value::Object(env))).into_response()
}

fn envelope(cmd: &str, now_ms: i64, exec_ms: i64) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("cmd".into(), json!(cmd));
    m.insert("cmd_exec_time_ms".into(), json!(exec_ms));
    m.insert("error".into(), json!(""));
    m.insert("auth_group_success".into(), json!(false));
    m.insert("auth_group_id".into(), json!(ZERO_UUID));
    m.insert("server_timestamp".into(), json!(now_ms));
    m.insert("server_available".into(), json!(true));
    m.insert("server_message_timestamp".into(), json!(0));
    m.insert("server_message".into(), json!(""));
    m
}

fn reply(m: Map<String, Value>) -> Response {
    (StatusCode::OK, axum::Json(Value::Object(m))).into_response()
}

async fn no_command(AxState(state): AxState<AppState>) -> Response {
    let now_ms = state.clock.now().timestamp_millis();
    let mut env = envelope("", now_ms, 0);
    env.insert(
        "error".into(),
        json!("No command was given. Valid commands: assetList"),
    );
    reply(env)
}

async fn command(
    AxState(state): AxState<AppState>,
    Path(cmd): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = state.clock.now();
    let now_ms = now.timestamp_millis();
    let mut env = envelope(&cmd, now_ms, 0);
    if state.faults.get(Provider::Airbly).maintenance {
        env.insert("server_available".into(), json!(false));
        env.insert(
            "error".into(),
            json!("The server is unavailable due to maintenance."),
        );
        let since = (now.timestamp() - now.timestamp().rem_euclid(3600)) * 1000;
        env.insert("server_message_timestamp".into(), json!(since));
        env.insert(
            "server_message".into(),
            json!("Scheduled maintenance is in progress. Please try again later."),
        );
        return reply(env);
    }
    // Arguments: query string, then the POST body (form, or a JSON object); body wins.
    let mut args: BTreeMap<String, String> = BTreeMap::new();
    if let Some(q) = query.as_deref() {
        for (k, v) in super::flylogs::parse_form(q) {
            args.insert(k, v);
        }
    }
    if !body.is_empty() {
        let ctype = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ctype.starts_with("application/json") {
            match serde_json::from_slice::<Value>(&body) {
                Ok(Value::Object(o)) => {
                    for (k, v) in o {
                        let s = match v {
                            Value::String(s) => s,
                            Value::Array(a) => a
                                .iter()
                                .map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()))
                                .collect::<Vec<_>>()
                                .join(","),
                            other => other.to_string(),
                        };
                        args.insert(k, s);
                    }
                }
                _ => {
                    env.insert("error".into(), json!("Invalid JSON data received"));
                    return reply(env);
                }
            }
        } else {
            let text = String::from_utf8_lossy(&body);
            for (k, v) in super::flylogs::parse_form(&text) {
                args.insert(k, v);
            }
        }
    }
    let world = state.world();
    let key = args
        .get("groupKey")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    if key.is_empty() {
        env.insert("error".into(), json!("A groupKey is required"));
        return reply(env);
    }
    let Some(group) = groups(&world).into_iter().find(|g| g.key == key) else {
        env.insert("error".into(), json!("Invalid group key"));
        return reply(env);
    };
    env.insert("auth_group_success".into(), json!(true));
    env.insert("auth_group_id".into(), json!(group.uuid));
    if cmd != "assetList" {
        let msg = if cmd == "webhook" {
            "The webhook command can not be executed through the API; set the webhook URL on \
             the group settings page"
                .to_string()
        } else {
            format!("Unknown command: {cmd}. Valid commands: assetList")
        };
        env.insert("error".into(), json!(msg));
        return reply(env);
    }
    let filter = match Filter::parse(&args) {
        Ok(f) => f,
        Err(e) => {
            env.insert("error".into(), json!(e));
            env.insert("assetList".into(), json!({}));
            return reply(env);
        }
    };
    let assets = asset_list(&world, &group, &filter, now.timestamp());
    let n_logs: usize = assets
        .iter()
        .map(|a| a["logs"].as_array().map(Vec::len).unwrap_or(0))
        .sum();
    env.insert(
        "cmd_exec_time_ms".into(),
        json!(4 + assets.len() as i64 + n_logs as i64 / 4),
    );
    env.insert(
        "assetList".into(),
        json!({ "group": { "uuid": group.uuid, "name": group.name }, "assets": assets }),
    );
    reply(env)
}

/// Parsed `assetList` arguments.
#[derive(Clone, Debug)]
pub struct Filter {
    asset_uuids: Vec<String>,
    asset_updated: (i128, i128),
    log_flight: bool,
    log_maint: bool,
    log_uuids: Vec<String>,
    log_updated: (i128, i128),
    log_completed: (i128, i128),
    log_limit: usize,
    points_all: bool,
    points_first: bool,
    points_last: bool,
}

impl Filter {
    fn everything_after(ms: i128) -> Filter {
        Filter {
            asset_uuids: vec![],
            asset_updated: (ms, TS_MAX),
            log_flight: true,
            log_maint: true,
            log_uuids: vec![],
            log_updated: (ms, TS_MAX),
            log_completed: (0, TS_MAX),
            log_limit: usize::MAX,
            points_all: true,
            points_first: false,
            points_last: false,
        }
    }

    fn parse(args: &BTreeMap<String, String>) -> Result<Filter, String> {
        let get = |k: &str| args.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
        let ts = |k: &str, def: i128| -> Result<i128, String> {
            match get(k) {
                None => Ok(def),
                Some(v) => v
                    .parse::<i128>()
                    .map_err(|_| format!("Invalid timestamp for {k}: {v}"))
                    .map(|n| n.clamp(-TS_MAX, TS_MAX)),
            }
        };
        let uuids = |k: &str| -> Result<Vec<String>, String> {
            let mut out = vec![];
            for u in get(k)
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                if !is_uuid(u) {
                    return Err(format!("Invalid uuid in {k}: {u}"));
                }
                out.push(u.to_ascii_lowercase());
            }
            Ok(out)
        };
        match get("asset_types").unwrap_or("all") {
            "all" | "aircraft" => {}
            other => {
                return Err(format!(
                    "Invalid asset_types: {other}. Valid values are: all, aircraft"
                ))
            }
        }
        let (mut log_flight, mut log_maint) = (false, false);
        for t in get("log_types").unwrap_or("none").split(',').map(str::trim) {
            match t {
                "none" | "" => {}
                "all" => (log_flight, log_maint) = (true, true),
                "flight" => log_flight = true,
                "maint" => log_maint = true,
                other => {
                    return Err(format!(
                        "Invalid log_types: {other}. Valid values are: none, all, flight, maint"
                    ))
                }
            }
        }
        let (mut pa, mut pf, mut pl) = (false, false, false);
        for t in get("point_types")
            .unwrap_or("none")
            .split(',')
            .map(str::trim)
        {
            match t {
                "none" | "" => {}
                "all" => pa = true,
                "first" => pf = true,
                "last" => pl = true,
                other => {
                    return Err(format!(
                        "Invalid point_types: {other}. Valid values are: none, all, first, last"
                    ))
                }
            }
        }
        let log_limit = match get("log_limit_per_asset") {
            None => 10,
            Some(v) => match v.parse::<i128>() {
                Ok(n) if n >= 0 => n.min(usize::MAX as i128) as usize,
                _ => return Err(format!("Invalid log_limit_per_asset: {v}")),
            },
        };
        Ok(Filter {
            asset_uuids: uuids("asset_uuids")?,
            asset_updated: (
                ts("asset_updated_after", 0)?,
                ts("asset_updated_before", TS_MAX)?,
            ),
            log_flight,
            log_maint,
            log_uuids: uuids("log_uuids")?,
            log_updated: (
                ts("log_updated_after", 0)?,
                ts("log_updated_before", TS_MAX)?,
            ),
            log_completed: (
                ts("log_completed_after", 0)?,
                ts("log_completed_before", TS_MAX)?,
            ),
            log_limit,
            points_all: pa,
            points_first: pf,
            points_last: pl,
        })
    }
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

fn within(v: i64, (after, before): (i128, i128)) -> bool {
    let v = v as i128;
    v > after && v < before
}

// ---------------------------------------------------------------------------------------------
// The per-aircraft view of the world.

#[derive(Clone, Copy, PartialEq)]
enum LogKind {
    Flight,
    Maint,
}

/// One log entry as it stands at `now`. Times in unix seconds.
struct Log {
    uuid: String,
    /// Deleted in the world: reported with status `striked`.
    struck: bool,
    kind: LogKind,
    created: Ts,
    updated: Ts,
    happened: Ts,
    inflight: bool,
    remarks: String,
    route: (String, String),
    personel: Vec<(String, String, &'static str)>,
    by_device: bool,
    /// Flight geometry for point generation.
    track: Option<Track>,
    usage: Option<FlightUsage>,
    attention: bool,
    events: Vec<&'static str>,
}

#[derive(Clone, Copy)]
struct Track {
    seed: u64,
    from: (f64, f64),
    to: (f64, f64),
    off: Ts,
    takeoff: Ts,
    landing: Ts,
    on: Ts,
    /// Points are only known up to this time (live logs).
    until: Ts,
    synced_at: Option<Ts>,
    g_event: bool,
}

#[derive(Clone, Copy)]
struct FlightUsage {
    engine: i64,
    air: i64,
    landings: u32,
    off: Ts,
    takeoff: Ts,
    landing: Ts,
    on: Ts,
    fuel_ml: i64,
}

/// Flights and bookings per aircraft, built once per request.
struct Index<'a> {
    flights: BTreeMap<u32, Vec<&'a crate::world::Flight>>,
    bookings: BTreeMap<u32, Vec<&'a crate::world::Booking>>,
}

impl<'a> Index<'a> {
    fn new(w: &'a World, aircraft: &[u32]) -> Index<'a> {
        let mut ix = Index {
            flights: BTreeMap::new(),
            bookings: BTreeMap::new(),
        };
        for &a in aircraft {
            ix.flights.insert(a, vec![]);
            ix.bookings.insert(a, vec![]);
        }
        for f in &w.flights {
            if let Some(v) = ix.flights.get_mut(&f.aircraft) {
                v.push(f);
            }
        }
        for b in &w.bookings {
            if let Some(v) = b.aircraft().and_then(|a| ix.bookings.get_mut(&a)) {
                v.push(b);
            }
        }
        ix
    }
    fn flights(&self, a: u32) -> &[&'a crate::world::Flight] {
        self.flights.get(&a).map(Vec::as_slice).unwrap_or(&[])
    }
    fn bookings(&self, a: u32) -> &[&'a crate::world::Booking] {
        self.bookings.get(&a).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Seconds the device needs after engine stop to sync a closed log.
const SYNC_DELAY: Ts = 120;

fn aircraft_logs(w: &World, a: u32, now: Ts, ix: &Index) -> Vec<Log> {
    let ac = &w.aircraft[a as usize];
    let mut logs = vec![];
    let loc = |l: u32| {
        w.locations
            .get(l as usize)
            .map(|l| (l.latitude, l.longitude))
            .unwrap_or((40.0, -75.0))
    };
    let ident = |l: u32| {
        w.locations
            .get(l as usize)
            .map(|l| l.ident.clone())
            .unwrap_or_default()
    };
    let person = |p: u32, t: &'static str| w.person(p).map(|p| (p.uuid.clone(), p.name(), t));
    for f in ix.flights(a).iter().copied().filter(|f| f.by_device) {
        if f.off_block > now {
            continue;
        }
        let h = splitmix(w.seed ^ splitmix(f.id as u64 ^ 0xa1b1));
        let inflight = now < f.on_block + SYNC_DELAY;
        let g_event = h % 29 == 3;
        let mut personel: Vec<_> = person(f.pic, "pic").into_iter().collect();
        if let Some(s) = f.student.and_then(|s| person(s, "sic")) {
            personel.push(s);
        }
        let until = now.min(f.on_block);
        // A closed log changes when the device syncs, and again when the flight is edited.
        let updated = if inflight {
            last_point_time(f.off_block, until)
        } else {
            (f.on_block + SYNC_DELAY).max(f.updated_at.min(now))
        };
        logs.push(Log {
            struck: f.deleted,
            uuid: f.uuid.clone(),
            kind: LogKind::Flight,
            created: f.off_block,
            updated,
            happened: if inflight { updated } else { f.on_block },
            inflight,
            remarks: String::new(),
            route: (
                ident(f.departure),
                if inflight {
                    String::new()
                } else {
                    ident(f.arrival)
                },
            ),
            personel,
            by_device: true,
            track: Some(Track {
                seed: h,
                from: loc(f.departure),
                to: loc(f.arrival),
                off: f.off_block,
                takeoff: f.takeoff,
                landing: f.landing,
                on: f.on_block,
                until,
                synced_at: (!inflight).then_some(f.on_block + SYNC_DELAY),
                g_event,
            }),
            usage: Some(FlightUsage {
                engine: until - f.off_block,
                air: (until.min(f.landing) - f.takeoff).max(0),
                landings: if until >= f.landing { f.landings } else { 0 },
                off: f.off_block,
                takeoff: f.takeoff,
                landing: f.landing,
                on: f.on_block,
                fuel_ml: f.fuel_ml * (until - f.off_block) / (f.on_block - f.off_block).max(1),
            }),
            attention: g_event && !inflight,
            events: if g_event && until > f.takeoff + 600 {
                vec!["g_exceeded"]
            } else {
                vec![]
            },
        });
    }
    // A flight in progress right now: a live log from the booking (no world flight yet).
    for b in ix
        .bookings(a)
        .iter()
        .copied()
        .filter(|b| b.flight.is_none())
    {
        let off = b.start + 10 * 60;
        if b.cancelled_at.is_some() || b.no_show || b.student.is_none() || off > now || b.end <= now
        {
            continue;
        }
        let h = splitmix(w.seed ^ splitmix(b.id as u64 ^ 0xa1b2));
        let (takeoff, landing, on) = (off + 8 * 60, b.end - 15 * 60, b.end - 5 * 60);
        let until = now;
        let mut personel: Vec<_> = vec![];
        match b.instructor {
            Some(i) => {
                personel.extend(person(i, "pic"));
                personel.extend(b.student.and_then(|s| person(s, "sic")));
            }
            None => personel.extend(b.student.and_then(|s| person(s, "pic"))),
        }
        let updated = last_point_time(off, until);
        let home = ac.location;
        logs.push(Log {
            struck: false,
            uuid: uuid_for(NS_LIVE, b.id, w.seed),
            kind: LogKind::Flight,
            created: off,
            updated,
            happened: updated,
            inflight: true,
            remarks: String::new(),
            route: (ident(home), String::new()),
            personel,
            by_device: true,
            track: Some(Track {
                seed: h,
                from: loc(home),
                to: loc(home),
                off,
                takeoff,
                landing,
                on,
                until,
                synced_at: None,
                g_event: false,
            }),
            usage: Some(FlightUsage {
                engine: until - off,
                air: (until.min(landing) - takeoff).max(0),
                landings: 0,
                off,
                takeoff,
                landing,
                on,
                fuel_ml: (until - off) * 9,
            }),
            attention: false,
            events: vec![],
        });
    }
    // Maintenance: completed work orders on this aircraft, and a 50-hour inspection every
    // 30 days since the first flight.
    let mechanic = w.people.iter().find(|p| p.role == Role::Mechanic);
    let mech = mechanic
        .map(|p| vec![(p.uuid.clone(), p.name(), "mechanic")])
        .unwrap_or_default();
    for wo in w.work_orders.iter().filter(|o| o.aircraft == a) {
        let (WorkOrderStatus::Completed, Some(closed)) = (wo.status, wo.closed_at) else {
            continue;
        };
        if closed > now {
            continue;
        }
        logs.push(Log {
            struck: false,
            uuid: uuid_for(NS_MAINT, wo.id, w.seed),
            kind: LogKind::Maint,
            created: wo.opened_at,
            updated: closed,
            happened: closed,
            inflight: false,
            remarks: wo.title.clone(),
            route: (String::new(), String::new()),
            personel: mech.clone(),
            by_device: false,
            track: None,
            usage: None,
            attention: false,
            events: vec![],
        });
    }
    if let Some(first) = ix.flights(a).iter().map(|f| f.off_block).min() {
        let day0 = first - first.rem_euclid(DAY);
        let mut k = 1u32;
        loop {
            let t = day0 + k as i64 * 30 * DAY + 7 * 3600;
            if t > now {
                break;
            }
            logs.push(Log {
                struck: false,
                uuid: uuid_for(NS_INSPECT, a * 1000 + k, w.seed),
                kind: LogKind::Maint,
                created: t - 3 * 3600,
                updated: t,
                happened: t,
                inflight: false,
                remarks: "50 hour inspection completed, oil and filter changed".into(),
                route: (String::new(), String::new()),
                personel: mech.clone(),
                by_device: false,
                track: None,
                usage: None,
                attention: false,
                events: vec![],
            });
            k += 1;
        }
    }
    // Newest first (by completion time), ties by uuid for a stable order.
    logs.sort_by(|x, y| {
        y.happened
            .cmp(&x.happened)
            .then_with(|| x.uuid.cmp(&y.uuid))
    });
    logs
}

/// Live points are reported every 5 minutes; the newest one before `until`.
fn last_point_time(off: Ts, until: Ts) -> Ts {
    off + (until - off) / 300 * 300
}

fn device_json(w: &World, a: u32, now: Ts, ix: &Index) -> Value {
    let ac = &w.aircraft[a as usize];
    let h = splitmix(w.seed ^ a as u64 ^ 0xdead);
    let last_sync = ix
        .flights(a)
        .iter()
        .filter(|f| f.by_device && !f.deleted && f.on_block + SYNC_DELAY <= now)
        .map(|f| f.on_block + SYNC_DELAY)
        .max()
        .unwrap_or(ac.created_at);
    json!({
        "uuid": uuid_for(NS_DEVICE, a, w.seed),
        "serial_number": ac.device_serial.clone().unwrap_or_default(),
        "firmware_version": 58 + (h % 4) as i64,
        "battery": if h.is_multiple_of(5) { "low" } else { "good" },
        "last_sync_at": last_sync * 1000,
    })
}

fn asset_list(w: &World, g: &Group, f: &Filter, now: Ts) -> Vec<Value> {
    let mut ids = g.aircraft.clone();
    ids.sort_by(|x, y| {
        w.aircraft[*x as usize]
            .registration
            .cmp(&w.aircraft[*y as usize].registration)
    });
    let ix = Index::new(w, &ids);
    let mut out = vec![];
    for a in ids {
        let ac = &w.aircraft[a as usize];
        if !f.asset_uuids.is_empty() && !f.asset_uuids.contains(&ac.uuid.to_ascii_lowercase()) {
            continue;
        }
        let logs = aircraft_logs(w, a, now, &ix);
        let updated = logs
            .iter()
            .map(|l| l.updated)
            .max()
            .unwrap_or(0)
            .max(ac.updated_at);
        if !within(updated * 1000, f.asset_updated) {
            continue;
        }
        let closed_flights: Vec<&crate::world::Flight> = ix
            .flights(a)
            .iter()
            .copied()
            .filter(|x| !x.deleted && x.on_block <= now)
            .collect();
        let engine = closed_flights
            .iter()
            .max_by_key(|x| x.on_block)
            .map(|x| x.engine_before + x.engine_seconds())
            .unwrap_or(ac.base_engine_seconds);
        let air: i64 = ac.base_engine_seconds * 4 / 5
            + closed_flights.iter().map(|x| x.air_seconds()).sum::<i64>();
        let landings: i64 = ac.base_engine_seconds / 3600
            + closed_flights
                .iter()
                .map(|x| x.landings as i64)
                .sum::<i64>();
        let cycles: i64 = ac.base_engine_seconds / 3600 + closed_flights.len() as i64;
        let inflight = logs.iter().any(|l| l.inflight);
        let hours_into = (engine / 3600) % 100;
        let attention = logs.iter().take(10).any(|l| l.attention);
        let device = device_json(w, a, now, &ix);
        let mut selected = vec![];
        for l in &logs {
            if selected.len() >= f.log_limit {
                break;
            }
            let kind_ok = match l.kind {
                LogKind::Flight => f.log_flight,
                LogKind::Maint => f.log_maint,
            };
            if !kind_ok
                || (!f.log_uuids.is_empty() && !f.log_uuids.contains(&l.uuid.to_ascii_lowercase()))
                || !within(l.updated * 1000, f.log_updated)
                || !within(l.happened * 1000, f.log_completed)
            {
                continue;
            }
            selected.push(log_json(w, a, l, f, now, &device));
        }
        out.push(json!({
            "uuid": ac.uuid,
            "created_at": ac.created_at * 1000,
            "updated_at": updated * 1000,
            "asset_type": "aircraft",
            "parrent_uuid": ZERO_UUID,
            "children_uuid": [],
            "ident": ac.registration,
            "make": ac.make,
            "model": ac.model,
            "year": ac.year,
            "serial_number": ac.serial_number,
            "description": format!("{} {} {}", ac.year, ac.make, ac.model),
            "operational_status": if !ac.active { "disabled" } else if inflight { "inflight" } else { "stopped" },
            "attention_status": if attention { "required" } else { "none" },
            "maintenance_status": if hours_into >= 95 { "due" } else { "current" },
            "usage": {
                "usage_type": "total",
                "engine_seconds": engine,
                "air_seconds": air,
                "tach_seconds": engine * 17 / 20,
                "landings": landings,
                "cycles": cycles,
                "movements": 0,
            },
            "device": device,
            "logs": selected,
        }));
    }
    out
}

fn log_json(w: &World, a: u32, l: &Log, f: &Filter, now: Ts, device: &Value) -> Value {
    let serial = w.aircraft[a as usize]
        .device_serial
        .clone()
        .unwrap_or_default();
    let usage = match &l.usage {
        Some(u) => json!({
            "usage_type": "incremental",
            "engine_seconds": u.engine,
            "air_seconds": u.air,
            "tach_seconds": u.engine * 17 / 20,
            "landings": u.landings,
            "cycles": 1,
            "movements": 0,
            "engine_start_at": u.off * 1000,
            "engine_stop_at": if l.inflight { 0 } else { u.on * 1000 },
            "block_start_at": (u.off + 60) * 1000,
            "block_stop_at": if l.inflight { 0 } else { (u.on - 60) * 1000 },
            "air_first_takeoff": if u.takeoff <= now { u.takeoff * 1000 } else { 0 },
            "air_last_landing": if !l.inflight { u.landing * 1000 } else { 0 },
            "fuel_ml": u.fuel_ml,
            "oil_ml": 0,
        }),
        None => json!({ "usage_type": "incremental", "engine_seconds": 0, "air_seconds": 0,
                        "tach_seconds": 0, "landings": 0, "cycles": 0, "movements": 0 }),
    };
    let points = match &l.track {
        Some(t) if f.points_all || f.points_first || f.points_last => {
            let all = track_points(t, &l.uuid);
            if f.points_all {
                all
            } else {
                let mut v = vec![];
                if f.points_first {
                    v.extend(all.first().cloned());
                }
                if f.points_last && (all.len() > 1 || !f.points_first) {
                    v.extend(all.last().cloned());
                }
                v
            }
        }
        _ => vec![],
    };
    let device = if l.by_device {
        device.clone()
    } else {
        json!({})
    };
    let sync = match l.track.and_then(|t| t.synced_at) {
        Some(t) => {
            json!({ "type": "log", "happened_at": t * 1000, "by_device_serial_number": serial })
        }
        None => json!({}),
    };
    json!({
        "uuid": l.uuid,
        "created_at": l.created * 1000,
        "updated_at": l.updated * 1000,
        "log_type": if l.kind == LogKind::Flight { "flight" } else { "maint" },
        "status": if l.struck { "striked" } else if l.inflight { "inflight" } else { "closed" },
        "happened_at": l.happened * 1000,
        "attention_required": l.attention,
        "remarks": l.remarks,
        "route": { "departure_ident": l.route.0, "arrival_ident": l.route.1 },
        "personel": l.personel.iter().map(|(u, n, t)| json!({"uuid": u, "fullname": n, "type": t})).collect::<Vec<_>>(),
        "device": device,
        "sync": sync,
        "usage": usage,
        "events": l.events,
        "points": points,
        "custom": [],
    })
}

/// GPS points of a flight: start, takeoff, in-route every 5 minutes, landing, stop.
fn track_points(t: &Track, log_uuid: &str) -> Vec<Value> {
    let mut raw: Vec<(Ts, &'static str, Vec<&'static str>)> =
        vec![(t.off, "start", vec!["movement_start"])];
    raw.push((t.takeoff, "event", vec!["takeoff"]));
    let mut s = t.takeoff + 300;
    let g_at = t.takeoff + ((t.landing - t.takeoff) / 2) / 300 * 300;
    while s < t.landing {
        if t.g_event && s == g_at {
            raw.push((s, "event", vec!["g_exceeded"]));
        } else {
            raw.push((s, "inroute", vec![]));
        }
        s += 300;
    }
    raw.push((t.landing, "event", vec!["landing"]));
    raw.push((t.on, "stop", vec!["movement_stop"]));
    let h = splitmix(t.seed ^ log_uuid.len() as u64);
    let cruise = 3000 + (h % 6) as i64 * 500;
    let ground = 200i64;
    let local = (t.from.0 - t.to.0).abs() < 1e-9 && (t.from.1 - t.to.1).abs() < 1e-9;
    let span = (t.landing - t.takeoff).max(1) as f64;
    let phase = (h % 360) as f64 / 57.3;
    raw.into_iter()
        .filter(|(ts, _, _)| *ts <= t.until)
        .enumerate()
        .map(|(i, (ts, kind, events))| {
            let frac = ((ts - t.takeoff) as f64 / span).clamp(0.0, 1.0);
            let (lat, lon) = if local {
                let r = 0.12 * (std::f64::consts::PI * frac).sin();
                let ang = phase + frac * std::f64::consts::TAU;
                (t.from.0 + r * ang.sin(), t.from.1 + r * ang.cos())
            } else {
                let bulge = 0.05 * (std::f64::consts::PI * frac).sin();
                (
                    t.from.0 + (t.to.0 - t.from.0) * frac + bulge,
                    t.from.1 + (t.to.1 - t.from.1) * frac,
                )
            };
            let airborne = ts > t.takeoff && ts < t.landing;
            let climb = ((ts - t.takeoff) as f64 / 600.0).min(((t.landing - ts) as f64) / 600.0);
            let alt = if airborne {
                ground + ((cruise - ground) as f64 * climb.clamp(0.0, 1.0)) as i64
            } else {
                ground
            };
            let sensors = match t.synced_at {
                Some(_) => json!({
                    "g_force": if kind == "event" && events == ["g_exceeded"] { 3.8 } else { 1.0 },
                    "pitch_angle": if airborne { 2 } else { 0 },
                    "roll_angle": if airborne && local { 15 } else { 0 },
                    "vertical_speed": 0,
                    "ground_speed": if airborne { 95 + (h % 20) as i64 } else { 0 },
                    "heading": ((phase * 57.3) as i64 + (frac * 360.0) as i64) % 360,
                    "bearing": ((phase * 57.3) as i64 + (frac * 360.0) as i64) % 360,
                    "temperature": 12 + (h % 10) as i64,
                    "gps_satellite_count": 9 + (h % 8) as i64,
                    "vibration": 10000,
                }),
                None => json!({}),
            };
            let synced_at = match t.synced_at {
                Some(st) if kind == "inroute" && i % 2 == 1 => st * 1000,
                _ => 0,
            };
            json!({
                "uuid": uuid_for(NS_POINT, i as u32, t.seed ^ ts as u64),
                "happened_at": ts * 1000,
                "synced_at": synced_at,
                "point_type": kind,
                "latitude": format!("{lat:.4}"),
                "longitude": format!("{lon:.4}"),
                "altitude": alt,
                "sensors": sensors,
                "events": events,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Webhooks.

/// A confirmation is valid when it is a JSON object with `cmd` = `webhookAssetList`, a known
/// `group_uuid`, an integer `asset_count` and an empty `error`.
pub fn accept_confirmation(status: u16, body: &[u8]) -> bool {
    if !(200..300).contains(&status) {
        return false;
    }
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return false;
    };
    v["cmd"] == "webhookAssetList"
        && (v["group_uuid"] == SCHOOL_GROUP_UUID || v["group_uuid"] == SAMPLE_GROUP_UUID)
        && v["asset_count"].as_i64().is_some_and(|n| n >= 0)
        && v["error"].as_str() == Some("")
}

pub fn on_change(state: &AppState, change: Change) {
    if !matches!(
        change.kind,
        RecordKind::Flight | RecordKind::Aircraft | RecordKind::WorkOrder
    ) {
        return;
    }
    if state.hooks.endpoints(Some(Provider::Airbly)).is_empty() {
        return;
    }
    let mut h = state
        .providers
        .airbly
        .hook
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    h.pending.push(change);
    if h.scheduled {
        return;
    }
    h.scheduled = true;
    drop(h);
    let st = state.clone();
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn(async move {
            // Batch changes that arrive together into one post.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            push_now(&st);
        });
    } else {
        // No runtime to deliver from: keep the change for the next post.
        state
            .providers
            .airbly
            .hook
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .scheduled = false;
    }
}

/// Posts every asset and log changed since the last confirmed post (changes of posts not
/// yet confirmed are sent again). Returns the delivery ids.
pub fn push_now(state: &AppState) -> Vec<u64> {
    push(state, false)
}

fn push(state: &AppState, everything: bool) -> Vec<u64> {
    let log = state.hooks.log();
    let mut h = state
        .providers
        .airbly
        .hook
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    h.scheduled = false;
    let delivered = |ids: &Vec<u64>| log.iter().any(|d| ids.contains(&d.id) && d.delivered);
    let last_ok = h
        .sent
        .iter()
        .rposition(|(ids, _)| delivered(ids))
        .map(|i| i + 1)
        .unwrap_or(0);
    let mut changes: Vec<Change> = vec![];
    for (_, c) in &h.sent[last_ok..] {
        changes.extend(c.iter().copied());
    }
    changes.append(&mut h.pending);
    let world = state.world();
    let now = state.clock.now();
    let Some(group) = groups(&world)
        .into_iter()
        .find(|g| g.uuid == SCHOOL_GROUP_UUID)
    else {
        return vec![];
    };
    // Which assets, and which of their logs, changed.
    let mut touched: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for c in &changes {
        match c.kind {
            RecordKind::Flight => {
                if let Some(f) = world.flights.get(c.id as usize).filter(|f| f.by_device) {
                    touched
                        .entry(f.aircraft)
                        .or_default()
                        .push(f.uuid.to_ascii_lowercase());
                }
            }
            RecordKind::WorkOrder => {
                if let Some(o) = world.work_orders.get(c.id as usize) {
                    touched
                        .entry(o.aircraft)
                        .or_default()
                        .push(uuid_for(NS_MAINT, o.id, world.seed));
                }
            }
            RecordKind::Aircraft => {
                touched.entry(c.id).or_default();
            }
            _ => {}
        }
    }
    touched.retain(|a, _| group.aircraft.contains(a));
    let ts = now.timestamp();
    let assets: Vec<Value> = if everything {
        let mut f = Filter::everything_after(-TS_MAX);
        f.log_limit = 10;
        asset_list(&world, &group, &f, ts)
    } else {
        touched
            .iter()
            .flat_map(|(a, logs)| {
                let mut f = Filter::everything_after(-TS_MAX);
                f.asset_uuids = vec![world.aircraft[*a as usize].uuid.to_ascii_lowercase()];
                if logs.is_empty() {
                    f.log_limit = 0;
                } else {
                    f.log_uuids = logs.clone();
                }
                asset_list(&world, &group, &f, ts)
            })
            .collect()
    };
    drop(world);
    if assets.is_empty() {
        return vec![];
    }
    let body = webhook_body(&group, assets, now.timestamp_millis());
    let ids = state.hooks.send(Delivery {
        provider: Provider::Airbly,
        event: "webhookAssetList".into(),
        body: serde_json::to_vec(&body).unwrap_or_default(),
        signature_header: None,
        headers: vec![],
        accept: accept_confirmation,
    });
    h.sent.push((ids.clone(), changes));
    ids
}

fn webhook_body(g: &Group, assets: Vec<Value>, now_ms: i64) -> Value {
    let mut env = envelope("webhookAssetList", now_ms, 0);
    env.insert("auth_group_success".into(), json!(true));
    env.insert("auth_group_id".into(), json!(g.uuid));
    let group = json!({ "uuid": g.uuid, "name": g.name });
    env.insert(
        "webhookAssetList".into(),
        json!({ "group": group, "assets": assets }),
    );
    env.insert("group".into(), group);
    env.insert("assets".into(), Value::Array(assets));
    Value::Object(env)
}

/// Admin `webhooks/trigger`: posts what changed since the last confirmed post, or the whole
/// school group when nothing changed.
pub fn trigger(state: &AppState, event: &str, _id: Option<u32>) -> Result<Vec<u64>, String> {
    if !event.is_empty() && event != "webhookAssetList" {
        return Err("airbly sends one webhook: webhookAssetList".into());
    }
    if state.hooks.endpoints(Some(Provider::Airbly)).is_empty() {
        return Err("no airbly webhook endpoint is registered".into());
    }
    let ids = push_now(state);
    if !ids.is_empty() {
        return Ok(ids);
    }
    Ok(push(state, true))
}

/// Everything served, per group: all assets with all logs (no points).
pub fn truth(state: &AppState) -> Value {
    let world = state.world();
    let now = state.clock.now_ts();
    let mut f = Filter::everything_after(-TS_MAX);
    f.points_all = false;
    let gs: Vec<Value> = groups(&world)
        .iter()
        .map(|g| {
            json!({
                "uuid": g.uuid,
                "name": g.name,
                "groupKey": g.key,
                "assets": asset_list(&world, g, &f, now),
            })
        })
        .collect();
    json!({ "groups": gs, "webhook_group": SCHOOL_GROUP_UUID })
}
