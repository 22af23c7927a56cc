//! The normalized record kinds FlightDesk caches from every provider.
//!
//! Connectors map each provider's wire shape onto these types; the store keeps one table
//! per [`Kind`] with these fields as columns beside the raw JSON the provider sent. Every
//! field is optional unless every provider has it: a field a provider does not send stays
//! `None` and the raw JSON keeps whatever did not fit.
//!
//! Conventions shared by all kinds:
//! - instants are [`DateTime<Utc>`] (serialized in the cache's one fixed-width form,
//!   [`crate::instant::encode`]), date-only fields are
//!   [`NaiveDate`] (`YYYY-MM-DD`);
//! - ids that point at other records (`person_id`, `aircraft_id`, ...) are the provider's
//!   own ids as strings, within the same account;
//! - `status` values are lowercase snake case (`scheduled`, `no_show`, `cancelled`, ...).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A booking of an aircraft, simulator or room, or an unavailability block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Booking {
    #[serde(default, with = "crate::instant::option")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::instant::option")]
    pub ends_at: Option<DateTime<Utc>>,
    /// `aircraft`, `simulator`, `room` or `none`.
    pub resource_kind: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub instructor_id: Option<String>,
    pub instructor_name: Option<String>,
    /// The student or member booked.
    pub person_id: Option<String>,
    pub person_name: Option<String>,
    /// `scheduled`, `in_progress`, `completed`, `cancelled`, `no_show`, `unavailable`.
    pub status: Option<String>,
    /// A period of unavailability of the resource or instructor, not a flight.
    pub unavailability: bool,
    pub cancelled: bool,
    #[serde(default, with = "crate::instant::option")]
    pub cancelled_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::instant::option")]
    pub booked_at: Option<DateTime<Utc>>,
    pub location_id: Option<String>,
    pub notes: Option<String>,
}

/// A scheduled training class (ground school, briefing, simulator session).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingClass {
    pub name: Option<String>,
    #[serde(default, with = "crate::instant::option")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::instant::option")]
    pub ends_at: Option<DateTime<Utc>>,
    pub training_id: Option<String>,
    pub lesson_id: Option<String>,
    pub instructor_id: Option<String>,
    pub instructor_name: Option<String>,
    pub location_id: Option<String>,
    pub status: Option<String>,
    pub capacity: Option<i64>,
}

/// One flight-log entry (hand-entered or device-recorded).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlightLog {
    pub date: Option<NaiveDate>,
    #[serde(default, with = "crate::instant::option")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::instant::option")]
    pub ends_at: Option<DateTime<Utc>>,
    pub pilot_id: Option<String>,
    pub pilot_name: Option<String>,
    pub instructor_id: Option<String>,
    pub instructor_name: Option<String>,
    pub aircraft_id: Option<String>,
    pub aircraft_registration: Option<String>,
    pub departure: Option<String>,
    pub arrival: Option<String>,
    /// The route as the provider gives it (`EGKB-EGTK-EGKB`), or the track's points count.
    pub route: Option<String>,
    pub duration_hours: Option<f64>,
    pub landings: Option<i64>,
    /// Engine or tach hours and the like, when the provider records usage.
    pub usage: Option<f64>,
    pub remarks: Option<String>,
    pub status: Option<String>,
}

/// An aircraft or simulator.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Aircraft {
    pub registration: Option<String>,
    pub name: Option<String>,
    pub model: Option<String>,
    /// `aircraft` or `simulator`.
    pub category: Option<String>,
    pub status: Option<String>,
    pub location_id: Option<String>,
}

/// A person: student, member, instructor, staff.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub status: Option<String>,
    pub location_id: Option<String>,
}

/// A training programme or course (PPL, type rating, ...), or a person's training record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Training {
    pub name: Option<String>,
    pub person_id: Option<String>,
    pub status: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
}

/// A person's enrolment in a training.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Enrolment {
    pub person_id: Option<String>,
    pub training_id: Option<String>,
    pub class_id: Option<String>,
    pub status: Option<String>,
    pub enrolled_on: Option<NaiveDate>,
}

