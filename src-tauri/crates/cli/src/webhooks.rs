//! `webhooks serve`, `webhooks secret`.

use std::io::BufRead;
use std::path::Path;

use flightdesk_secrets::Secret;
use flightdesk_store::StoreError;
use flightdesk_sync::webhooks::{self, SigningSecretError, WebhookActivity, WebhookServeError};
use flightdesk_sync::ProgressEvent;

use crate::args::{WebhooksArgs, WebhooksCommand, WebhooksSecretArgs, WebhooksServeArgs};
use crate::exit::Failure;
use crate::open::{open, store_failure};
use crate::sync_cmd::{print_summary, waiting_for};

pub async fn run(data_dir: &Path, args: WebhooksArgs) -> Result<(), Failure> {
    match args.command {
        WebhooksCommand::Serve(a) => serve(data_dir, a).await,
        WebhooksCommand::Secret(a) => secret(data_dir, a).await,
    }
}

fn serve_failure(e: WebhookServeError) -> Failure {
    match e {
        WebhookServeError::Bind(e) => Failure::config(e.to_string()),
        WebhookServeError::Store(e) => store_failure(e),
        WebhookServeError::Workspace(e) => Failure::from(e),
    }
}

async fn serve(data_dir: &Path, args: WebhooksServeArgs) -> Result<(), Failure> {
    let opened = open(data_dir, true).await?;
    let bind = args.bind.unwrap_or_else(webhooks::default_bind);
    let server = webhooks::start(&opened.workspace, bind, log_activity)
        .await
        .map_err(serve_failure)?;
    if let Some(warning) = webhooks::exposure_warning(server.addr()) {
        eprintln!("flightdesk: warning: {warning}");
    }
    let urls = server.urls();
    for s in server.skipped() {
        eprintln!(
            "flightdesk: {} ({}) cannot receive posts: {}",
            s.account, s.provider, s.reason
        );
    }
    if urls.is_empty() {
        server.shutdown().await;
        opened.close().await;
        return Err(Failure::config(
            "no account can receive webhooks: connect an AviationAlley account and give its \
             signing secret (flightdesk webhooks secret NAME --secret-stdin), or connect an \
             Airbly account",
        ));
    }
    println!(
        "webhook receiver listening on {} (Ctrl-C stops it)",
        server.addr()
    );
    for u in &urls {
        println!("  {} ({}): {}", u.account, u.provider, u.url);
    }
    println!(
        "A real provider posts from the internet and cannot reach {}: put a tunnel or relay \
         with a public HTTPS URL in front of this receiver and register that URL followed by \
         the path above (e.g. https://relay.example{}) in the provider's settings. See \
         docs/webhooks.md.",
        server.addr(),
        urls[0].path
    );
    wait_for_stop().await;
    eprintln!("flightdesk: stopping the webhook receiver");
    server.shutdown().await;
    opened.close().await;
    Ok(())
}

/// Ctrl-C, or SIGTERM where there is one.
async fn wait_for_stop() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// One line per accepted post and per sync it triggered, on stderr.
fn log_activity(activity: &WebhookActivity) {
    match activity {
        WebhookActivity::Accepted(e) => eprintln!(
            "flightdesk: accepted {} `{}` for {}{}",
            e.provider,
            e.event,
            e.account,
            if e.ids.is_empty() {
                String::new()
            } else {
                format!(" ({} ids)", e.ids.len())
            }
        ),
        WebhookActivity::Ignored { event, reason } => {
            eprintln!("flightdesk: no sync for {}: {reason}", event.account)
        }
        WebhookActivity::SyncStarted {
            account,
            resources,
            posts,
            ..
        } => eprintln!(
            "flightdesk: syncing {account}: {} (for {posts} post{})",
            resources.join(", "),
            if *posts == 1 { "" } else { "s" }
        ),
        WebhookActivity::Progress(ProgressEvent::Waiting {
            holder,
            this_process,
        }) => {
            eprintln!(
                "flightdesk: {}; waiting for it to finish",
                waiting_for(holder, *this_process)
            )
        }
        WebhookActivity::Progress(_) => {}
        WebhookActivity::SyncFinished { report, .. } => print_summary(report),
        WebhookActivity::SyncFailed { account, error, .. } => {
            eprintln!("flightdesk: the sync of {account} could not run: {error}")
        }
    }
}

async fn secret(data_dir: &Path, args: WebhooksSecretArgs) -> Result<(), Failure> {
    if !args.secret_stdin && !args.clear {
        return Err(Failure::config(
            "give the signing secret on standard input with --secret-stdin (it is never an \
             argument), or --clear to forget it",
        ));
    }
    let secret = if args.secret_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::config(format!("cannot read the secret from stdin: {e}")))?;
        Some(Secret::new(line.trim().to_string()))
    } else {
        None
    };
    let opened = open(data_dir, false).await?;
    let workspace = &opened.workspace;
    let result = match &secret {
        Some(secret) => webhooks::set_signing_secret(workspace, &args.account, secret).await,
        None => match workspace.store().account(&args.account).await {
            Ok(account) => workspace
                .secrets()
                .delete_webhook_secret(&account)
                .await
                .map_err(SigningSecretError::from),
            Err(e) => Err(e.into()),
        },
    };
    result.map_err(|e| match e {
        SigningSecretError::Store(StoreError::NoSuchAccount(n)) => {
            Failure::config(format!("no account named `{n}`"))
        }
        SigningSecretError::Store(e) => store_failure(e),
        SigningSecretError::Workspace(e) => Failure::from(e),
        other => Failure::config(other.to_string()),
    })?;
    if secret.is_some() {
        println!(
            "saved the webhook signing secret of {} in the OS keyring",
            args.account
        );
    } else {
        println!("forgot the webhook signing secret of {}", args.account);
    }
    Ok(())
}
