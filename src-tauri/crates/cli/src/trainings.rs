//! `trainings`: training progress from the cache (shape in docs/cli.md).

use std::io::Write;
use std::path::Path;

use chrono::Utc;
use flightdesk_views::lookup::Lookup;
use flightdesk_views::trainings;

use crate::args::TrainingsArgs;
use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::open;

pub async fn run(data_dir: &Path, args: TrainingsArgs) -> Result<(), Failure> {
    let now = args.at.map_or_else(Utc::now, |t| t.with_timezone(&Utc));
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let lookup = Lookup::load(store).await.map_err(view_failure)?;
    let view = trainings::trainings(store, &lookup, args.person.as_deref(), now)
        .await
        .map_err(view_failure)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &view)
        .map_err(|e| Failure::failed(format!("writing the trainings: {e}")))?;
    writeln!(stdout).map_err(|e| Failure::failed(format!("writing the trainings: {e}")))
}
