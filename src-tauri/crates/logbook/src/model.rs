//! The logbook's public types: what the window shows and the CLI prints.
//!
//! Every value of an entry is a [`Field`]: the value shown, where it came from (a source
//! record, a derivation from the device track, or the user's annotation), and every other
//! value a source sent that disagrees with it, so "device 1.4 h, typed 1.5 h" is visible.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use flightdesk_core::Provider;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One provider record, named as every local table names it: provider, account name and
/// the provider's id (never a store row id, so it survives a full re-sync).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct SourceKey {
    /// The provider (`airbly`, `pilotflows`, ...).
    pub source: Provider,
    /// The account's name in FlightDesk.
    pub account: String,
    /// The provider's id of the record.
    pub source_id: String,
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.source, self.account, self.source_id)
    }
}

impl std::str::FromStr for SourceKey {
    type Err = String;

    /// `provider/account/source_id`; the id may itself contain `/`.
    fn from_str(text: &str) -> Result<Self, String> {
        let mut parts = text.splitn(3, '/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some(p), Some(a), Some(id)) if !a.is_empty() && !id.is_empty() => Ok(SourceKey {
                source: p.parse().map_err(|_| text.to_string())?,
                account: a.to_string(),
                source_id: id.to_string(),
            }),
            _ => Err(text.to_string()),
        }
    }
}

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// A provider's record sent it.
    Source {
        #[serde(flatten)]
        key: SourceKey,
    },
    /// Derived by FlightDesk, e.g. from the device track of this source.
    Derived {
        /// How, in words ("civil night along the Airbly track").
        how: String,
        /// The record whose data it was derived from.
        #[serde(flatten)]
        key: SourceKey,
    },
    /// The user's annotation.
    Annotation,
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Sourced<T> {
    pub value: T,
    pub from: Origin,
}

/// One column of an entry: the value shown (`None` when no source sent one), its origin,
/// and the values of other sources (or a derivation) that disagree with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Field<T> {
    pub value: Option<T>,
    pub from: Option<Origin>,
    /// Other values for this column, each with its origin; empty when all agree.
    #[serde(default = "Vec::new")]
    pub disagreeing: Vec<Sourced<T>>,
}

impl<T> Default for Field<T> {
    fn default() -> Self {
        Field {
            value: None,
            from: None,
            disagreeing: Vec::new(),
        }
    }
}

impl<T> Field<T> {
    /// The value, or `None`.
    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }
}

/// The person's role on an entry (14 CFR 61.51(e)-(h) columns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(rename = "LogbookRole")]
pub enum Role {
    /// Pilot in command, alone or with others on board who are not receiving instruction.
    Pic,
    /// Second in command.
    Sic,
    /// Receiving flight training from an instructor.
    Dual,
    /// Giving flight training (logged as PIC and instruction given).
    Instructor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pic => "pic",
            Role::Sic => "sic",
            Role::Dual => "dual",
            Role::Instructor => "instructor",
        }
    }
}

/// A unified person as the logbook names them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct PersonRef {
    /// The views entity id (`person:ann@example.org`), or for a person no other record
    /// names, `person:<provider>/<account>/<id>`.
    pub id: String,
    pub name: String,
}

