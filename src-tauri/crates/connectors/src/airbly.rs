//! Airbly v3: aircraft (assets) and their device-recorded flight logs, maintenance logs and
//! GPS points, from the one `assetList` command.
//!
//! `assetList` has no paging, and by default returns only the newest 10 logs per asset
//! (`log_limit_per_asset`). So one sync pass reads in bounded steps:
//!
//! 1. **Assets**: `log_types=none`, with `asset_updated_after` = the watermark of the last
//!    completed pass (an asset's `updated_at` moves when any of its logs changes). On an
//!    incremental sync with nothing changed this one request is the whole pass.
//! 2. **Logs, per changed asset, in completion-time windows**: `asset_uuids=<one asset>`,
//!    `log_types=all`, `log_updated_after` = the watermark, `log_limit_per_asset` = a page
//!    size (100 by default), `point_types=all`, and `log_completed_before` = the oldest
//!    completion time seen so far (+1 ms, since the filter is strict and several logs may
//!    complete in the same millisecond; those already delivered are skipped). Logs come
//!    newest first, so each answer is a window further back in time; fewer logs than the
//!    page size means the asset is done. Every request is bounded by the page size.
//!
//! The watermark is the `server_timestamp` of the pass's first answer, so a change made
//! while a pass runs (its `updated_at` is later) is read again by the next one. Logs with status
//! `striked` (deleted in Airbly) become removals. Maintenance logs are flight-log records
//! with status `maintenance` (the raw JSON keeps `log_type`). GPS points stay in the raw
//! JSON of their log; the normalized row carries the route and usage.
//!
//! Every answer is HTTP 200 with an envelope; problems are in the body: `error` non-empty,
//! `auth_group_success: false` (a bad or rotated group key: unauthorized), or
//! `server_available: false` (maintenance: a retryable error).
//!
//! Arguments go in a form-encoded POST body by default, which keeps the group key out of
//! URLs (and so out of proxy logs); the account option `method=get` sends them as a query.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use flightdesk_core::records::{Aircraft, FlightLog};
use flightdesk_core::{Kind, Provider, Record, SkippedRow};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::wire;
use crate::{
    unknown_resource, AccountConfig, Connector, ConnectorError, Http, Next, Page, Position,
    Resource, Result, SyncMode, SyncPolicy, Verified,
};

/// The documented production base URL.
pub const DEFAULT_BASE_URL: &str = "https://airbly.com/api/v3";

/// The one resource: assets and their logs come from the same command.
pub const RESOURCE: &str = "assets";

/// Logs per request (per asset) unless the account option `page_logs` says otherwise.
pub const DEFAULT_PAGE_LOGS: usize = 100;
/// The largest page size used when many logs share one completion instant.
const MAX_PAGE_LOGS: usize = 10_000;

/// The airbly connector of one account.
pub struct Airbly {
    account: AccountConfig,
    http: Arc<Http>,
}

impl Airbly {
    pub fn new(account: AccountConfig, http: Arc<Http>) -> Self {
        Self { account, http }
    }

    fn page_logs(&self) -> usize {
        self.account
            .option("page_logs")
            .and_then(|s| s.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_PAGE_LOGS)
    }

    fn point_types(&self) -> String {
        self.account
            .option("point_types")
            .unwrap_or_else(|| "all".to_string())
    }

