//! One calendar over every system: Flight School Booking bookings and unavailability,
//! AviationAlley simulator bookings, PilotFlows calendar events and Flylogs classes and
//! exam sessions, each with the unified aircraft, rooms and people it involves and its
//! conflicts with items of any system.
//!
//! Times are stored in UTC; an item carries them in the chosen IANA zone twice: as RFC
//! 3339 with that zone's offset (for scripts) and as the wall clock there (for a calendar
//! component that knows only local time, so a week across a DST change shows right).

mod clock;
mod index;
mod involving;
mod pending;
mod slim;
mod source;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use chrono_tz::Tz;
use flightdesk_core::identity::EntityKind;
use flightdesk_core::{instant, Provider};
use flightdesk_store::Store;
use serde::{Deserialize, Serialize};
use sqlx::{Column, Row, TypeInfo, ValueRef};

pub use self::clock::{local_rfc3339, wall_clock};
pub use self::index::CalendarIndex;
pub(crate) use self::involving::items_involving;
use self::pending::Pending;
pub use self::pending::{PendingChange, PendingMark};
pub(crate) use self::slim::Table;
use self::slim::{RowRef, SlimRows};
use crate::conflicts::{self, Span};
use crate::error::{QueryContext, Result, ViewError};
use crate::lookup::{EntityRef, Lookup};

/// What a calendar item is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A Flight School Booking aircraft, instructor or room booking.
    Booking,
    /// An aircraft or instructor unavailable (any system).
    Unavailability,
    /// An AviationAlley simulator booking.
    SimulatorBooking,
    /// A PilotFlows calendar event.
    CalendarEvent,
    /// A Flylogs ground class.
    Class,
    /// A Flylogs exam session.
    ExamSession,
}

impl ItemKind {
    /// How the item is named in a sentence.
    pub const fn describe(self) -> &'static str {
        match self {
            ItemKind::Booking => "booking",
            ItemKind::Unavailability => "unavailability",
            ItemKind::SimulatorBooking => "simulator booking",
            ItemKind::CalendarEvent => "calendar event",
            ItemKind::Class => "class",
            ItemKind::ExamSession => "exam session",
        }
    }
}

/// What a person does in an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Instructor,
    Student,
}

/// A person in an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Participant {
    #[serde(flatten)]
    pub entity: EntityRef,
    pub role: Role,
}

/// Another item that conflicts with this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Conflict {
    /// The other item's `id`.
    pub item: String,
    pub source: Provider,
    pub account: String,
    pub source_id: String,
    /// The entities both items involve.
    pub entities: Vec<EntityRef>,
    /// A sentence that names both items and what they share.
    pub reason: String,
}

/// The same booking as this one, seen in another system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Mirror {
    pub item: String,
    pub source: Provider,
    pub account: String,
    pub source_id: String,
}

/// One item of the calendar.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CalendarItem {
    /// `table/account/source_id`: what `calendar_item` takes to show every field.
    pub id: String,
    pub kind: ItemKind,
    pub source: Provider,
    pub account: String,
    pub source_id: String,
    pub title: String,
    /// RFC 3339 with the offset of the chosen zone.
    pub starts_at: String,
    pub ends_at: String,
    /// The wall clock in the chosen zone, `YYYY-MM-DDTHH:MM:SS`.
    pub local_start: String,
    pub local_end: String,
    pub cancelled: bool,
    pub unavailability: bool,
    /// The provider's status word (`scheduled`, `completed`, ...).
    pub status: Option<String>,
    pub notes: Option<String>,
    pub resources: Vec<EntityRef>,
    pub people: Vec<Participant>,
    pub conflicts: Vec<Conflict>,
    pub same_as: Vec<Mirror>,
    /// When the record last changed in the cache (UTC): a stable DTSTAMP for ICS.
    pub changed_at: String,
    /// The outbox write this item waits on ("waiting to send"), if any.
    pub pending: Option<PendingMark>,
}

