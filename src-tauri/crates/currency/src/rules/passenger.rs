//! 14 CFR 61.57(a) and (b): passenger-carrying currency, day and night.

use chrono::NaiveDate;

use crate::config::Config;
use crate::logbook::{FaaKey, Logbook};
use crate::model::{DeviceKind, Flight};
use crate::rules::recency::{self, Need, Nouns};
use crate::verdict::Verdict;

/// Rule name of [`passenger_day`].
pub const RULE_DAY: &str = "14 CFR 61.57(a)";
/// Rule name of [`passenger_night`].
pub const RULE_NIGHT: &str = "14 CFR 61.57(b)";

const THREE: Need = Need {
    takeoffs: 3,
    landings: 3,
};

/// 61.57(a)(3): an FFS or FTD counts only if approved for landings and used in an approved
/// part 142 course; an ATD never does.
fn device_counts_day(f: &Flight) -> bool {
    match f.device.kind {
        DeviceKind::Aircraft => true,
        DeviceKind::Ffs | DeviceKind::Ftd => {
            f.device.approved_for_landings && f.device.part_142_course
        }
        DeviceKind::Atd => false,
    }
}

/// 61.57(b)(2): only an FFS approved for takeoffs and landings, with the night visual
/// system, in an approved part 142 course.
fn device_counts_night(f: &Flight) -> bool {
    match f.device.kind {
        DeviceKind::Aircraft => true,
        DeviceKind::Ffs => {
            f.device.approved_for_landings && f.device.part_142_course && f.device.night_visual
        }
        DeviceKind::Ftd | DeviceKind::Atd => false,
    }
}

/// 14 CFR 61.57(a): to act as PIC carrying passengers (or of a multi-pilot aircraft), 3
/// takeoffs and 3 landings within the preceding 90 days as sole manipulator, in the same
/// category, class and type (if a type rating is required). For a tailwheel key the landings
/// must be to a full stop in a tailwheel airplane; touch-and-goes count otherwise.
pub fn passenger_day(log: &Logbook, key: &FaaKey, at: NaiveDate, config: &Config) -> Verdict {
    let walk = recency::walk(log.up_to(at), at, config.ninety_days.days(), THREE, |f| {
        (f.sole_manipulator && key.matches(&f.aircraft) && device_counts_day(f)).then(|| {
            let landings = if key.tailwheel {
                f.landings_full_stop()
            } else {
                f.landings()
            };
            (f.takeoffs(), landings)
        })
    });
    let nouns = if key.tailwheel {
        Nouns {
            takeoff: ("takeoff", "takeoffs"),
            landing: ("landing to a full stop", "landings to a full stop"),
        }
    } else {
        Nouns {
            takeoff: ("takeoff", "takeoffs"),
            landing: ("landing", "landings"),
        }
    };
    recency::verdict(RULE_DAY, key.to_string(), walk, THREE, nouns, at, config)
}

/// 14 CFR 61.57(b): to act as PIC carrying passengers during the period from 1 hour after
/// sunset to 1 hour before sunrise, 3 takeoffs and 3 landings to a full stop within that
/// period in the preceding 90 days, as sole manipulator, same category, class and type (if
/// a type rating is required). Touch-and-goes never count. The key's tailwheel flag is
/// ignored (interpretation: (b) has no tailwheel clause).
pub fn passenger_night(log: &Logbook, key: &FaaKey, at: NaiveDate, config: &Config) -> Verdict {
    let key = key.without_tailwheel();
    let walk = recency::walk(log.up_to(at), at, config.ninety_days.days(), THREE, |f| {
        (f.sole_manipulator && key.matches(&f.aircraft) && device_counts_night(f))
            .then_some((f.takeoffs_night, f.landings_night_full_stop))
    });
    let nouns = Nouns {
        takeoff: ("night takeoff", "night takeoffs"),
        landing: (
            "night landing to a full stop",
            "night landings to a full stop",
        ),
    };
    recency::verdict(RULE_NIGHT, key.to_string(), walk, THREE, nouns, at, config)
}
