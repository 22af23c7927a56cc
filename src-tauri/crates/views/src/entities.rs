//! Unified aircraft, simulators, rooms and people: every cached record (or mention in a
//! record) that names one, resolved across providers by `flightdesk_core::identity` under
//! the user's link and split decisions.

use flightdesk_core::identity::{Candidate, Decision, Entity, EntityKind, SourceRef};
use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use crate::error::{QueryContext, Result, ViewError};
use crate::lookup::Lookup;

/// Where a cached table names an entity: a record of its own (`aircraft`, `people`) or a
/// mention inside another record (a booking's instructor).
struct Mention {
    table: &'static str,
    /// How `entity_mentions` (migration 0010) tags this mention's distinct values; `None`
    /// for a record table, which is read itself (it holds one row per entity).
    counted: Option<&'static str>,
    /// The column with the provider's id of the entity (or of the record itself).
    id: &'static str,
    name: &'static str,
    /// What the mention is: a fixed kind, or read from a column.
    kind: KindFrom,
    registration: Option<&'static str>,
    email: Option<&'static str>,
    location: Option<&'static str>,
    /// Only records of this provider's accounts (a compile-time name).
    provider: Option<&'static str>,
}

enum KindFrom {
    Fixed(EntityKind),
    /// `aircraft`, `simulator` or `room` in this column (anything else: not an entity).
    Column(&'static str),
}

const fn person(
    table: &'static str,
    counted: &'static str,
    id: &'static str,
    name: &'static str,
) -> Mention {
    Mention {
        table,
        counted: Some(counted),
        id,
        name,
        kind: KindFrom::Fixed(EntityKind::Person),
        registration: None,
        email: None,
        location: None,
        provider: None,
    }
}

/// Records first: a mention of an id that is also a record of the same account is the
/// same source, and the record (read first) describes it best.
const MENTIONS: &[Mention] = &[
    Mention {
        table: "aircraft",
        counted: None,
        id: "source_id",
        name: "name",
        kind: KindFrom::Column("category"),
        registration: Some("registration"),
        email: None,
        location: Some("location_id"),
        provider: None,
    },
    Mention {
        email: Some("email"),
        counted: None,
        ..person("people", "", "source_id", "name")
    },
    Mention {
        table: "bookings",
        counted: Some("bookings.resource"),
        id: "resource_id",
        name: "resource_name",
        kind: KindFrom::Column("resource_kind"),
        // Flight School Booking names an aircraft by its registration.
        registration: Some("resource_name"),
        email: None,
        location: Some("location_id"),
        provider: None,
    },
    Mention {
        table: "flight_logs",
        counted: Some("flight_logs.aircraft"),
        id: "aircraft_id",
        name: "aircraft_registration",
        kind: KindFrom::Fixed(EntityKind::Aircraft),
        registration: Some("aircraft_registration"),
        email: None,
        location: None,
        provider: None,
    },
    // Flylogs' locations are the classrooms its classes are held in (other providers'
    // locations are airfields and bases, not rooms).
    Mention {
        table: "locations",
        counted: None,
        id: "source_id",
        name: "name",
        kind: KindFrom::Fixed(EntityKind::Room),
        registration: None,
        email: None,
        location: None,
        provider: Some("flylogs"),
    },
    person(
        "bookings",
        "bookings.instructor",
        "instructor_id",
        "instructor_name",
    ),
    person("bookings", "bookings.person", "person_id", "person_name"),
    person("flight_logs", "flight_logs.pilot", "pilot_id", "pilot_name"),
    person(
        "flight_logs",
        "flight_logs.instructor",
        "instructor_id",
        "instructor_name",
    ),
    person(
        "classes",
        "classes.instructor",
        "instructor_id",
        "instructor_name",
    ),
    person("crew_duty", "crew_duty.person", "person_id", "person_name"),
];

/// The source id of an entity named only by text (no provider id).
pub(crate) const NAME_PREFIX: &str = "name:";

fn entity_kind(text: &str) -> Option<EntityKind> {
    match text {
        "aircraft" | "airplane" | "helicopter" | "glider" => Some(EntityKind::Aircraft),
        "simulator" | "fstd" | "ftd" | "ffs" => Some(EntityKind::Simulator),
        "room" | "classroom" => Some(EntityKind::Room),
        _ => None,
    }
}

async fn mentions(store: &Store, m: &Mention) -> Result<Vec<Candidate>> {
    let rows = match m.counted {
        Some(tag) => counted_mentions(store, m, tag).await?,
        None => record_mentions(store, m).await?,
    };
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let Ok(provider) = row.get::<String, _>("provider").parse::<Provider>() else {
            continue;
        };
        let kind = match m.kind {
            KindFrom::Fixed(kind) => Some(kind),
            KindFrom::Column(_) => row
                .get::<Option<String>, _>("kind")
                .map_or(Some(EntityKind::Aircraft), |k| entity_kind(&k)),
        };
        let Some(kind) = kind else { continue };
        let name: Option<String> = row.get("name");
        let id: Option<String> = row.get("id");
        let Some(source_id) = id.or_else(|| name.as_ref().map(|n| format!("{NAME_PREFIX}{n}")))
        else {
            continue;
        };
        out.push(Candidate {
            source: SourceRef {
                provider,
                account: row.get("account"),
                source_id,
            },
            kind,
            name,
            registration: matches!(kind, EntityKind::Aircraft | EntityKind::Simulator)
                .then(|| row.get::<Option<String>, _>("registration"))
                .flatten(),
            email: row.get("email"),
            location: row.get("location"),
        });
    }
    Ok(out)
}