    /// The option `asset_uuids`: sync only these aircraft (comma-separated).
    fn only_assets(&self) -> Vec<String> {
        self.account
            .option("asset_uuids")
            .map(|s| {
                s.split(',')
                    .map(|u| u.trim().to_ascii_lowercase())
                    .filter(|u| !u.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The option `log_types` (default `all`: flight and maintenance logs).
    fn log_types(&self) -> String {
        self.account
            .option("log_types")
            .unwrap_or_else(|| "all".to_string())
    }

    fn use_get(&self) -> bool {
        self.account
            .option("method")
            .is_some_and(|m| m.eq_ignore_ascii_case("get"))
    }

    /// Runs `assetList` with `query` and checks the envelope.
    pub async fn asset_list(&self, query: &AssetListQuery) -> Result<Envelope> {
        let args = query.to_args();
        let url = format!("{}/assetList", self.account.base());
        let key = self.account.credential.clone();
        let get = self.use_get();
        let answer = self
            .http
            .send_json("reading airbly assetList", |c| {
                let mut form: Vec<(&str, &str)> = vec![("groupKey", key.expose())];
                form.extend(args.iter().map(|(k, v)| (*k, v.as_str())));
                if get {
                    c.get(&url).query(&form)
                } else {
                    c.post(&url).form(&form)
                }
            })
            .await?;
        Envelope::check(answer.body)
    }
}

/// Every documented `assetList` argument; `None` leaves the server's default.
///
/// Timestamps are milliseconds; "after" and "before" are strict. Lists are sent
/// comma-separated. The group key is added by [`Airbly::asset_list`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssetListQuery {
    pub asset_uuids: Vec<String>,
    /// `all` or `aircraft`.
    pub asset_types: Option<String>,
    pub asset_updated_after: Option<i64>,
    pub asset_updated_before: Option<i64>,
    /// `none`, `all`, `flight`, `maint` (comma-separated).
    pub log_types: Option<String>,
    pub log_uuids: Vec<String>,
    pub log_updated_after: Option<i64>,
    pub log_updated_before: Option<i64>,
    pub log_completed_after: Option<i64>,
    pub log_completed_before: Option<i64>,
    /// Defaults to 10 at the server: always set it when every log matters.
    pub log_limit_per_asset: Option<usize>,
    /// `none`, `all`, `first`, `last` (comma-separated).
    pub point_types: Option<String>,
}

impl AssetListQuery {
    /// The arguments as name/value pairs, in the documented order.
    pub fn to_args(&self) -> Vec<(&'static str, String)> {
        let mut a = vec![];
        let list = |v: &[String]| v.join(",");
        if !self.asset_uuids.is_empty() {
            a.push(("asset_uuids", list(&self.asset_uuids)));
        }
        let mut opt = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                a.push((k, v));
            }
        };
        opt("asset_types", self.asset_types.clone());
        opt(
            "asset_updated_after",
            self.asset_updated_after.map(|t| t.to_string()),
        );
        opt(
            "asset_updated_before",
            self.asset_updated_before.map(|t| t.to_string()),
        );
        opt("log_types", self.log_types.clone());
        opt(
            "log_uuids",
            (!self.log_uuids.is_empty()).then(|| list(&self.log_uuids)),
        );
        opt(
            "log_updated_after",
            self.log_updated_after.map(|t| t.to_string()),
        );
        opt(
            "log_updated_before",
            self.log_updated_before.map(|t| t.to_string()),
        );
        opt(
            "log_completed_after",
            self.log_completed_after.map(|t| t.to_string()),
        );
        opt(
            "log_completed_before",
            self.log_completed_before.map(|t| t.to_string()),
        );
        opt(
            "log_limit_per_asset",
            self.log_limit_per_asset.map(|n| n.to_string()),
        );
        opt("point_types", self.point_types.clone());
        a
    }
}

/// A checked `assetList` answer.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub server_timestamp: Option<i64>,
    pub group_uuid: Option<String>,
    pub group_name: Option<String>,
    pub assets: Vec<Value>,
}

impl Envelope {
    /// Turns the body-level error reports into errors (they come with HTTP 200).
    pub fn check(body: Value) -> Result<Envelope> {
        let message = |fallback: &str| {
            wire::string(&body, &["error"])
                .or_else(|| wire::string(&body, &["server_message"]))
                .unwrap_or_else(|| fallback.to_string())
        };
        if wire::boolean(&body, &["server_available"]) == Some(false) {
            return Err(ConnectorError::Api {
                code: Some("server_unavailable".into()),
                message: message("the server is unavailable due to maintenance"),
                retryable: true,
            });
        }
        if wire::boolean(&body, &["auth_group_success"]) == Some(false) {
            return Err(ConnectorError::Unauthorized {
                message: message("the group key was not accepted"),
            });
        }
        if let Some(e) = wire::string(&body, &["error"]) {
            return Err(ConnectorError::Api {
                code: None,
                message: e,
                retryable: false,
            });
        }
        // The envelope example shows `assetList` as an object ({group, assets}); the text
        // calls the result an array of assets. Read both, and a top-level `assets` too.
        let list = body.get("assetList");
        let (assets, group) = match list {
            Some(Value::Array(a)) => (a.clone(), None),
            Some(o @ Value::Object(_)) => (wire::list(o.get("assets")), o.get("group")),
            _ => match body.get("assets") {
                Some(a) => (wire::list(Some(a)), body.get("group")),
                None => {
                    return Err(ConnectorError::malformed(
                        "reading airbly assetList",
                        "the answer has no assetList",
                    ))
                }
            },
        };
        let group = group.or_else(|| body.get("group"));
        Ok(Envelope {
            server_timestamp: wire::integer(&body, &["server_timestamp"]),
            group_uuid: group
                .and_then(|g| wire::string(g, &["uuid"]))
                .or_else(|| wire::string(&body, &["auth_group_id"])),
            group_name: group.and_then(|g| wire::string(g, &["name"])),
            assets: assets.into_iter().filter(Value::is_object).collect(),
        })
    }
}

