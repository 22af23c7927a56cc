//! One person's totals: by aircraft, by category and class, by role, for the last 30, 90
//! and 365 days and all time, from the entries' facts lines.

use chrono::{Duration, NaiveDate};
use flightdesk_store::Store;
use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::facts::{self, Facts, Hours};
use crate::model::Role;

/// The sums of a set of entries.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, TS)]
pub struct Sums {
    pub entries: u64,
    #[serde(flatten)]
    pub hours: Hours,
    /// Session time in flight simulation training devices (not in `total`).
    pub simulator: f64,
    pub landings: u64,
    pub day_full_stop_landings: u64,
    pub night_full_stop_landings: u64,
    pub approaches: u64,
}

impl Sums {
    fn add(&mut self, f: &Facts) {
        self.entries += 1;
        let (h, o) = (&mut self.hours, &f.hours);
        if f.simulator {
            self.simulator += o.total;
        } else {
            h.total += o.total;
        }
        h.pic += o.pic;
        h.sic += o.sic;
        h.dual_received += o.dual_received;
        h.instruction_given += o.instruction_given;
        h.solo += o.solo;
        h.cross_country += o.cross_country;
        h.cross_country_50nm += o.cross_country_50nm;
        h.night += o.night;
        h.actual_instrument += o.actual_instrument;
        h.simulated_instrument += o.simulated_instrument;
        self.landings += u64::from(f.landings);
        self.day_full_stop_landings += u64::from(f.day_full_stop);
        self.night_full_stop_landings += u64::from(f.night_full_stop);
        self.approaches += u64::from(f.approaches);
    }

    /// Hours rounded to the tenth, as a logbook shows them.
    fn rounded(mut self) -> Self {
        let r = |x: &mut f64| *x = (*x * 10.0).round() / 10.0;
        for x in self.hours.columns_mut() {
            r(x);
        }
        r(&mut self.simulator);
        self
    }
}

/// One group's sums, e.g. aircraft `N44API`.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Group {
    pub key: String,
    pub sums: Sums,
}

/// The totals of one period.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PeriodTotals {
    /// `last_30_days`, `last_90_days`, `last_365_days` or `all_time`.
    pub period: String,
    /// First day counted (`None`: all time); the last is the day totals are for.
    pub from: Option<NaiveDate>,
    pub all: Sums,
    pub by_aircraft: Vec<Group>,
    pub by_category_class: Vec<Group>,
    pub by_role: Vec<Group>,
}

/// One person's totals at one day.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Totals {
    pub person: String,
    pub at: NaiveDate,
    pub periods: Vec<PeriodTotals>,
}

/// The periods, as (name, days back; `None` for all time). "Last 30 days" is the day
/// itself and the 29 before it.
const PERIODS: [(&str, Option<i64>); 4] = [
    ("last_30_days", Some(30)),
    ("last_90_days", Some(90)),
    ("last_365_days", Some(365)),
    ("all_time", None),
];

fn role_name(r: Option<Role>) -> &'static str {
    r.map_or("unknown", Role::as_str)
}

/// One period's running sums, grouped by borrowed keys (no allocation per entry).
#[derive(Default)]
struct Running<'a> {
    all: Sums,
    by: [Groups<'a>; 3],
}

impl<'a> Running<'a> {
    fn add(&mut self, f: &'a Facts) {
        self.all.add(f);
        let keys = [&*f.registration, &*f.category_class, role_name(f.role)];
        for (groups, key) in self.by.iter_mut().zip(keys) {
            groups.sums(key).add(f);
        }
    }
}

/// Sums by key. A person has a few aircraft, categories and roles over thousands of
/// entries, which mostly share their key's string ([`crate::figures`]): a linear search
/// that compares addresses first beats a map's string comparisons.
#[derive(Default)]
struct Groups<'a>(Vec<(&'a str, Sums)>);

