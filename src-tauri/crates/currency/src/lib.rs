//! The pilot currency and limits engine: pure functions over a pilot's flights that say
//! whether a rule is met, until when, which flights counted, and what is missing, in words.
//! No I/O and no Tauri: the logbook maps its entries to [`Flight`] and calls [`evaluate`];
//! the scheduler calls [`rules::instructor::check_proposed`] before it books.
//!
//! Rules (the regulation's text is the authority; interpretations are marked):
//! - 14 CFR 61.57(a): 3 takeoffs and 3 landings as sole manipulator in the preceding 90
//!   days, per category, class and type; tailwheel needs full stops in a tailwheel
//!   aircraft, and tailwheel currency implies tricycle currency, not the reverse.
//!   Interpretation: "preceding 90 days" is `d_old + 90` (MyFlightbook's convention);
//!   [`NinetyDays`] offers the conservative `+ 89`.
//! - 14 CFR 61.57(b): the same, to a full stop, with takeoffs and landings between one hour
//!   after sunset and one hour before sunrise at that place (sun from the `sunrise` crate).
//! - 14 CFR 61.57(c)/(d): 6 approaches as pilot flying, holding and tracking within 6
//!   calendar months, by category; aircraft and FFS/FTD/ATD in any combination; then a
//!   6-month grace in which the pilot is not current, then an IPC. Interpretation: tasks
//!   completed earlier in the current month count (a strict option follows the letter).
//! - 14 CFR 61.56: a flight review within the preceding 24 calendar months; the medical's
//!   expiry when a system holds it.
//! - 14 CFR 61.195(a): at most 8 hours of flight training in any 24 consecutive hours,
//!   rolling over UTC instants, evaluated at the interval breakpoints; simulator time is
//!   excluded by default (interpretation of "flight training", configurable); flights
//!   without times cannot be verified and say so.
//! - EASA FCL.060(b): 3 take-offs, approaches and landings in 90 days in the type or class
//!   (touch-and-goes count); at night, 1 of each as pilot flying in civil night, or an IR.
//!
//! Night for logging ([`night::night_minutes`]) is the FAA 14 CFR 1.1 definition: end of
//! evening civil twilight to beginning of morning civil twilight.

mod config;
mod evaluate;
mod logbook;
mod model;
pub mod night;
pub mod rules;
mod verdict;
pub mod words;

#[cfg(test)]
mod testkit;

pub use config::{Config, NinetyDays};
pub use evaluate::evaluate;
pub use logbook::{FaaKey, Logbook};
pub use model::{Aircraft, Category, Device, DeviceKind, Flight, Pilot, Role};
pub use verdict::{Status, Verdict};
