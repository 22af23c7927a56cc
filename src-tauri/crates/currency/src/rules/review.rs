//! 14 CFR 61.56 flight review and 61.23 medical expiry.

use chrono::{Duration, NaiveDate};

use crate::config::Config;
use crate::logbook::Logbook;
use crate::model::Pilot;
use crate::rules::instrument::{end_of_month, month_index};
use crate::verdict::{status_for, Status, Verdict};
use crate::words::date_words;

/// Rule name of [`flight_review`].
pub const RULE_REVIEW: &str = "14 CFR 61.56";
/// Rule name of [`medical`].
pub const RULE_MEDICAL: &str = "14 CFR 61.23";

/// 14 CFR 61.56(c): a flight review (or, per 61.56(d), a practical test for a certificate,
/// rating or operating privilege) within the preceding 24 calendar months. A review in month
/// M keeps the pilot current through the last day of M+24: a review on 2026-03-10 is good
/// through 2028-03-31. No review in the log answers `expired` (the log is all we know).
pub fn flight_review(log: &Logbook, at: NaiveDate, config: &Config) -> Verdict {
    let last = log
        .up_to(at)
        .iter()
        .find(|f| f.flight_review || f.checkride || f.instrument_checkride);
    let until = last.map(|f| end_of_month(month_index(f.date) + 24));
    let status = status_for(until, at, config);
    let (missing, explanation) = match (status, last, until) {
        (_, Some(f), Some(u)) => {
            let what = if f.flight_review {
                "flight review"
            } else {
                "practical test (61.56(d))"
            };
            let missing = match status {
                Status::ExpiringSoon => Some(format!("a flight review by {}", date_words(u))),
                Status::Expired => Some("a flight review with an authorized instructor".into()),
                _ => None,
            };
            let sentence = if status.is_current() {
                format!(
                    "Current through {u}: {what} on {} (flight {}).",
                    f.date, f.id
                )
            } else {
                format!(
                    "Not current since {}: the last {what}, on {} (flight {}), was good through \
                     {u}.",
                    u + Duration::days(1),
                    f.date,
                    f.id
                )
            };
            (missing, sentence)
        }
        _ => (
            Some("a flight review with an authorized instructor".into()),
            "Not current: no flight review or practical test is logged.".into(),
        ),
    };
    Verdict {
        rule: RULE_REVIEW.to_string(),
        key: "flight review".to_string(),
        current: status.is_current(),
        status,
        until,
        counted: last.map(|f| vec![f.id.clone()]).unwrap_or_default(),
        missing,
        explanation,
    }
}

/// 14 CFR 61.23: the medical certificate, when the pilot has entered its expiry (the last
/// valid day for the privileges used). `None` when unknown.
pub fn medical(pilot: &Pilot, at: NaiveDate, config: &Config) -> Option<Verdict> {
    let u = pilot.medical_expires?;
    let status = status_for(Some(u), at, config);
    let (missing, explanation) = match status {
        Status::Current => (
            None,
            format!("Current through {u}: the medical certificate's expiry."),
        ),
        Status::ExpiringSoon => (
            Some(format!("a new medical certificate by {}", date_words(u))),
            format!("Current through {u}: the medical certificate's expiry."),
        ),
        _ => (
            Some("a new medical certificate".into()),
            format!(
                "Not current since {}: the medical certificate expired on {u}.",
                u + Duration::days(1)
            ),
        ),
    };
    Some(Verdict {
        rule: RULE_MEDICAL.to_string(),
        key: "medical".to_string(),
        current: status.is_current(),
        status,
        until: Some(u),
        counted: Vec::new(),
        missing,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Flight;
    use crate::testkit::*;

    fn review(flights: &[Flight], at: NaiveDate) -> Verdict {
        flight_review(&Logbook::new(flights), at, &Config::default())
    }

    #[test]
    fn review_in_march_2026_lasts_through_march_2028() {
        // "Within the preceding 24 calendar months": a flight in March 2028 looks back over
        // Mar 2026..Feb 2028, which holds the review; one in April 2028 does not.
        let mut f = Flight::new("fr", d(2026, 3, 10), asel());
        f.flight_review = true;
        let flights = [f];
        let v = review(&flights, d(2026, 3, 11));
        assert_eq!(v.until, Some(d(2028, 3, 31)));
        assert_eq!(v.status, Status::Current);
        assert_eq!(v.counted, vec!["fr"]);
        assert_eq!(
            review(&flights, d(2028, 3, 15)).status,
            Status::ExpiringSoon
        );
        assert!(review(&flights, d(2028, 3, 31)).current);
        let late = review(&flights, d(2028, 4, 1));
        assert_eq!(late.status, Status::Expired);
        assert!(late.explanation.starts_with("Not current since 2028-04-01"));
    }

    #[test]
    fn a_checkride_counts_and_no_review_is_expired() {
        let mut ride = Flight::new("ride", d(2026, 8, 31), asel());
        ride.checkride = true;
        assert_eq!(review(&[ride], d(2026, 9, 1)).until, Some(d(2028, 8, 31)));
        let none = review(&[circuits("a", d(2026, 1, 1), asel(), 3)], d(2026, 2, 1));
        assert!(!none.current);
        assert_eq!(none.until, None);
    }

    #[test]
    fn medical_verdict_only_when_known() {
        let config = Config::default();
        assert!(medical(&Pilot::default(), d(2026, 1, 1), &config).is_none());
        let pilot = Pilot {
            medical_expires: Some(d(2026, 6, 30)),
            ..Pilot::default()
        };
        assert!(medical(&pilot, d(2026, 6, 30), &config).unwrap().current);
        let v = medical(&pilot, d(2026, 7, 1), &config).unwrap();
        assert_eq!(v.status, Status::Expired);
        assert_eq!(v.rule, "14 CFR 61.23");
    }
}
