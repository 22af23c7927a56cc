//! Fault injection.
//!
//! Grammar (also in the CLI help): a comma-separated list of `PROVIDER:KEY=VALUE` items.
//! `PROVIDER` is `aviationalley`|`aa`, `pilotflows`|`pf`, `airbly`, `flightschoolbooking`|`fsb`,
//! `flylogs`, or `*` for all five. Keys:
//!
//! | key | value | effect |
//! |---|---|---|
//! | `latency` | duration (`250ms`, `2s`) | wait before answering |
//! | `5xx` | share 0..1 | answer that share of requests with 500/502/503 and a JSON error |
//! | `429burst` | count | the next N requests get 429 + `Retry-After` (re-armed when set again) |
//! | `truncated` | share 0..1 | cut that share of bodies in half (valid headers, broken JSON) |
//! | `malformed` | share 0..1 | replace that share of bodies with non-JSON garbage |
//! | `slow` | duration | stream the body in small chunks, waiting this long between them |
//! | `churn` | share 0..1 | fsb: after that share of list reads, change a record (change_id moves) |
//! | `maintenance` | bool | airbly: answer `server_available: false` |
//! | `expired` | bool | every credential of the provider is rejected as expired (401) |
//! | `dialect` | `documented`/`example`/`mixed` | fsb: shape of rows (see docs/sandbox.md) |
//! | `noid` | bool | the first row of every list answer comes without its `id` (or `uuid`) |
//! | `lostwrite` | count | the next N writes (any method but GET and HEAD) are applied, then their answers cut in half (re-armed when set again) |
//!
//! Random choices are deterministic: they hash the seed, the provider and the request's
//! sequence number, so the same request order sees the same faults.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::RwLock;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::world::splitmix;
use crate::{AppState, Provider};

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ProviderFaults {
    pub latency_ms: u64,
    pub share_5xx: f64,
    pub burst_429: u32,
    pub truncated: f64,
    pub malformed: f64,
    pub slow_ms: u64,
    pub churn: f64,
    pub maintenance: bool,
    pub expired: bool,
    pub dialect: Option<String>,
    pub no_id: bool,
    pub lost_writes: u32,
}

impl ProviderFaults {
    pub fn is_clear(&self) -> bool {
        *self == ProviderFaults::default()
    }
}

/// Faults per provider. Providers without an entry have none.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FaultSpec {
    pub providers: BTreeMap<Provider, ProviderFaults>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum FaultParseError {
    #[error("fault item `{0}` is not PROVIDER:KEY=VALUE")]
    Shape(String),
    #[error("unknown provider `{0}` in fault spec")]
    Provider(String),
    #[error("unknown fault key `{0}`")]
    Key(String),
    #[error("bad value `{1}` for fault key `{0}`")]
    Value(String, String),
}

impl std::str::FromStr for FaultSpec {
    type Err = FaultParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaultSpec::parse(s)
    }
}

impl FaultSpec {
    pub fn none() -> Self {
        FaultSpec::default()
    }

    pub fn parse(spec: &str) -> Result<FaultSpec, FaultParseError> {
        let mut out = FaultSpec::default();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (prov, kv) = item
                .split_once(':')
                .ok_or_else(|| FaultParseError::Shape(item.into()))?;
            let (key, val) = kv
                .split_once('=')
                .ok_or_else(|| FaultParseError::Shape(item.into()))?;
            let provs: Vec<Provider> = if prov.trim() == "*" || prov.trim() == "all" {
                Provider::ALL.to_vec()
            } else {
                vec![prov
                    .trim()
                    .parse::<Provider>()
                    .map_err(|_| FaultParseError::Provider(prov.trim().into()))?]
            };
            let (key, val) = (key.trim(), val.trim());
            for p in provs {
                let f = out.providers.entry(p).or_default();
                apply(f, key, val)?;
            }
        }
        out.providers.retain(|_, f| !f.is_clear());
        Ok(out)
    }

    pub fn get(&self, p: Provider) -> ProviderFaults {
        self.providers.get(&p).cloned().unwrap_or_default()
    }

    /// Renders back to the grammar.
    pub fn to_spec_string(&self) -> String {
        let mut items = vec![];
        for (p, f) in &self.providers {
            let n = p.name();
            let d = ProviderFaults::default();
            if f.latency_ms != d.latency_ms {
                items.push(format!("{n}:latency={}ms", f.latency_ms));
            }
            if f.share_5xx != 0.0 {
                items.push(format!("{n}:5xx={}", f.share_5xx));
            }
            if f.burst_429 != 0 {
                items.push(format!("{n}:429burst={}", f.burst_429));
            }
            if f.truncated != 0.0 {
                items.push(format!("{n}:truncated={}", f.truncated));
            }
            if f.malformed != 0.0 {
                items.push(format!("{n}:malformed={}", f.malformed));
            }
            if f.slow_ms != 0 {
                items.push(format!("{n}:slow={}ms", f.slow_ms));
            }
            if f.churn != 0.0 {
                items.push(format!("{n}:churn={}", f.churn));
            }
            if f.maintenance {
                items.push(format!("{n}:maintenance=1"));
            }
            if f.expired {
                items.push(format!("{n}:expired=1"));
            }
            if let Some(dl) = &f.dialect {
                items.push(format!("{n}:dialect={dl}"));
            }
            if f.no_id {
                items.push(format!("{n}:noid=1"));
            }
            if f.lost_writes != 0 {
                items.push(format!("{n}:lostwrite={}", f.lost_writes));
            }
        }
        items.join(",")
    }
}