/// Where a pass stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Pos {
    /// Only changes after this server time (ms) are read; 0 = everything.
    since: i64,
    /// The pass in progress, if any.
    pass: Option<Pass>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Pass {
    /// The watermark the next pass will use.
    next_since: i64,
    /// Assets whose logs are still to read; the first is the current one.
    assets: Vec<String>,
    /// Exclusive upper bound on completion time (ms) for the current asset.
    before: Option<i64>,
    /// Logs of the current asset completed at `before - 1`, already delivered.
    seen: Vec<String>,
    /// The page size in use (grows only when one instant holds a whole page).
    limit: usize,
}

fn ms(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.filter(|v| *v > 0)
        .and_then(DateTime::from_timestamp_millis)
}

fn ts(v: &Value, names: &[&str]) -> Option<i64> {
    wire::integer(v, names).filter(|t| *t > 0)
}

/// The asset object without its logs (they are records of their own).
fn asset_raw(asset: &Value) -> Value {
    let mut raw = asset.clone();
    if let Value::Object(o) = &mut raw {
        o.remove("logs");
    }
    raw
}

/// Maps an asset to an aircraft record.
pub fn aircraft_record(asset: &Value) -> Option<Record> {
    let uuid = wire::id(asset, &["uuid"])?.to_ascii_lowercase();
    let make = wire::string(asset, &["make"]);
    let model = wire::string(asset, &["model"]);
    let model = match (make, model) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    };
    let data = Aircraft {
        registration: wire::string(asset, &["ident", "registration"]),
        name: wire::string(asset, &["description"]),
        model,
        category: Some(
            wire::string(asset, &["asset_type"])
                .map(|t| wire::snake(&t))
                .unwrap_or_else(|| "aircraft".into()),
        ),
        status: wire::status(asset, &["operational_status"]),
        location_id: None,
    };
    Some(Record::new(uuid, data, asset_raw(asset)))
}

/// Maps a log of `asset` to a flight-log record (a removal when `striked`).
pub fn log_record(asset: &Value, log: &Value) -> Option<Record> {
    let uuid = wire::id(log, &["uuid"])?.to_ascii_lowercase();
    let usage = log.get("usage").cloned().unwrap_or(Value::Null);
    let route = log.get("route").cloned().unwrap_or(Value::Null);
    let status = wire::status(log, &["status"]);
    let maint = wire::string(log, &["log_type", "type"]).is_some_and(|t| t.starts_with("maint"));
    let happened = ts(log, &["happened_at"]);
    let start = ts(
        &usage,
        &["engine_start_at", "block_start_at", "air_first_takeoff"],
    )
    .or_else(|| (!maint).then(|| ts(log, &["created_at"])).flatten());
    let end = ts(
        &usage,
        &["engine_stop_at", "block_stop_at", "air_last_landing"],
    )
    .or(happened);
    let people = wire::list(log.get("personel").or_else(|| log.get("personnel")));
    let person = |kind: &str| {
        people
            .iter()
            .find(|p| wire::string(p, &["type"]).is_some_and(|t| t.eq_ignore_ascii_case(kind)))
    };
    let pilot = person("pic")
        .or_else(|| person("sic"))
        .or_else(|| person("mechanic"));
    let dep = wire::string(&route, &["departure_ident", "departure"]);
    let arr = wire::string(&route, &["arrival_ident", "arrival"]);
    let route_text = match (&dep, &arr) {
        (Some(d), Some(a)) => Some(format!("{d}-{a}")),
        (Some(d), None) => Some(d.clone()),
        (None, Some(a)) => Some(a.clone()),
        (None, None) => None,
    };
    let engine = wire::number(&usage, &["engine_seconds"]);
    let data = FlightLog {
        date: ms(happened.or(start)).map(|d| d.date_naive()),
        starts_at: ms(start),
        ends_at: ms(end),
        pilot_id: pilot.and_then(|p| wire::id(p, &["uuid"])),
        pilot_name: pilot.and_then(|p| wire::string(p, &["fullname", "full_name", "name"])),
        instructor_id: None,
        instructor_name: None,
        aircraft_id: wire::id(asset, &["uuid"]).map(|u| u.to_ascii_lowercase()),
        aircraft_registration: wire::string(asset, &["ident"]),
        departure: dep,
        arrival: arr,
        route: route_text,
        duration_hours: engine
            .or_else(|| wire::number(&usage, &["air_seconds"]))
            .filter(|s| *s > 0.0)
            .map(|s| s / 3600.0),
        landings: wire::integer(&usage, &["landings"]),
        usage: engine.filter(|s| *s > 0.0).map(|s| s / 3600.0),
        remarks: wire::string(log, &["remarks"]),
        status: if maint {
            Some("maintenance".into())
        } else {
            status.clone()
        },
    };
    let mut raw = log.clone();
    if let (Value::Object(o), Some(a)) = (&mut raw, wire::id(asset, &["uuid"])) {
        // Which asset the log belongs to, for readers of the raw JSON alone.
        o.entry("asset_uuid").or_insert(Value::String(a));
    }
    let record = Record::new(uuid, data, raw);
    Some(if status.as_deref() == Some("striked") {
        record.removed()
    } else {
        record
    })
}

