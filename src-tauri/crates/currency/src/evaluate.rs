//! Every verdict for a pilot at one moment.

use chrono::{DateTime, FixedOffset, Utc};

use crate::config::Config;
use crate::logbook::Logbook;
use crate::model::{Flight, Pilot};
use crate::rules::{easa, instructor, instrument, passenger, review};
use crate::verdict::Verdict;

/// Evaluates every rule for every key seen in `flights`, at `at` (the pilot's local time:
/// its date drives the day- and month-based rules, its instant the 24-hour rule).
///
/// Order: FAA 61.57(a) per key (tailwheel keys included), 61.57(b) per key without tailwheel,
/// 61.57(c) per category with any instrument work logged, 61.56, the medical when known,
/// 61.195(a) when any instruction is logged; then EASA FCL.060(b)(1) and (b)(2) per type or
/// class. [`Config::faa`] and [`Config::easa`] switch the two sets. The flights are sorted
/// once; each rule then walks only as far back as it needs.
pub fn evaluate(
    flights: &[Flight],
    pilot: &Pilot,
    at: DateTime<FixedOffset>,
    config: &Config,
) -> Vec<Verdict> {
    let date = at.date_naive();
    let instant: DateTime<Utc> = at.to_utc();
    let log = Logbook::new(flights);
    let mut out = Vec::new();
    if config.faa {
        let keys = log.faa_keys();
        for key in &keys {
            out.push(passenger::passenger_day(&log, key, date, config));
        }
        for key in keys.iter().filter(|k| !k.tailwheel) {
            out.push(passenger::passenger_night(&log, key, date, config));
        }
        for category in log.instrument_categories() {
            out.push(instrument::instrument(&log, category, date, config));
        }
        out.push(review::flight_review(&log, date, config));
        out.extend(review::medical(pilot, date, config));
        if log.has_instruction() {
            out.push(instructor::instructor(flights, instant, config));
        }
    }
    if config.easa {
        for key in log.easa_keys() {
            out.push(easa::easa_recent(&log, &key, date, config));
            out.push(easa::easa_night(&log, pilot, &key, date, config));
        }
    }
    out
}
