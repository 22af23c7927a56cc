//! Airport codes as places: the `airport-data` crate's embedded table (about 18,800
//! airports from OurAirports with their ICAO and IATA codes, positions and IANA time
//! zones; CC BY 4.0), so nothing is downloaded at run time.
//!
//! A code is looked up as an ICAO code first, then as an IATA code; a US three-letter
//! identifier typed without its `K` (`PHL`) is also its IATA code. Codes the table does not
//! hold (private strips) stay codes: no place, no derived value. The sandbox's invented
//! fields are no places either, though two of their idents are real airports elsewhere
//! (KSKY is Sandusky, Ohio; KMTN Martin State, Maryland): records of demo accounts are not
//! looked up at all ([`crate::columns`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use airport_data::{Airport, AirportData};
use chrono::{DateTime, FixedOffset, Utc};
use flightdesk_currency::night::Position;
use serde::{Deserialize, Serialize};

/// An airport as an entry shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[ts(rename = "AirportPlace")]
pub struct Place {
    /// The code as the source spelled it.
    pub code: String,
    pub icao: String,
    pub iata: String,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
    /// IANA zone, e.g. `America/New_York`.
    pub time_zone: String,
}

impl Place {
    pub fn position(&self) -> Option<Position> {
        Position::new(self.latitude, self.longitude)
    }

    /// `at` on the airport's clock, when its zone is known.
    pub fn local_time(&self, at: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
        let zone: chrono_tz::Tz = self.time_zone.parse().ok()?;
        Some(at.with_timezone(&zone).fixed_offset())
    }
}

static DATA: AirportData = AirportData;

/// Every airport by upper-case ICAO code and by IATA code (ICAO first where one code is
/// both, which the table never has for airports with both codes).
fn index() -> &'static HashMap<String, &'static Airport> {
    static INDEX: OnceLock<HashMap<String, &'static Airport>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut by = HashMap::new();
        for a in DATA.all_airports() {
            if !a.iata.is_empty() {
                by.entry(a.iata.to_uppercase()).or_insert(a);
            }
        }
        // ICAO codes are unique and win over an IATA code that happens to match.
        for a in DATA.all_airports() {
            if !a.icao.is_empty() {
                by.insert(a.icao.to_uppercase(), a);
            }
        }
        by
    })
}

/// The place a departure or arrival code names, if the table holds it.
pub fn place(code: &str) -> Option<Place> {
    let wanted = code.trim().to_uppercase();
    if wanted.len() < 3 || wanted.len() > 4 {
        return None;
    }
    let a = index().get(&wanted)?;
    Some(Place {
        code: code.trim().to_string(),
        icao: a.icao.clone(),
        iata: a.iata.clone(),
        name: a.airport.clone(),
        latitude: a.latitude,
        longitude: a.longitude,
        time_zone: a.timezone.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn icao_and_iata_codes_become_places_with_their_zone() {
        let phl = place("kphl").unwrap();
        assert_eq!((phl.icao.as_str(), phl.iata.as_str()), ("KPHL", "PHL"));
        assert!((phl.latitude - 39.87).abs() < 0.05 && (phl.longitude + 75.24).abs() < 0.05);
        assert_eq!(phl.time_zone, "America/New_York");
        assert_eq!(place("LHR").unwrap().icao, "EGLL");
        assert!(place("KZZZ").is_none(), "a code the table does not hold");
        // One of the sandbox's invented idents is a real airport far from its world.
        assert_eq!(place("KSKY").unwrap().name, "Griffin Sandusky Airport");
        assert!(place("").is_none() && place("ABCDE").is_none());
    }

    #[test]
    fn local_time_follows_the_airports_daylight_saving() {
        let phl = place("KPHL").unwrap();
        let winter = Utc.with_ymd_and_hms(2026, 1, 15, 17, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 15, 17, 0, 0).unwrap();
        assert_eq!(
            phl.local_time(winter).unwrap().to_rfc3339(),
            "2026-01-15T12:00:00-05:00"
        );
        assert_eq!(
            phl.local_time(summer).unwrap().to_rfc3339(),
            "2026-07-15T13:00:00-04:00"
        );
    }
}