#[async_trait::async_trait]
impl Connector for Airbly {
    fn provider(&self) -> Provider {
        Provider::Airbly
    }

    fn resources(&self) -> Vec<Resource> {
        vec![Resource {
            name: RESOURCE,
            kinds: &[Kind::Aircraft, Kind::FlightLogs],
            mode: SyncMode::Incremental,
            policy: SyncPolicy::default(),
        }]
    }

    fn requests_sent(&self) -> u64 {
        self.http.requests_sent()
    }

    async fn verify(&self) -> Result<Verified> {
        let env = self
            .asset_list(&AssetListQuery {
                log_types: Some("none".into()),
                ..Default::default()
            })
            .await?;
        let mut discovered = Map::new();
        if let Some(g) = &env.group_uuid {
            discovered.insert("group_uuid".into(), Value::String(g.clone()));
        }
        if let Some(n) = &env.group_name {
            discovered.insert("group_name".into(), Value::String(n.clone()));
        }
        Ok(Verified {
            summary: format!(
                "group {} ({}), {} aircraft",
                env.group_name.as_deref().unwrap_or("?"),
                env.group_uuid.as_deref().unwrap_or("?"),
                env.assets.len()
            ),
            discovered,
        })
    }

    async fn fetch_page(&self, resource: &str, position: &Position) -> Result<Page> {
        if resource != RESOURCE {
            return Err(unknown_resource(self.provider(), resource));
        }
        let pos: Pos = position.decode().unwrap_or_default();
        match pos.pass.clone() {
            None => self.assets_page(pos.since).await,
            Some(pass) if pass.assets.is_empty() => Ok(Page {
                records: vec![],
                skipped: Vec::new(),
                server_time: None,
                next: Next::Done(Position::of(&Pos {
                    since: pass.next_since,
                    pass: None,
                })),
            }),
            Some(pass) => self.logs_page(pos.since, pass).await,
        }
    }
}

impl Airbly {
    /// Step 1: the assets changed since `since`.
    async fn assets_page(&self, since: i64) -> Result<Page> {
        let env = self
            .asset_list(&AssetListQuery {
                asset_uuids: self.only_assets(),
                log_types: Some("none".into()),
                asset_updated_after: (since > 0).then_some(since),
                ..Default::default()
            })
            .await?;
        let mut records = vec![];
        let mut skipped = vec![];
        let mut queue = vec![];
        for a in &env.assets {
            match aircraft_record(a) {
                Some(r) => {
                    queue.push(r.source_id.clone());
                    records.push(r);
                }
                None => skipped.push(without_uuid("asset", a)),
            }
        }
        let started = env
            .server_timestamp
            .unwrap_or_else(|| Utc::now().timestamp_millis());
        // Strictly after the server time of this answer: anything that changes later gets a
        // later `updated_at`. (Not a local clock: the server's, so skew does not matter.)
        let next_since = started.max(since);
        let next = if queue.is_empty() {
            Next::Done(Position::of(&Pos {
                since: next_since,
                pass: None,
            }))
        } else {
            Next::More(Position::of(&Pos {
                since,
                pass: Some(Pass {
                    next_since,
                    assets: queue,
                    before: None,
                    seen: vec![],
                    limit: self.page_logs(),
                }),
            }))
        };
        Ok(Page {
            skipped,
            ..Page::new(records, next)
        })
    }

