//! 14 CFR 61.57(c) and (d): instrument currency, the grace period and the IPC.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate};

use crate::config::Config;
use crate::logbook::Logbook;
use crate::model::{Category, Flight};
use crate::verdict::{status_for, Status, Verdict};
use crate::words::{and_list, count, date_words, flights_paren};

/// Rule name of [`instrument`].
pub const RULE: &str = "14 CFR 61.57(c)";

/// Months since year 0, so "M + 6" is plain arithmetic.
pub(crate) fn month_index(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// First day of the month with index `m`.
pub(crate) fn first_of_month(m: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1)
        .expect("month index in chrono's range")
}

/// Last day of the month with index `m`: "calendar month" runs to its last day.
pub(crate) fn end_of_month(m: i32) -> NaiveDate {
    first_of_month(m + 1) - Duration::days(1)
}

/// The (c)(1) tasks, summed.
#[derive(Debug, Clone, Copy, Default)]
struct Tasks {
    approaches: u32,
    holds: u32,
    tracking: bool,
    /// An IPC or instrument checkride: the full set by itself.
    check: bool,
}

impl Tasks {
    fn add(&mut self, other: Tasks) {
        self.approaches += other.approaches;
        self.holds += other.holds;
        self.tracking |= other.tracking;
        self.check |= other.check;
    }

    fn complete(&self) -> bool {
        self.check || (self.approaches >= 6 && self.holds >= 1 && self.tracking)
    }

    fn of(f: &Flight) -> Tasks {
        Tasks {
            // Only approaches as pilot flying count (InFO 15012; MyFlightbook #1456).
            approaches: f.approaches_pilot_flying,
            holds: f.holds,
            tracking: f.tracking,
            check: f.ipc || f.instrument_checkride,
        }
    }

    fn is_empty(&self) -> bool {
        self.approaches == 0 && self.holds == 0 && !self.tracking && !self.check
    }

    fn have_words(&self) -> String {
        let mut parts = vec![count(self.approaches, "approach", "approaches")];
        parts.push(count(self.holds, "hold", "holds"));
        parts.push(
            if self.tracking {
                "tracking"
            } else {
                "no tracking"
            }
            .to_string(),
        );
        and_list(&parts)
    }

    fn shortfall_words(&self) -> String {
        let mut parts = Vec::new();
        if self.approaches < 6 {
            let n = 6 - self.approaches;
            parts.push(format!(
                "{n} more {}",
                if n == 1 { "approach" } else { "approaches" }
            ));
        }
        if self.holds == 0 {
            parts.push("holding".to_string());
        }
        if !self.tracking {
            parts.push("intercepting and tracking a course".to_string());
        }
        and_list(&parts)
    }
}

/// The latest completion found by the chronological pass.
#[derive(Debug, Clone, Copy)]
struct Completion {
    /// The day the set was completed.
    on: NaiveDate,
    /// The oldest calendar month the set needed.
    oldest_month: i32,
    /// Last current day: end of `oldest_month + 6`.
    until: NaiveDate,
    by_check: bool,
}