/// Which items a calendar shows.
#[derive(Debug, Clone)]
pub struct CalendarQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub tz: Tz,
    /// Only items that involve this unified aircraft, simulator or room.
    pub resource: Option<String>,
    /// Only items that involve this unified person.
    pub person: Option<String>,
    /// Only items from these providers (all when empty).
    pub sources: Vec<Provider>,
    /// Only items of these kinds (all when empty).
    pub kinds: Vec<ItemKind>,
    pub include_cancelled: bool,
}

impl CalendarQuery {
    /// Every item of `[from, to)`, shown in `tz`, cancellations hidden.
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>, tz: Tz) -> Self {
        Self {
            from,
            to,
            tz,
            resource: None,
            person: None,
            sources: vec![],
            kinds: vec![],
            include_cancelled: false,
        }
    }
}

/// A calendar query as the window sends it: instants as RFC 3339, the zone by IANA name.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
pub struct CalendarRequest {
    pub from: String,
    pub to: String,
    pub time_zone: String,
    pub resource: Option<String>,
    pub person: Option<String>,
    #[serde(default)]
    pub sources: Vec<Provider>,
    #[serde(default)]
    pub kinds: Vec<ItemKind>,
    #[serde(default)]
    pub include_cancelled: bool,
}

impl CalendarRequest {
    /// The query, or what in the request is wrong.
    pub fn query(&self) -> Result<CalendarQuery> {
        let tz: Tz = self
            .time_zone
            .parse()
            .map_err(|_| ViewError::BadTimeZone(self.time_zone.clone()))?;
        Ok(CalendarQuery {
            from: parse_bound(&self.from, tz, false)?,
            to: parse_bound(&self.to, tz, false)?,
            tz,
            resource: self.resource.clone(),
            person: self.person.clone(),
            sources: self.sources.clone(),
            kinds: self.kinds.clone(),
            include_cancelled: self.include_cancelled,
        })
    }
}

/// A calendar range: its items and the rows of a resource timeline.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Calendar {
    pub from: String,
    pub to: String,
    pub time_zone: String,
    pub items: Vec<CalendarItem>,
    /// The unified aircraft, simulators and rooms, then the instructors of these items.
    pub rows: Vec<EntityRef>,
}

