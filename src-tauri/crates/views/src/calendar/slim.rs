//! The calendar's slim rows: of a booking or class record, only what its item shows.
//! The SQL path decodes a range's rows into them and the in-memory index keeps every
//! live row as one, so both build items with the same code from the same fields.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use crate::rows;

/// The cache tables a calendar reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Table {
    Bookings,
    Classes,
}

impl Table {
    pub const ALL: [Table; 2] = [Table::Bookings, Table::Classes];

    pub const fn name(self) -> &'static str {
        match self {
            Table::Bookings => "bookings",
            Table::Classes => "classes",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The columns a slim row is decoded from, the same for both tables. A class's
    /// resource is its Flylogs location (a room of the unified model).
    pub const fn columns(self) -> &'static str {
        match self {
            Table::Bookings => {
                "account_id, source_id, starts_at, ends_at, changed_at, resource_id,
                 resource_name, instructor_id, instructor_name, person_id, person_name,
                 status, unavailability, cancelled, notes, NULL AS name"
            }
            Table::Classes => {
                "account_id, source_id, starts_at, ends_at, changed_at,
                 location_id AS resource_id, NULL AS resource_name, instructor_id, instructor_name,
                 NULL AS person_id, NULL AS person_name, status, 0 AS unavailability,
                 0 AS cancelled, NULL AS notes, name"
            }
        }
    }
}

/// A string of a [`SlimRows`] table. Rows of a school repeat the same few hundred
/// names, ids and statuses, so a row keeps 4-byte handles instead of its own copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Text(u32);

/// One row, its texts as handles into the [`SlimRows`] that holds it.
#[derive(Debug, Clone)]
pub(crate) struct SlimRow {
    pub table: Table,
    pub account_id: i64,
    /// Unix milliseconds (what the store's instant form keeps).
    pub starts_at: i64,
    pub ends_at: i64,
    pub source_id: Text,
    pub changed_at: Text,
    pub resource_id: Option<Text>,
    pub resource_name: Option<Text>,
    pub instructor_id: Option<Text>,
    pub instructor_name: Option<Text>,
    pub person_id: Option<Text>,
    pub person_name: Option<Text>,
    pub status: Option<Text>,
    pub notes: Option<Text>,
    pub name: Option<Text>,
    pub unavailability: bool,
    pub cancelled: bool,
}

/// Slim rows and the strings they name.
#[derive(Debug, Default)]
pub(crate) struct SlimRows {
    pub rows: Vec<SlimRow>,
    strings: Vec<Box<str>>,
    /// Only while rows are added; `shrink` drops it.
    interned: HashMap<Box<str>, u32>,
}

impl SlimRows {
    /// Adds a row as `Table::columns` selects it. A row without a readable start or end
    /// is no calendar item (the SQL path skips it the same way), so it is left out.
    pub fn push(&mut self, table: Table, row: &SqliteRow) {
        let time = |name: &str| {
            row.get::<Option<&str>, _>(name)
                .and_then(rows::parse_instant)
                .map(|t| t.timestamp_millis())
        };
        let (Some(starts_at), Some(ends_at)) = (time("starts_at"), time("ends_at")) else {
            return;
        };
        let text = |this: &mut Self, name: &str| {
            row.get::<Option<&str>, _>(name)
                .map(|value| this.intern(value))
        };
        let slim = SlimRow {
            table,
            account_id: row.get("account_id"),
            starts_at,
            ends_at,
            source_id: self.intern(row.get("source_id")),
            changed_at: self.intern(row.get("changed_at")),
            resource_id: text(self, "resource_id"),
            resource_name: text(self, "resource_name"),
            instructor_id: text(self, "instructor_id"),
            instructor_name: text(self, "instructor_name"),
            person_id: text(self, "person_id"),
            person_name: text(self, "person_name"),
            status: text(self, "status"),
            notes: text(self, "notes"),
            name: text(self, "name"),
            unavailability: row.get::<i64, _>("unavailability") != 0,
            cancelled: row.get::<i64, _>("cancelled") != 0,
        };
        self.rows.push(slim);
    }

    /// Adds a class as an outbox write's optimistic fields describe it (see
    /// `flightdesk_sync::class_writes`): its start, end, name, teacher and room.
    pub fn push_fields(
        &mut self,
        table: Table,
        account_id: i64,
        source_id: &str,
        fields: &serde_json::Value,
        changed_at: &str,
    ) {
        let field = |name: &str| fields.get(name).and_then(serde_json::Value::as_str);
        let time = |name: &str| {
            field(name)
                .and_then(rows::parse_instant)
                .map(|t| t.timestamp_millis())
        };
        let (Some(starts_at), Some(ends_at)) = (time("starts_at"), time("ends_at")) else {
            return;
        };
        let mut text = |name: &str| field(name).map(|v| self.intern(v));
        let (name, instructor_id, resource_id, status) = (
            text("name"),
            text("instructor_id"),
            text("location_id"),
            text("status"),
        );
        let slim = SlimRow {
            table,
            account_id,
            starts_at,
            ends_at,
            source_id: self.intern(source_id),
            changed_at: self.intern(changed_at),
            resource_id,
            resource_name: None,
            instructor_id,
            instructor_name: None,
            person_id: None,
            person_name: None,
            status,
            notes: None,
            name,
            unavailability: false,
            cancelled: false,
        };
        self.rows.push(slim);
    }

    fn intern(&mut self, value: &str) -> Text {
        if let Some(&at) = self.interned.get(value) {
            return Text(at);
        }
        let at = u32::try_from(self.strings.len()).expect("fewer than 4 billion strings");
        self.strings.push(value.into());
        self.interned.insert(value.into(), at);
        Text(at)
    }

    /// Sorts the rows by start (then source id, so the order is total).
    pub fn sort_by_start(&mut self) {
        let strings = &self.strings;
        let key = |r: &SlimRow| (r.starts_at, &strings[r.source_id.0 as usize]);
        self.rows.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    }

    /// Done adding: frees what adding needed.
    pub fn shrink(&mut self) {
        self.interned = HashMap::new();
        self.rows.shrink_to_fit();
        self.strings.shrink_to_fit();
    }

    pub fn text(&self, text: Text) -> &str {
        &self.strings[text.0 as usize]
    }

    /// The rows with the strings to read them.
    pub fn refs(&self) -> impl Iterator<Item = RowRef<'_>> {
        self.rows.iter().map(|row| RowRef { rows: self, row })
    }
}

/// A slim row with its strings: what an item is built from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef<'a> {
    pub rows: &'a SlimRows,
    pub row: &'a SlimRow,
}

impl<'a> RowRef<'a> {
    pub fn text(&self, text: Option<Text>) -> Option<&'a str> {
        text.map(|t| self.rows.text(t))
    }

    pub fn source_id(&self) -> &'a str {
        self.rows.text(self.row.source_id)
    }

    pub fn changed_at(&self) -> &'a str {
        self.rows.text(self.row.changed_at)
    }

    pub fn starts_at(&self) -> DateTime<Utc> {
        millis(self.row.starts_at)
    }

    pub fn ends_at(&self) -> DateTime<Utc> {
        millis(self.row.ends_at)
    }

    /// The order both paths build items in (conflicts are listed in it): as SQLite's
    /// start index lists rows, bookings first.
    pub fn order_key(&self) -> (Table, i64, i64, &'a str) {
        (
            self.row.table,
            self.row.starts_at,
            self.row.account_id,
            self.source_id(),
        )
    }
}

fn millis(at: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at).unwrap_or_default()
}