    /// Step 2: one completion-time window of the current asset's logs.
    async fn logs_page(&self, since: i64, mut pass: Pass) -> Result<Page> {
        let asset = pass.assets[0].clone();
        let limit = pass.limit.max(1);
        // The logs at the window's edge that were already delivered come again; ask for
        // that many more so every answer still brings `limit` new logs.
        let requested = limit + pass.seen.len();
        let env = self
            .asset_list(&AssetListQuery {
                asset_uuids: vec![asset.clone()],
                log_types: Some(self.log_types()),
                log_updated_after: (since > 0).then_some(since),
                log_completed_before: pass.before,
                log_limit_per_asset: Some(requested),
                point_types: Some(self.point_types()),
                ..Default::default()
            })
            .await?;
        let found = env
            .assets
            .iter()
            .find(|a| wire::id(a, &["uuid"]).is_some_and(|u| u.eq_ignore_ascii_case(&asset)));
        let logs = found.map(|a| wire::list(a.get("logs"))).unwrap_or_default();
        let mut records = vec![];
        let mut skipped = vec![];
        if let Some(asset_obj) = found {
            for l in &logs {
                match log_record(asset_obj, l) {
                    Some(r) if !pass.seen.contains(&r.source_id) => records.push(r),
                    Some(_) => {}
                    None => skipped.push(without_uuid("log", l)),
                }
            }
        }
        if logs.len() < requested {
            // This asset is done; on to the next.
            pass.assets.remove(0);
            pass.before = None;
            pass.seen.clear();
            pass.limit = self.page_logs();
        } else {
            let Some(oldest) = logs.iter().filter_map(|l| ts(l, &["happened_at"])).min() else {
                return Err(ConnectorError::malformed(
                    "reading airbly logs",
                    "a full page of logs without completion times",
                ));
            };
            let at_oldest: Vec<String> = logs
                .iter()
                .filter(|l| ts(l, &["happened_at"]) == Some(oldest))
                .filter_map(|l| wire::id(l, &["uuid"]))
                .map(|u| u.to_ascii_lowercase())
                .collect();
            if pass.before == Some(oldest + 1) {
                // The whole answer completed at the window's edge: widen the page.
                if limit >= MAX_PAGE_LOGS {
                    return Err(ConnectorError::malformed(
                        "reading airbly logs",
                        format!("more than {MAX_PAGE_LOGS} logs complete at one instant"),
                    ));
                }
                pass.limit = (limit * 4).min(MAX_PAGE_LOGS);
            } else {
                pass.before = Some(oldest + 1);
            }
            pass.seen = at_oldest;
        }
        let next = if pass.assets.is_empty() {
            Next::Done(Position::of(&Pos {
                since: pass.next_since,
                pass: None,
            }))
        } else {
            Next::More(Position::of(&Pos {
                since,
                pass: Some(pass),
            }))
        };
        Ok(Page {
            skipped,
            ..Page::new(records, next)
        })
    }
}

/// Every decoder on `data` (JSON or not), for the fuzz crate: it must never panic.
#[cfg(feature = "fuzzing")]
pub fn fuzz_decode(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let Ok(env) = Envelope::check(v) else {
        return;
    };
    for asset in &env.assets {
        let _ = aircraft_record(asset);
        for log in wire::list(asset.get("logs")) {
            let _ = log_record(asset, &log);
        }
    }
}

