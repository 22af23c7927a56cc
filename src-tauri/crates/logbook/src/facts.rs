//! An entry's numbers for totals and currency as one compact text line, stored beside the
//! entry (`logbook_facts`). Totals and every verdict for one person at 100,000 entries must
//! take well under 50 ms; decoding that many JSON entries alone takes far longer, so each
//! build joins a person's lines into one binary blob ([`crate::figures`]) that the first
//! call of a process reads and decodes.
//!
//! Line format (`;`-separated, hours with two decimals, empty for none):
//! `id;date;block_off;block_on;registration;category_class;sim;role;solo;total;pic;sic;
//! dual;instruction;solo_h;xc;night;actual;simulated;landings;day_fs;night_fs;approaches;
//! holding;night_takeoffs;civil_night_takeoffs;civil_night_landings;xc_50nm`.
//! Registrations and categories never hold `;` or a newline (they are replaced by a space).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use flightdesk_currency::{self as currency, Category, Device, DeviceKind};
use flightdesk_store::Store;

use crate::error::{LogbookError, Result};
use crate::freshness;
use crate::model::{Entry, Role};

/// What totals and currency read of one entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Facts {
    pub id: String,
    pub date: NaiveDate,
    pub block_off: Option<DateTime<Utc>>,
    pub block_on: Option<DateTime<Utc>>,
    /// Shared by the entries that repeat it (one string per aircraft, not per entry).
    pub registration: Arc<str>,
    pub category_class: Arc<str>,
    pub simulator: bool,
    pub role: Option<Role>,
    pub hours: Hours,
    pub landings: u32,
    pub day_full_stop: u32,
    pub night_full_stop: u32,
    pub approaches: u32,
    pub holding: bool,
    pub night_takeoffs: u32,
    pub civil_night_takeoffs: u32,
    pub civil_night_landings: u32,
}

/// The hour columns that add up.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, ts_rs::TS)]
pub struct Hours {
    pub total: f64,
    pub pic: f64,
    pub sic: f64,
    pub dual_received: f64,
    pub instruction_given: f64,
    pub solo: f64,
    pub cross_country: f64,
    /// Cross-country by 14 CFR 61.1 (ii): a landing more than 50 NM from the departure.
    pub cross_country_50nm: f64,
    pub night: f64,
    pub actual_instrument: f64,
    pub simulated_instrument: f64,
}

impl Hours {
    /// Every column, in one fixed order (the order [`crate::figures`] stores them in).
    pub fn columns_mut(&mut self) -> [&mut f64; 11] {
        [
            &mut self.total,
            &mut self.pic,
            &mut self.sic,
            &mut self.dual_received,
            &mut self.instruction_given,
            &mut self.solo,
            &mut self.cross_country,
            &mut self.cross_country_50nm,
            &mut self.night,
            &mut self.actual_instrument,
            &mut self.simulated_instrument,
        ]
    }
}

fn clean(s: &str) -> String {
    s.replace([';', '\n'], " ")
}

fn role_char(r: Option<Role>) -> &'static str {
    match r {
        Some(Role::Pic) => "P",
        Some(Role::Sic) => "S",
        Some(Role::Dual) => "D",
        Some(Role::Instructor) => "I",
        None => "",
    }
}

impl Facts {
    /// The facts of an entry as shown (annotation applied).
    pub fn of(e: &Entry) -> Facts {
        let f = |x: Option<&f64>| x.copied().unwrap_or(0.0);
        let n = |x: Option<&u32>| x.copied().unwrap_or(0);
        Facts {
            id: e.id.clone(),
            date: e.date,
            block_off: e.block_off.get().copied(),
            block_on: e.block_on.get().copied(),
            registration: e
                .registration
                .get()
                .map_or_else(Arc::default, |s| s.as_str().into()),
            category_class: e
                .category_class
                .get()
                .map_or_else(Arc::default, |s| s.as_str().into()),
            simulator: e.simulator,
            role: e.role.get().copied(),
            hours: Hours {
                total: f(e.total_hours.get()),
                pic: e.pic_hours,
                sic: e.sic_hours,
                dual_received: e.dual_received_hours,
                instruction_given: e.instruction_given_hours,
                solo: e.solo_hours,
                cross_country: f(e.cross_country_hours.get()),
                cross_country_50nm: f(e.cross_country_50nm_hours.get()),
                night: f(e.night_hours.get()),
                actual_instrument: f(e.actual_instrument_hours.get()),
                simulated_instrument: f(e.simulated_instrument_hours.get()),
            },
            landings: n(e.landings.get()),
            day_full_stop: n(e.day_full_stop_landings.get()),
            night_full_stop: n(e.night_full_stop_landings.get()),
            approaches: n(e.approaches.get()),
            holding: e.holding.get().copied().unwrap_or(false),
            night_takeoffs: n(e.night_takeoffs.get()),
            // Civil night begins before the 61.57(b) period: these undercount, never
            // overcount, FCL.060(b)(2) night take-offs and landings.
            civil_night_takeoffs: n(e.night_takeoffs.get()),
            civil_night_landings: n(e.night_full_stop_landings.get()),
        }
    }

