//! The input model: one [`Flight`] per logbook entry plus the [`Pilot`]'s own facts.
//!
//! The logbook maps its rows onto these types; the engine never reads the store. Counts are
//! the pilot's own entries (what they flew as sole manipulator or pilot flying), so the rules
//! only filter and add them up.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Aircraft category in the sense of 14 CFR 1.1 and 61.5(b), the first part of every FAA
/// currency key (61.57(a)(1)(ii) "same category, class, and type").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Airplane.
    Airplane,
    /// Rotorcraft (helicopter, gyroplane).
    Rotorcraft,
    /// Powered-lift.
    PoweredLift,
    /// Glider: 61.57(c)(3) has its own instrument tasks, which this engine does not model.
    Glider,
    /// Lighter-than-air (airship, balloon).
    LighterThanAir,
    /// Powered parachute.
    PoweredParachute,
    /// Weight-shift-control.
    WeightShiftControl,
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Category::Airplane => "airplane",
            Category::Rotorcraft => "rotorcraft",
            Category::PoweredLift => "powered-lift",
            Category::Glider => "glider",
            Category::LighterThanAir => "lighter-than-air",
            Category::PoweredParachute => "powered parachute",
            Category::WeightShiftControl => "weight-shift-control",
        })
    }
}

/// The aircraft (or the aircraft a device represents) of one logbook entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Aircraft {
    /// FAA category.
    pub category: Category,
    /// FAA class as the logbook spells it, e.g. "ASEL", "AMEL", "ASES", "helicopter".
    pub class: String,
    /// Type designator when the aircraft requires a type rating (61.31), e.g. "CE-525";
    /// `None` otherwise. It makes the 61.57(a)/(b) key stricter.
    pub type_rating: Option<String>,
    /// A tailwheel airplane: 61.57(a)(1)(ii) then requires full-stop landings in a tailwheel
    /// airplane.
    pub tailwheel: bool,
    /// Type certificated for more than one pilot flight crewmember: 61.57(a) applies even
    /// without passengers. Carried for the caller; the verdicts are the same.
    pub multi_pilot: bool,
    /// EASA class or type for FCL.060(b), e.g. "SEP(land)", "MEP(land)", "A320". `None`
    /// falls back to the type rating, then the FAA class (interpretation: the logbook should
    /// set it for EASA pilots, since FAA classes and EASA classes differ).
    pub easa_class_or_type: Option<String>,
}

impl Aircraft {
    /// The FCL.060(b) "same type or class" key for this aircraft.
    pub fn easa_key(&self) -> String {
        self.easa_class_or_type
            .clone()
            .or_else(|| self.type_rating.clone())
            .unwrap_or_else(|| self.class.clone())
    }
}

/// What the entry was flown in: an aircraft or a flight simulation training device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A real aircraft.
    #[default]
    Aircraft,
    /// Full flight simulator (14 CFR part 60).
    Ffs,
    /// Flight training device (14 CFR part 60).
    Ftd,
    /// Aviation training device (AC 61-136).
    Atd,
}

/// The device of an entry and the approvals that decide whether a simulator session counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Device {
    /// Aircraft, FFS, FTD or ATD.
    pub kind: DeviceKind,
    /// The FFS/FTD is approved by the Administrator for takeoffs and landings
    /// (61.57(a)(3)(i), (b)(2)(i)).
    pub approved_for_landings: bool,
    /// The session was part of an approved course under part 142 (61.57(a)(3)(ii),
    /// (b)(2)(iii)).
    pub part_142_course: bool,
    /// The visual system was adjusted to the night visual scene (61.57(b)(2)(ii)).
    pub night_visual: bool,
}

impl Device {
    /// A real aircraft.
    pub const AIRCRAFT: Device = Device {
        kind: DeviceKind::Aircraft,
        approved_for_landings: false,
        part_142_course: false,
        night_visual: false,
    };

    /// True for FFS, FTD and ATD.
    pub fn is_simulator(&self) -> bool {
        self.kind != DeviceKind::Aircraft
    }
}

/// The pilot's role on the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Pilot in command (including solo).
    #[default]
    Pic,
    /// Second in command / co-pilot.
    Sic,
    /// Receiving instruction from an instructor.
    Dual,
    /// Giving instruction.
    Instructor,
    /// Anything else (safety pilot, observer, relief pilot not at the controls).
    Other,
}

