//! Suggested free slots: the next times, within a window and the school's day, at which the
//! teacher, the resource and every student are free in every system, and the teacher stays
//! within the duty and 61.195(a) limits. No provider offers this across systems.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use flightdesk_store::Store;
use serde::{Deserialize, Serialize};

use super::{Context, Proposal};
use crate::calendar::{local_rfc3339, wall_clock};
use crate::error::{Result, ViewError};
use crate::lookup::Lookup;

/// Where to look, and for how long a class.
#[derive(Debug, Clone)]
pub struct SlotQuery {
    /// The class to place: its entities and length (its start is ignored).
    pub proposal: Proposal,
    /// The window the slot must start in.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The school's day, in the chosen zone: a slot starts and ends within it.
    pub day_start: NaiveTime,
    pub day_end: NaiveTime,
    /// Starts are tried on this grid (from the start of each day).
    pub step: Duration,
    pub limit: usize,
}

/// One free slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Slot {
    /// RFC 3339 in the chosen zone.
    pub starts_at: String,
    pub ends_at: String,
    /// Wall clock in the chosen zone, for the form's time fields.
    pub local_start: String,
    pub local_end: String,
}

/// The longest window a search may cover.
const MAX_WINDOW_DAYS: i64 = 62;

/// The first `limit` free slots of `query`, earliest first, none before `now`.
pub async fn slots(
    store: &Store,
    lookup: &Lookup,
    query: &SlotQuery,
    now: DateTime<Utc>,
    tz: Tz,
) -> Result<Vec<Slot>> {
    let length = query.proposal.ends_at - query.proposal.starts_at;
    if query.to <= query.from
        || query.to - query.from > Duration::days(MAX_WINDOW_DAYS)
        || length <= Duration::zero()
        || query.step <= Duration::zero()
    {
        return Err(ViewError::BadRange {
            from: local_rfc3339(query.from, tz),
            to: local_rfc3339(query.to, tz),
        });
    }
    let context = Context::load(
        store,
        lookup,
        &query.proposal,
        query.from,
        query.to + length,
        tz,
    )
    .await?;
    let mut found = Vec::new();
    let first = query.from.with_timezone(&tz).date_naive();
    let last = query.to.with_timezone(&tz).date_naive();
    for day in first.iter_days().take_while(|d| *d <= last) {
        let (Some(open), Some(close)) = (
            local(day.and_time(query.day_start), tz),
            local(day.and_time(query.day_end), tz),
        ) else {
            continue;
        };
        let mut at = open;
        while at + length <= close && found.len() < query.limit {
            if at < query.from.max(now) || at >= query.to {
                at += query.step;
                continue;
            }
            let candidate = query.proposal.moved_to(at);
            if let Some(free_at) = context.busy.blocked_until(&candidate) {
                // Jump to the first grid point at or after the blocking item's end.
                let (waited, step) = ((free_at - open).num_seconds(), query.step.num_seconds());
                let steps = (waited + step - 1) / step;
                at = (open + Duration::seconds(steps * step)).max(at + query.step);
                continue;
            }
            if context.warnings(&candidate, now, tz).is_empty() {
                found.push(Slot {
                    starts_at: local_rfc3339(candidate.starts_at, tz),
                    ends_at: local_rfc3339(candidate.ends_at, tz),
                    local_start: wall_clock(candidate.starts_at, tz),
                    local_end: wall_clock(candidate.ends_at, tz),
                });
            }
            at += query.step;
        }
        if found.len() >= query.limit {
            break;
        }
    }
    Ok(found)
}

/// A wall clock of `tz` as an instant (the first, when it happens twice; none in a gap).
fn local(wall: chrono::NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    wall.and_local_timezone(tz)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}