/// A subject of a training syllabus.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub name: Option<String>,
    pub code: Option<String>,
    pub training_id: Option<String>,
}

/// A lesson of a syllabus.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lesson {
    pub name: Option<String>,
    pub subject_id: Option<String>,
    pub training_id: Option<String>,
    /// `ground`, `flight`, `simulator`, ...
    pub category: Option<String>,
}

/// An exam, or one attempt at it by a person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Exam {
    pub name: Option<String>,
    pub person_id: Option<String>,
    pub subject_id: Option<String>,
    pub training_id: Option<String>,
    #[serde(default, with = "crate::instant::option")]
    pub taken_at: Option<DateTime<Utc>>,
    pub attempt: Option<i64>,
    pub score: Option<f64>,
    pub passed: Option<bool>,
    pub status: Option<String>,
}

/// A flight mission of a training, with its signature state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mission {
    pub name: Option<String>,
    pub person_id: Option<String>,
    pub instructor_id: Option<String>,
    pub aircraft_id: Option<String>,
    pub lesson_id: Option<String>,
    pub training_id: Option<String>,
    #[serde(default, with = "crate::instant::option")]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::instant::option")]
    pub ends_at: Option<DateTime<Utc>>,
    pub status: Option<String>,
    /// `unsigned`, `signed_by_student`, `signed_by_instructor`, `signed`, ...
    pub signature_state: Option<String>,
}

/// A crew member's duty status at a snapshot instant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CrewDuty {
    pub person_id: Option<String>,
    pub person_name: Option<String>,
    pub role: Option<String>,
    pub status: Option<String>,
    pub on_duty: Option<bool>,
    #[serde(default, with = "crate::instant::option")]
    pub duty_started_at: Option<DateTime<Utc>>,
    pub duty_hours: Option<f64>,
    pub duty_hours_7d: Option<f64>,
    #[serde(default, with = "crate::instant::option")]
    pub snapshot_at: Option<DateTime<Utc>>,
}

/// A maintenance work order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkOrder {
    pub title: Option<String>,
    pub status: Option<String>,
    pub priority: Option<String>,
    pub aircraft_id: Option<String>,
    #[serde(default, with = "crate::instant::option")]
    pub opened_at: Option<DateTime<Utc>>,
    #[serde(default, with = "crate::instant::option")]
    pub closed_at: Option<DateTime<Utc>>,
}

/// An invoice or billing transaction.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Invoice {
    pub number: Option<String>,
    pub person_id: Option<String>,
    pub status: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    #[serde(default, with = "crate::instant::option")]
    pub paid_at: Option<DateTime<Utc>>,
}

/// A compliance item (currency, inspection, regulatory check).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplianceItem {
    pub title: Option<String>,
    pub category: Option<String>,
    pub status: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub aircraft_id: Option<String>,
    pub person_id: Option<String>,
}

/// A base, airfield or room.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub name: Option<String>,
    pub code: Option<String>,
    pub time_zone: Option<String>,
}

macro_rules! kinds {
    ($( $variant:ident ( $ty:ident ) = $name:literal ),+ $(,)?) => {
        /// A normalized record kind; its name is the store table and the export key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind { $( $variant ),+ }

        impl Kind {
            /// Every kind, in export order.
            pub const ALL: &'static [Kind] = &[ $( Kind::$variant ),+ ];

            /// The stable name: table name in the store and top-level key in exports.
            pub const fn as_str(self) -> &'static str {
                match self { $( Kind::$variant => $name ),+ }
            }
        }

        /// A normalized record of any kind.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum RecordData { $( $variant($ty) ),+ }

        impl RecordData {
            /// Which kind (table) this record belongs to.
            pub fn kind(&self) -> Kind {
                match self { $( RecordData::$variant(_) => Kind::$variant ),+ }
            }

            /// An empty record of `kind` (its fields name the store's columns).
            pub fn empty(kind: Kind) -> RecordData {
                match kind { $( Kind::$variant => RecordData::$variant($ty::default()) ),+ }
            }

            /// The normalized fields as one JSON object (the store's columns).
            pub fn fields(&self) -> serde_json::Map<String, serde_json::Value> {
                let value = match self {
                    $( RecordData::$variant(r) => serde_json::to_value(r) ),+
                };
                match value {
                    Ok(serde_json::Value::Object(map)) => map,
                    _ => unreachable!("record structs serialize to objects"),
                }
            }
        }

        $(
            impl From<$ty> for RecordData {
                fn from(r: $ty) -> Self { RecordData::$variant(r) }
            }
        )+
    };
}

