//! 14 CFR 61.195(a): an instructor may not conduct more than 8 hours of flight training in
//! any 24 consecutive hours.
//!
//! The window is rolling, on UTC instants (a DST fall-back day has 25 wall-clock hours), with
//! no midnight reset. Each entry's training is a block `[s, e)` carrying its logged minutes
//! spread evenly over the block, so the training inside a window `[t, t + 24 h)` is a
//! continuous, piecewise-linear function of `t`. Its slope only drops where a window's start
//! passes a block's start (`t = s_i`) or its end passes a block's end (`t = e_i − 24 h`), so
//! the maximum is at one of those breakpoints and only they are evaluated: a sort and a
//! sweep, O(n log n).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::config::Config;
use crate::model::Flight;
use crate::verdict::{Status, Verdict};
use crate::words::{flights_paren, hours, instant_words};

/// Rule name of the 61.195(a) verdicts.
pub const RULE: &str = "14 CFR 61.195(a)";

/// The limit: 8 hours, in seconds.
pub const LIMIT_SECONDS: i64 = 8 * 3600;

const DAY: i64 = 24 * 3600;
/// Half a second of slack so "exactly 8.0 h" is never a breach through rounding.
const EPS: f64 = 0.5;

/// A 24-hour window and the flight training in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Window {
    /// Window start (inclusive).
    pub start: DateTime<Utc>,
    /// Window end (exclusive), `start + 24 h`.
    pub end: DateTime<Utc>,
    /// Hours of flight training inside the window.
    pub hours: f64,
    /// Entries (or planned blocks) overlapping the window.
    pub flights: Vec<String>,
}

/// The instructor's 8-in-24 picture at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct InstructorReport {
    /// The instant evaluated.
    pub at: DateTime<Utc>,
    /// Hours of flight training in the 24 hours before `at`, `[at − 24 h, at)`.
    pub hours_last_24h: f64,
    /// Entries in that rolling window.
    pub last_24h_flights: Vec<String>,
    /// The busiest 24 hours anywhere in the log up to `at`, if any training is timed.
    pub max_in_any_24h: Option<Window>,
    /// Every past breach: for each run of overlapping over-limit windows, the worst one.
    pub breaches: Vec<Window>,
    /// Entries with training minutes but no block times: they cannot be placed in time.
    pub unverifiable: Vec<String>,
}

/// A planned block of flight training (a booking), counted in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Planned {
    /// The booking's id, echoed in the windows' `flights`.
    pub id: String,
    /// Planned start of the flight (not of the brief), UTC.
    pub start: DateTime<Utc>,
    /// Planned end, UTC.
    pub end: DateTime<Utc>,
}

/// The scheduler's answer for one proposed block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ProposedCheck {
    /// `current`: legal; `expired`: a definite breach; `cannot_verify`: legal as far as the
    /// timed entries go, but untimed entries near it could change that.
    pub status: Status,
    /// True when some 24-hour window containing the proposal exceeds 8 hours.
    pub violation: bool,
    /// The worst 24-hour window that contains part of the proposal.
    pub worst: Window,
    /// Untimed entries near the proposal.
    pub unverified: Vec<String>,
    /// One sentence, e.g. "Adding 2026-03-02 07:00–08:00 UTC makes 9.0 h of flight
    /// training in the 24 hours from … to …, over the 8 h limit of 14 CFR 61.195(a)."
    pub message: String,
}

/// A timed block: `[s, e)` in Unix seconds carrying `rate` training seconds per second.
#[derive(Debug, Clone)]
struct Block<'a> {
    /// The entry's id, borrowed: a log holds tens of thousands of blocks.
    id: &'a str,
    s: i64,
    e: i64,
    rate: f64,
}

impl Block<'_> {
    fn overlap(&self, t: i64) -> f64 {
        let lo = self.s.max(t);
        let hi = self.e.min(t + DAY);
        if hi > lo {
            (hi - lo) as f64 * self.rate
        } else {
            0.0
        }
    }
}

/// Does this entry's instruction count toward the limit?
fn counts(f: &Flight, config: &Config) -> bool {
    f.instruction_given_minutes > 0
        && (config.instructor_include_simulators || !f.device.is_simulator())
}

