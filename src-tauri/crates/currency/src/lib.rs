//! Placeholder, docs follow.

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
