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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::NinetyDays;
    use crate::model::{Device, Flight};
    use crate::testkit::*;
    use crate::verdict::Status;

    fn key(aircraft: &crate::model::Aircraft) -> FaaKey {
        FaaKey {
            category: aircraft.category,
            class: aircraft.class.clone(),
            type_rating: aircraft.type_rating.clone(),
            tailwheel: aircraft.tailwheel,
        }
    }

    fn day(flights: &[Flight], k: &FaaKey, at: chrono::NaiveDate) -> Verdict {
        passenger_day(&Logbook::new(flights), k, at, &Config::default())
    }

    #[test]
    fn three_landings_on_1_jan_2026_are_current_through_1_apr_2026() {
        // 2026-01-01 + 90 days = 2026-04-01 (Jan 30 left + Feb 28 + Mar 31 = 89, +1).
        let flights = [circuits("a", d(2026, 1, 1), asel(), 3)];
        let k = key(&asel());
        let v = day(&flights, &k, d(2026, 1, 2));
        assert_eq!(v.until, Some(d(2026, 4, 1)));
        assert_eq!(v.status, Status::Current);
        assert_eq!(v.rule, "14 CFR 61.57(a)");
        assert_eq!(v.key, "airplane ASEL");
        assert_eq!(v.counted, vec!["a"]);
        // Day 90 (2026-04-01) is the last current day; day 91 is not.
        let day90 = day(&flights, &k, d(2026, 4, 1));
        assert!(day90.current);
        assert_eq!(day90.status, Status::ExpiringSoon);
        let day91 = day(&flights, &k, d(2026, 4, 2));
        assert!(!day91.current);
        assert_eq!(day91.status, Status::Expired);
        assert_eq!(
            day91.missing.as_deref(),
            Some("0 takeoffs and 0 landings in the last 90 days; 3 more takeoffs and 3 more landings needed")
        );
        assert!(
            day91
                .explanation
                .starts_with("Not current since 2026-04-02:"),
            "{}",
            day91.explanation
        );
    }

    #[test]
    fn leap_year_2028_makes_it_31_march() {
        // 2028 has 29 Feb, so 2028-01-01 + 90 days = 2028-03-31.
        let flights = [circuits("a", d(2028, 1, 1), asel(), 3)];
        let v = day(&flights, &key(&asel()), d(2028, 1, 1));
        assert_eq!(v.until, Some(d(2028, 3, 31)));
    }

    #[test]
    fn conservative_convention_gives_one_day_less() {
        let flights = [circuits("a", d(2026, 1, 1), asel(), 3)];
        let config = Config {
            ninety_days: NinetyDays::PlusEightyNine,
            ..Config::default()
        };
        let v = passenger_day(
            &Logbook::new(&flights),
            &key(&asel()),
            d(2026, 1, 5),
            &config,
        );
        assert_eq!(v.until, Some(d(2026, 3, 31)));
        let after = passenger_day(
            &Logbook::new(&flights),
            &key(&asel()),
            d(2026, 4, 1),
            &config,
        );
        assert!(!after.current);
    }

    #[test]
    fn explanation_names_counts_dates_and_flights() {
        let flights = [
            circuits("a", d(2026, 1, 1), asel(), 1),
            circuits("b", d(2026, 1, 10), asel(), 1),
            circuits("c", d(2026, 1, 20), asel(), 1),
        ];
        let v = day(&flights, &key(&asel()), d(2026, 1, 21));
        assert_eq!(
            v.explanation,
            "Current through 2026-04-01: 3 takeoffs and 3 landings between 2026-01-01 and \
             2026-01-20 (flights c, b, a)."
        );
        assert_eq!(v.missing, None);
    }

    #[test]
    fn takeoffs_and_landings_count_separately() {
        // 3 takeoffs on 1 Jan (landed elsewhere by someone else) and 3 landings on 10 Jan:
        // the older of the two dates sets the end, 1 Jan + 90 = 1 Apr.
        let mut a = Flight::new("a", d(2026, 1, 1), asel());
        a.takeoffs_day = 3;
        let mut b = Flight::new("b", d(2026, 1, 10), asel());
        b.landings_day_full_stop = 3;
        let v = day(&[a, b], &key(&asel()), d(2026, 2, 1));
        assert_eq!(v.until, Some(d(2026, 4, 1)));
        assert_eq!(v.counted, vec!["b", "a"]);
    }

    #[test]
    fn two_takeoffs_and_three_landings_is_one_takeoff_short() {
        // MyFlightbook #1177: the message must name the missing takeoff, not landings.
        let mut a = Flight::new("a", d(2026, 3, 1), asel());
        a.takeoffs_day = 2;
        a.landings_day_full_stop = 3;
        let v = day(&[a], &key(&asel()), d(2026, 3, 2));
        assert!(!v.current);
        assert_eq!(v.until, None);
        assert_eq!(
            v.missing.as_deref(),
            Some("2 takeoffs and 3 landings in the last 90 days; 1 more takeoff needed")
        );
    }

    #[test]
    fn expiring_soon_says_what_keeps_it_current() {
        // Set on 1 Jan; one more circuit on 20 Feb already counts toward the next set.
        let flights = [
            circuits("a", d(2026, 1, 1), asel(), 3),
            circuits("b", d(2026, 2, 20), asel(), 1),
        ];
        let v = day(&flights, &key(&asel()), d(2026, 3, 15));
        // The newest three landings are b (1) and two of a's: still dated 1 Jan.
        assert_eq!(v.until, Some(d(2026, 4, 1)));
        assert_eq!(v.status, Status::ExpiringSoon);
        assert_eq!(
            v.missing.as_deref(),
            Some("2 more takeoffs and 2 more landings by 1 Apr 2026 to stay current")
        );
    }

    #[test]
    fn tailwheel_needs_full_stops_in_a_tailwheel_airplane() {
        let tw = key(&tailwheel());
        assert_eq!(tw.to_string(), "airplane ASEL tailwheel");
        // Touch-and-goes in a tailwheel airplane: tricycle current, tailwheel not.
        let tg = [touch_and_goes("a", d(2026, 5, 1), tailwheel(), 3)];
        assert!(!day(&tg, &tw, d(2026, 5, 2)).current);
        assert!(day(&tg, &tw.without_tailwheel(), d(2026, 5, 2)).current);
        // Full stops in a tailwheel airplane: both current (tailwheel implies tricycle).
        let fs = [circuits("a", d(2026, 5, 1), tailwheel(), 3)];
        assert!(day(&fs, &tw, d(2026, 5, 2)).current);
        assert!(day(&fs, &key(&asel()), d(2026, 5, 2)).current);
        // Full stops in a tricycle airplane never count for the tailwheel key.
        let tri = [circuits("a", d(2026, 5, 1), asel(), 3)];
        let v = day(&tri, &tw, d(2026, 5, 2));
        assert!(!v.current);
        assert!(v
            .missing
            .unwrap()
            .contains("3 more landings to a full stop"));
    }

    #[test]
    fn class_and_type_are_part_of_the_key() {
        let asel_only = [circuits("a", d(2026, 5, 1), asel(), 3)];
        assert!(!day(&asel_only, &key(&amel()), d(2026, 5, 2)).current);
        let jet = crate::model::Aircraft {
            type_rating: Some("CE-525".into()),
            ..amel()
        };
        let typed = [circuits("j", d(2026, 5, 1), jet.clone(), 3)];
        // The typed flights count for the type and for plain AMEL...
        assert!(day(&typed, &key(&jet), d(2026, 5, 2)).current);
        assert!(day(&typed, &key(&amel()), d(2026, 5, 2)).current);
        // ...but plain AMEL flights do not count for the type.
        let plain = [circuits("p", d(2026, 5, 1), amel(), 3)];
        let v = day(&plain, &key(&jet), d(2026, 5, 2));
        assert!(!v.current);
        assert_eq!(v.key, "airplane AMEL CE-525");
    }

    #[test]
    fn only_the_sole_manipulator_counts() {
        let mut f = circuits("a", d(2026, 5, 1), asel(), 3);
        f.sole_manipulator = false;
        assert!(!day(&[f], &key(&asel()), d(2026, 5, 2)).current);
    }

    #[test]
    fn simulators_count_only_when_approved_and_in_a_part_142_course() {
        let mut atd = circuits("a", d(2026, 5, 1), asel(), 3);
        atd.device = Device {
            kind: DeviceKind::Atd,
            approved_for_landings: true,
            part_142_course: true,
            night_visual: true,
        };
        assert!(!day(&[atd.clone()], &key(&asel()), d(2026, 5, 2)).current);
        let mut ffs = atd.clone();
        ffs.device.kind = DeviceKind::Ffs;
        assert!(day(&[ffs.clone()], &key(&asel()), d(2026, 5, 2)).current);
        ffs.device.part_142_course = false;
        assert!(!day(&[ffs], &key(&asel()), d(2026, 5, 2)).current);
    }

    #[test]
    fn flights_after_the_evaluation_date_do_not_count() {
        let flights = [circuits("a", d(2026, 5, 10), asel(), 3)];
        assert!(!day(&flights, &key(&asel()), d(2026, 5, 9)).current);
    }

    fn night(flights: &[Flight], at: chrono::NaiveDate) -> Verdict {
        passenger_night(
            &Logbook::new(flights),
            &key(&asel()),
            at,
            &Config::default(),
        )
    }

    #[test]
    fn night_needs_full_stops_in_the_night_period() {
        let mut tg = Flight::new("tg", d(2026, 10, 1), asel());
        tg.takeoffs_night = 3;
        tg.landings_night_touch_and_go = 3;
        // Touch-and-goes at night never count for 61.57(b).
        let v = night(&[tg.clone()], d(2026, 10, 2));
        assert!(!v.current);
        assert_eq!(v.rule, "14 CFR 61.57(b)");
        assert_eq!(
            v.missing.as_deref(),
            Some(
                "3 night takeoffs and 0 night landings to a full stop in the last 90 days; \
                 3 more night landings to a full stop needed"
            )
        );
        // Day full stops do not count either.
        let day_fs = circuits("day", d(2026, 10, 1), asel(), 3);
        assert!(!night(&[day_fs], d(2026, 10, 2)).current);
        // Two night full stops: one short.
        let mut fs = Flight::new("fs", d(2026, 10, 1), asel());
        fs.takeoffs_night = 3;
        fs.landings_night_full_stop = 2;
        let v = night(&[fs.clone()], d(2026, 10, 2));
        assert!(v
            .missing
            .unwrap()
            .ends_with("1 more night landing to a full stop needed"));
        fs.landings_night_full_stop = 3;
        let v = night(&[fs], d(2026, 10, 2));
        assert!(v.current);
        assert_eq!(v.until, Some(d(2026, 12, 30)));
    }

    #[test]
    fn night_takeoffs_must_be_in_the_period_too() {
        // MyFlightbook #498/#731: 3 night full stops after day takeoffs are not enough.
        let mut f = Flight::new("a", d(2026, 10, 1), asel());
        f.takeoffs_day = 3;
        f.landings_night_full_stop = 3;
        let v = night(&[f], d(2026, 10, 2));
        assert!(!v.current);
        assert!(v.missing.unwrap().ends_with("3 more night takeoffs needed"));
    }

    #[test]
    fn night_simulator_needs_the_night_visual_system() {
        let mut f = Flight::new("sim", d(2026, 10, 1), asel());
        f.takeoffs_night = 3;
        f.landings_night_full_stop = 3;
        f.device = Device {
            kind: DeviceKind::Ffs,
            approved_for_landings: true,
            part_142_course: true,
            night_visual: false,
        };
        assert!(!night(&[f.clone()], d(2026, 10, 2)).current);
        f.device.night_visual = true;
        assert!(night(&[f.clone()], d(2026, 10, 2)).current);
        f.device.kind = DeviceKind::Ftd;
        assert!(!night(&[f], d(2026, 10, 2)).current);
    }
}