/// One logbook entry: one real flight or simulator session of one person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Entry {
    /// Stable across rebuilds while the entry keeps its anchor source.
    pub id: String,
    pub person: PersonRef,
    /// The logbook date: block-off's local date at the departure airport, else in the
    /// user's zone; else the date a source sent (docs/logbook.md, "Dates").
    pub date: NaiveDate,
    pub departure: Field<String>,
    pub arrival: Field<String>,
    pub route: Field<String>,
    /// The unified aircraft or simulator entity id (`aircraft:N44API`), when known.
    pub aircraft_id: Option<String>,
    pub registration: Field<String>,
    pub make_model: Field<String>,
    /// FAA category and class as logged ("airplane ASEL"), or "FSTD" for a simulator.
    pub category_class: Field<String>,
    /// A flight simulation training device session, not a flight.
    pub simulator: bool,
    pub block_off: Field<DateTime<Utc>>,
    pub block_on: Field<DateTime<Utc>>,
    pub air_hours: Field<f64>,
    /// Total time (block time for a flight, session time for a simulator).
    pub total_hours: Field<f64>,
    pub role: Field<Role>,
    pub pic_hours: f64,
    pub sic_hours: f64,
    pub dual_received_hours: f64,
    pub instruction_given_hours: f64,
    pub solo_hours: f64,
    pub cross_country_hours: Field<f64>,
    /// Cross-country time by 14 CFR 61.1 (ii), the aeronautical-experience definition: a
    /// landing more than 50 NM in a straight line from the original point of departure.
    /// Known only from positions (the device track or known airports).
    #[serde(default)]
    pub cross_country_50nm_hours: Field<f64>,
    /// The farthest landing's straight-line distance from the departure point, NM.
    #[serde(default)]
    pub farthest_landing_nm: Option<f64>,
    /// The departure and arrival airports as places, and the block times on their clocks.
    #[serde(default)]
    pub places: crate::places::Places,
    pub night_hours: Field<f64>,
    pub actual_instrument_hours: Field<f64>,
    pub simulated_instrument_hours: Field<f64>,
    /// Every landing, full stop or not.
    pub landings: Field<u32>,
    /// Takeoffs from 1 h after sunset to 1 h before sunrise (61.57(b)).
    pub night_takeoffs: Field<u32>,
    /// Full-stop landings outside the 61.57(b) night period.
    pub day_full_stop_landings: Field<u32>,
    /// Full-stop landings from 1 h after sunset to 1 h before sunrise (61.57(b)).
    pub night_full_stop_landings: Field<u32>,
    pub approaches: Field<u32>,
    pub holding: Field<bool>,
    pub instructor_name: Field<String>,
    pub remarks: Field<String>,
    /// Everyone else on board, by the sources.
    pub crew: Vec<PersonRef>,
    /// Every source record of this flight that names this person.
    pub sources: Vec<SourceKey>,
    /// The user's annotation, when there is one.
    pub annotation: Option<Annotation>,
}

/// What the pilot adds by hand. Every field is optional: only what is set overrides (and
/// shows beside) the sources' values; provider data never overwrites it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Annotation {
    pub role: Option<Role>,
    pub category_class: Option<String>,
    pub night_takeoffs: Option<u32>,
    pub day_full_stop_landings: Option<u32>,
    pub night_full_stop_landings: Option<u32>,
    pub night_hours: Option<f64>,
    pub cross_country_hours: Option<f64>,
    pub actual_instrument_hours: Option<f64>,
    pub simulated_instrument_hours: Option<f64>,
    pub approaches: Option<u32>,
    pub holding: Option<bool>,
    pub remarks: Option<String>,
}

impl Annotation {
    /// Nothing set.
    pub fn is_empty(&self) -> bool {
        *self == Annotation::default()
    }
}

/// The column a page sorts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    #[default]
    Date,
    Registration,
    Total,
}

/// Ascending or descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

/// One page of one person's logbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct PageQuery {
    /// The person's entity id.
    pub person: String,
    /// First date, included.
    pub from: Option<NaiveDate>,
    /// Last date, included.
    pub to: Option<NaiveDate>,
    pub sort: SortColumn,
    pub direction: SortDirection,
    /// Words every entry shown contains (route, registration, remarks, names), any case.
    pub filter: Option<String>,
    pub offset: u32,
    pub limit: u32,
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            person: String::new(),
            from: None,
            to: None,
            sort: SortColumn::Date,
            direction: SortDirection::Desc,
            filter: None,
            offset: 0,
            limit: 100,
        }
    }
}

/// A page of entries and how many match in all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Page {
    pub entries: Vec<Entry>,
    pub total: u64,
}

/// One source of an entry in full: what it sent, as normalized and as raw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SourceDetail {
    #[serde(flatten)]
    pub key: SourceKey,
    /// The normalized flight-log columns, by name.
    #[ts(type = "Record<string, unknown>")]
    pub fields: serde_json::Value,
    /// The provider's JSON as received.
    #[ts(type = "unknown")]
    pub raw: serde_json::Value,
}

/// A column where the sources disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Disagreement {
    /// The column (`total_hours`, `departure`, ...).
    pub column: String,
    /// Every value, the shown one first, each with its origin, as text.
    pub values: Vec<Sourced<String>>,
}

/// An entry with everything behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct EntryDetail {
    pub entry: Entry,
    pub sources: Vec<SourceDetail>,
    pub disagreements: Vec<Disagreement>,
}

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RebuildStats {
    /// Flight-log records read.
    pub records: u64,
    /// Entries written.
    pub entries: u64,
    /// People with at least one entry.
    pub people: u64,
    /// False when `ensure_fresh` found the build current and did nothing.
    pub rebuilt: bool,
    pub millis: u64,
}

/// A person with logbook entries, for an instructor picking a student.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LogbookPerson {
    pub person: PersonRef,
    pub entries: u64,
    pub total_hours: f64,
    pub last_date: Option<NaiveDate>,
}
