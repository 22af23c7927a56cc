//! `board`: the dispatcher's board from the cache (shape in docs/cli.md); with
//! `--forecast`, AviationAlley's crew at `--at`, asked online.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use flightdesk_connectors::aviationalley::AviationAlley;
use flightdesk_connectors::{AccountConfig, ClientOptions, Http, Record};
use flightdesk_core::Provider;
use flightdesk_views::board::{self, crew};
use flightdesk_workspace::Workspace;

use crate::args::BoardArgs;
use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::{open, store_failure};

pub async fn run(data_dir: &Path, args: BoardArgs) -> Result<(), Failure> {
    let now = args.at.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    // Only a forecast needs the network (and, for the demo, its sandbox).
    let opened = open(data_dir, args.forecast).await?;
    let result = async {
        let mut b = board::board(opened.workspace.store(), now, args.tz)
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
    let accounts = workspace.store().accounts().await.map_err(store_failure)?;
    let mut out = Vec::new();
    // A disconnected account keeps no key: it is not asked.
    for account in accounts
        .into_iter()
        .filter(|a| a.provider == Provider::AviationAlley)
    {
        let Some(credential) = workspace.secrets().credential(&account).await? else {
            continue;
        };
        let http = Http::new(ClientOptions::default())
            .map_err(|e| Failure::failed(format!("starting the HTTP client: {e}")))?;
        let connector = AviationAlley::new(
            AccountConfig {
                name: account.name.clone(),
                base_url: account.base_url.clone(),
                credential,
                options: account.options.clone(),
                session: None,
            },
            Arc::new(http),
        );
        let records = connector.crew_at(at).await.map_err(|e| {
            Failure::failed(format!("asking {} for the crew at {at}: {e}", account.name))
        })?;
        out.push((account.name, records));
    }
    if out.is_empty() {
        return Err(Failure::config(
            "no connected AviationAlley account to ask for a crew forecast",
        ));
    }
    Ok(out)
}