fn apply(f: &mut ProviderFaults, key: &str, val: &str) -> Result<(), FaultParseError> {
    let bad = || FaultParseError::Value(key.into(), val.into());
    let share = || -> Result<f64, FaultParseError> {
        let v: f64 = val.parse().map_err(|_| bad())?;
        if (0.0..=1.0).contains(&v) {
            Ok(v)
        } else {
            Err(bad())
        }
    };
    match key {
        "latency" => f.latency_ms = parse_duration_ms(val).ok_or_else(bad)?,
        "5xx" => f.share_5xx = share()?,
        "429burst" | "429" => f.burst_429 = val.parse().map_err(|_| bad())?,
        "truncated" => f.truncated = share()?,
        "malformed" => f.malformed = share()?,
        "slow" => f.slow_ms = parse_duration_ms(val).ok_or_else(bad)?,
        "churn" => f.churn = share()?,
        "maintenance" => f.maintenance = parse_bool(val).ok_or_else(bad)?,
        "expired" => f.expired = parse_bool(val).ok_or_else(bad)?,
        "noid" => f.no_id = parse_bool(val).ok_or_else(bad)?,
        "lostwrite" => f.lost_writes = val.parse().map_err(|_| bad())?,
        "dialect" => match val {
            "documented" | "example" | "mixed" => f.dialect = Some(val.into()),
            _ => return Err(bad()),
        },
        _ => return Err(FaultParseError::Key(key.into())),
    }
    Ok(())
}

/// `250ms`, `2s`, `1m`, or a bare number of milliseconds.
pub fn parse_duration_ms(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, mul) = if let Some(n) = v.strip_suffix("ms") {
        (n, 1)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1000)
    } else if let Some(n) = v.strip_suffix('m') {
        (n, 60_000)
    } else {
        (v, 1)
    };
    num.trim().parse::<u64>().ok().map(|n| n * mul)
}

fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "true" | "on" | "yes" => Some(true),
        "0" | "false" | "off" | "no" => Some(false),
        _ => None,
    }
}

/// Runtime fault state shared by the middleware.
#[derive(Debug)]
pub struct Faults {
    seed: u64,
    spec: RwLock<FaultSpec>,
    counters: [AtomicU64; 5],
    bursts: [AtomicU32; 5],
    lost_writes: [AtomicU32; 5],
}

impl Faults {
    pub fn new(seed: u64, spec: FaultSpec) -> Self {
        let f = Faults {
            seed,
            spec: RwLock::new(FaultSpec::default()),
            counters: Default::default(),
            bursts: Default::default(),
            lost_writes: Default::default(),
        };
        f.set(spec);
        f
    }

    pub fn spec(&self) -> FaultSpec {
        self.spec.read().expect("faults lock").clone()
    }

    pub fn get(&self, p: Provider) -> ProviderFaults {
        self.spec.read().expect("faults lock").get(p)
    }

    /// Replaces the whole spec; 429 bursts and lost writes are (re-)armed.
    pub fn set(&self, spec: FaultSpec) {
        for p in Provider::ALL {
            let f = spec.get(p);
            self.bursts[p.index()].store(f.burst_429, Ordering::SeqCst);
            self.lost_writes[p.index()].store(f.lost_writes, Ordering::SeqCst);
        }
        *self.spec.write().expect("faults lock") = spec;
    }

    /// A deterministic number in [0, 1) for the provider's next decision.
    pub fn roll(&self, p: Provider, salt: u64) -> f64 {
        let n = self.counters[p.index()].fetch_add(1, Ordering::SeqCst);
        let h = splitmix(self.seed ^ splitmix((p.index() as u64) << 56 ^ n ^ (salt << 40)));
        (h >> 11) as f64 / (1u64 << 53) as f64
    }

    fn take_burst(&self, p: Provider) -> bool {
        take(&self.bursts[p.index()])
    }

    fn take_lost_write(&self, p: Provider) -> bool {
        take(&self.lost_writes[p.index()])
    }
}

/// Takes one from an armed count; false once it is spent.
fn take(count: &AtomicU32) -> bool {
    count
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1))
        .is_ok()
}

/// State for one provider's fault middleware.
#[derive(Clone)]
pub struct FaultCtx {
    pub state: AppState,
    pub provider: Provider,
}

