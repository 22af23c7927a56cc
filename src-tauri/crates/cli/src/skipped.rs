//! `skipped`: the rows providers sent that could not become records, as a JSON array
//! (shape in docs/cli.md), so a user can see what was set aside and tell the provider.

use std::io::Write;
use std::path::Path;

use crate::args::SkippedArgs;
use crate::exit::Failure;
use crate::open::{open, store_failure};

pub async fn list(data_dir: &Path, args: SkippedArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let account = match &args.account {
        Some(name) => Some(store.account(name).await.map_err(store_failure)?.id),
        None => None,
    };
    let rows = store.skipped_rows(account).await.map_err(store_failure)?;
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut stdout, &rows)
        .and_then(|()| writeln!(stdout).map_err(serde_json::Error::io))
        .map_err(|e| Failure::failed(format!("writing the skipped rows: {e}")))
}
