//! The calendar items of a few entities, for the scheduling checks: a class check and its
//! slot search look at the teacher, the room and the students over up to two months, and
//! building every item of that span (thousands, each with its conflicts) cost more than
//! the whole search. Here only the rows that name one of the entities become items, and
//! only their mirrors are linked: the checks never read an item's conflicts.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use flightdesk_store::Store;

use super::slim::{RowRef, Table};
use super::{
    check_range, item, mirror_of, seconds, span_of, with_rows, CalendarItem, CalendarQuery,
};
use crate::conflicts;
use crate::error::Result;
use crate::lookup::Lookup;

/// The live items overlapping `[from, to)` that involve any of `entities` (unified ids),
/// and those whose id is in `also` whatever they involve, sorted as a calendar lists
/// them. Each is the calendar's item of that row, waiting writes and mirrors included
/// (a mirror is always of two items that name the same entities, so it is among these
/// or the other is in `also`), without its conflicts.
pub(crate) async fn items_involving(
    store: &Store,
    lookup: &Lookup,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    tz: Tz,
    entities: &[&str],
    also: &[String],
) -> Result<Vec<CalendarItem>> {
    check_range(&CalendarQuery::new(from, to, tz))?;
    let wanted: HashSet<&str> = entities.iter().copied().collect();
    with_rows(store, lookup, from, to, |rows, pending| {
        let mut rows: Vec<RowRef<'_>> = rows
            .into_iter()
            .filter(|r| {
                !r.row.cancelled && (involves(r, lookup, &wanted) || named(r, lookup, also))
            })
            .collect();
        // The calendar's build order, so mirrors are listed as it lists them.
        rows.sort_unstable_by(|a, b| a.order_key().cmp(&b.order_key()));
        let mut items = Vec::with_capacity(rows.len());
        let mut times = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(mut item) = item(row, lookup, tz) else {
                continue;
            };
            if row.row.table == Table::Classes {
                item.pending = pending.mark(row.row.account_id, row.source_id()).cloned();
            }
            items.push(item);
            times.push((seconds(row.starts_at()), seconds(row.ends_at())));
        }
        link_mirrors(&mut items, &times);
        items.sort_by(|a, b| (&a.starts_at, &a.id).cmp(&(&b.starts_at, &b.id)));
        items
    })
    .await
}

/// Whether the row's resource, instructor or person resolves to one of `wanted`: the
/// same resolution [`item`] makes, without building the item.
fn involves(row: &RowRef<'_>, lookup: &Lookup, wanted: &HashSet<&str>) -> bool {
    let Some(account) = lookup.account(row.row.account_id) else {
        return false;
    };
    let r = row.row;
    [
        (false, r.resource_id, r.resource_name),
        (true, r.instructor_id, r.instructor_name),
        (true, r.person_id, r.person_name),
    ]
    .into_iter()
    .filter_map(|(person, id, name)| lookup.entity(account, person, row.text(id), row.text(name)))
    .any(|e| wanted.contains(e.id.as_str()))
}

/// Whether the row's item id (`table/account/source_id`) is one of `ids`.
fn named(row: &RowRef<'_>, lookup: &Lookup, ids: &[String]) -> bool {
    if ids.is_empty() {
        return false;
    }
    let Some(account) = lookup.account(row.row.account_id) else {
        return false;
    };
    let id = format!(
        "{}/{}/{}",
        row.row.table.name(),
        account.name,
        row.source_id()
    );
    ids.contains(&id)
}

/// Marks each mirror on both items (`times`: each item's start and end), as the calendar
/// does.
fn link_mirrors(items: &mut [CalendarItem], times: &[(DateTime<Utc>, DateTime<Utc>)]) {
    let spans: Vec<_> = items
        .iter()
        .zip(times)
        .map(|(item, &(starts_at, ends_at))| span_of(item, starts_at, ends_at))
        .collect();
    let mirrors = conflicts::detect(&spans).mirrors;
    for (a, b) in mirrors {
        let (to_a, to_b) = (mirror_of(&items[b]), mirror_of(&items[a]));
        items[a].same_as.push(to_a);
        items[b].same_as.push(to_b);
    }
}
