//! A calendar as RFC 5545 iCalendar, for calendar apps. Each item's UID is its stable
//! FlightDesk id and its DTSTAMP the moment the record last changed in the cache, so a
//! calendar app that imports the file again updates its events instead of duplicating
//! them (the `icalendar` crate makes a random UID and a DTSTAMP of "now" unless told).

use chrono::{DateTime, Utc};
use icalendar::{Component, Event, EventLike, EventStatus};

use crate::calendar::Calendar;

/// The domain that makes UIDs globally unique, as RFC 5545 suggests.
const UID_DOMAIN: &str = "flightdesk.app";

fn utc(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The calendar's items as one VCALENDAR, times in UTC.
pub fn to_ics(calendar: &Calendar) -> String {
    let mut ics = icalendar::Calendar::new();
    ics.name("FlightDesk");
    for item in &calendar.items {
        let (Some(start), Some(end)) = (utc(&item.starts_at), utc(&item.ends_at)) else {
            continue;
        };
        let mut event = Event::new();
        event
            .uid(&format!("{}@{UID_DOMAIN}", item.id))
            .timestamp(utc(&item.changed_at).unwrap_or(start))
            .starts(start)
            .ends(end)
            .summary(&item.title)
            .add_property("CATEGORIES", item.kind.describe());
        let mut description = vec![format!(
            "From {} ({}), id {}",
            item.source.display_name(),
            item.account,
            item.source_id
        )];
        description.extend(item.notes.clone());
        description.extend(
            item.conflicts
                .iter()
                .map(|c| format!("Conflict: {}", c.reason)),
        );
        event.description(&description.join("\n"));
        if let Some(place) = item.resources.first() {
            event.location(&place.name);
        }
        if item.cancelled {
            event.status(EventStatus::Cancelled);
        }
        ics.push(event.done());
    }
    ics.done().to_string()
}
