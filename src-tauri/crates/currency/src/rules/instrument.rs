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
