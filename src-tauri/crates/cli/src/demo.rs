//! `demo`: a workspace of its own, labelled demo, connected to an in-process sandbox.

use std::path::{Path, PathBuf};

use flightdesk_sync::demo::DemoError;

use crate::args::DemoArgs;
use crate::exit::Failure;
use crate::open::store_failure;
use crate::sync_cmd::print_summary;

/// The demo's data directory: `--data-dir` when given, else a sibling of the default data
/// directory named `…-demo`, so demo data never mixes with a real workspace.
pub fn demo_dir(flag: Option<PathBuf>) -> Result<PathBuf, Failure> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    let real = flightdesk_workspace::resolve_data_dir(None)?;
    Ok(flightdesk_sync::demo::beside(&real))
}

pub async fn run(dir: &Path, args: DemoArgs) -> Result<(), Failure> {
    let report = flightdesk_sync::demo::create(dir, &|_| {})
        .await
        .map_err(|e| match e {
            DemoError::NotForADemo(why) => Failure::config(why),
            DemoError::Workspace(e) => Failure::from(e),
            DemoError::Store(e) => store_failure(e),
            other => Failure::failed(other.to_string()),
        })?;
    print_summary(&report);
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&serde_json::json!({
                "data_dir": dir,
                "kind": "demo",
                "report": report,
            }))
            .expect("reports serialize")
        );
    } else {
        let t = report.totals();
        println!(
            "demo workspace ready in {} ({} records cached); look at it with: flightdesk --data-dir {} status",
            dir.display(),
            t.new + t.updated,
            dir.display()
        );
    }
    Ok(())
}
