//! Dates, counts and lists in words, so every verdict reads as a sentence.

use chrono::{DateTime, NaiveDate, Utc};

/// "14 Jan 2026": the date style of `missing`, unambiguous in every locale.
pub fn date_words(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// "2026-03-02 07:00 UTC".
pub fn instant_words(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "1 landing", "3 landings". `noun` is singular; `plural_noun` is used otherwise.
pub fn count(n: u32, noun: &str, plural_noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {plural_noun}")
    }
}

/// "a", "a and b", "a, b and c".
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let head: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", head.join(", "), last.as_ref())
        }
    }
}

/// "(flights a, b, c)" or "(flight a)", listing at most 10 ids so a 100k-entry verdict stays
/// readable; `counted` always carries all of them.
pub fn flights_paren(ids: &[String]) -> String {
    const SHOWN: usize = 10;
    let noun = if ids.len() == 1 { "flight" } else { "flights" };
    if ids.len() <= SHOWN {
        format!("({noun} {})", ids.join(", "))
    } else {
        format!(
            "({noun} {}, and {} more)",
            ids[..SHOWN].join(", "),
            ids.len() - SHOWN
        )
    }
}

/// Hours with one decimal, "9.0 h".
pub fn hours(seconds: f64) -> String {
    // A sum of overlaps can come out a hair below zero, or at -0.0 (an empty float sum
    // starts there): never show "-0.0 h". `max` does not order signed zeros, so it may keep
    // -0.0; adding 0.0 turns any zero positive.
    format!("{:.1} h", (seconds / 3600.0).max(0.0) + 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_negative_zero_hours() {
        assert_eq!(hours(-1e-9), "0.0 h");
        assert_eq!(hours(-0.0), "0.0 h");
        assert_eq!(hours(5400.0), "1.5 h");
    }

    #[test]
    fn dates_and_lists_read_as_words() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 4).unwrap();
        assert_eq!(date_words(d), "4 Jan 2026");
        assert_eq!(count(1, "landing", "landings"), "1 landing");
        assert_eq!(count(0, "landing", "landings"), "0 landings");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
        assert_eq!(flights_paren(&["x".to_string()]), "(flight x)");
        let many: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        assert!(flights_paren(&many).ends_with("and 2 more)"));
        assert_eq!(hours(9.0 * 3600.0), "9.0 h");
    }
}
