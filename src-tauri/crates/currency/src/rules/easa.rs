//! EASA Part-FCL FCL.060(b): recent experience for carrying passengers.

use chrono::NaiveDate;

use crate::config::Config;
use crate::logbook::Logbook;
use crate::model::{DeviceKind, Flight, Pilot, Role};
use crate::rules::recency::{self, Need, Nouns};
use crate::verdict::{Status, Verdict};

/// Rule name of [`easa_recent`].
pub const RULE_DAY: &str = "EASA FCL.060(b)(1)";
/// Rule name of [`easa_night`].
pub const RULE_NIGHT: &str = "EASA FCL.060(b)(2)";

/// Counts for FCL.060(b): an aircraft or an FFS of the same type or class (no FTD or ATD),
/// flown as pilot flying in any role but "other" (interpretation of MyFlightbook #1573: PIC,
/// co-pilot, under instruction or instructing).
fn qualifies(f: &Flight, key: &str) -> bool {
    f.sole_manipulator
        && f.role != Role::Other
        && matches!(f.device.kind, DeviceKind::Aircraft | DeviceKind::Ffs)
        && f.aircraft.easa_key() == key
}

/// EASA FCL.060(b)(1): to carry passengers, 3 take-offs, approaches and landings in the
/// preceding 90 days in an aircraft of the same type or class (or an FFS representing it).
/// Touch-and-goes count; there is no full-stop requirement. Each landing is taken to include
/// its approach (interpretation).
pub fn easa_recent(log: &Logbook, key: &str, at: NaiveDate, config: &Config) -> Verdict {
    let need = Need {
        takeoffs: 3,
        landings: 3,
    };
    let walk = recency::walk(log.up_to(at), at, config.ninety_days.days(), need, |f| {
        qualifies(f, key).then(|| (f.takeoffs(), f.landings()))
    });
    let nouns = Nouns {
        takeoff: ("take-off", "take-offs"),
        landing: ("approach and landing", "approaches and landings"),
    };
    recency::verdict(RULE_DAY, key.to_string(), walk, need, nouns, at, config)
}

/// EASA FCL.060(b)(2): to carry passengers at night as PIC, 1 take-off, approach and landing
/// at night (civil night) as pilot flying in the preceding 90 days in the same type or class,
/// unless the pilot holds an IR ((b)(2)(ii)), which makes the verdict current with no end
/// date (the IR's own validity is a separate item).
pub fn easa_night(
    log: &Logbook,
    pilot: &Pilot,
    key: &str,
    at: NaiveDate,
    config: &Config,
) -> Verdict {
    if pilot.holds_instrument_rating {
        return Verdict {
            rule: RULE_NIGHT.to_string(),
            key: key.to_string(),
            current: true,
            status: Status::Current,
            until: None,
            counted: Vec::new(),
            missing: None,
            explanation: "Current: the pilot holds an instrument rating, which meets \
                          FCL.060(b)(2)(ii) without night take-offs and landings."
                .to_string(),
        };
    }
    let need = Need {
        takeoffs: 1,
        landings: 1,
    };
    let walk = recency::walk(log.up_to(at), at, config.ninety_days.days(), need, |f| {
        qualifies(f, key).then_some((f.takeoffs_civil_night, f.landings_civil_night))
    });
    let nouns = Nouns {
        takeoff: ("night take-off", "night take-offs"),
        landing: (
            "night approach and landing",
            "night approaches and landings",
        ),
    };
    recency::verdict(RULE_NIGHT, key.to_string(), walk, need, nouns, at, config)
}
