//! The "N takeoffs and N landings in the preceding 90 days" walk shared by 61.57(a), (b) and
//! FCL.060(b).
//!
//! Takeoffs and landings are counted separately and need not come from the same flights
//! (MyFlightbook #1177, flightloggin2 #8). Walking newest to oldest, `d_old` is the older of
//! the date on which the takeoffs reached N and the date on which the landings reached N;
//! the pilot is current through `d_old + 90` (or `+ 89`, see [`crate::NinetyDays`]).

use chrono::{Duration, NaiveDate};

use crate::config::Config;
use crate::model::Flight;
use crate::verdict::{status_for, Status, Verdict};
use crate::words::{and_list, count, date_words, flights_paren};

/// How many of each the rule needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Need {
    pub takeoffs: u32,
    pub landings: u32,
}

/// Singular and plural nouns for the sentences, e.g. ("night landing to a full stop",
/// "night landings to a full stop").
#[derive(Debug, Clone, Copy)]
pub(crate) struct Nouns {
    pub takeoff: (&'static str, &'static str),
    pub landing: (&'static str, &'static str),
}

/// What the walk found.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    /// Last current day, when a full set exists on or before `at`.
    pub until: Option<NaiveDate>,
    /// Entries that contributed to the newest full set (or to the partial one).
    pub counted: Vec<String>,
    /// Dates of the oldest and newest contributing entries.
    pub span: Option<(NaiveDate, NaiveDate)>,
    /// Totals over `counted`.
    pub takeoffs: u32,
    pub landings: u32,
    /// Totals dated strictly after `d_old`: what already counts toward the next set.
    pub after_takeoffs: u32,
    pub after_landings: u32,
    /// Totals within the window that makes the pilot current at `at` (date ≥ at − days).
    pub window_takeoffs: u32,
    pub window_landings: u32,
}

/// Walks `newest_first` (entries dated on or before `at`); `tally` returns the entry's
/// countable (takeoffs, landings), or `None` when it does not qualify. Stops once a full set
/// is found and the walk has left the window.
pub(crate) fn walk(
    newest_first: &[&Flight],
    at: NaiveDate,
    days: i64,
    need: Need,
    tally: impl Fn(&Flight) -> Option<(u32, u32)>,
) -> Walk {
    let window_start = at - Duration::days(days);
    let mut w = Walk::default();
    let (mut d_t, mut d_l) = (None, None);
    let mut walked: Vec<(NaiveDate, u32, u32)> = Vec::new();
    for f in newest_first {
        let done = d_t.is_some() && d_l.is_some();
        if done && f.date < window_start {
            break;
        }
        let Some((t, l)) = tally(f) else { continue };
        if t == 0 && l == 0 {
            continue;
        }
        if f.date >= window_start {
            w.window_takeoffs += t;
            w.window_landings += l;
        }
        if done {
            continue;
        }
        walked.push((f.date, t, l));
        // Only list an entry if it adds to a count that is still short.
        let useful = (t > 0 && d_t.is_none()) || (l > 0 && d_l.is_none());
        if !useful {
            continue;
        }
        w.counted.push(f.id.clone());
        w.span = Some(match w.span {
            None => (f.date, f.date),
            Some((_, newest)) => (f.date, newest),
        });
        if d_t.is_none() {
            w.takeoffs += t;
            if w.takeoffs >= need.takeoffs {
                d_t = Some(f.date);
            }
        }
        if d_l.is_none() {
            w.landings += l;
            if w.landings >= need.landings {
                d_l = Some(f.date);
            }
        }
    }
    if let (Some(a), Some(b)) = (d_t, d_l) {
        let d_old = a.min(b);
        w.until = Some(d_old + Duration::days(days));
        for (date, t, l) in walked {
            if date > d_old {
                w.after_takeoffs += t;
                w.after_landings += l;
            }
        }
    }
    w
}

fn shortfall(need: Need, have_t: u32, have_l: u32, nouns: Nouns) -> String {
    let mut parts = Vec::new();
    if have_t < need.takeoffs {
        let n = need.takeoffs - have_t;
        parts.push(format!(
            "{n} more {}",
            if n == 1 {
                nouns.takeoff.0
            } else {
                nouns.takeoff.1
            }
        ));
    }
    if have_l < need.landings {
        let n = need.landings - have_l;
        parts.push(format!(
            "{n} more {}",
            if n == 1 {
                nouns.landing.0
            } else {
                nouns.landing.1
            }
        ));
    }
    and_list(&parts)
}

fn have(t: u32, l: u32, nouns: Nouns) -> String {
    format!(
        "{} and {}",
        count(t, nouns.takeoff.0, nouns.takeoff.1),
        count(l, nouns.landing.0, nouns.landing.1)
    )
}

fn between(span: Option<(NaiveDate, NaiveDate)>) -> String {
    match span {
        Some((a, b)) if a == b => format!("on {a}"),
        Some((a, b)) => format!("between {a} and {b}"),
        None => String::new(),
    }
}

/// Turns a [`Walk`] into a verdict with sentences for the current, expiring and expired
/// cases.
pub(crate) fn verdict(
    rule: &str,
    key: String,
    w: Walk,
    need: Need,
    nouns: Nouns,
    at: NaiveDate,
    config: &Config,
) -> Verdict {
    let days = config.ninety_days.days();
    let status = status_for(w.until, at, config);
    let got = have(w.takeoffs, w.landings, nouns);
    let flights = flights_paren(&w.counted);
    let (missing, explanation) = match (status, w.until) {
        (Status::Current, Some(u)) => (
            None,
            format!("Current through {u}: {got} {} {flights}.", between(w.span)),
        ),
        (Status::ExpiringSoon, Some(u)) => (
            Some(format!(
                "{} by {} to stay current",
                shortfall(need, w.after_takeoffs, w.after_landings, nouns),
                date_words(u)
            )),
            format!("Current through {u}: {got} {} {flights}.", between(w.span)),
        ),
        (_, Some(u)) => (
            Some(format!(
                "{} in the last {days} days; {} needed",
                have(w.window_takeoffs, w.window_landings, nouns),
                shortfall(need, w.window_takeoffs, w.window_landings, nouns)
            )),
            format!(
                "Not current since {}: the last {got} were {} {flights}, which kept it \
                 current through {u}.",
                u + Duration::days(1),
                between(w.span)
            ),
        ),
        (_, None) => {
            let found = if w.counted.is_empty() {
                "none are logged".to_string()
            } else {
                format!("the log holds only {got} {}", flights_paren(&w.counted))
            };
            (
                Some(format!(
                    "{} in the last {days} days; {} needed",
                    have(w.window_takeoffs, w.window_landings, nouns),
                    shortfall(need, w.window_takeoffs, w.window_landings, nouns)
                )),
                format!(
                    "Not current: {} are needed and {found}.",
                    have(need.takeoffs, need.landings, nouns)
                ),
            )
        }
    };
    Verdict {
        rule: rule.to_string(),
        key,
        current: status.is_current(),
        status,
        until: w.until,
        counted: w.counted,
        missing,
        explanation,
    }
}
