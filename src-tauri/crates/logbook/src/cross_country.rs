//! Cross-country time, 14 CFR 61.1 "cross-country time":
//!
//! - (i), the general definition: flight time that includes a landing at a point other
//!   than the point of departure;
//! - (ii), for the aeronautical experience of a private, commercial or instrument rating:
//!   that landing is also at a straight-line distance of more than 50 nautical miles from
//!   the original point of departure.
//!
//! Positions come from the device track (its first point and its landing fixes) or else
//! from the departure and arrival airports ([`crate::airports`]). Interpretation: a
//! landing within [`SAME_POINT_NM`] of the departure point is at the point of departure
//! (a touch-and-go on the home runway is fixed up to a runway's length from the ramp).

use flightdesk_currency::night::Position;

/// How close a landing must be to the departure point to be at that point, NM.
pub const SAME_POINT_NM: f64 = 3.0;

/// The distance the aeronautical-experience definition requires to be exceeded, NM.
pub const AERONAUTICAL_EXPERIENCE_NM: f64 = 50.0;

/// Distances within this of a limit are at the limit (about 2 mm): the trigonometry leaves
/// a computed "exactly 50 NM" a few billionths above or below it.
const EPSILON_NM: f64 = 1e-6;

/// Mean Earth radius in nautical miles (6,371.0 km / 1.852).
const EARTH_RADIUS_NM: f64 = 3_440.065;

/// Great-circle (straight-line over the surface) distance between two positions, NM.
pub fn distance_nm(a: Position, b: Position) -> f64 {
    let (la1, la2) = (a.lat().to_radians(), b.lat().to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon() - a.lon()).to_radians();
    // Haversine: well conditioned for the short distances light aircraft fly.
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_NM * h.sqrt().min(1.0).asin()
}

/// What a flight's landings say about cross-country time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CrossCountry {
    /// The farthest landing's straight-line distance from the departure point, NM.
    pub farthest_nm: f64,
}

impl CrossCountry {
    /// From the departure point and every landing's position (none: no verdict).
    pub fn of(departure: Position, landings: &[Position]) -> Option<CrossCountry> {
        let farthest_nm = landings
            .iter()
            .map(|l| distance_nm(departure, *l))
            .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.max(d))))?;
        Some(CrossCountry { farthest_nm })
    }

    /// 61.1 (i): a landing at a point other than the point of departure.
    pub fn general(&self) -> bool {
        self.farthest_nm > SAME_POINT_NM + EPSILON_NM
    }

    /// 61.1 (ii): such a landing more than 50 NM in a straight line from the departure.
    pub fn aeronautical_experience(&self) -> bool {
        self.farthest_nm > AERONAUTICAL_EXPERIENCE_NM + EPSILON_NM
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(lat: f64, lon: f64) -> Position {
        Position::new(lat, lon).unwrap()
    }

    /// A point `nm` due north of `p` (one minute of latitude is one nautical mile on the
    /// sphere of `EARTH_RADIUS_NM`, to within its 60 NM per degree).
    fn north(p: Position, nm: f64) -> Position {
        pos(p.lat() + (nm / EARTH_RADIUS_NM).to_degrees(), p.lon())
    }

    #[test]
    fn distances_match_known_pairs() {
        // KPHL to KJFK is about 81 NM.
        let d = distance_nm(pos(39.8721, -75.2411), pos(40.6398, -73.7789));
        assert!((d - 81.0).abs() < 1.5, "{d}");
        assert_eq!(distance_nm(pos(10.0, 10.0), pos(10.0, 10.0)), 0.0);
    }

    #[test]
    fn the_50_nm_boundary_is_exclusive() {
        let home = pos(40.0, -75.2);
        let at = |nm| CrossCountry::of(home, &[north(home, nm)]).unwrap();
        let exactly = at(50.0);
        assert!((exactly.farthest_nm - 50.0).abs() < 1e-6);
        assert!(
            exactly.general() && !exactly.aeronautical_experience(),
            "50 NM is not more"
        );
        assert!(at(50.01).aeronautical_experience());
        assert!(!at(49.99).aeronautical_experience());
        // The farthest landing counts, not the last one: out 60 NM and back home.
        let out_and_back = CrossCountry::of(home, &[north(home, 60.0), home]).unwrap();
        assert!(out_and_back.aeronautical_experience());
        // Touch-and-goes at home are at the point of departure.
        let local = CrossCountry::of(home, &[north(home, 1.0), north(home, 0.5)]).unwrap();
        assert!(!local.general());
        assert!(CrossCountry::of(home, &[]).is_none());
    }
}
