//! `board`: the dispatcher's board from the cache (shape in docs/cli.md); with
//! `--forecast`, AviationAlley's crew at `--at`, asked online.

use chrono::{DateTime, Utc};
use flightdesk_connectors::{ClientOptions, Record};
use flightdesk_sync::forecast::{crew_at, ForecastError};
use flightdesk_views::board::{self, crew};
use flightdesk_views::lookup::Lookup;
use flightdesk_workspace::Workspace;
use std::io::Write;
use std::path::Path;

use crate::args::BoardArgs;
use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::{open, store_failure};

pub async fn run(data_dir: &Path, args: BoardArgs) -> Result<(), Failure> {
    let now = args.at.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    // Only a forecast needs the network (and, for the demo, its sandbox).
    let opened = open(data_dir, args.forecast).await?;
    let result = async {
        let store = opened.workspace.store();
        let lookup = Lookup::load(store).await.map_err(view_failure)?;
        let mut b = board::board(store, &lookup, now, args.tz)
            .await
            .map_err(view_failure)?;
        if args.forecast {
            b.crew = crew::from_forecast(forecast(&opened.workspace, now).await?);
        }
        Ok::<_, Failure>(b)
    }
    .await;
    opened.close().await;
    let b = result?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &b)
        .map_err(|e| Failure::failed(format!("writing the board: {e}")))?;
    writeln!(stdout).map_err(|e| Failure::failed(format!("writing the board: {e}")))
}

/// Each connected AviationAlley account's crew at `at`, read live.
async fn forecast(
    workspace: &Workspace,
    at: DateTime<Utc>,
) -> Result<Vec<(String, Vec<Record>)>, Failure> {
    crew_at(workspace, at, ClientOptions::default())
        .await
        .map_err(|e| match e {
            ForecastError::NoAccount => Failure::config(e.to_string()),
            ForecastError::Store(e) => store_failure(e),
            ForecastError::Workspace(e) => Failure::from(e),
            other => Failure::failed(other.to_string()),
        })
}
