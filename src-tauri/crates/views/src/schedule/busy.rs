//! Who and what is already taken: the calendar items (every system) that involve the
//! proposal's resource, teacher or students, as intervals per entity.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Proposal, Warning, WarningKind};
use crate::calendar::CalendarItem;
use crate::lookup::EntityRef;
use crate::rows::parse_instant;

/// The live items of a span that involve the proposal's entities.
pub(super) struct Busy {
    items: Vec<Taken>,
    /// Entity id -> indexes into `items`, sorted by start.
    by_entity: HashMap<String, Vec<usize>>,
}

struct Taken {
    item: CalendarItem,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
}

/// The proposal's entities with the warning each would raise.
pub(super) fn involved(p: &Proposal) -> Vec<(&EntityRef, WarningKind)> {
    let mut out = Vec::new();
    out.extend(p.resource.iter().map(|e| (e, WarningKind::ResourceBusy)));
    out.extend(p.teacher.iter().map(|e| (e, WarningKind::TeacherBusy)));
    out.extend(p.students.iter().map(|e| (e, WarningKind::StudentBusy)));
    out
}

impl Busy {
    pub fn new(items: Vec<CalendarItem>, proposal: &Proposal) -> Self {
        let wanted: Vec<&str> = involved(proposal)
            .into_iter()
            .map(|(e, _)| e.id.as_str())
            .collect();
        let mut busy = Busy {
            items: Vec::new(),
            by_entity: HashMap::new(),
        };
        for item in items {
            if item.cancelled || proposal.ignore.contains(&item.id) {
                continue;
            }
            // Mirrors of an ignored item (the same class in another system) are it too.
            if item
                .same_as
                .iter()
                .any(|m| proposal.ignore.contains(&m.item))
            {
                continue;
            }
            let ids: Vec<String> = item
                .resources
                .iter()
                .map(|e| e.id.clone())
                .chain(item.people.iter().map(|p| p.entity.id.clone()))
                .filter(|id| wanted.contains(&id.as_str()))
                .collect();
            if ids.is_empty() {
                continue;
            }
            let (Some(starts_at), Some(ends_at)) =
                (parse_instant(&item.starts_at), parse_instant(&item.ends_at))
            else {
                continue;
            };
            let index = busy.items.len();
            busy.items.push(Taken {
                item,
                starts_at,
                ends_at,
            });
            for id in ids {
                let list = busy.by_entity.entry(id).or_default();
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
        }
        for list in busy.by_entity.values_mut() {
            list.sort_by_key(|&i| busy.items[i].starts_at);
        }
        busy
    }

    /// The items of `entity` that overlap `[from, to)` (touching ends do not overlap).
    fn overlapping<'a>(
        &'a self,
        entity: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Iterator<Item = &'a Taken> + 'a {
        self.by_entity
            .get(entity)
            .into_iter()
            .flatten()
            .map(|&i| &self.items[i])
            .take_while(move |t| t.starts_at < to)
            .filter(move |t| t.ends_at > from)
    }

    /// The earliest end of an item that keeps `proposal` from starting at its start, if
    /// any: a free-slot search can jump there.
    pub fn blocked_until(&self, proposal: &Proposal) -> Option<DateTime<Utc>> {
        involved(proposal)
            .into_iter()
            .flat_map(|(e, _)| self.overlapping(&e.id, proposal.starts_at, proposal.ends_at))
            .map(|t| t.ends_at)
            .min()
    }

    pub fn warnings(&self, proposal: &Proposal, tz: Tz) -> Vec<Warning> {
        let mut out = Vec::new();
        for (entity, kind) in involved(proposal) {
            for t in self.overlapping(&entity.id, proposal.starts_at, proposal.ends_at) {
                out.push(Warning {
                    kind,
                    entity: Some(entity.clone()),
                    message: sentence(entity, kind, t, tz),
                    item: Some(t.item.id.clone()),
                    source: Some(t.item.source),
                    account: Some(t.item.account.clone()),
                });
            }
        }
        out
    }
}

/// "Room 2 is already booked for “Sim check” 09:00–11:00 (Mon 7 Dec) in AviationAlley
/// (school)."
fn sentence(entity: &EntityRef, kind: WarningKind, t: &Taken, tz: Tz) -> String {
    let what = match kind {
        WarningKind::ResourceBusy => "is already booked for",
        _ => "is already in",
    };
    let (start, end) = (t.starts_at.with_timezone(&tz), t.ends_at.with_timezone(&tz));
    let when = if start.date_naive() == end.date_naive() {
        format!(
            "{}–{} ({})",
            start.format("%H:%M"),
            end.format("%H:%M"),
            start.format("%a %-d %b")
        )
    } else {
        format!(
            "{} – {}",
            start.format("%a %-d %b %H:%M"),
            end.format("%a %-d %b %H:%M")
        )
    };
    format!(
        "{} {what} “{}” {when} in {} ({}).",
        entity.name,
        t.item.title,
        t.item.source.display_name(),
        t.item.account
    )
}