/// An asset or log without a `uuid`: set aside, the rest of the answer is still read.
fn without_uuid(what: &str, row: &Value) -> SkippedRow {
    tracing::warn!(what, "airbly row without a uuid skipped");
    SkippedRow::new(row.clone(), format!("{what} without a `uuid`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn body_errors_are_errors() {
        let maint = json!({"cmd": "assetList", "error": "down", "server_available": false,
                           "auth_group_success": true, "server_message": "later"});
        assert!(matches!(
            Envelope::check(maint),
            Err(ConnectorError::Api {
                retryable: true,
                ..
            })
        ));
        let key = json!({"error": "Invalid group key", "auth_group_success": false, "server_available": true});
        assert!(matches!(
            Envelope::check(key),
            Err(ConnectorError::Unauthorized { .. })
        ));
        let bad =
            json!({"error": "Invalid log_types: x", "auth_group_success": true, "assetList": {}});
        assert!(matches!(
            Envelope::check(bad),
            Err(ConnectorError::Api {
                retryable: false,
                ..
            })
        ));
        let none = json!({"error": "", "auth_group_success": true});
        assert!(matches!(
            Envelope::check(none),
            Err(ConnectorError::Malformed { .. })
        ));
    }

    #[test]
    fn both_result_shapes_are_read() {
        let obj = json!({"error": "", "auth_group_success": true, "server_timestamp": 5,
                         "assetList": {"group": {"uuid": "G", "name": "n"}, "assets": [{"uuid": "A"}]}});
        let e = Envelope::check(obj).unwrap();
        assert_eq!((e.assets.len(), e.group_uuid.as_deref()), (1, Some("G")));
        let arr = json!({"error": "", "auth_group_success": true, "auth_group_id": "G2",
                         "assetList": [{"uuid": "A"}, {"uuid": "B"}]});
        let e = Envelope::check(arr).unwrap();
        assert_eq!((e.assets.len(), e.group_uuid.as_deref()), (2, Some("G2")));
        let keyed = json!({"error": "", "assetList": {"assets": {"a": {"uuid": "A"}}}});
        assert_eq!(Envelope::check(keyed).unwrap().assets.len(), 1);
    }

    #[test]
    fn logs_map_in_documented_and_example_forms() {
        let asset = json!({"uuid": "00000001-AAAA", "ident": "N44API"});
        // The example's shapes: `type` in usage, events as an object, numbers as strings.
        let log = json!({
            "uuid": "L1", "log_type": "flight", "status": "closed", "happened_at": "1578057089000",
            "route": {"departure_ident": "CYYG", "arrival_ident": "CYSU"},
            "personel": [{"uuid": "P1", "fullname": "Chris", "type": "pic"}],
            "usage": {"type": "incremental", "engine_seconds": "3600", "landings": 17,
                      "engine_start_at": 1578055517000i64, "engine_stop_at": 1578057089000i64},
            "events": {}, "points": [{"latitude": 46.2797, "longitude": "-63.1273"}],
            "custom": [], "extra_field": {"kept": true}
        });
        let r = log_record(&asset, &log).unwrap();
        assert!(!r.removed);
        let f = r.data.fields();
        assert_eq!(f["route"], "CYYG-CYSU");
        assert_eq!(f["landings"], 17);
        assert_eq!(f["duration_hours"], 1.0);
        assert_eq!(f["pilot_name"], "Chris");
        assert_eq!(f["aircraft_id"], "00000001-aaaa");
        assert_eq!(f["starts_at"], "2020-01-03T12:45:17.000Z");
        assert_eq!(r.raw["extra_field"]["kept"], true);
        assert_eq!(r.raw["points"][0]["latitude"], 46.2797);
        let struck = json!({"uuid": "L2", "log_type": "flight", "status": "striked"});
        assert!(log_record(&asset, &struck).unwrap().removed);
        let maint = json!({"uuid": "L3", "log_type": "maint", "status": "closed", "happened_at": 1,
                           "personel": [{"uuid": "M", "fullname": "Mech", "type": "mechanic"}]});
        let m = log_record(&asset, &maint).unwrap().data.fields();
        assert_eq!(m["status"], "maintenance");
        assert_eq!(m["pilot_name"], "Mech");
    }

    #[test]
    fn every_filter_renders() {
        let q = AssetListQuery {
            asset_uuids: vec!["a".into(), "b".into()],
            asset_types: Some("aircraft".into()),
            asset_updated_after: Some(1),
            asset_updated_before: Some(2),
            log_types: Some("flight,maint".into()),
            log_uuids: vec!["l".into()],
            log_updated_after: Some(3),
            log_updated_before: Some(4),
            log_completed_after: Some(5),
            log_completed_before: Some(6),
            log_limit_per_asset: Some(7),
            point_types: Some("first,last".into()),
        };
        let args = q.to_args();
        assert_eq!(args.len(), 12);
        assert_eq!(args[0], ("asset_uuids", "a,b".to_string()));
        assert!(args.contains(&("log_completed_before", "6".to_string())));
        assert!(AssetListQuery::default().to_args().is_empty());
    }

    #[test]
    fn assets_keep_everything_but_their_logs() {
        let a = json!({"uuid": "A", "ident": "N1", "make": "Cessna", "model": "172",
                       "operational_status": "inflight", "logs": [{"uuid": "L"}], "device": {}});
        let r = aircraft_record(&a).unwrap();
        assert!(r.raw.get("logs").is_none());
        assert!(r.raw.get("device").is_some());
        let f = r.data.fields();
        assert_eq!(f["model"], "Cessna 172");
        assert_eq!(f["status"], "inflight");
    }
}