/// The fault middleware; install with `axum::middleware::from_fn_with_state(ctx, fault_layer)`.
pub async fn fault_layer(State(ctx): State<FaultCtx>, req: Request, next: Next) -> Response {
    let p = ctx.provider;
    let faults = &ctx.state.faults;
    let f = faults.get(p);
    let base = ctx.state.config.timers.latency;
    let delay = base + Duration::from_millis(f.latency_ms);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if f.expired {
        return crate::providers::error_response(
            p,
            StatusCode::UNAUTHORIZED,
            "token_expired",
            "The credential has expired.",
        );
    }
    if faults.take_burst(p) {
        let mut r = crate::providers::error_response(
            p,
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Too many requests (injected burst).",
        );
        r.headers_mut()
            .insert("retry-after", HeaderValue::from_static("1"));
        return r;
    }
    if f.share_5xx > 0.0 && faults.roll(p, 1) < f.share_5xx {
        let codes = [
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
        ];
        let c = codes[(faults.roll(p, 2) * 3.0) as usize % 3];
        return crate::providers::error_response(p, c, "server_error", "Injected server error.");
    }
    let write = !matches!(*req.method(), Method::GET | Method::HEAD);
    let resp = next.run(req).await;
    let lost = write && faults.take_lost_write(p);
    let broken = (
        lost || f.truncated > 0.0 && faults.roll(p, 3) < f.truncated,
        f.malformed > 0.0 && faults.roll(p, 4) < f.malformed,
    );
    if !broken.0 && !broken.1 && f.slow_ms == 0 && !f.no_id {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let bytes = if f.no_id {
        strip_first_id(bytes)
    } else {
        bytes
    };
    let bytes = if broken.1 {
        bytes::Bytes::from_static(b"<html><body>502 Bad Gateway</body></html>{\"data\": [")
    } else if broken.0 {
        bytes.slice(..bytes.len() / 2)
    } else {
        bytes
    };
    parts.headers.remove("content-length");
    if f.slow_ms == 0 {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let pause = Duration::from_millis(f.slow_ms);
    let chunk = (bytes.len() / 8).max(64);
    let stream = futures_util::stream::unfold((bytes, true), move |(rest, first)| async move {
        if rest.is_empty() {
            return None;
        }
        if !first {
            tokio::time::sleep(pause).await;
        }
        let n = chunk.min(rest.len());
        let head = rest.slice(..n);
        let tail = rest.slice(n..);
        Some((Ok::<_, std::io::Error>(head), (tail, false)))
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// The `noid` fault: the first object of the first list of objects with ids in a JSON
/// answer loses its `id` (or `uuid`). Other answers pass unchanged.
fn strip_first_id(bytes: bytes::Bytes) -> bytes::Bytes {
    fn strip(v: &mut serde_json::Value) -> bool {
        match v {
            serde_json::Value::Array(rows) => {
                if let Some(serde_json::Value::Object(first)) = rows.first_mut() {
                    if first.remove("id").is_some() || first.remove("uuid").is_some() {
                        return true;
                    }
                }
                rows.iter_mut().any(strip)
            }
            serde_json::Value::Object(o) => o.values_mut().any(strip),
            _ => false,
        }
    }
    let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return bytes;
    };
    if !strip(&mut v) {
        return bytes;
    }
    serde_json::to_vec(&v).map(Into::into).unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let s = FaultSpec::parse(
            "airbly:5xx=0.2,pilotflows:429burst=10,flylogs:latency=200ms,fsb:malformed=0.1",
        )
        .unwrap();
        assert_eq!(s.get(Provider::Airbly).share_5xx, 0.2);
        assert_eq!(s.get(Provider::PilotFlows).burst_429, 10);
        assert_eq!(s.get(Provider::Flylogs).latency_ms, 200);
        assert_eq!(s.get(Provider::FlightSchoolBooking).malformed, 0.1);
        assert!(s.get(Provider::AviationAlley).is_clear());
        let lost = FaultSpec::parse("flylogs:lostwrite=2").unwrap();
        assert_eq!(lost.get(Provider::Flylogs).lost_writes, 2);
        assert_eq!(FaultSpec::parse(&lost.to_spec_string()).unwrap(), lost);
        let again = FaultSpec::parse(&s.to_spec_string()).unwrap();
        assert_eq!(again, s);
    }

    #[test]
    fn rejects_bad_items() {
        assert!(matches!(
            FaultSpec::parse("airbly"),
            Err(FaultParseError::Shape(_))
        ));
        assert!(matches!(
            FaultSpec::parse("nope:5xx=1"),
            Err(FaultParseError::Provider(_))
        ));
        assert!(matches!(
            FaultSpec::parse("aa:boom=1"),
            Err(FaultParseError::Key(_))
        ));
        assert!(matches!(
            FaultSpec::parse("aa:5xx=2"),
            Err(FaultParseError::Value(..))
        ));
        assert!(matches!(
            FaultSpec::parse("aa:latency=fast"),
            Err(FaultParseError::Value(..))
        ));
        assert_eq!(FaultSpec::parse("").unwrap(), FaultSpec::none());
        assert_eq!(FaultSpec::parse("*:expired=1").unwrap().providers.len(), 5);
        assert_eq!(parse_duration_ms("2s"), Some(2000));
    }
}
