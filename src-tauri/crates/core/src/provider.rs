//! The five provider systems FlightDesk connects to, under the names used everywhere
//! (settings keys, export `source`, CLI arguments).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A SaaS system a school keeps its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    AviationAlley,
    PilotFlows,
    Airbly,
    FlightSchoolBooking,
    Flylogs,
}

impl Provider {
    /// Every provider, in the order the UI lists them.
    pub const ALL: [Provider; 5] = [
        Provider::AviationAlley,
        Provider::PilotFlows,
        Provider::Airbly,
        Provider::FlightSchoolBooking,
        Provider::Flylogs,
    ];

    /// The stable machine name (`aviationalley`, `pilotflows`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Provider::AviationAlley => "aviationalley",
            Provider::PilotFlows => "pilotflows",
            Provider::Airbly => "airbly",
            Provider::FlightSchoolBooking => "flightschoolbooking",
            Provider::Flylogs => "flylogs",
        }
    }

    /// The name people know the product by.
    pub const fn display_name(self) -> &'static str {
        match self {
            Provider::AviationAlley => "AviationAlley",
            Provider::PilotFlows => "PilotFlows",
            Provider::Airbly => "Airbly",
            Provider::FlightSchoolBooking => "Flight School Booking",
            Provider::Flylogs => "Flylogs",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A provider name that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown provider `{0}` (expected one of: aviationalley, pilotflows, airbly, flightschoolbooking, flylogs)")]
pub struct UnknownProvider(pub String);

impl FromStr for Provider {
    type Err = UnknownProvider;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Provider::ALL
            .into_iter()
            .find(|p| p.as_str() == wanted)
            .ok_or_else(|| UnknownProvider(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_parse_and_serde() {
        for p in Provider::ALL {
            assert_eq!(p.as_str().parse::<Provider>().unwrap(), p);
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
        }
    }

    #[test]
    fn parse_is_case_insensitive_and_rejects_unknown_names() {
        assert_eq!("AirBly".parse::<Provider>().unwrap(), Provider::Airbly);
        let err = "skybook".parse::<Provider>().unwrap_err();
        assert!(err.to_string().contains("unknown provider `skybook`"));
    }
}
