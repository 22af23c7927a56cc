//! FlightDesk's read model: what the views show, answered from the local cache only, so
//! it is instant and works with no network. The window's commands and the CLI's twins are
//! thin calls into these functions, so the two can never disagree.

pub mod board;
pub mod cache;
pub mod calendar;
mod conflicts;
pub mod entities;
mod error;
pub mod ics;
pub mod lookup;
pub mod rows;
pub mod schedule;
pub mod search;
pub mod trainings;

pub use error::{Result, ViewError};
