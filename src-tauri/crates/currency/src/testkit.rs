//! Builders for the tests: short names so each worked example reads like the logbook.
// Shared by every rule's tests; not each uses every builder.
#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::model::{Aircraft, Category, Flight};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn utc(y: i32, m: u32, day: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, min, 0).unwrap()
}

pub fn asel() -> Aircraft {
    Aircraft::default()
}

pub fn amel() -> Aircraft {
    Aircraft {
        class: "AMEL".into(),
        ..Aircraft::default()
    }
}

pub fn tailwheel() -> Aircraft {
    Aircraft {
        tailwheel: true,
        ..Aircraft::default()
    }
}

pub fn glider() -> Aircraft {
    Aircraft {
        category: Category::Glider,
        class: "glider".into(),
        ..Aircraft::default()
    }
}

/// `n` day takeoffs and `n` day full-stop landings.
pub fn circuits(id: &str, date: NaiveDate, aircraft: Aircraft, n: u32) -> Flight {
    Flight {
        takeoffs_day: n,
        landings_day_full_stop: n,
        ..Flight::new(id, date, aircraft)
    }
}

/// `n` day takeoffs and `n` day touch-and-goes.
pub fn touch_and_goes(id: &str, date: NaiveDate, aircraft: Aircraft, n: u32) -> Flight {
    Flight {
        takeoffs_day: n,
        landings_day_touch_and_go: n,
        ..Flight::new(id, date, aircraft)
    }
}

/// A full 61.57(c) set: 6 approaches as pilot flying, a hold, tracking.
pub fn instrument_set(id: &str, date: NaiveDate, aircraft: Aircraft) -> Flight {
    Flight {
        approaches_pilot_flying: 6,
        holds: 1,
        tracking: true,
        ..Flight::new(id, date, aircraft)
    }
}

/// Flight training given from `off` to `on`, all of the block.
pub fn lesson(id: &str, off: DateTime<Utc>, on: DateTime<Utc>) -> Flight {
    Flight {
        block_off: Some(off),
        block_on: Some(on),
        role: crate::model::Role::Instructor,
        instruction_given_minutes: ((on - off).num_minutes()) as u32,
        ..Flight::new(id, off.date_naive(), asel())
    }
}
