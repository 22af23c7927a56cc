//! The logbook as CSV that MyFlightbook's import and spreadsheets read.
//!
//! The first nineteen headers are MyFlightbook's own import template ("Date, Tail Number,
//! Approaches, Hold, Landings, FS Night Landings, FS Day Landings, X-Country, Night, IMC,
//! Simulated Instrument, Ground Simulator, Dual Received, CFI, SIC, PIC, Total Flight
//! Time, Route, Comments"); the rest are columns of its export (Model, Category/Class,
//! Engine Start/End for block times) and flight
//! properties by name (Solo Time, Night Takeoffs, Instructor Name). docs/logbook.md maps
//! each to the entry's column.
//!
//! Free text that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) gets a
//! leading `'`, so a spreadsheet shows it as text instead of running it as a formula
//! (OWASP "CSV injection").

use std::io::Write;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::Result;
use crate::model::{Entry, Field};

/// The header row.
pub const HEADERS: [&str; 28] = [
    "Date",
    "Tail Number",
    "Approaches",
    "Hold",
    "Landings",
    "FS Night Landings",
    "FS Day Landings",
    "X-Country",
    "Night",
    "IMC",
    "Simulated Instrument",
    "Ground Simulator",
    "Dual Received",
    "CFI",
    "SIC",
    "PIC",
    "Total Flight Time",
    "Route",
    "Comments",
    "Model",
    "Category/Class",
    "Engine Start",
    "Engine End",
    "Solo Time",
    "Night Takeoffs",
    "Instructor Name",
    "X-Country 50 NM",
    "FlightDesk Entry",
];

/// `text` made safe for a spreadsheet cell.
pub fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn hours(h: f64) -> String {
    if h == 0.0 {
        String::new()
    } else {
        format!("{h:.2}")
    }
}

fn count(f: &Field<u32>) -> String {
    f.get().map_or(String::new(), u32::to_string)
}

fn text(f: &Field<String>) -> String {
    f.get().map_or(String::new(), |s| cell(s))
}

fn time(t: Option<&DateTime<Utc>>) -> String {
    t.map_or(String::new(), |t| {
        t.to_rfc3339_opts(SecondsFormat::Secs, true)
    })
}

/// The route MyFlightbook reads: airports separated by spaces.
fn route(e: &Entry) -> String {
    let r = e
        .route
        .get()
        .cloned()
        .or_else(|| match (e.departure.get(), e.arrival.get()) {
            (Some(d), Some(a)) => Some(format!("{d} {a}")),
            (Some(d), None) => Some(d.clone()),
            (None, Some(a)) => Some(a.clone()),
            (None, None) => None,
        });
    cell(&r.unwrap_or_default().replace('-', " "))
}

/// Writes `entries` as CSV, headers first.
pub fn write_csv<W: Write>(entries: &[Entry], out: W) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADERS)?;
    for e in entries {
        let total = e.total_hours.get().copied().unwrap_or(0.0);
        let (flight_total, sim) = if e.simulator {
            (0.0, total)
        } else {
            (total, 0.0)
        };
        let row: [String; 28] = [
            e.date.to_string(),
            text(&e.registration),
            count(&e.approaches),
            e.holding
                .get()
                .map_or(String::new(), |h| u8::from(*h).to_string()),
            count(&e.landings),
            count(&e.night_full_stop_landings),
            count(&e.day_full_stop_landings),
            hours(e.cross_country_hours.get().copied().unwrap_or(0.0)),
            hours(e.night_hours.get().copied().unwrap_or(0.0)),
            hours(e.actual_instrument_hours.get().copied().unwrap_or(0.0)),
            hours(e.simulated_instrument_hours.get().copied().unwrap_or(0.0)),
            hours(sim),
            hours(e.dual_received_hours),
            hours(e.instruction_given_hours),
            hours(e.sic_hours),
            hours(e.pic_hours),
            hours(flight_total),
            route(e),
            text(&e.remarks),
            text(&e.make_model),
            text(&e.category_class),
            time(e.block_off.get()),
            time(e.block_on.get()),
            hours(e.solo_hours),
            count(&e.night_takeoffs),
            text(&e.instructor_name),
            hours(e.cross_country_50nm_hours.get().copied().unwrap_or(0.0)),
            e.id.clone(),
        ];
        w.write_record(&row)?;
    }
    w.flush().map_err(csv::Error::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_escaped_and_other_text_is_left_alone() {
        for bad in ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"] {
            assert_eq!(cell(bad), format!("'{bad}"), "{bad:?}");
        }
        for fine in ["KMTN KBAY", "N44API", "", "a=b", "'quoted"] {
            assert_eq!(cell(fine), fine);
        }
    }

    #[test]
    fn a_csv_row_keeps_a_formula_as_text_and_quotes_commas() {
        let mut e: Entry = serde_json::from_value(serde_json::json!({
            "id": "e1", "person": {"id": "person:ann", "name": "Ann"}, "date": "2026-03-01",
            "departure": {"value": "KMTN", "from": null}, "arrival": {"value": "KBAY", "from": null},
            "route": {"value": null, "from": null},
            "aircraft_id": null, "registration": {"value": "N1", "from": null},
            "make_model": {"value": "Cessna 172", "from": null},
            "category_class": {"value": "airplane ASEL", "from": null}, "simulator": false,
            "block_off": {"value": null, "from": null}, "block_on": {"value": null, "from": null},
            "air_hours": {"value": null, "from": null}, "total_hours": {"value": 1.4, "from": null},
            "role": {"value": "pic", "from": null}, "pic_hours": 1.4, "sic_hours": 0.0,
            "dual_received_hours": 0.0, "instruction_given_hours": 0.0, "solo_hours": 1.4,
            "cross_country_hours": {"value": 1.4, "from": null},
            "cross_country_50nm_hours": {"value": 1.4, "from": null}, "night_hours": {"value": null, "from": null},
            "actual_instrument_hours": {"value": null, "from": null},
            "simulated_instrument_hours": {"value": null, "from": null},
            "landings": {"value": 3, "from": null}, "night_takeoffs": {"value": null, "from": null},
            "day_full_stop_landings": {"value": 1, "from": null},
            "night_full_stop_landings": {"value": 0, "from": null},
            "approaches": {"value": null, "from": null}, "holding": {"value": null, "from": null},
            "instructor_name": {"value": null, "from": null},
            "remarks": {"value": "=HYPERLINK(\"http://x\"), then home", "from": null},
            "crew": [], "sources": [], "annotation": null
        }))
        .unwrap();
        e.route.value = None;
        let mut out = Vec::new();
        write_csv(&[e], &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("Date,Tail Number,Approaches,Hold,Landings"));
        let row = lines.next().unwrap();
        assert!(row.starts_with("2026-03-01,N1,,,3,0,1,1.40,"), "{row}");
        assert!(
            row.contains(r#""'=HYPERLINK(""http://x""), then home""#),
            "escaped and quoted: {row}"
        );
        assert!(row.contains(",KMTN KBAY,"), "{row}");
        // Read back as CSV: the cell is the escaped text, whole.
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        assert_eq!(&rec[18], "'=HYPERLINK(\"http://x\"), then home");
        assert_eq!(rec.len(), HEADERS.len());
        let column = |name: &str| HEADERS.iter().position(|h| *h == name).unwrap();
        assert_eq!(&rec[column("X-Country 50 NM")], "1.40");
        assert_eq!(&rec[column("FlightDesk Entry")], "e1");
    }
}