/// Reads a range bound: an RFC 3339 time, or a date meaning the start of that day in
/// `tz` (`end_of_day` makes it the end of that day instead, for an inclusive `--to`).
pub fn parse_bound(text: &str, tz: Tz, end_of_day: bool) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(t.with_timezone(&Utc));
    }
    let bad = || ViewError::BadTime(text.to_string());
    let day = chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| bad())?;
    let day = if end_of_day {
        day.succ_opt().ok_or_else(bad)?
    } else {
        day
    };
    // The first instant of the day: midnight, or just after a gap that skips it.
    let midnight = day.and_hms_opt(0, 0, 0).ok_or_else(bad)?;
    (0..=24 * 60)
        .find_map(|m| {
            (midnight + Duration::minutes(m))
                .and_local_timezone(tz)
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(bad)
}

/// Reads an instant: RFC 3339, a wall clock `YYYY-MM-DDTHH:MM[:SS]` in `tz` (what a time
/// picker gives; a time inside a DST gap moves past it, a repeated one takes the first), or
/// a date meaning the start of that day.
pub fn parse_instant(text: &str, tz: Tz) -> Result<DateTime<Utc>> {
    let wall = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok());
    let Some(wall) = wall else {
        return parse_bound(text, tz, false);
    };
    (0..=120)
        .find_map(|m| {
            (wall + Duration::minutes(m))
                .and_local_timezone(tz)
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| ViewError::BadTime(text.to_string()))
}

/// The longest a query may span: a calendar view is a day, a week or a month.
const MAX_RANGE_DAYS: i64 = 366;

/// The calendar of `query` from the cache, with every conflict among its items: from
/// the calendar rows in memory when `lookup` carries them (the window's, see
/// [`crate::cache::LookupCache`]), else the range's rows read from SQLite.
///
/// Classes whose writes still wait in the outbox are drawn as they will be, each with its
/// [`PendingMark`].
pub async fn calendar(store: &Store, lookup: &Lookup, query: &CalendarQuery) -> Result<Calendar> {
    check_range(query)?;
    with_rows(store, lookup, query.from, query.to, |rows, pending| {
        answer(rows, lookup, query, Some(pending))
    })
    .await
}

/// Hands `f` the rows that overlap `[from, to)` with the outbox's waiting class writes
/// drawn over them: from the lookup's in-memory index, else read from SQLite. The rows
/// borrow what was read, hence the closure.
async fn with_rows<T>(
    store: &Store,
    lookup: &Lookup,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    f: impl FnOnce(Vec<RowRef<'_>>, &Pending) -> T,
) -> Result<T> {
    let pending = Pending::load(store).await?;
    let mut read = SlimRows::default();
    let base = match lookup.calendar_index() {
        Some(index) => index.overlapping(from, to),
        None => {
            for table in Table::ALL {
                for row in source::rows(store, table, from, to).await? {
                    read.push(table, &row);
                }
            }
            read.refs().collect()
        }
    };
    let rows = pending.apply(base, from.timestamp_millis(), to.timestamp_millis());
    Ok(f(rows, &pending))
}

/// The calendar of `query` from the in-memory index (see [`CalendarIndex`]): the same
/// answer as [`calendar`] gives, while the index is up to date.
pub fn calendar_in(
    index: &CalendarIndex,
    lookup: &Lookup,
    query: &CalendarQuery,
) -> Result<Calendar> {
    check_range(query)?;
    Ok(answer(
        index.overlapping(query.from, query.to),
        lookup,
        query,
        None,
    ))
}

fn check_range(query: &CalendarQuery) -> Result<()> {
    if query.to <= query.from || query.to - query.from > Duration::days(MAX_RANGE_DAYS) {
        return Err(ViewError::BadRange {
            from: instant::encode(&query.from),
            to: instant::encode(&query.to),
        });
    }
    Ok(())
}

/// The calendar of the rows that overlap the query's range, however they were read.
fn answer(
    mut rows: Vec<RowRef<'_>>,
    lookup: &Lookup,
    query: &CalendarQuery,
    pending: Option<&Pending>,
) -> Calendar {
    // Conflicts are listed in the order items are built: make it the same for both paths.
    rows.sort_unstable_by(|a, b| a.order_key().cmp(&b.order_key()));
    let mut items = Vec::with_capacity(rows.len());
    let mut times = Vec::with_capacity(rows.len());
    for row in &rows {
        // A cancelled item never conflicts or mirrors: unless shown, it need not be built.
        if row.row.cancelled && !query.include_cancelled {
            continue;
        }
        if let Some(mut item) = item(row, lookup, query.tz) {
            if row.row.table == Table::Classes {
                item.pending = pending
                    .and_then(|p| p.mark(row.row.account_id, row.source_id()))
                    .cloned();
            }
            items.push(item);
            // To the second, as the items show them.
            times.push((seconds(row.starts_at()), seconds(row.ends_at())));
        }
    }
    link_conflicts(&mut items, &times);
    items.retain(|i| query.keeps(i));
    items.sort_by(|a, b| (&a.starts_at, &a.id).cmp(&(&b.starts_at, &b.id)));
    let rows = timeline_rows(lookup, &items);
    Calendar {
        from: local_rfc3339(query.from, query.tz),
        to: local_rfc3339(query.to, query.tz),
        time_zone: query.tz.name().to_string(),
        items,
        rows,
    }
}

impl CalendarQuery {
    fn keeps(&self, item: &CalendarItem) -> bool {
        (self.include_cancelled || !item.cancelled)
            && (self.sources.is_empty() || self.sources.contains(&item.source))
            && (self.kinds.is_empty() || self.kinds.contains(&item.kind))
            && self
                .resource
                .as_ref()
                .is_none_or(|r| item.resources.iter().any(|e| &e.id == r))
            && self
                .person
                .as_ref()
                .is_none_or(|p| item.people.iter().any(|e| &e.entity.id == p))
    }
}

/// Every aircraft, simulator and room (so an empty one shows as free), then the
/// instructors who teach in these items.
fn timeline_rows(lookup: &Lookup, items: &[CalendarItem]) -> Vec<EntityRef> {
    let mut rows: Vec<EntityRef> = lookup
        .entities()
        .iter()
        .filter(|e| e.kind != EntityKind::Person)
        .cloned()
        .collect();
    let instructors: BTreeSet<&EntityRef> = items
        .iter()
        .flat_map(|i| &i.people)
        .filter(|p| p.role == Role::Instructor)
        .map(|p| &p.entity)
        .collect();
    rows.extend(instructors.into_iter().cloned());
    rows
}

fn seconds(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(at.timestamp(), 0).unwrap_or_default()
}

/// Marks each conflict on both items, and each mirror on both (`times`: each item's
/// start and end).
fn link_conflicts(items: &mut [CalendarItem], times: &[(DateTime<Utc>, DateTime<Utc>)]) {
    let spans: Vec<Span<'_>> = items
        .iter()
        .zip(times)
        .map(|(item, &(starts_at, ends_at))| span_of(item, starts_at, ends_at))
        .collect();
    let found = conflicts::detect(&spans);
    let conflicts: Vec<(usize, usize, Vec<String>)> = found
        .conflicts
        .into_iter()
        .map(|o| (o.a, o.b, o.shared.into_iter().map(String::from).collect()))
        .collect();
    let mirrors = found.mirrors;
    for (a, b, shared) in conflicts {
        let named: Vec<EntityRef> = items[a]
            .resources
            .iter()
            .chain(items[a].people.iter().map(|p| &p.entity))
            .filter(|e| shared.contains(&e.id))
            .cloned()
            .collect();
        let on_a = conflict_with(&items[a], &items[b], &named);
        let on_b = conflict_with(&items[b], &items[a], &named);
        items[a].conflicts.push(on_a);
        items[b].conflicts.push(on_b);
    }
    for (a, b) in mirrors {
        let (to_a, to_b) = (mirror_of(&items[b]), mirror_of(&items[a]));
        items[a].same_as.push(to_a);
        items[b].same_as.push(to_b);
    }
}

fn span_of(item: &CalendarItem, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> Span<'_> {
    let mut people: Vec<&str> = item.people.iter().map(|p| p.entity.id.as_str()).collect();
    people.sort_unstable();
    people.dedup();
    Span {
        account: &item.account,
        starts_at,
        ends_at,
        cancelled: item.cancelled,
        resource: item.resources.first().map(|e| e.id.as_str()),
        people,
    }
}

fn conflict_with(this: &CalendarItem, other: &CalendarItem, shared: &[EntityRef]) -> Conflict {
    let names: Vec<&str> = shared.iter().map(|e| e.name.as_str()).collect();
    let who = match names.as_slice() {
        [one] => format!("{one} is"),
        many => format!("{} are", many.join(" and ")),
    };
    let time = |i: &CalendarItem| {
        format!(
            "{}–{}",
            i.local_start.get(11..16).unwrap_or_default(),
            i.local_end.get(11..16).unwrap_or_default()
        )
    };
    let reason = format!(
        "{who} in this {} {} ({}) and in the {} {} “{}” ({}) at the same time",
        this.source.display_name(),
        this.kind.describe(),
        time(this),
        other.source.display_name(),
        other.kind.describe(),
        other.title,
        time(other),
    );
    Conflict {
        item: other.id.clone(),
        source: other.source,
        account: other.account.clone(),
        source_id: other.source_id.clone(),
        entities: shared.to_vec(),
        reason,
    }
}

fn mirror_of(item: &CalendarItem) -> Mirror {
    Mirror {
        item: item.id.clone(),
        source: item.source,
        account: item.account.clone(),
        source_id: item.source_id.clone(),
    }
}

/// Every field of one calendar item's record as the cache holds it, and the provider's
/// row exactly as it was sent.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ItemDetails {
    pub id: String,
    pub source: Provider,
    pub account: String,
    pub source_id: String,
    #[ts(type = "Record<string, unknown>")]
    pub fields: serde_json::Map<String, serde_json::Value>,
    #[ts(type = "unknown")]
    pub raw: serde_json::Value,
}

/// The details of the item `id` (`table/account/source_id`, as items carry it).
pub async fn item_details(store: &Store, id: &str) -> Result<ItemDetails> {
    let unknown = || ViewError::UnknownItem(id.to_string());
    let (table, rest) = id.split_once('/').ok_or_else(unknown)?;
    let table = Table::from_name(table).ok_or_else(unknown)?;
    let (account, source_id) = rest.split_once('/').ok_or_else(unknown)?;
    let account = store.account(account).await.map_err(|_| unknown())?;
    let row = sqlx::query(&format!(
        "SELECT * FROM {} WHERE account_id = ?1 AND source_id = ?2",
        table.name()
    ))
    .bind(account.id)
    .bind(source_id)
    .fetch_optional(store.pool())
    .await
    .context("reading a calendar item")?
    .ok_or_else(unknown)?;
    let mut fields = serde_json::Map::new();
    let mut raw = serde_json::Value::Null;
    for column in row.columns() {
        let name = column.name();
        let value = row.try_get_raw(name).ok();
        let value = match value.map(|v| v.type_info().name().to_string()).as_deref() {
            Some("INTEGER") => row.get::<Option<i64>, _>(name).into(),
            Some("REAL") => row.get::<Option<f64>, _>(name).into(),
            Some("TEXT") => row.get::<Option<String>, _>(name).into(),
            _ => serde_json::Value::Null,
        };
        match name {
            "raw" => {
                raw = value
                    .as_str()
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_default()
            }
            // Bookkeeping of the sync, not the provider's data.
            "account_id" | "seen_pass" | "content_hash" | "row_hash" => {}
            _ => {
                fields.insert(name.to_string(), value);
            }
        }
    }
    Ok(ItemDetails {
        id: id.to_string(),
        source: account.provider,
        account: account.name,
        source_id: source_id.to_string(),
        fields,
        raw,
    })
}

/// How SQLite runs each query the calendar makes (`EXPLAIN QUERY PLAN`), for the test
/// that keeps them index scans.
pub async fn query_plans(store: &Store) -> Result<Vec<(String, String)>> {
    source::query_plans(store).await
}

/// The longest live booking or class: what widens each range scan of the SQL path.
pub async fn longest_item(store: &Store) -> Result<Duration> {
    let mut longest = Duration::zero();
    for table in Table::ALL {
        longest = longest.max(source::longest(store, table).await?);
    }
    Ok(longest)
}

/// The longest live booking: a booking that touches `[from, to)` starts no earlier than
/// `from` less this, which bounds a range scan of the start index.
pub(crate) async fn longest_booking(store: &Store) -> Result<Duration> {
    source::longest(store, Table::Bookings).await
}

/// The item of a row, if its account is known.
fn item(row: &RowRef<'_>, lookup: &Lookup, tz: Tz) -> Option<CalendarItem> {
    let table = row.row.table;
    let account = lookup.account(row.row.account_id)?;
    let (starts, ends) = (row.starts_at(), row.ends_at());
    let source_id = row.source_id();
    let status = row.text(row.row.status);
    let unavailability = row.row.unavailability;
    let kind = match (table, account.provider) {
        _ if unavailability => ItemKind::Unavailability,
        (Table::Classes, _) if status == Some("exam") => ItemKind::ExamSession,
        (Table::Classes, _) => ItemKind::Class,
        (Table::Bookings, Provider::AviationAlley) => ItemKind::SimulatorBooking,
        (Table::Bookings, Provider::PilotFlows) => ItemKind::CalendarEvent,
        (Table::Bookings, _) => ItemKind::Booking,
    };
    let resources: Vec<EntityRef> = lookup
        .entity(
            account,
            false,
            row.text(row.row.resource_id),
            row.text(row.row.resource_name),
        )
        .into_iter()
        .cloned()
        .collect();
    let mut people = Vec::new();
    for (id, name, role) in [
        (
            row.row.instructor_id,
            row.row.instructor_name,
            Role::Instructor,
        ),
        (row.row.person_id, row.row.person_name, Role::Student),
    ] {
        if let Some(entity) = lookup.entity(account, true, row.text(id), row.text(name)) {
            if !people.iter().any(|p: &Participant| p.entity == *entity) {
                people.push(Participant {
                    entity: entity.clone(),
                    role,
                });
            }
        }
    }
    let notes = row.text(row.row.notes).filter(|n| !n.trim().is_empty());
    let title = title(row.text(row.row.name), kind, &resources, &people, notes);
    let (starts_at, local_start) = clock::local_texts(starts, tz);
    let (ends_at, local_end) = clock::local_texts(ends, tz);
    Some(CalendarItem {
        id: format!("{}/{}/{source_id}", table.name(), account.name),
        kind,
        source: account.provider,
        account: account.name.clone(),
        source_id: source_id.to_string(),
        title,
        starts_at,
        ends_at,
        local_start,
        local_end,
        cancelled: row.row.cancelled,
        unavailability,
        status: status.map(str::to_string),
        notes: notes.map(str::to_string),
        resources,
        people,
        conflicts: vec![],
        same_as: vec![],
        changed_at: row.changed_at().to_string(),
        pending: None,
    })
}

/// A title from what the item names: a class's lesson, else its resource and people.
fn title(
    name: Option<&str>,
    kind: ItemKind,
    resources: &[EntityRef],
    people: &[Participant],
    notes: Option<&str>,
) -> String {
    if let Some(name) = name {
        return name.to_string();
    }
    let mut parts: Vec<&str> = resources.iter().map(|e| e.name.as_str()).collect();
    let students = people.iter().filter(|p| p.role == Role::Student);
    parts.extend(students.map(|p| p.entity.name.as_str()));
    if parts.is_empty() {
        parts.extend(people.iter().map(|p| p.entity.name.as_str()));
    }
    match (kind, parts.is_empty()) {
        (ItemKind::Unavailability, _) => match (parts.is_empty(), notes) {
            (false, _) => format!("Unavailable: {}", parts.join(" · ")),
            (true, Some(n)) => format!("Unavailable: {n}"),
            (true, None) => "Unavailable".to_string(),
        },
        (_, false) => parts.join(" · "),
        (_, true) => notes.unwrap_or(kind.describe()).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_week_across_the_autumn_change_keeps_each_wall_clock() {
        let madrid: Tz = "Europe/Madrid".parse().unwrap();
        // Saturday before the change (CEST, +2) and Monday after it (CET, +1): the same
        // 08:00 UTC is 10:00 and then 09:00 on the school's clock.
        let before = utc("2026-10-24T08:00:00Z");
        let after = utc("2026-10-26T08:00:00Z");
        assert_eq!(wall_clock(before, madrid), "2026-10-24T10:00:00");
        assert_eq!(wall_clock(after, madrid), "2026-10-26T09:00:00");
        assert_eq!(local_rfc3339(before, madrid), "2026-10-24T10:00:00+02:00");
        assert_eq!(local_rfc3339(after, madrid), "2026-10-26T09:00:00+01:00");
        // The change itself: 02:30 happens twice; each instant keeps its own offset.
        assert_eq!(
            local_rfc3339(utc("2026-10-25T00:30:00Z"), madrid),
            "2026-10-25T02:30:00+02:00"
        );
        assert_eq!(
            local_rfc3339(utc("2026-10-25T01:30:00Z"), madrid),
            "2026-10-25T02:30:00+01:00"
        );
        // The week's days start at local midnight, whichever offset that day has.
        assert_eq!(
            parse_bound("2026-10-19", madrid, false).unwrap(),
            utc("2026-10-18T22:00:00Z")
        );
        assert_eq!(
            parse_bound("2026-10-26", madrid, false).unwrap(),
            utc("2026-10-25T23:00:00Z")
        );
        assert_eq!(
            parse_bound("2026-10-25", madrid, true).unwrap(),
            utc("2026-10-25T23:00:00Z")
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_at_its_first_minute() {
        // Chile moves its clocks from 24:00 to 01:00: 6 Sep 2026 has no midnight.
        let santiago: Tz = "America/Santiago".parse().unwrap();
        assert_eq!(
            parse_bound("2026-09-06", santiago, false).unwrap(),
            utc("2026-09-06T04:00:00Z")
        );
        assert!(parse_bound("someday", santiago, false).is_err());
        assert_eq!(
            parse_bound("2026-09-06T10:00:00+02:00", santiago, false).unwrap(),
            utc("2026-09-06T08:00:00Z")
        );
    }
}