/// The distinct values of a mention, as migration 0010's triggers keep them: `''` is a
/// value the record did not give. The registration of a booking's or a log's aircraft is
/// its name column, so it is read from the name.
async fn counted_mentions(store: &Store, m: &Mention, tag: &str) -> Result<Vec<SqliteRow>> {
    let registration = if m.registration.is_some() {
        "nullif(m.name, '')"
    } else {
        "NULL"
    };
    let sql = format!(
        "SELECT a.provider, a.name AS account, nullif(m.id, '') AS id,
                nullif(m.name, '') AS name, nullif(m.kind, '') AS kind,
                {registration} AS registration, NULL AS email,
                nullif(m.location, '') AS location
         FROM entity_mentions m JOIN accounts a ON a.id = m.account_id
         WHERE m.mention = ?1
         ORDER BY m.account_id, m.id, m.name, m.kind, m.location"
    );
    sqlx::query(&sql)
        .bind(tag)
        .fetch_all(store.pool())
        .await
        .context("listing the records that name aircraft, rooms and people")
}

/// The rows of a record table that names its own entities (one row each).
async fn record_mentions(store: &Store, m: &Mention) -> Result<Vec<SqliteRow>> {
    let column = |c: Option<&str>| c.map_or("NULL".to_string(), |c| format!("r.{c}"));
    let kind = match m.kind {
        KindFrom::Fixed(_) => "NULL".to_string(),
        KindFrom::Column(c) => format!("r.{c}"),
    };
    // Every name is a compile-time identifier from MENTIONS: nothing here comes from input.
    let sql = format!(
        "SELECT a.provider, a.name AS account, r.{id} AS id, r.{name} AS name,
                {kind} AS kind, {reg} AS registration, {email} AS email, {loc} AS location
         FROM {table} r JOIN accounts a ON a.id = r.account_id
         WHERE r.removed = 0 AND (r.{id} IS NOT NULL OR r.{name} IS NOT NULL) {only}",
        only = m
            .provider
            .map_or(String::new(), |p| format!("AND a.provider = '{p}'")),
        id = m.id,
        name = m.name,
        reg = column(m.registration),
        email = column(m.email),
        loc = column(m.location),
        table = m.table,
    );
    sqlx::query(&sql)
        .fetch_all(store.pool())
        .await
        .context("listing the records that name aircraft, rooms and people")
}

/// Everything in the cache that names an aircraft, simulator, room or person.
pub async fn candidates(store: &Store) -> Result<Vec<Candidate>> {
    let mut out = Vec::new();
    for m in MENTIONS {
        out.extend(mentions(store, m).await?);
    }
    Ok(out)
}

/// The unified entities (of one kind, or all), each with its sources and how they were
/// matched.
pub fn entities(lookup: &Lookup, kind: Option<EntityKind>) -> Vec<EntityView> {
    lookup
        .entity_views()
        .iter()
        .filter(|e| kind.is_none_or(|k| e.kind == k))
        .cloned()
        .collect()
}

/// An entity as the window and `flightdesk entities` show it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct EntityView {
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    pub sources: Vec<SourceView>,
}

/// One source of an entity.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SourceView {
    pub provider: Provider,
    pub account: String,
    pub source_id: String,
    /// `provider/account/source_id`, what `flightdesk link` takes.
    pub key: String,
    /// How it was matched, in words ("same registration", "linked by you").
    pub matched_by: &'static str,
}

impl From<Entity> for EntityView {
    fn from(e: Entity) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            name: e.name,
            sources: e
                .members
                .into_iter()
                .map(|m| SourceView {
                    key: m.source.key(),
                    provider: m.source.provider,
                    account: m.source.account,
                    source_id: m.source.source_id,
                    matched_by: m.reason.describe(),
                })
                .collect(),
        }
    }
}

/// Reads `provider/account/source_id` (the id may itself contain `/`).
pub fn parse_source(text: &str) -> Result<SourceRef> {
    let bad = || ViewError::BadSource(text.to_string());
    let mut parts = text.splitn(3, '/');
    let (Some(provider), Some(account), Some(source_id)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    if account.is_empty() || source_id.is_empty() {
        return Err(bad());
    }
    Ok(SourceRef {
        provider: provider.parse().map_err(|_| bad())?,
        account: account.to_string(),
        source_id: source_id.to_string(),
    })
}

/// Records that the user says `a` and `b` are the same entity (`link`) or not
/// (`split`). Both must name a cached source, so a typo is refused instead of kept.
pub async fn decide(store: &Store, a: &str, b: &str, same: bool) -> Result<()> {
    let (a, b) = (parse_source(a)?, parse_source(b)?);
    let known = candidates(store).await?;
    for s in [&a, &b] {
        if !known.iter().any(|c| &c.source == s) {
            return Err(ViewError::UnknownSource(s.key()));
        }
    }
    let decision = if same {
        Decision::Link { a, b }
    } else {
        Decision::Split { a, b }
    };
    Ok(store.add_entity_decision(&decision).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_source_key_reads_back_even_with_slashes_in_the_id() {
        let s = parse_source("flightschoolbooking/school/name:N44API/2").unwrap();
        assert_eq!(s.provider, Provider::FlightSchoolBooking);
        assert_eq!(s.account, "school");
        assert_eq!(s.source_id, "name:N44API/2");
        assert_eq!(s.key(), "flightschoolbooking/school/name:N44API/2");
        for bad in ["", "airbly", "airbly/x", "airbly//id", "nope/x/1"] {
            assert!(parse_source(bad).is_err(), "{bad}");
        }
    }
}