/// One logbook entry, reduced to what the currency rules read.
///
/// Takeoff and landing counts are the ones the pilot made; [`Flight::sole_manipulator`] says
/// whether they were made as sole manipulator of the controls / pilot flying. "Night" counts
/// come in two flavours on purpose: the 61.57(b) period (1 h after sunset to 1 h before
/// sunrise) and civil night (14 CFR 1.1, EASA), see [`crate::night`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
pub struct Flight {
    /// The logbook entry's id, echoed in every verdict's `counted`.
    pub id: String,
    /// The local logbook date: every day- and month-based rule counts on it.
    pub date: NaiveDate,
    /// Block-off instant in UTC, when known (61.195(a) needs it).
    pub block_off: Option<DateTime<Utc>>,
    /// Block-on instant in UTC, when known.
    pub block_on: Option<DateTime<Utc>>,
    /// The aircraft flown or represented by the device.
    pub aircraft: Aircraft,
    /// Aircraft, FFS, FTD or ATD, with approvals.
    pub device: Device,
    /// The pilot's role.
    pub role: Role,
    /// The logged takeoffs and landings were made as sole manipulator of the controls
    /// (61.57(a)(1)(i)) / as pilot flying (FCL.060(b)). When false, none of them count.
    pub sole_manipulator: bool,
    /// Takeoffs outside the 61.57(b) night period.
    pub takeoffs_day: u32,
    /// Takeoffs in the 61.57(b) period (1 h after sunset to 1 h before sunrise).
    pub takeoffs_night: u32,
    /// Full-stop landings outside the 61.57(b) night period.
    pub landings_day_full_stop: u32,
    /// Touch-and-go landings outside the 61.57(b) night period.
    pub landings_day_touch_and_go: u32,
    /// Full-stop landings in the 61.57(b) period.
    pub landings_night_full_stop: u32,
    /// Touch-and-go landings in the 61.57(b) period (they never count for 61.57(b)).
    pub landings_night_touch_and_go: u32,
    /// Takeoffs at civil night (end of evening to beginning of morning civil twilight),
    /// for FCL.060(b)(2). Usually at least `takeoffs_night`.
    pub takeoffs_civil_night: u32,
    /// Landings of any kind (touch-and-go included) at civil night, for FCL.060(b)(2).
    pub landings_civil_night: u32,
    /// Instrument approaches flown as pilot flying by reference to instruments
    /// (61.57(c)(1)(i)).
    pub approaches_pilot_flying: u32,
    /// Approaches flown as pilot monitoring: logged, but never counted (InFO 15012).
    pub approaches_pilot_monitoring: u32,
    /// Holding procedures and tasks (61.57(c)(1)(ii)).
    pub holds: u32,
    /// Intercepting and tracking courses through navigational electronic systems
    /// (61.57(c)(1)(iii)).
    pub tracking: bool,
    /// Passed an instrument proficiency check (61.57(d)).
    pub ipc: bool,
    /// Passed the instrument-rating practical test: counts as an IPC and as a flight review.
    pub instrument_checkride: bool,
    /// Passed any other practical test for a certificate, rating or operating privilege:
    /// satisfies 61.56 (61.56(d)).
    pub checkride: bool,
    /// Completed a flight review (61.56(a)), signed off by an authorized instructor.
    pub flight_review: bool,
    /// Flight training given, in minutes (61.195(a)). Zero when the pilot did not instruct.
    pub instruction_given_minutes: u32,
}

impl Flight {
    /// A blank airplane entry with the given id, date and aircraft; counts start at zero and
    /// the pilot is sole manipulator. Handy for mapping code and tests.
    pub fn new(id: impl Into<String>, date: NaiveDate, aircraft: Aircraft) -> Self {
        Flight {
            id: id.into(),
            date,
            aircraft,
            sole_manipulator: true,
            ..Flight::default()
        }
    }

    /// All takeoffs, day and night.
    pub fn takeoffs(&self) -> u32 {
        self.takeoffs_day + self.takeoffs_night
    }

    /// All landings, full-stop and touch-and-go, day and night.
    pub fn landings(&self) -> u32 {
        self.landings_full_stop()
            + self.landings_day_touch_and_go
            + self.landings_night_touch_and_go
    }

    /// Full-stop landings, day and night.
    pub fn landings_full_stop(&self) -> u32 {
        self.landings_day_full_stop + self.landings_night_full_stop
    }
}

impl Default for Aircraft {
    fn default() -> Self {
        Aircraft {
            category: Category::Airplane,
            class: "ASEL".into(),
            type_rating: None,
            tailwheel: false,
            multi_pilot: false,
            easa_class_or_type: None,
        }
    }
}

/// The pilot's own facts that are not logbook entries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Pilot {
    /// Last day the medical certificate is valid for the privileges exercised (61.23), when
    /// known.
    pub medical_expires: Option<NaiveDate>,
    /// Holds a valid EASA instrument rating, which satisfies FCL.060(b)(2)(ii).
    pub holds_instrument_rating: bool,
}
