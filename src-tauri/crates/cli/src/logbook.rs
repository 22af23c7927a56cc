//! `logbook`, `currency` and `totals`: a person's logbook from the cache (shapes in
//! docs/cli.md), rebuilt first when the cache changed since the last build.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use chrono_tz::Tz;
use flightdesk_core::preferences::computer_zone;
use flightdesk_logbook::{self as logbook, Annotation, LogbookError, SourceKey};
use flightdesk_store::Store;
use flightdesk_views::lookup::Lookup;
use serde::Serialize;
use serde_json::json;

use crate::args::{
    AnnotateArgs, CurrencyArgs, LogbookAction, LogbookArgs, LogbookFormat, TotalsArgs,
};
use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::{open, store_failure};

/// The app's settings file in the data directory (tauri-plugin-store writes it).
const SETTINGS_FILE: &str = "settings.json";

/// A logbook error as the CLI reports it: naming an entry or source wrongly is usage.
fn failure(e: LogbookError) -> Failure {
    match e {
        LogbookError::Store(e) => store_failure(e),
        LogbookError::View(e) => view_failure(e),
        LogbookError::UnknownEntry(_)
        | LogbookError::NotASource { .. }
        | LogbookError::NothingToSplit(_)
        | LogbookError::DifferentPeople { .. } => Failure::config(e.to_string()),
        other => Failure::failed(other.to_string()),
    }
}

/// The `me` the app's settings hold, if any: the CLI reads the file the app writes.
fn me(data_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(data_dir.join(SETTINGS_FILE)).ok()?;
    let settings: serde_json::Value = serde_json::from_str(&text).ok()?;
    settings["preferences"]["me"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The user's time zone: the app settings' `time_zone`, else the computer's. Logbook
/// dates of flights from unknown airports, "today" of the totals' periods and the day
/// `--at` names are on its clock (docs/logbook.md, "Dates").
fn zone(data_dir: &Path) -> Tz {
    let saved = std::fs::read_to_string(data_dir.join(SETTINGS_FILE))
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|s| s["preferences"]["time_zone"].as_str().map(str::to_string));
    saved
        .and_then(|name| name.parse().ok())
        .unwrap_or_else(|| computer_zone().parse().unwrap_or(Tz::UTC))
}

/// The person's entity id: `--person` (an id, name or e-mail), else the settings' `me`.
fn person(data_dir: &Path, lookup: &Lookup, flag: Option<&str>) -> Result<String, Failure> {
    let Some(text) = flag.map(str::to_string).or_else(|| me(data_dir)) else {
        return Err(Failure::config(
            "say whose logbook with --person (or choose who you are in the app's Settings)",
        ));
    };
    match lookup.find(&text) {
        Ok(e) => Ok(e.id.clone()),
        // A person only the logbook knows (named by one record alone) is kept by its id.
        Err(_) if text.starts_with("person:") => Ok(text),
        Err(e) => Err(view_failure(e)),
    }
}

/// Rebuilds the logbook if the cache (or the user's zone) changed; returns the lookup it
/// used.
async fn fresh(store: &Store, zone: Tz) -> Result<Lookup, Failure> {
    let lookup = Lookup::load(store).await.map_err(view_failure)?;
    logbook::ensure_fresh(store, &lookup, zone)
        .await
        .map_err(failure)?;
    Ok(lookup)
}

fn print(value: &impl Serialize, what: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, value)
        .map_err(|e| Failure::failed(format!("writing the {what}: {e}")))?;
    writeln!(stdout).map_err(|e| Failure::failed(format!("writing the {what}: {e}")))
}

