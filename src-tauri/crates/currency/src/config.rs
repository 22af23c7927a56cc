//! Knobs for the places where the rule text leaves room for interpretation.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How "within the preceding 90 days" turns into a last current day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NinetyDays {
    /// Current through `d_old + 90 days`, MyFlightbook's convention (`AddDays(90)`).
    #[default]
    PlusNinety,
    /// Current through `d_old + 89 days`: the conservative reading that counts the day of the
    /// oldest event as the first of the 90.
    PlusEightyNine,
}

impl NinetyDays {
    /// Days added to the oldest contributing date to get the last current day.
    pub fn days(self) -> i64 {
        match self {
            NinetyDays::PlusNinety => 90,
            NinetyDays::PlusEightyNine => 89,
        }
    }
}

/// Engine configuration. [`Config::default`] is the documented default of every
/// interpretation in the crate docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Config {
    /// Day-count convention for the 90-day rules (61.57(a), (b), FCL.060(b)).
    pub ninety_days: NinetyDays,
    /// A current verdict whose `until` is at most this many days away is `expiring_soon`.
    pub expiring_soon_days: u32,
    /// 61.57(c) strict literal reading: tasks logged in the month of the flight do not count
    /// until the next month. Default false: tasks done before the flight count at once.
    pub instrument_strict_literal: bool,
    /// Count FFS/FTD/ATD instruction toward the 61.195(a) 8-in-24 limit. Default false,
    /// since "flight training" (61.1) is training in flight in an aircraft.
    pub instructor_include_simulators: bool,
    /// Produce the FAA verdicts (61.56, 61.57, 61.195, medical).
    pub faa: bool,
    /// Produce the EASA FCL.060(b) verdicts.
    pub easa: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ninety_days: NinetyDays::PlusNinety,
            expiring_soon_days: 30,
            instrument_strict_literal: false,
            instructor_include_simulators: false,
            faa: true,
            easa: true,
        }
    }
}
