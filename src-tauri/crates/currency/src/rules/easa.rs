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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Aircraft, Flight};
    use crate::testkit::*;

    fn sep() -> Aircraft {
        Aircraft {
            easa_class_or_type: Some("SEP(land)".into()),
            ..asel()
        }
    }

    fn recent(flights: &[Flight], at: NaiveDate) -> Verdict {
        easa_recent(&Logbook::new(flights), "SEP(land)", at, &Config::default())
    }

    #[test]
    fn touch_and_goes_count_for_easa() {
        // The same three touch-and-goes that fail 61.57(b) and tailwheel currency meet
        // FCL.060(b)(1): 1 May + 90 = 30 Jul.
        let flights = [touch_and_goes("tg", d(2026, 5, 1), sep(), 3)];
        let v = recent(&flights, d(2026, 5, 2));
        assert!(v.current);
        assert_eq!(v.until, Some(d(2026, 7, 30)));
        assert_eq!(v.rule, "EASA FCL.060(b)(1)");
        assert_eq!(v.key, "SEP(land)");
    }

    #[test]
    fn the_key_is_type_or_class_and_devices_are_limited_to_ffs() {
        // Without an EASA class the FAA class is the key, so an unmapped ASEL is not SEP.
        let flights = [touch_and_goes("a", d(2026, 5, 1), asel(), 3)];
        assert!(!recent(&flights, d(2026, 5, 2)).current);
        let mut ftd = touch_and_goes("ftd", d(2026, 5, 1), sep(), 3);
        ftd.device.kind = DeviceKind::Ftd;
        assert!(!recent(&[ftd.clone()], d(2026, 5, 2)).current);
        ftd.device.kind = DeviceKind::Ffs;
        assert!(recent(&[ftd], d(2026, 5, 2)).current);
    }

    #[test]
    fn only_pilot_flying_counts() {
        let mut f = touch_and_goes("a", d(2026, 5, 1), sep(), 3);
        f.sole_manipulator = false;
        assert!(!recent(&[f.clone()], d(2026, 5, 2)).current);
        f.sole_manipulator = true;
        f.role = Role::Other;
        assert!(!recent(&[f], d(2026, 5, 2)).current);
    }

    #[test]
    fn night_needs_one_civil_night_take_off_and_landing_or_an_ir() {
        let log_flights = [touch_and_goes("day", d(2026, 5, 1), sep(), 3)];
        let log = Logbook::new(&log_flights);
        let config = Config::default();
        let v = easa_night(&log, &Pilot::default(), "SEP(land)", d(2026, 5, 2), &config);
        assert!(!v.current);
        assert_eq!(
            v.missing.as_deref(),
            Some(
                "0 night take-offs and 0 night approaches and landings in the last 90 days; 1 \
                 more night take-off and 1 more night approach and landing needed"
            )
        );
        let ir = Pilot {
            holds_instrument_rating: true,
            ..Pilot::default()
        };
        let v = easa_night(&log, &ir, "SEP(land)", d(2026, 5, 2), &config);
        assert!(v.current);
        assert_eq!(v.until, None);
        // A touch-and-go at civil night counts (no full-stop rule in EASA).
        let mut n = Flight::new("n", d(2026, 5, 1), sep());
        n.takeoffs_civil_night = 1;
        n.landings_civil_night = 1;
        let flights = [n];
        let v = easa_night(
            &Logbook::new(&flights),
            &Pilot::default(),
            "SEP(land)",
            d(2026, 5, 2),
            &config,
        );
        assert!(v.current);
        assert_eq!(v.until, Some(d(2026, 7, 30)));
        assert_eq!(v.counted, vec!["n"]);
    }
}