/// 14 CFR 61.57(c)(1)/(2) and (d) for one aircraft category (the rule is by category, not
/// class; FFS, FTD and ATD sessions count in any combination).
///
/// Completing the tasks (6 approaches as pilot flying, holding, tracking) whose oldest needed
/// month is M makes the pilot current through the last day of M+6. From M+7 to M+12 the
/// verdict is `grace` (not current, but the tasks may still be flown without an instructor);
/// from the first day of M+13 it is `ipc_required`, and tasks flown then no longer restore
/// currency: only an IPC (or instrument checkride), which counts as the full set in its
/// month. Before the first completion in the log, tasks do establish currency
/// (interpretation: earlier history is unknown). Gliders get `not_applicable` ((c)(3)).
pub fn instrument(log: &Logbook, category: Category, at: NaiveDate, config: &Config) -> Verdict {
    let key = category.to_string();
    if category == Category::Glider {
        return Verdict {
            rule: RULE.to_string(),
            key,
            current: false,
            status: Status::NotApplicable,
            until: None,
            counted: Vec::new(),
            missing: None,
            explanation: "Gliders use the 61.57(c)(3) tasks, which this engine does not evaluate."
                .to_string(),
        };
    }
    // Strict literal reading: tasks of the current month count only from next month.
    let cutoff = if config.instrument_strict_literal {
        first_of_month(month_index(at)) - Duration::days(1)
    } else {
        at
    };
    let relevant: Vec<&Flight> = log
        .up_to(cutoff)
        .iter()
        .rev()
        .copied()
        .filter(|f| f.aircraft.category == category && !Tasks::of(f).is_empty())
        .collect();

    // Chronological pass over task days, keeping per-month sums of what was logged so far.
    let mut months: HashMap<i32, Tasks> = HashMap::new();
    let mut best: Option<Completion> = None;
    let mut i = 0;
    while i < relevant.len() {
        let day = relevant[i].date;
        while i < relevant.len() && relevant[i].date == day {
            months
                .entry(month_index(day))
                .or_default()
                .add(Tasks::of(relevant[i]));
            i += 1;
        }
        let m = month_index(day);
        let mut acc = Tasks::default();
        let mut oldest = None;
        for back in 0..=6 {
            if let Some(t) = months.get(&(m - back)) {
                acc.add(*t);
            }
            if acc.complete() {
                oldest = Some(m - back);
                break;
            }
        }
        let Some(oldest) = oldest else { continue };
        let by_check = months.get(&m).is_some_and(|t| t.check);
        // More than six calendar months out of currency: only a check restores it (61.57(d)).
        let lapsed = best.is_some_and(|b| day > end_of_month(month_index(b.until) + 6));
        if lapsed && !by_check {
            continue;
        }
        let oldest = if by_check { m } else { oldest };
        let until = end_of_month(oldest + 6);
        if best.is_none_or(|b| until >= b.until) {
            best = Some(Completion {
                on: day,
                oldest_month: oldest,
                until,
                by_check,
            });
        }
    }

    // What counts now, for the "missing" sentence: the six months before this one, plus this
    // month up to the flight unless strict.
    let window_start = first_of_month(month_index(at) - 6);
    let mut window = Tasks::default();
    for f in relevant.iter().filter(|f| f.date >= window_start) {
        window.add(Tasks::of(f));
    }

    let until = best.map(|b| b.until);
    let mut status = status_for(until, at, config);
    let grace_end = best.map(|b| end_of_month(b.oldest_month + 12));
    if status == Status::Expired {
        if let Some(g) = grace_end {
            status = if at <= g {
                Status::Grace
            } else {
                Status::IpcRequired
            };
        }
    }
    let counted: Vec<String> = match best {
        Some(b) => {
            let from = first_of_month(b.oldest_month);
            relevant
                .iter()
                .filter(|f| f.date >= from && f.date <= b.on)
                .filter(|f| !b.by_check || Tasks::of(f).check)
                .map(|f| f.id.clone())
                .collect()
        }
        None => relevant
            .iter()
            .filter(|f| f.date >= window_start)
            .map(|f| f.id.clone())
            .collect(),
    };
    let how = |b: Completion| {
        if b.by_check {
            format!("an instrument proficiency check on {}", b.on)
        } else {
            format!(
                "the tasks were completed on {} with work from {} on",
                b.on,
                first_of_month(b.oldest_month)
            )
        }
    };
    let (missing, explanation) = match (status, best) {
        (Status::Current, Some(b)) => (
            None,
            format!(
                "Current through {}: {} {}.",
                b.until,
                how(b),
                flights_paren(&counted)
            ),
        ),
        (Status::ExpiringSoon, Some(b)) => {
            // To stay current past `until`, a new set must not need the oldest month.
            let mut newer = Tasks::default();
            let from = first_of_month(b.oldest_month + 1);
            for f in relevant.iter().filter(|f| f.date >= from) {
                newer.add(Tasks::of(f));
            }
            (
                Some(format!(
                    "{} by {} to stay current",
                    newer.shortfall_words(),
                    date_words(b.until)
                )),
                format!(
                    "Current through {}: {} {}.",
                    b.until,
                    how(b),
                    flights_paren(&counted)
                ),
            )
        }
        (Status::Grace, Some(b)) => (
            Some(format!(
                "{} in the last 6 calendar months; {} needed by {}, with a safety pilot or in a \
                 simulator (no instructor needed)",
                window.have_words(),
                window.shortfall_words(),
                date_words(grace_end.unwrap_or(b.until))
            )),
            format!(
                "Not current since {}: {} {}, which kept it current through {}; until {} the \
                 tasks can be flown again without an instructor.",
                b.until + Duration::days(1),
                how(b),
                flights_paren(&counted),
                b.until,
                grace_end.unwrap_or(b.until)
            ),
        ),
        (_, Some(b)) => (
            Some("an instrument proficiency check (61.57(d))".to_string()),
            format!(
                "Not current since {} and more than six calendar months out of currency since \
                 {}: only an instrument proficiency check restores it.",
                b.until + Duration::days(1),
                grace_end.unwrap_or(b.until) + Duration::days(1)
            ),
        ),
        (_, None) => (
            Some(format!(
                "{} in the last 6 calendar months; {} needed",
                window.have_words(),
                window.shortfall_words()
            )),
            format!(
                "Not current: no complete set of 6 approaches, holding and tracking in {} is \
                 logged (the last 6 calendar months hold {}).",
                category,
                window.have_words()
            ),
        ),
    };
    Verdict {
        rule: RULE.to_string(),
        key,
        current: status.is_current(),
        status,
        until,
        counted,
        missing,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DeviceKind, Flight};
    use crate::testkit::*;

    fn ifr(flights: &[Flight], at: NaiveDate) -> Verdict {
        instrument(
            &Logbook::new(flights),
            Category::Airplane,
            at,
            &Config::default(),
        )
    }

    #[test]
    fn month_helpers_know_month_ends() {
        assert_eq!(end_of_month(month_index(d(2026, 2, 10))), d(2026, 2, 28));
        assert_eq!(end_of_month(month_index(d(2028, 2, 10))), d(2028, 2, 29));
        assert_eq!(
            end_of_month(month_index(d(2026, 12, 31)) + 1),
            d(2027, 1, 31)
        );
    }

    #[test]
    fn done_15_jan_is_current_through_31_jul_then_grace_then_ipc() {
        // Completed in January (M): current through the end of M+6 = 31 Jul 2026; grace
        // M+7..M+12 = 1 Aug 2026 to 31 Jan 2027; IPC required from 1 Feb 2027 (M+13).
        let flights = [instrument_set("a", d(2026, 1, 15), asel())];
        let v = ifr(&flights, d(2026, 1, 15));
        assert_eq!(v.until, Some(d(2026, 7, 31)));
        assert_eq!(v.status, Status::Current);
        assert_eq!(v.key, "airplane");
        assert_eq!(v.counted, vec!["a"]);
        assert!(ifr(&flights, d(2026, 7, 31)).current);
        let grace = ifr(&flights, d(2026, 8, 1));
        assert_eq!(grace.status, Status::Grace);
        assert!(!grace.current);
        assert!(
            grace.missing.as_deref().unwrap().contains("by 31 Jan 2027"),
            "{:?}",
            grace.missing
        );
        assert_eq!(ifr(&flights, d(2027, 1, 31)).status, Status::Grace);
        let ipc = ifr(&flights, d(2027, 2, 1));
        assert_eq!(ipc.status, Status::IpcRequired);
        assert_eq!(
            ipc.missing.as_deref(),
            Some("an instrument proficiency check (61.57(d))")
        );
    }

    #[test]
    fn done_31_aug_runs_to_the_end_of_february() {
        // Aug 2026 + 6 = Feb 2027, which ends on the 28th; Aug 2027 + 6 = Feb 2028, the 29th.
        let v = ifr(
            &[instrument_set("a", d(2026, 8, 31), asel())],
            d(2026, 9, 1),
        );
        assert_eq!(v.until, Some(d(2027, 2, 28)));
        let leap = ifr(
            &[instrument_set("a", d(2027, 8, 31), asel())],
            d(2027, 9, 1),
        );
        assert_eq!(leap.until, Some(d(2028, 2, 29)));
    }

    #[test]
    fn tasks_spread_over_months_date_from_the_oldest_month_needed() {
        // 3 approaches on 20 Jan, then 3 more plus hold and tracking on 5 Mar: the set needs
        // January, so it runs to 31 Jul, not 30 Sep.
        let mut a = Flight::new("a", d(2026, 1, 20), asel());
        a.approaches_pilot_flying = 3;
        let mut b = Flight::new("b", d(2026, 3, 5), asel());
        b.approaches_pilot_flying = 3;
        b.holds = 1;
        b.tracking = true;
        let v = ifr(&[a.clone(), b.clone()], d(2026, 3, 6));
        assert_eq!(v.until, Some(d(2026, 7, 31)));
        assert_eq!(v.counted, vec!["a", "b"]);
        // Before b, 3 approaches are not a set.
        let before = ifr(&[a, b], d(2026, 3, 4));
        assert!(!before.current);
        assert_eq!(before.status, Status::Expired);
        assert_eq!(
            before.missing.as_deref(),
            Some(
                "3 approaches, 0 holds and no tracking in the last 6 calendar months; 3 more \
                 approaches, holding and intercepting and tracking a course needed"
            )
        );
    }

    #[test]
    fn approaches_as_pilot_monitoring_do_not_count() {
        let mut f = instrument_set("pm", d(2026, 4, 1), asel());
        f.approaches_pilot_monitoring = f.approaches_pilot_flying;
        f.approaches_pilot_flying = 0;
        assert!(!ifr(&[f.clone()], d(2026, 4, 2)).current);
        f.approaches_pilot_flying = 6;
        assert!(ifr(&[f], d(2026, 4, 2)).current);
    }

    #[test]
    fn by_category_not_class_and_simulators_count() {
        // 3 approaches in an ASEL, 3 plus hold and tracking in an ATD representing an AMEL.
        let mut a = Flight::new("a", d(2026, 4, 1), asel());
        a.approaches_pilot_flying = 3;
        let mut b = Flight::new("b", d(2026, 4, 2), amel());
        b.approaches_pilot_flying = 3;
        b.holds = 2;
        b.tracking = true;
        b.device.kind = DeviceKind::Atd;
        let v = ifr(&[a.clone(), b.clone()], d(2026, 4, 3));
        assert!(v.current);
        assert_eq!(v.until, Some(d(2026, 10, 31)));
        // A glider set is not airplane currency.
        let g = instrument_set("g", d(2026, 4, 1), glider());
        assert!(!ifr(std::slice::from_ref(&g), d(2026, 4, 2)).current);
        let gv = instrument(
            &Logbook::new(&[g]),
            Category::Glider,
            d(2026, 4, 2),
            &Config::default(),
        );
        assert_eq!(gv.status, Status::NotApplicable);
    }

    #[test]
    fn tasks_in_grace_restore_currency_without_an_ipc() {
        // Current through 31 Jul 2026; in grace on 10 Oct a new set restores it through the
        // end of April 2027.
        let flights = [
            instrument_set("a", d(2026, 1, 15), asel()),
            instrument_set("b", d(2026, 10, 10), asel()),
        ];
        let v = ifr(&flights, d(2026, 10, 11));
        assert!(v.current);
        assert_eq!(v.until, Some(d(2027, 4, 30)));
        assert_eq!(v.counted, vec!["b"]);
    }

    #[test]
    fn after_grace_only_an_ipc_restores_currency() {
        // IPC required from 1 Feb 2027: a set flown on 10 Mar 2027 without an IPC does not
        // count; an IPC on 20 Mar 2027 does, through 30 Sep 2027.
        let mut flights = vec![
            instrument_set("a", d(2026, 1, 15), asel()),
            instrument_set("late", d(2027, 3, 10), asel()),
        ];
        let v = ifr(&flights, d(2027, 3, 11));
        assert_eq!(v.status, Status::IpcRequired);
        assert_eq!(v.until, Some(d(2026, 7, 31)));
        let mut ipc = Flight::new("ipc", d(2027, 3, 20), asel());
        ipc.ipc = true;
        flights.push(ipc);
        let v = ifr(&flights, d(2027, 3, 21));
        assert_eq!(v.status, Status::Current);
        assert_eq!(v.until, Some(d(2027, 9, 30)));
        assert_eq!(v.counted, vec!["ipc"]);
        assert!(v
            .explanation
            .contains("instrument proficiency check on 2027-03-20"));
    }

    #[test]
    fn instrument_checkride_counts_like_an_ipc() {
        let mut f = Flight::new("ride", d(2026, 6, 3), asel());
        f.instrument_checkride = true;
        assert_eq!(ifr(&[f], d(2026, 6, 4)).until, Some(d(2026, 12, 31)));
    }

    #[test]
    fn strict_literal_waits_for_the_next_month() {
        let flights = [instrument_set("a", d(2026, 1, 15), asel())];
        let strict = Config {
            instrument_strict_literal: true,
            ..Config::default()
        };
        let log = Logbook::new(&flights);
        assert!(!instrument(&log, Category::Airplane, d(2026, 1, 20), &strict).current);
        let feb = instrument(&log, Category::Airplane, d(2026, 2, 1), &strict);
        assert!(feb.current);
        assert_eq!(feb.until, Some(d(2026, 7, 31)));
        assert!(instrument(&log, Category::Airplane, d(2026, 1, 20), &Config::default()).current);
    }

    #[test]
    fn expiring_soon_names_the_new_tasks_needed() {
        let mut newer = Flight::new("b", d(2026, 7, 2), asel());
        newer.approaches_pilot_flying = 4;
        newer.tracking = true;
        let flights = [instrument_set("a", d(2026, 1, 15), asel()), newer];
        let v = ifr(&flights, d(2026, 7, 10));
        assert_eq!(v.status, Status::ExpiringSoon);
        assert_eq!(
            v.missing.as_deref(),
            Some("2 more approaches and holding by 31 Jul 2026 to stay current")
        );
    }
}
