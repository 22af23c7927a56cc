//! The flights sorted once, newest first, and the currency keys they contain.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model::{Aircraft, Category, Flight};

/// A 61.57(a)/(b) currency key: "same category, class, and type (if a type rating is
/// required)", with tailwheel as a separate, stricter key (61.57(a)(1)(ii)).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
pub struct FaaKey {
    /// Category.
    pub category: Category,
    /// Class, e.g. "ASEL".
    pub class: String,
    /// Type, when the key is for a type-rated aircraft; `None` covers every aircraft of the
    /// category and class, type-rated or not.
    pub type_rating: Option<String>,
    /// Tailwheel key: only full-stop landings in tailwheel airplanes count.
    pub tailwheel: bool,
}

impl FaaKey {
    /// Does an entry in `aircraft` count toward this key? A tailwheel flight counts for the
    /// tricycle key of the same category and class, never the reverse; a type-rated flight
    /// counts for the untyped key of its category and class.
    pub fn matches(&self, aircraft: &Aircraft) -> bool {
        aircraft.category == self.category
            && aircraft.class == self.class
            && (self.type_rating.is_none() || aircraft.type_rating == self.type_rating)
            && (!self.tailwheel || aircraft.tailwheel)
    }

    /// The same key without the tailwheel requirement (61.57(b) has none).
    pub fn without_tailwheel(&self) -> FaaKey {
        FaaKey {
            tailwheel: false,
            ..self.clone()
        }
    }
}

impl fmt::Display for FaaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.category, self.class)?;
        if let Some(t) = &self.type_rating {
            write!(f, " {t}")?;
        }
        if self.tailwheel {
            f.write_str(" tailwheel")?;
        }
        Ok(())
    }
}

/// The flights sorted once by logbook date, newest first (ties by id, so results are
/// deterministic). Every rule reads this instead of re-sorting.
#[derive(Debug, Clone)]
pub struct Logbook<'a> {
    newest_first: Vec<&'a Flight>,
}

impl<'a> Logbook<'a> {
    /// Sorts the entries newest first: O(n log n), done once per evaluation.
    pub fn new(flights: &'a [Flight]) -> Self {
        let mut newest_first: Vec<&Flight> = flights.iter().collect();
        newest_first.sort_unstable_by(|a, b| b.date.cmp(&a.date).then_with(|| b.id.cmp(&a.id)));
        Logbook { newest_first }
    }

    /// All entries, newest first.
    pub fn newest_first(&self) -> &[&'a Flight] {
        &self.newest_first
    }

    /// Entries dated on or before `date`, newest first (a binary search, not a scan).
    pub fn up_to(&self, date: NaiveDate) -> &[&'a Flight] {
        let start = self.newest_first.partition_point(|f| f.date > date);
        &self.newest_first[start..]
    }

    /// Every 61.57(a) key the entries touch, sorted: category+class, plus the typed key for
    /// type-rated aircraft, plus the tailwheel variants of both for tailwheel airplanes.
    pub fn faa_keys(&self) -> Vec<FaaKey> {
        // A pilot flies a handful of keys over thousands of flights: a linear search of
        // the few seen so far is far cheaper than hashing every flight's key.
        let mut seen: Vec<(Category, &str, Option<&str>, bool)> = Vec::new();
        for f in &self.newest_first {
            let a = &f.aircraft;
            let ty = a.type_rating.as_deref();
            for tailwheel in [false, a.tailwheel] {
                let mut note = |key| {
                    if !seen.contains(&key) {
                        seen.push(key);
                    }
                };
                note((a.category, a.class.as_str(), None, tailwheel));
                if ty.is_some() {
                    note((a.category, a.class.as_str(), ty, tailwheel));
                }
            }
        }
        let mut keys: Vec<FaaKey> = seen
            .into_iter()
            .map(|(category, class, ty, tailwheel)| FaaKey {
                category,
                class: class.to_string(),
                type_rating: ty.map(str::to_string),
                tailwheel,
            })
            .collect();
        keys.sort();
        keys
    }

    /// Categories in which any instrument task, IPC or instrument checkride is logged: the
    /// ones that get a 61.57(c) verdict.
    pub fn instrument_categories(&self) -> Vec<Category> {
        let mut seen: Vec<Category> = Vec::new();
        for f in &self.newest_first {
            let instrument = f.approaches_pilot_flying > 0
                || f.holds > 0
                || f.tracking
                || f.ipc
                || f.instrument_checkride;
            if instrument && !seen.contains(&f.aircraft.category) {
                seen.push(f.aircraft.category);
            }
        }
        seen.sort();
        seen
    }

    /// Every FCL.060(b) "type or class" key, sorted.
    pub fn easa_keys(&self) -> Vec<String> {
        let mut seen: Vec<&str> = Vec::new();
        for f in &self.newest_first {
            let a = &f.aircraft;
            let key = a
                .easa_class_or_type
                .as_deref()
                .or(a.type_rating.as_deref())
                .unwrap_or(&a.class);
            if !seen.contains(&key) {
                seen.push(key);
            }
        }
        let mut keys: Vec<String> = seen.into_iter().map(str::to_string).collect();
        keys.sort();
        keys
    }

    /// True when any entry logs flight training given (61.195(a) applies).
    pub fn has_instruction(&self) -> bool {
        self.newest_first
            .iter()
            .any(|f| f.instruction_given_minutes > 0)
    }
}