/// The entry's training block. Both block times: the training minutes are spread over the
/// block (more minutes than the block is taken as logged, conservatively). Only block-off:
/// the training starts then; only block-on: it ends then. Neither: `None` (untimed).
fn block_of(f: &Flight) -> Option<Block<'_>> {
    let secs = i64::from(f.instruction_given_minutes) * 60;
    let (s, e, rate) = match (f.block_off, f.block_on) {
        (Some(off), Some(on)) if on > off => {
            let (s, e) = (off.timestamp(), on.timestamp());
            (s, e, secs as f64 / (e - s) as f64)
        }
        (Some(off), _) => (off.timestamp(), off.timestamp() + secs, 1.0),
        (None, Some(on)) => (on.timestamp() - secs, on.timestamp(), 1.0),
        (None, None) => return None,
    };
    Some(Block {
        id: &f.id,
        s,
        e,
        rate,
    })
}

fn blocks<'a>(flights: &'a [Flight], config: &Config) -> (Vec<Block<'a>>, Vec<&'a Flight>) {
    let mut timed = Vec::new();
    let mut untimed = Vec::new();
    for f in flights.iter().filter(|f| counts(f, config)) {
        match block_of(f) {
            Some(b) => timed.push(b),
            None => untimed.push(f),
        }
    }
    timed.sort_by_key(|b| (b.s, b.e));
    (timed, untimed)
}

/// Training in `[t, t + 24 h)` for every `t` in `ts` (ascending), sweeping `blocks` (sorted
/// by start) once: a block enters when its start is inside the window's reach and leaves for
/// good once the window starts after its end.
fn sweep(blocks: &[Block], ts: &[i64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(ts.len());
    let mut next = 0;
    let mut active: Vec<usize> = Vec::new();
    for &t in ts {
        while next < blocks.len() && blocks[next].s < t + DAY {
            active.push(next);
            next += 1;
        }
        active.retain(|&i| blocks[i].e > t);
        // A fold from 0.0, not `sum`: an empty float sum is -0.0, which would reach the
        // reports and the sentences as "-0.0 h".
        out.push(
            active
                .iter()
                .fold(0.0, |total, &i| total + blocks[i].overlap(t)),
        );
    }
    out
}

/// Candidate window starts: `{s_i} ∪ {e_i − 24 h}`, sorted and deduplicated.
fn breakpoints(blocks: &[Block]) -> Vec<i64> {
    let mut ts: Vec<i64> = blocks.iter().flat_map(|b| [b.s, b.e - DAY]).collect();
    ts.sort_unstable();
    ts.dedup();
    ts
}

fn instant(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).expect("instant in chrono's range")
}

/// The longest block's length, in seconds.
fn longest(blocks: &[Block]) -> i64 {
    blocks.iter().map(|b| b.e - b.s).max().unwrap_or(0)
}

/// The window `[t, t + 24 h)` and the blocks in it. `blocks` are sorted by start: only
/// those starting less than the `longest` block's length before `t` can reach into it, so
/// a log with hundreds of breaches is not scanned whole for each.
fn window_at(blocks: &[Block], longest: i64, t: i64, seconds: f64) -> Window {
    let first = blocks.partition_point(|b| b.s <= t - longest);
    Window {
        start: instant(t),
        end: instant(t + DAY),
        hours: seconds / 3600.0,
        flights: blocks[first..]
            .iter()
            .take_while(|b| b.s < t + DAY)
            .filter(|b| b.e > t)
            .map(|b| b.id.to_string())
            .collect(),
    }
}

/// The 61.195(a) picture at `at`: the rolling 24 hours before it, the busiest 24 hours in the
/// log up to it, every past breach, and the entries that cannot be placed in time. Training
/// after `at` is ignored.
pub fn instructor_report(
    flights: &[Flight],
    at: DateTime<Utc>,
    config: &Config,
) -> InstructorReport {
    let (all, untimed) = blocks(flights, config);
    let now = at.timestamp();
    // Cut blocks at `at`: what happens later is the future, not the log.
    let timed: Vec<Block> = all
        .into_iter()
        .filter(|b| b.s < now)
        .map(|b| Block {
            e: b.e.min(now),
            ..b
        })
        .collect();
    let ts = breakpoints(&timed);
    let sums = sweep(&timed, &ts);

    let mut max: Option<(i64, f64)> = None;
    let mut breaches: Vec<(i64, f64)> = Vec::new();
    let mut last_breach_t: Option<i64> = None;
    for (&t, &sum) in ts.iter().zip(&sums) {
        if max.is_none_or(|(_, m)| sum > m) {
            max = Some((t, sum));
        }
        if sum > LIMIT_SECONDS as f64 + EPS {
            // Overlapping over-limit windows are one breach; keep its worst window.
            match (last_breach_t, breaches.last_mut()) {
                (Some(prev), Some(worst)) if t < prev + DAY => {
                    if sum > worst.1 {
                        *worst = (t, sum);
                    }
                }
                _ => breaches.push((t, sum)),
            }
            last_breach_t = Some(t);
        }
    }
    let rolling_start = now - DAY;
    let rolling = sweep(&timed, &[rolling_start])[0];
    let longest = longest(&timed);
    let last = window_at(&timed, longest, rolling_start, rolling);
    InstructorReport {
        at,
        hours_last_24h: rolling / 3600.0,
        last_24h_flights: last.flights,
        max_in_any_24h: max.map(|(t, s)| window_at(&timed, longest, t, s)),
        breaches: breaches
            .into_iter()
            .map(|(t, s)| window_at(&timed, longest, t, s))
            .collect(),
        unverifiable: untimed
            .iter()
            .filter(|f| f.date <= at.date_naive() + Duration::days(1))
            .map(|f| f.id.clone())
            .collect(),
    }
}

