//! `search`: everything cached that matches, across every system (shape in docs/cli.md).
//! The window's search and command palette call the same function.

use std::io::Write;
use std::path::Path;

use flightdesk_views::lookup::Lookup;
use flightdesk_views::search;

use crate::args::SearchArgs;
use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::open;

pub async fn run(data_dir: &Path, args: SearchArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let lookup = Lookup::load(store).await.map_err(view_failure)?;
    let results = search::search(store, &lookup, &args.text, args.limit)
        .await
        .map_err(view_failure)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &results)
        .map_err(|e| Failure::failed(format!("writing the results: {e}")))?;
    writeln!(stdout).map_err(|e| Failure::failed(format!("writing the results: {e}")))
}