kinds! {
    Bookings(Booking) = "bookings",
    Classes(TrainingClass) = "classes",
    FlightLogs(FlightLog) = "flight_logs",
    Aircraft(Aircraft) = "aircraft",
    People(Person) = "people",
    Trainings(Training) = "trainings",
    Enrolments(Enrolment) = "enrolments",
    Subjects(Subject) = "subjects",
    Lessons(Lesson) = "lessons",
    Exams(Exam) = "exams",
    Missions(Mission) = "missions",
    CrewDuty(CrewDuty) = "crew_duty",
    WorkOrders(WorkOrder) = "work_orders",
    Invoices(Invoice) = "invoices",
    ComplianceItems(ComplianceItem) = "compliance_items",
    Locations(Location) = "locations",
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A kind name that is not one of [`Kind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record kind `{0}` (expected one of: bookings, classes, flight_logs, aircraft, people, trainings, enrolments, subjects, lessons, exams, missions, crew_duty, work_orders, invoices, compliance_items, locations)")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| UnknownKind(s.to_string()))
    }
}

/// One record as a connector delivers it: identity, normalized fields, and the provider's
/// JSON exactly as received.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The provider's id of the record, as a string; unique per (account, kind).
    pub source_id: String,
    pub data: RecordData,
    /// The provider's record as received (unknown fields included).
    pub raw: serde_json::Value,
    /// The provider reports the record as deleted (a tombstone).
    pub removed: bool,
}

impl Record {
    /// A live record.
    pub fn new(
        source_id: impl Into<String>,
        data: impl Into<RecordData>,
        raw: serde_json::Value,
    ) -> Self {
        Self {
            source_id: source_id.into(),
            data: data.into(),
            raw,
            removed: false,
        }
    }

    /// Marks the record as deleted at the provider.
    pub fn removed(mut self) -> Self {
        self.removed = true;
        self
    }

    pub fn kind(&self) -> Kind {
        self.data.kind()
    }
}

/// A row of a provider's answer that could not become a record (no id, say). It is kept
/// as received, so the user can see what the provider sent, and counted in the sync
/// report instead of failing the whole resource at every sync.
#[derive(Debug, Clone, PartialEq)]
pub struct SkippedRow {
    /// The row exactly as the provider sent it.
    pub raw: serde_json::Value,
    /// Why it was skipped, for people ("no `id`").
    pub reason: String,
}

impl SkippedRow {
    pub fn new(raw: serde_json::Value, reason: impl Into<String>) -> Self {
        Self {
            raw,
            reason: reason.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>().unwrap(), *k);
            assert_eq!(
                serde_json::to_string(k).unwrap(),
                format!("\"{}\"", k.as_str())
            );
        }
        assert_eq!("flight-logs".parse::<Kind>().unwrap(), Kind::FlightLogs);
        assert!("logbook".parse::<Kind>().is_err());
    }

    #[test]
    fn fields_use_rfc3339_utc_and_plain_dates() {
        let log = FlightLog {
            date: NaiveDate::from_ymd_opt(2024, 1, 15),
            starts_at: DateTime::parse_from_rfc3339("2024-01-15T10:00:00+02:00")
                .ok()
                .map(|d| d.with_timezone(&Utc)),
            ..Default::default()
        };
        let fields = RecordData::from(log).fields();
        assert_eq!(fields["date"], "2024-01-15");
        assert_eq!(fields["starts_at"], "2024-01-15T08:00:00.000Z");
    }
}
