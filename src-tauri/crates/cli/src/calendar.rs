//! `calendar`: one calendar over every system, with conflicts across them, as JSON or
//! iCalendar (shapes in docs/cli.md). The window's calendar calls the same function.

use std::io::Write;
use std::path::Path;

use chrono_tz::Tz;
use flightdesk_views::calendar::{self, CalendarQuery};
use flightdesk_views::lookup::Lookup;
use flightdesk_views::{ics, ViewError};

use crate::args::{CalendarArgs, CalendarFormat};
use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::open;

pub async fn run(data_dir: &Path, args: CalendarArgs) -> Result<(), Failure> {
    let tz: Tz = args
        .tz
        .parse()
        .map_err(|_| Failure::config(format!("`{}` is not an IANA time zone", args.tz)))?;
    let from = calendar::parse_bound(&args.from, tz, false).map_err(view_failure)?;
    let to = calendar::parse_bound(&args.to, tz, true).map_err(view_failure)?;
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let lookup = Lookup::load(store).await.map_err(view_failure)?;
    let pick = |text: &Option<String>| -> Result<Option<String>, ViewError> {
        text.as_deref()
            .map(|t| lookup.find(t).map(|e| e.id.clone()))
            .transpose()
    };
    let mut query = CalendarQuery::new(from, to, tz);
    query.resource = pick(&args.resource).map_err(view_failure)?;
    query.person = pick(&args.person).map_err(view_failure)?;
    query.include_cancelled = args.include_cancelled;
    query.sources = args.source;
    let calendar = calendar::calendar(store, &lookup, &query)
        .await
        .map_err(view_failure)?;
    let text = match args.format {
        CalendarFormat::Json => serde_json::to_string(&calendar.items)
            .map_err(|e| Failure::failed(format!("writing the calendar: {e}")))?,
        CalendarFormat::Ics => ics::to_ics(&calendar),
    };
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{text}").map_err(|e| Failure::failed(format!("writing the calendar: {e}")))
}
