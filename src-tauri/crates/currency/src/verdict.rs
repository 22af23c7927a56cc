//! The engine's answer for one rule and one key.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::Config;

/// Where a pilot stands on one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Current, with more than `expiring_soon_days` left.
    Current,
    /// Current, but `until` is within `expiring_soon_days`.
    ExpiringSoon,
    /// 61.57(c) only: not current, but the tasks can still be flown without an instructor
    /// (calendar months M+7 to M+12).
    Grace,
    /// Not current.
    Expired,
    /// 61.57(d): more than six calendar months out of currency; only an IPC restores it.
    IpcRequired,
    /// The log lacks what the rule needs (e.g. block times for 61.195(a)).
    CannotVerify,
    /// The rule does not apply to this key (e.g. 61.57(c) for gliders).
    NotApplicable,
}

/// One rule's verdict for one key. Serialized with snake_case fields, the CLI's shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Verdict {
    /// The rule, e.g. "14 CFR 61.57(b)" or "EASA FCL.060(b)(1)".
    pub rule: String,
    /// What the verdict is for, e.g. "airplane ASEL", "airplane ASEL tailwheel", "airplane"
    /// (61.57(c) is by category), "SEP(land)", "flight review", "instructor".
    pub key: String,
    /// May the privilege be exercised at the evaluation time.
    pub current: bool,
    /// Finer status; `current` is true exactly for `current` and `expiring_soon`.
    pub status: Status,
    /// Last day the pilot is (or was) current, when the rule has one.
    pub until: Option<NaiveDate>,
    /// Logbook entry ids that the verdict rests on.
    pub counted: Vec<String>,
    /// What to fly to become or stay current, in words; `None` when nothing is needed soon.
    pub missing: Option<String>,
    /// A full sentence saying why.
    pub explanation: String,
}

/// Current / expiring soon / expired for a rule whose currency ends on `until`.
pub(crate) fn status_for(until: Option<NaiveDate>, at: NaiveDate, config: &Config) -> Status {
    match until {
        Some(u) if at <= u => {
            if (u - at).num_days() <= i64::from(config.expiring_soon_days) {
                Status::ExpiringSoon
            } else {
                Status::Current
            }
        }
        _ => Status::Expired,
    }
}

impl Status {
    /// True for the two current statuses.
    pub fn is_current(self) -> bool {
        matches!(self, Status::Current | Status::ExpiringSoon)
    }
}