pub async fn logbook(data_dir: &Path, args: LogbookArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let lookup = fresh(store, zone(data_dir)).await?;
    match args.action {
        None => {
            let person = person(data_dir, &lookup, args.person.as_deref())?;
            let entries = logbook::all_entries(store, &person, args.from, args.to)
                .await
                .map_err(failure)?;
            match args.format {
                LogbookFormat::Json => {
                    print(&json!({ "person": person, "entries": entries }), "logbook")
                }
                LogbookFormat::Csv => {
                    logbook::write_csv(&entries, std::io::stdout().lock()).map_err(failure)
                }
            }
        }
        Some(LogbookAction::Split { entry, source }) => {
            let key: SourceKey = source.parse().map_err(|bad| {
                Failure::config(format!(
                    "`{bad}` is not a source (expected provider/account/source_id)"
                ))
            })?;
            let stats = logbook::split(store, &entry, &key).await.map_err(failure)?;
            print(&stats, "rebuild")
        }
        Some(LogbookAction::Merge { a, b }) => {
            let stats = logbook::merge(store, &a, &b).await.map_err(failure)?;
            print(&stats, "rebuild")
        }
        Some(LogbookAction::Annotate(a)) => {
            let entry = a.entry.clone();
            let annotation = annotation(a)?;
            let shown = logbook::annotate(store, &entry, annotation)
                .await
                .map_err(failure)?;
            print(&shown, "entry")
        }
        Some(LogbookAction::Add(_) | LogbookAction::Edit { .. } | LogbookAction::Delete { .. }) => {
            unreachable!("main sends the flight-log writes to logbook_edit")
        }
        Some(LogbookAction::People) => {
            print(&logbook::people(store).await.map_err(failure)?, "people")
        }
    }
}

fn annotation(a: AnnotateArgs) -> Result<Annotation, Failure> {
    if a.clear {
        return Ok(Annotation::default());
    }
    let role = a
        .role
        .map(|r| {
            serde_json::from_value(json!(r.to_lowercase())).map_err(|_| {
                Failure::config(format!("`{r}` is not a role (pic, sic, dual, instructor)"))
            })
        })
        .transpose()?;
    Ok(Annotation {
        role,
        category_class: a.category_class,
        night_takeoffs: a.night_takeoffs,
        day_full_stop_landings: a.day_landings,
        night_full_stop_landings: a.night_landings,
        night_hours: a.night_hours,
        cross_country_hours: a.cross_country_hours,
        actual_instrument_hours: a.actual_instrument_hours,
        simulated_instrument_hours: a.simulated_instrument_hours,
        approaches: a.approaches,
        holding: a.holding,
        remarks: a.remarks,
    })
}

/// `--at`: an RFC 3339 instant, or a day (judged at its last second in `zone`); now on
/// `zone`'s clock without it.
fn at(text: Option<&str>, zone: Tz) -> Result<DateTime<FixedOffset>, Failure> {
    let Some(text) = text else {
        return Ok(Utc::now().with_timezone(&zone).fixed_offset());
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t);
    }
    text.parse::<NaiveDate>()
        .ok()
        .and_then(|d| d.and_hms_opt(23, 59, 59))
        .and_then(|t| t.and_local_timezone(zone).latest())
        .map(|t| t.fixed_offset())
        .ok_or_else(|| {
            Failure::config(format!(
                "`{text}` is neither a date (YYYY-MM-DD) nor an RFC 3339 time"
            ))
        })
}

pub async fn currency(data_dir: &Path, args: CurrencyArgs) -> Result<(), Failure> {
    let zone = zone(data_dir);
    let at = at(args.at.as_deref(), zone)?;
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let lookup = fresh(store, zone).await?;
    let person = person(data_dir, &lookup, args.person.as_deref())?;
    let verdicts = logbook::currency(store, &person, at)
        .await
        .map_err(failure)?;
    print(
        &json!({ "person": person, "at": at, "verdicts": verdicts }),
        "currency",
    )
}

pub async fn totals(data_dir: &Path, args: TotalsArgs) -> Result<(), Failure> {
    let zone = zone(data_dir);
    let at = args
        .at
        .unwrap_or_else(|| Utc::now().with_timezone(&zone).date_naive());
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let lookup = fresh(store, zone).await?;
    let person = person(data_dir, &lookup, args.person.as_deref())?;
    let totals = logbook::totals(store, &person, at).await.map_err(failure)?;
    print(&totals, "totals")
}