    /// The stored line.
    pub fn line(&self) -> String {
        let t = |x: Option<DateTime<Utc>>| x.map_or(String::new(), |t| t.timestamp().to_string());
        let h = |x: f64| {
            if x == 0.0 {
                String::new()
            } else {
                format!("{x:.2}")
            }
        };
        let hs = &self.hours;
        [
            self.id.clone(),
            self.date.to_string(),
            t(self.block_off),
            t(self.block_on),
            clean(&self.registration),
            clean(&self.category_class),
            u8::from(self.simulator).to_string(),
            role_char(self.role).to_string(),
            String::new(),
            h(hs.total),
            h(hs.pic),
            h(hs.sic),
            h(hs.dual_received),
            h(hs.instruction_given),
            h(hs.solo),
            h(hs.cross_country),
            h(hs.night),
            h(hs.actual_instrument),
            h(hs.simulated_instrument),
            self.landings.to_string(),
            self.day_full_stop.to_string(),
            self.night_full_stop.to_string(),
            self.approaches.to_string(),
            u8::from(self.holding).to_string(),
            self.night_takeoffs.to_string(),
            self.civil_night_takeoffs.to_string(),
            self.civil_night_landings.to_string(),
            h(hs.cross_country_50nm),
        ]
        .join(";")
    }

    /// Reads a stored line.
    pub fn parse(line: &str) -> Option<Facts> {
        // Into a fixed array: no allocation per line but the strings kept.
        let mut v = [""; 28];
        let mut parts = line.split(';');
        for slot in &mut v {
            *slot = parts.next()?;
        }
        if parts.next().is_some() {
            return None;
        }
        let h = |s: &str| {
            if s.is_empty() {
                Some(0.0)
            } else {
                s.parse().ok()
            }
        };
        let t = |s: &str| {
            if s.is_empty() {
                Some(None)
            } else {
                Some(DateTime::from_timestamp(s.parse().ok()?, 0))
            }
        };
        let n = |s: &str| s.parse::<u32>().ok();
        Some(Facts {
            id: v[0].to_string(),
            date: v[1].parse().ok()?,
            block_off: t(v[2])?,
            block_on: t(v[3])?,
            registration: v[4].into(),
            category_class: v[5].into(),
            simulator: v[6] == "1",
            role: match v[7] {
                "P" => Some(Role::Pic),
                "S" => Some(Role::Sic),
                "D" => Some(Role::Dual),
                "I" => Some(Role::Instructor),
                _ => None,
            },
            hours: Hours {
                total: h(v[9])?,
                pic: h(v[10])?,
                sic: h(v[11])?,
                dual_received: h(v[12])?,
                instruction_given: h(v[13])?,
                solo: h(v[14])?,
                cross_country: h(v[15])?,
                cross_country_50nm: h(v[27])?,
                night: h(v[16])?,
                actual_instrument: h(v[17])?,
                simulated_instrument: h(v[18])?,
            },
            landings: n(v[19])?,
            day_full_stop: n(v[20])?,
            night_full_stop: n(v[21])?,
            approaches: n(v[22])?,
            holding: v[23] == "1",
            night_takeoffs: n(v[24])?,
            civil_night_takeoffs: n(v[25])?,
            civil_night_landings: n(v[26])?,
        })
    }

    /// The entry as the currency engine reads it.
    ///
    /// Interpretations (docs/logbook.md): the pilot is sole manipulator as PIC and while
    /// receiving dual, not as instructor or SIC; every landing follows a takeoff; landings
    /// not known to be full stops at night count as day touch-and-goes (the sources do not
    /// tell them apart); flying approaches includes intercepting and tracking courses.
    pub fn flight(&self) -> currency::Flight {
        self.flight_in(aircraft(&self.category_class))
    }

