//! `entities`, `link` and `unlink`: the read model's unified entities and the user's
//! decisions about them (shapes in docs/cli.md).

use std::io::Write;
use std::path::Path;

use flightdesk_views::lookup::Lookup;
use flightdesk_views::{entities, ViewError};

use crate::args::{DecisionArgs, EntitiesArgs};
use crate::exit::Failure;
use crate::open::{open, store_failure};

/// A read-model error as the CLI reports it: the user's input is a usage error.
pub fn view_failure(e: ViewError) -> Failure {
    match e {
        ViewError::Store(e) => store_failure(e),
        ViewError::BadSource(_)
        | ViewError::UnknownSource(_)
        | ViewError::UnknownEntity(_)
        | ViewError::AmbiguousEntity { .. }
        | ViewError::BadTime(_)
        | ViewError::BadRange { .. }
        | ViewError::UnknownPerson(_)
        | ViewError::AmbiguousPerson { .. } => Failure::config(e.to_string()),
        other => Failure::failed(other.to_string()),
    }
}

pub async fn list(data_dir: &Path, args: EntitiesArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let lookup = Lookup::load(opened.workspace.store())
        .await
        .map_err(view_failure)?;
    let list = entities::entities(&lookup, args.kind.map(Into::into));
    let mut stdout = std::io::stdout().lock();
    serde_json::to_writer(&mut stdout, &list)
        .map_err(|e| Failure::failed(format!("writing the entities: {e}")))?;
    writeln!(stdout).map_err(|e| Failure::failed(format!("writing the entities: {e}")))?;
    Ok(())
}

pub async fn decide(data_dir: &Path, args: DecisionArgs, same: bool) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    entities::decide(opened.workspace.store(), &args.a, &args.b, same)
        .await
        .map_err(view_failure)?;
    let verb = if same { "linked" } else { "kept apart" };
    println!("{} and {} are {verb}", args.a, args.b);
    Ok(())
}
