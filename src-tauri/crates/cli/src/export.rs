//! `export --format json`: the normalized cache on stdout (schema in docs/export.md).

use std::io::Write;
use std::path::Path;

use flightdesk_core::Kind;

use crate::args::ExportArgs;
use crate::exit::Failure;
use crate::open::{open, store_failure};

pub async fn run(data_dir: &Path, args: ExportArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let kinds: Vec<Kind> = if args.kinds.is_empty() {
        Kind::ALL.to_vec()
    } else {
        args.kinds.clone()
    };
    let mut out = serde_json::Map::new();
    for kind in kinds {
        let rows = store
            .export_kind(kind, args.with_raw)
            .await
            .map_err(store_failure)?;
        out.insert(kind.as_str().to_string(), serde_json::Value::Array(rows));
    }
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &out)
        .map_err(|e| Failure::failed(format!("writing the export: {e}")))?;
    writeln!(stdout).map_err(|e| Failure::failed(format!("writing the export: {e}")))?;
    Ok(())
}