    /// [`Facts::flight`] in `aircraft` (the one its category and class name).
    fn flight_in(&self, aircraft: currency::Aircraft) -> currency::Flight {
        let mut f = currency::Flight::new(self.id.clone(), self.date, aircraft);
        f.block_off = self.block_off;
        f.block_on = self.block_on;
        if self.simulator {
            f.device = Device {
                kind: DeviceKind::Ftd,
                ..Device::AIRCRAFT
            };
        }
        f.role = match self.role {
            Some(Role::Pic) | None => currency::Role::Pic,
            Some(Role::Sic) => currency::Role::Sic,
            Some(Role::Dual) => currency::Role::Dual,
            Some(Role::Instructor) => currency::Role::Instructor,
        };
        f.sole_manipulator = matches!(self.role, Some(Role::Pic) | Some(Role::Dual) | None);
        let landings = self.landings.max(self.day_full_stop + self.night_full_stop);
        f.landings_day_full_stop = self.day_full_stop;
        f.landings_night_full_stop = self.night_full_stop;
        f.landings_day_touch_and_go = landings - self.day_full_stop - self.night_full_stop;
        f.takeoffs_night = self.night_takeoffs.min(landings);
        f.takeoffs_day = landings - f.takeoffs_night;
        f.takeoffs_civil_night = self.civil_night_takeoffs.max(f.takeoffs_night);
        f.landings_civil_night = self.civil_night_landings;
        f.approaches_pilot_flying = self.approaches;
        f.holds = u32::from(self.holding);
        f.tracking = self.approaches > 0;
        if !self.simulator {
            f.instruction_given_minutes = (self.hours.instruction_given * 60.0).round() as u32;
        }
        f
    }
}

/// The currency engine's aircraft of a category and class.
fn aircraft(category_class: &str) -> currency::Aircraft {
    let (category, class) = split_category_class(category_class);
    currency::Aircraft {
        category,
        class,
        ..currency::Aircraft::default()
    }
}

/// "airplane ASEL" → (airplane, "ASEL"); a simulator ("FSTD") counts as an airplane.
fn split_category_class(text: &str) -> (Category, String) {
    let (cat, class) = text.split_once(' ').unwrap_or((text, ""));
    let category = match cat.to_lowercase().as_str() {
        "rotorcraft" | "helicopter" => Category::Rotorcraft,
        "glider" => Category::Glider,
        "powered-lift" => Category::PoweredLift,
        "lighter-than-air" | "balloon" => Category::LighterThanAir,
        _ => Category::Airplane,
    };
    let class = if class.is_empty() { "ASEL" } else { class };
    (category, class.to_string())
}

/// One person's facts, oldest first, and (made on first use) the currency engine's
/// flights of them.
#[derive(Debug, Default)]
pub struct PersonFacts {
    pub facts: Vec<Facts>,
    flights: OnceLock<Vec<currency::Flight>>,
}

impl PersonFacts {
    pub fn new(facts: Vec<Facts>) -> Self {
        PersonFacts {
            facts,
            flights: OnceLock::new(),
        }
    }

    /// The facts dated on or before `at`.
    pub fn until(&self, at: NaiveDate) -> &[Facts] {
        &self.facts[..self.facts.partition_point(|f| f.date <= at)]
    }

    /// The flights of the facts dated on or before `at`.
    pub fn flights_until(&self, at: NaiveDate) -> &[currency::Flight] {
        let flights = self.flights.get_or_init(|| {
            // A person flies a few categories and classes: each is read once.
            let mut seen: Vec<(&str, currency::Aircraft)> = Vec::new();
            self.facts
                .iter()
                .map(|f| {
                    let text: &str = &f.category_class;
                    let known = seen.iter().find(|(t, _)| *t == text);
                    let aircraft = match known {
                        Some((_, a)) => a.clone(),
                        None => {
                            seen.push((text, aircraft(text)));
                            seen[seen.len() - 1].1.clone()
                        }
                    };
                    f.flight_in(aircraft)
                })
                .collect()
        });
        &flights[..self.until(at).len()]
    }
}

/// The people whose facts a process keeps, at most (about 15 MB each at 100,000 entries).
pub(crate) const CACHED_PEOPLE: usize = 8;

/// Facts read from a database, by (database file, person), with the revision of the
/// entries they were read at ([`crate::freshness`]). Reading and parsing 100,000 lines
/// costs far more than the 50 ms totals and currency may take together, and the window
/// asks for both on every visit; the revision check is one read of a one-row key.
type Cache = HashMap<(PathBuf, String), (String, Arc<PersonFacts>)>;