fn near(f: &Flight, from: NaiveDate, to: NaiveDate) -> bool {
    // Logbook dates are local; two days of slack covers any UTC offset and the 24 h reach.
    f.date >= from - Duration::days(2) && f.date <= to + Duration::days(2)
}

fn span_words(p: &Planned) -> String {
    if p.start.date_naive() == p.end.date_naive() {
        format!(
            "{}–{} UTC",
            p.start.format("%Y-%m-%d %H:%M"),
            p.end.format("%H:%M")
        )
    } else {
        format!("{} – {}", instant_words(p.start), instant_words(p.end))
    }
}

/// The scheduler's check: would adding `proposed` (with the other `planned` bookings) to the
/// instructor's logged `history` exceed 8 hours in some 24 consecutive hours? Only windows
/// that contain part of the proposal are considered, so an old breach in the log does not
/// block a new booking.
pub fn check_proposed(
    history: &[Flight],
    planned: &[Planned],
    proposed: &Planned,
    config: &Config,
) -> ProposedCheck {
    let (p_s, p_e) = (proposed.start.timestamp(), proposed.end.timestamp());
    let (hist, untimed) = blocks(history, config);
    let mut relevant: Vec<Block> = hist
        .into_iter()
        .chain(planned.iter().chain([proposed]).map(|p| Block {
            id: &p.id,
            s: p.start.timestamp(),
            e: p.end.timestamp().max(p.start.timestamp()),
            rate: 1.0,
        }))
        .filter(|b| b.e > p_s - DAY && b.s < p_e + DAY)
        .collect();
    relevant.sort_by_key(|b| (b.s, b.e));
    // Window starts that reach the proposal: [p_s − 24 h, p_e]; the sum is continuous, so
    // the ends of that range plus the breakpoints inside it hold the maximum.
    let mut ts: Vec<i64> = breakpoints(&relevant)
        .into_iter()
        .filter(|&t| t >= p_s - DAY && t <= p_e)
        .chain([p_s - DAY, p_e])
        .collect();
    ts.sort_unstable();
    ts.dedup();
    let sums = sweep(&relevant, &ts);
    let (t, sum) = ts
        .iter()
        .zip(&sums)
        .fold((p_s - DAY, f64::MIN), |best, (&t, &s)| {
            if s > best.1 {
                (t, s)
            } else {
                best
            }
        });
    let worst = window_at(&relevant, longest(&relevant), t, sum);
    let violation = sum > LIMIT_SECONDS as f64 + EPS;
    let unverified: Vec<String> = untimed
        .iter()
        .filter(|f| near(f, proposed.start.date_naive(), proposed.end.date_naive()))
        .map(|f| f.id.clone())
        .collect();
    let status = if violation {
        Status::Expired
    } else if !unverified.is_empty() {
        Status::CannotVerify
    } else {
        Status::Current
    };
    let from_to = format!(
        "from {} to {}",
        instant_words(worst.start),
        instant_words(worst.end)
    );
    let mut message = if violation {
        format!(
            "Adding {} makes {} of flight training in the 24 hours {from_to} {}, over the 8 h \
             limit of {RULE}",
            span_words(proposed),
            hours(sum),
            flights_paren(&worst.flights)
        )
    } else {
        format!(
            "Adding {} keeps the most flight training in any 24 hours around it at {} \
             ({from_to}), within the 8 h limit of {RULE}",
            span_words(proposed),
            hours(sum)
        )
    };
    if !unverified.is_empty() {
        message.push_str(&format!(
            "; {} near it have no block times and cannot be checked",
            flights_paren(&unverified).trim_matches(['(', ')'])
        ));
    }
    message.push('.');
    ProposedCheck {
        status,
        violation,
        worst,
        unverified,
        message,
    }
}