impl<'a> Groups<'a> {
    fn sums(&mut self, key: &'a str) -> &mut Sums {
        let same = |k: &&str| std::ptr::eq(*k, key) || *k == key;
        let i = match self.0.iter().position(|(k, _)| same(k)) {
            Some(i) => i,
            None => {
                self.0.push((key, Sums::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[i].1
    }

    /// The groups, by key.
    fn sorted(mut self) -> Vec<Group> {
        self.0.sort_by(|a, b| a.0.cmp(b.0));
        self.0
            .into_iter()
            .map(|(key, sums)| Group {
                key: key.to_string(),
                sums: sums.rounded(),
            })
            .collect()
    }
}

/// Totals of `facts` (any order) at `at`; entries after `at` are not counted.
pub fn of_facts(person: &str, facts: &[Facts], at: NaiveDate) -> Totals {
    let froms: Vec<Option<NaiveDate>> = PERIODS
        .iter()
        .map(|(_, days)| days.map(|d| at - Duration::days(d - 1)))
        .collect();
    let mut running: Vec<Running> = PERIODS.iter().map(|_| Running::default()).collect();
    // One pass: each entry is added to every period it falls in.
    for f in facts.iter().filter(|f| f.date <= at) {
        for (period, from) in running.iter_mut().zip(&froms) {
            if from.is_none_or(|d| f.date >= d) {
                period.add(f);
            }
        }
    }
    let periods = PERIODS
        .iter()
        .zip(froms)
        .zip(running)
        .map(|(((name, _), from), r)| {
            let [a, c, role] = r.by;
            PeriodTotals {
                period: name.to_string(),
                from,
                all: r.all.rounded(),
                by_aircraft: a.sorted(),
                by_category_class: c.sorted(),
                by_role: role.sorted(),
            }
        })
        .collect();
    Totals {
        person: person.to_string(),
        at,
        periods,
    }
}

/// `person`'s totals at `at`, from the materialized logbook.
pub async fn totals(store: &Store, person: &str, at: NaiveDate) -> Result<Totals> {
    let facts = facts::of_person(store, person).await?;
    Ok(of_facts(person, facts.until(at), at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, date: &str, reg: &str, total: f64, role: Role) -> Facts {
        Facts {
            id: id.into(),
            date: date.parse().unwrap(),
            registration: reg.into(),
            category_class: "airplane ASEL".into(),
            role: Some(role),
            hours: Hours {
                total,
                pic: if role == Role::Pic { total } else { 0.0 },
                dual_received: if role == Role::Dual { total } else { 0.0 },
                ..Hours::default()
            },
            landings: 2,
            ..Facts::default()
        }
    }

    #[test]
    fn periods_count_the_day_itself_and_the_days_before_it() {
        let at: NaiveDate = "2026-03-31".parse().unwrap();
        let facts = vec![
            // Day 1 of the last 30 (March 2) and the day before it (March 1).
            entry("a", "2026-03-02", "N1", 1.0, Role::Pic),
            entry("b", "2026-03-01", "N2", 2.0, Role::Dual),
            entry("c", "2025-01-01", "N1", 4.0, Role::Pic),
            // After `at`: not counted.
            entry("d", "2026-04-01", "N1", 8.0, Role::Pic),
        ];
        let t = of_facts("person:ann", &facts, at);
        let p = |name: &str| t.periods.iter().find(|p| p.period == name).unwrap();
        assert_eq!(p("last_30_days").all.hours.total, 1.0);
        assert_eq!(p("last_90_days").all.hours.total, 3.0);
        assert_eq!(p("all_time").all.hours.total, 7.0);
        assert_eq!(p("all_time").all.landings, 6);
        let by_aircraft = &p("all_time").by_aircraft;
        assert_eq!(by_aircraft[0].key, "N1");
        assert_eq!(by_aircraft[0].sums.hours.total, 5.0);
        let by_role = &p("last_90_days").by_role;
        assert_eq!(
            by_role
                .iter()
                .map(|g| (g.key.as_str(), g.sums.hours.total))
                .collect::<Vec<_>>(),
            [("dual", 2.0), ("pic", 1.0)]
        );
        assert_eq!(p("last_90_days").all.hours.dual_received, 2.0);
    }

    #[test]
    fn cross_country_50_nm_is_summed_beside_cross_country() {
        let mut near = entry("a", "2026-03-02", "N1", 1.0, Role::Pic);
        near.hours.cross_country = 1.0;
        let mut far = entry("b", "2026-03-03", "N1", 2.04, Role::Pic);
        far.hours.cross_country = 2.04;
        far.hours.cross_country_50nm = 2.04;
        let t = of_facts("p", &[near, far], "2026-03-03".parse().unwrap());
        let all = &t.periods[3].all.hours;
        assert_eq!((all.cross_country, all.cross_country_50nm), (3.0, 2.0));
        assert_eq!(
            t.periods[3].by_aircraft[0].sums.hours.cross_country_50nm,
            2.0
        );
    }

    #[test]
    fn simulator_time_is_kept_apart_from_total_time() {
        let mut sim = entry("s", "2026-03-02", "SIM1", 1.5, Role::Dual);
        sim.simulator = true;
        let t = of_facts("p", &[sim], "2026-03-02".parse().unwrap());
        let all = &t.periods[3].all;
        assert_eq!((all.hours.total, all.simulator), (0.0, 1.5));
    }
}
