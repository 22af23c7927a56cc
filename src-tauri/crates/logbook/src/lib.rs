//! The logbook: one entry per real flight (or simulator session) and person on board,
//! gathered from every system's records of it, with the columns 14 CFR 61.51 and EASA
//! FCL.050 ask for, where each value came from, totals, currency and a MyFlightbook CSV.
//!
//! - [`sources`] reads the cached flight logs and who was on board in which seat;
//! - [`matching`] decides which records are one flight (same unified aircraft and
//!   overlapping block times, or same day and a duration within
//!   [`matching::DURATION_TOLERANCE_HOURS`]) and applies the user's splits and merges;
//! - [`columns`] picks each column's value by a stated precedence, keeps the values that
//!   disagree, adds what the device track derives ([`track`]: civil-night time, 61.57(b)
//!   night landings, with the currency crate's sun helpers) or, without a track, what the
//!   departure and arrival airports derive ([`airports`], [`places`]), cross-country time
//!   by 14 CFR 61.1 ([`cross_country`]), and lays the annotation on top;
//! - [`build`] materializes the entries (migrations 0011 and 0013) so a page is a range of
//!   one key, rebuilding only when a trigger-bumped input generation moved, and [`query`]
//!   reads them; [`edits`] keeps the user's split, merge and annotation decisions in tables
//!   no sync or rebuild writes;
//! - [`totals`] and [`currency`] read each entry's compact [`facts`] line, kept parsed in
//!   memory per person while the entries stand.
//!
//! docs/logbook.md states every rule with its source. Demo data (accounts serving the
//! sandbox) never counts toward a real person's logbook ([`demo`]).

pub mod airports;
pub mod build;
pub mod columns;
pub mod cross_country;
pub mod currency;
pub mod demo;
pub mod edits;
mod error;
pub mod export;
pub mod facts;
pub mod figures;
mod freshness;
pub mod index;
pub mod matching;
mod materialize;
pub mod model;
mod people;
pub mod places;
pub mod query;
pub mod sources;
pub mod totals;
pub mod track;

pub use build::{ensure_fresh, rebuild};
pub use currency::currency;
pub use edits::{annotate, merge, split};
pub use error::{LogbookError, Result};
pub use export::write_csv;
pub use model::*;
pub use query::{all_entries, entry, page, people};
pub use totals::{totals, Totals};
