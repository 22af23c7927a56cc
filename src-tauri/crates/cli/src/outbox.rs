//! `outbox list|retry|discard`: the writes waiting to be sent, as JSON (shape in
//! docs/cli.md), and the user's two decisions about a waiting one.

use std::io::Write;
use std::path::Path;

use crate::args::ExportFormat;
use crate::exit::Failure;
use crate::open::{open, store_failure};

#[derive(Debug, clap::Args)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub action: OutboxAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum OutboxAction {
    /// Every write, oldest first, with its state, attempts, last error and history.
    List {
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
    },
    /// Send a failed, rejected or waiting write again at the next replay (now, if a sync
    /// or `class` command runs).
    Retry { id: i64 },
    /// Give up on a waiting write (and the writes that wait for it); its optimistic
    /// change goes with it.
    Discard { id: i64 },
}

pub async fn run(data_dir: &Path, args: OutboxArgs) -> Result<(), Failure> {
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    match args.action {
        OutboxAction::List {
            format: ExportFormat::Json,
        } => {
            let rows = store.outbox().await.map_err(store_failure)?;
            let mut stdout = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut stdout, &rows)
                .and_then(|()| writeln!(stdout).map_err(serde_json::Error::io))
                .map_err(|e| Failure::failed(format!("writing the outbox: {e}")))
        }
        OutboxAction::Retry { id } => {
            store
                .retry_write(id, chrono::Utc::now())
                .await
                .map_err(store_failure)?;
            eprintln!("write {id} will be sent at the next sync");
            Ok(())
        }
        OutboxAction::Discard { id } => {
            let gone = store.discard_write(id).await.map_err(store_failure)?;
            eprintln!("discarded {gone:?}");
            Ok(())
        }
    }
}

/// After a write was queued: sends the outbox (unless `offline`), prints the write's row
/// and says where it stands; a refusal exits 1 in `provider`'s words.
pub async fn send_and_report(
    opened: crate::open::Opened,
    id: i64,
    offline: bool,
    provider: &str,
) -> Result<(), Failure> {
    if !offline {
        let options = flightdesk_sync::SyncOptions::default();
        if let Err(e) = flightdesk_sync::replay(&opened.workspace, &options, &|_| {}).await {
            opened.close().await;
            return Err(Failure::failed(format!("sending the outbox: {e}")));
        }
    }
    let row = opened
        .workspace
        .store()
        .outbox_row(id)
        .await
        .map_err(store_failure);
    opened.close().await;
    let row = row?;
    println!(
        "{}",
        serde_json::to_string_pretty(&row).expect("outbox rows serialize")
    );
    match row.state {
        flightdesk_store::OutboxState::Rejected => Err(Failure::failed(format!(
            "{provider} refused it: {}",
            row.last_error.unwrap_or_default()
        ))),
        flightdesk_store::OutboxState::Sent => Ok(()),
        _ => {
            eprintln!(
                "queued as write {}; it is sent at the next sync{}",
                row.id,
                row.last_error
                    .map(|e| format!(" (last try: {e})"))
                    .unwrap_or_default()
            );
            Ok(())
        }
    }
}