/// The 61.195(a) verdict at `at`, for [`crate::evaluate`]: `current` while the last 24 hours
/// hold less than 8 hours of flight training, `expired` at or over the limit, and
/// `cannot_verify` when entries without block times are dated within a day of `at`. Past
/// breaches are named in the explanation; [`instructor_report`] lists them.
pub fn instructor(flights: &[Flight], at: DateTime<Utc>, config: &Config) -> Verdict {
    let r = instructor_report(flights, at, config);
    let used = r.hours_last_24h * 3600.0;
    let recent_untimed: Vec<String> = flights
        .iter()
        .filter(|f| counts(f, config) && block_of(f).is_none())
        .filter(|f| f.date >= at.date_naive() - Duration::days(1) && f.date <= at.date_naive())
        .map(|f| f.id.clone())
        .collect();
    let at_limit = used + EPS >= LIMIT_SECONDS as f64;
    let status = if at_limit {
        Status::Expired
    } else if !recent_untimed.is_empty() {
        Status::CannotVerify
    } else {
        Status::Current
    };
    let mut explanation = format!(
        "{} of flight training in the 24 hours before {}",
        hours(used),
        instant_words(at)
    );
    if !r.last_24h_flights.is_empty() {
        explanation.push_str(&format!(" {}", flights_paren(&r.last_24h_flights)));
    }
    let remaining = (LIMIT_SECONDS as f64 - used).max(0.0);
    match status {
        Status::Expired => explanation.push_str("; the 8 h limit is reached"),
        _ => explanation.push_str(&format!("; up to {} more may start now", hours(remaining))),
    }
    if !recent_untimed.is_empty() {
        explanation.push_str(&format!(
            "; {} have no block times, so the last 24 hours cannot be verified",
            flights_paren(&recent_untimed).trim_matches(['(', ')'])
        ));
    }
    let older_untimed = r.unverifiable.len().saturating_sub(recent_untimed.len());
    if older_untimed > 0 {
        explanation.push_str(&format!(
            "; {older_untimed} earlier entries without block times could not be checked"
        ));
    }
    if let Some(worst) = r.breaches.iter().max_by(|a, b| a.hours.total_cmp(&b.hours)) {
        explanation.push_str(&format!(
            "; the log shows {} earlier breach{}, the worst {} from {} to {}",
            r.breaches.len(),
            if r.breaches.len() == 1 { "" } else { "es" },
            hours(worst.hours * 3600.0),
            instant_words(worst.start),
            instant_words(worst.end)
        ));
    }
    explanation.push('.');
    let missing = match status {
        Status::Expired => Some(
            "no more flight training until enough of the last 24 hours' training is more than \
             24 hours old"
                .to_string(),
        ),
        _ => None,
    };
    let mut counted = r.last_24h_flights;
    counted.extend(recent_untimed);
    Verdict {
        rule: RULE.to_string(),
        key: "instructor".to_string(),
        current: status.is_current(),
        status,
        until: None,
        counted,
        missing,
        explanation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DeviceKind;
    use crate::testkit::*;

    fn planned(id: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> Planned {
        Planned {
            id: id.to_string(),
            start,
            end,
        }
    }

    /// Day 1 (1 Mar 2026): 08:00–12:00 and 14:00–18:00 UTC, 8.0 h.
    fn day_one() -> Vec<Flight> {
        vec![
            lesson("am", utc(2026, 3, 1, 8, 0), utc(2026, 3, 1, 12, 0)),
            lesson("pm", utc(2026, 3, 1, 14, 0), utc(2026, 3, 1, 18, 0)),
        ]
    }

    #[test]
    fn seven_to_eight_next_morning_is_a_violation() {
        // The window 1 Mar 08:00 → 2 Mar 08:00 holds 4 + 4 + 1 = 9.0 h.
        let p = planned("new", utc(2026, 3, 2, 7, 0), utc(2026, 3, 2, 8, 0));
        let c = check_proposed(&day_one(), &[], &p, &Config::default());
        assert!(c.violation);
        assert_eq!(c.status, Status::Expired);
        assert!((c.worst.hours - 9.0).abs() < 1e-9);
        assert_eq!(c.worst.start, utc(2026, 3, 1, 8, 0));
        assert_eq!(c.worst.end, utc(2026, 3, 2, 8, 0));
        assert_eq!(c.worst.flights, vec!["am", "pm", "new"]);
        assert_eq!(
            c.message,
            "Adding 2026-03-02 07:00–08:00 UTC makes 9.0 h of flight training in the 24 hours \
             from 2026-03-01 08:00 UTC to 2026-03-02 08:00 UTC (flights am, pm, new), over the \
             8 h limit of 14 CFR 61.195(a)."
        );
    }

    #[test]
    fn eight_to_nine_next_morning_is_legal() {
        // The 08:00 lesson has left the window by the time the 08:00–09:00 one starts: the
        // most in any 24 hours stays 8.0 h (exactly at the limit is allowed).
        let p = planned("new", utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 9, 0));
        let c = check_proposed(&day_one(), &[], &p, &Config::default());
        assert!(!c.violation);
        assert_eq!(c.status, Status::Current);
        assert!((c.worst.hours - 8.0).abs() < 1e-9);
        assert!(c
            .message
            .contains("keeps the most flight training in any 24 hours around it at 8.0 h"));
    }

    #[test]
    fn other_bookings_count_as_planned() {
        // Only the morning lesson is logged; the afternoon one is a booking.
        let history = vec![day_one().remove(0)];
        let booked = [planned(
            "booked",
            utc(2026, 3, 1, 14, 0),
            utc(2026, 3, 1, 18, 0),
        )];
        let p = planned("new", utc(2026, 3, 2, 7, 0), utc(2026, 3, 2, 8, 0));
        assert!(check_proposed(&history, &booked, &p, &Config::default()).violation);
        assert!(!check_proposed(&history, &[], &p, &Config::default()).violation);
    }

    #[test]
    fn a_window_across_midnight_is_one_window() {
        // 20:00–24:00 on 1 Mar and 00:00–04:00 on 2 Mar are 8 h in one window even though
        // they are on two dates; a 05:00–06:00 lesson makes 9 h. The busiest window starts
        // 1 Mar 06:00 (it ends as the last lesson ends).
        let flights = [
            lesson("late", utc(2026, 3, 1, 20, 0), utc(2026, 3, 2, 0, 0)),
            lesson("early", utc(2026, 3, 2, 0, 0), utc(2026, 3, 2, 4, 0)),
            lesson("dawn", utc(2026, 3, 2, 5, 0), utc(2026, 3, 2, 6, 0)),
        ];
        let r = instructor_report(&flights, utc(2026, 3, 3, 12, 0), &Config::default());
        assert_eq!(r.breaches.len(), 1);
        let b = &r.breaches[0];
        assert!((b.hours - 9.0).abs() < 1e-9);
        assert_eq!(b.start, utc(2026, 3, 1, 6, 0));
        assert_eq!(b.flights, vec!["late", "early", "dawn"]);
        assert_eq!(r.max_in_any_24h.as_ref().unwrap(), b);
        // Nothing in the 24 hours before 3 Mar 12:00.
        assert_eq!(r.hours_last_24h, 0.0);
        // The verdict is about now, but names the past breach.
        let v = instructor(&flights, utc(2026, 3, 3, 12, 0), &Config::default());
        assert_eq!(v.status, Status::Current);
        assert!(
            v.explanation.contains("1 earlier breach, the worst 9.0 h"),
            "{}",
            v.explanation
        );
    }

    #[test]
    fn rolling_figure_at_an_instant_and_the_limit() {
        let flights = day_one();
        // At 1 Mar 16:00: 4 h (08–12) + 2 h of the 14–18 lesson.
        let r = instructor_report(&flights, utc(2026, 3, 1, 16, 0), &Config::default());
        assert!((r.hours_last_24h - 6.0).abs() < 1e-9);
        assert_eq!(r.last_24h_flights, vec!["am", "pm"]);
        let v = instructor(&flights, utc(2026, 3, 1, 16, 0), &Config::default());
        assert!(v.current);
        assert!(
            v.explanation.contains("up to 2.0 h more may start now"),
            "{}",
            v.explanation
        );
        // At 18:00 the 8 h are used up: no more training now.
        let v = instructor(&flights, utc(2026, 3, 1, 18, 0), &Config::default());
        assert_eq!(v.status, Status::Expired);
        assert!(!v.current);
        // At 2 Mar 09:00 the window is [1 Mar 09:00, 2 Mar 09:00): the first hour of the
        // morning lesson has left it, so 3 + 4 = 7.0 h.
        let r = instructor_report(&flights, utc(2026, 3, 2, 9, 0), &Config::default());
        assert!(
            (r.hours_last_24h - 7.0).abs() < 1e-9,
            "{}",
            r.hours_last_24h
        );
    }

    #[test]
    fn no_training_in_the_last_24_hours_is_a_positive_zero() {
        // Nothing in the 24 hours before 3 Mar 12:00: the figure is 0.0, never -0.0.
        let at = utc(2026, 3, 3, 12, 0);
        let r = instructor_report(&day_one(), at, &Config::default());
        assert!(r.hours_last_24h == 0.0 && r.hours_last_24h.is_sign_positive());
        let v = instructor(&day_one(), at, &Config::default());
        assert!(
            v.explanation.starts_with("0.0 h of flight training"),
            "{}",
            v.explanation
        );
        assert!(!v.explanation.contains("-0.0"), "{}", v.explanation);
    }

    #[test]
    fn durations_without_times_cannot_be_verified() {
        let mut untimed = Flight::new("imported", d(2026, 3, 2), asel());
        untimed.instruction_given_minutes = 300;
        let mut flights = day_one();
        flights.push(untimed);
        let v = instructor(&flights, utc(2026, 3, 2, 12, 0), &Config::default());
        assert_eq!(v.status, Status::CannotVerify);
        assert!(!v.current);
        assert!(v.counted.contains(&"imported".to_string()));
        let p = planned("new", utc(2026, 3, 2, 13, 0), utc(2026, 3, 2, 14, 0));
        let c = check_proposed(&flights, &[], &p, &Config::default());
        assert_eq!(c.status, Status::CannotVerify);
        assert_eq!(c.unverified, vec!["imported"]);
        assert!(
            c.message.contains("imported near it have no block times"),
            "{}",
            c.message
        );
        // A week later the untimed entry no longer matters for a new booking.
        let later = planned("later", utc(2026, 3, 9, 13, 0), utc(2026, 3, 9, 14, 0));
        assert_eq!(
            check_proposed(&flights, &[], &later, &Config::default()).status,
            Status::Current
        );
    }

    #[test]
    fn an_old_breach_does_not_block_a_new_booking() {
        let mut flights = day_one();
        flights.push(lesson(
            "extra",
            utc(2026, 3, 1, 19, 0),
            utc(2026, 3, 1, 20, 0),
        ));
        let r = instructor_report(&flights, utc(2026, 3, 5, 0, 0), &Config::default());
        assert_eq!(r.breaches.len(), 1);
        let p = planned("new", utc(2026, 3, 4, 8, 0), utc(2026, 3, 4, 9, 0));
        assert!(!check_proposed(&flights, &[], &p, &Config::default()).violation);
    }

    #[test]
    fn simulators_are_excluded_unless_configured() {
        let mut sim = lesson("sim", utc(2026, 3, 2, 6, 0), utc(2026, 3, 2, 7, 0));
        sim.device.kind = DeviceKind::Ffs;
        let mut flights = day_one();
        flights.push(sim);
        let at = utc(2026, 3, 2, 7, 30);
        assert!(instructor_report(&flights, at, &Config::default())
            .breaches
            .is_empty());
        let with_sims = Config {
            instructor_include_simulators: true,
            ..Config::default()
        };
        assert_eq!(
            instructor_report(&flights, at, &with_sims).breaches.len(),
            1
        );
    }

    #[test]
    fn logged_minutes_are_spread_over_the_block() {
        // A 2-hour block with 60 minutes of training counts 1.0 h, half in each hour.
        let mut f = lesson("half", utc(2026, 3, 1, 8, 0), utc(2026, 3, 1, 10, 0));
        f.instruction_given_minutes = 60;
        let r = instructor_report(&[f.clone()], utc(2026, 3, 1, 9, 0), &Config::default());
        assert!((r.hours_last_24h - 0.5).abs() < 1e-9);
        let r = instructor_report(&[f], utc(2026, 3, 1, 12, 0), &Config::default());
        assert!((r.hours_last_24h - 1.0).abs() < 1e-9);
    }

    #[test]
    fn block_off_alone_places_the_training_after_it() {
        let mut f = Flight::new("off", d(2026, 3, 1), asel());
        f.block_off = Some(utc(2026, 3, 1, 8, 0));
        f.instruction_given_minutes = 90;
        let r = instructor_report(&[f], utc(2026, 3, 1, 12, 0), &Config::default());
        assert!((r.hours_last_24h - 1.5).abs() < 1e-9);
        assert!(r.unverifiable.is_empty());
    }
}
