//! 100,000 synthetic logbook entries: every verdict at once, and the scheduler's check.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use flightdesk_currency::rules::instructor::{check_proposed, Planned};
use flightdesk_currency::{evaluate, Aircraft, Config, Flight, Pilot};
use std::hint::black_box;

/// Ten entries a day for about 27 years, cycling through six aircraft, with night landings,
/// instrument work and timed instruction sprinkled in (a small LCG, so runs are identical).
fn synthetic(n: usize) -> Vec<Flight> {
    let aircraft = [
        Aircraft::default(),
        Aircraft {
            tailwheel: true,
            ..Aircraft::default()
        },
        Aircraft {
            class: "AMEL".into(),
            ..Aircraft::default()
        },
        Aircraft {
            class: "AMEL".into(),
            type_rating: Some("CE-525".into()),
            multi_pilot: true,
            ..Aircraft::default()
        },
        Aircraft {
            class: "ASES".into(),
            ..Aircraft::default()
        },
        Aircraft {
            easa_class_or_type: Some("SEP(land)".into()),
            ..Aircraft::default()
        },
    ];
    let start = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    (0..n)
        .map(|i| {
            let date = start + Duration::days((i / 10) as i64);
            let r = next();
            let mut f = Flight::new(format!("f{i}"), date, aircraft[(r % 6) as usize].clone());
            f.takeoffs_day = r % 3;
            f.landings_day_full_stop = (r >> 2) % 2;
            f.landings_day_touch_and_go = (r >> 3) % 3;
            if r % 7 == 0 {
                f.takeoffs_night = 1;
                f.landings_night_full_stop = 1;
                f.takeoffs_civil_night = 1;
                f.landings_civil_night = 1;
            }
            if r % 11 == 0 {
                f.approaches_pilot_flying = 2;
                f.holds = 1;
                f.tracking = true;
            }
            if r % 5 == 0 {
                let off: DateTime<Utc> = Utc.from_utc_datetime(&date.and_hms_opt(8, 0, 0).unwrap())
                    + Duration::minutes(i64::from((i % 10) as u32 * 90));
                f.block_off = Some(off);
                f.block_on = Some(off + Duration::minutes(75));
                f.instruction_given_minutes = 60;
            }
            f.flight_review = i % 7000 == 0;
            f
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let flights = synthetic(100_000);
    let at = flights
        .last()
        .unwrap()
        .date
        .and_hms_opt(20, 0, 0)
        .unwrap()
        .and_utc()
        .fixed_offset();
    let pilot = Pilot::default();
    let config = Config::default();
    c.bench_function("evaluate 100k flights", |b| {
        b.iter(|| evaluate(black_box(&flights), &pilot, at, &config))
    });
    let p = Planned {
        id: "new".into(),
        start: at.to_utc() + Duration::hours(12),
        end: at.to_utc() + Duration::hours(13),
    };
    c.bench_function("check_proposed against 100k flights", |b| {
        b.iter(|| check_proposed(black_box(&flights), &[], &p, &config))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