fn cache() -> &'static Mutex<Cache> {
    static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Every facts line of `person`, oldest first: from this process's cache when the entries
/// have not changed since it was read, otherwise in one read.
pub async fn of_person(store: &Store, person: &str) -> Result<Arc<PersonFacts>> {
    let revision = freshness::revision(store).await?;
    let key = (store.path().to_path_buf(), person.to_string());
    if let Some((at, facts)) = cache().lock().expect("the facts cache").get(&key) {
        if *at == revision {
            return Ok(facts.clone());
        }
    }
    let facts = Arc::new(PersonFacts::new(read(store, person).await?));
    let mut cache = cache().lock().expect("the facts cache");
    if cache.len() >= CACHED_PEOPLE && !cache.contains_key(&key) {
        // Rarely more than a pilot and a few students: forgetting all is simplest.
        cache.clear();
    }
    cache.insert(key, (revision, facts.clone()));
    Ok(facts)
}

/// Forgets every person's figures this process keeps (as a process that did not build
/// starts): for benchmarks and tests of the first call.
pub fn forget_cached() {
    cache().lock().expect("the facts cache").clear();
}

/// Keeps `person`'s figures, made from the entries just written (`revision` is the build's),
/// in this process's cache, with the currency engine's flights of them: what the first
/// totals and currency call would otherwise read and parse ([`crate::build`]).
pub(crate) fn warm(store: &Store, person: &str, revision: &str, entries: &mut [&Entry]) {
    // The stored order (date, id) and the stored precision (hours to 2 decimals).
    entries.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let facts: Vec<Facts> = entries.iter().map(|e| Facts::of(e)).collect();
    let facts = crate::figures::decode(&crate::figures::encode(&facts))
        .expect("figures just encoded read back");
    let facts = Arc::new(PersonFacts::new(facts));
    facts.flights_until(NaiveDate::MAX);
    let key = (store.path().to_path_buf(), person.to_string());
    let mut cache = cache().lock().expect("the facts cache");
    if cache.len() >= CACHED_PEOPLE && !cache.contains_key(&key) {
        cache.clear();
    }
    cache.insert(key, (revision.to_string(), facts));
}

/// Reads (one row of the person's index, [`crate::index`]) and decodes every entry's facts
/// of `person` ([`crate::figures`]), oldest first.
async fn read(store: &Store, person: &str) -> Result<Vec<Facts>> {
    let blob = crate::index::figures(store, person).await?;
    crate::figures::decode(&blob)
        .ok_or_else(|| LogbookError::Corrupt(format!("the figures of {person}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_back_as_the_same_facts() {
        let f = Facts {
            id: "abc".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            block_off: DateTime::from_timestamp(1_772_355_600, 0),
            block_on: None,
            registration: "N1;X".into(),
            category_class: "airplane ASEL".into(),
            simulator: false,
            role: Some(Role::Instructor),
            hours: Hours {
                total: 1.4,
                pic: 1.4,
                instruction_given: 1.4,
                night: 0.25,
                cross_country_50nm: 1.4,
                ..Hours::default()
            },
            landings: 5,
            day_full_stop: 0,
            night_full_stop: 1,
            approaches: 2,
            holding: true,
            night_takeoffs: 1,
            civil_night_takeoffs: 0,
            civil_night_landings: 1,
        };
        let back = Facts::parse(&f.line()).unwrap();
        assert_eq!(&*back.registration, "N1 X", "a `;` cannot break the line");
        assert_eq!(
            back,
            Facts {
                registration: "N1 X".into(),
                ..f.clone()
            }
        );
        assert!(Facts::parse("abc;2026-03-01").is_none());
    }

    #[test]
    fn the_currency_flight_counts_landings_the_way_the_docs_say() {
        let f = Facts {
            id: "e".into(),
            date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            category_class: "airplane ASEL".into(),
            role: Some(Role::Dual),
            landings: 4,
            night_full_stop: 1,
            night_takeoffs: 1,
            ..Facts::default()
        };
        let flight = f.flight();
        assert!(flight.sole_manipulator, "a student flying dual manipulates");
        assert_eq!(flight.landings_night_full_stop, 1);
        assert_eq!(flight.landings_day_touch_and_go, 3);
        assert_eq!((flight.takeoffs_day, flight.takeoffs_night), (3, 1));
        let instructing = Facts {
            role: Some(Role::Instructor),
            ..f
        };
        assert!(!instructing.flight().sole_manipulator);
    }
}
