//! `flightdesk`: the same workspace, store and secrets as the desktop app, headless.

mod args;
mod board;
mod calendar;
mod connect;
mod demo;
mod entities;
mod exit;
mod export;
mod logbook;
mod logbook_edit;
mod open;
mod search;
mod secret_input;
mod skipped;
mod status;
mod sync_cmd;
mod trainings;
mod webhooks;

// Write flows (the outbox).
mod class;
mod exam;
mod outbox;
mod sign;
mod slots;
mod training_writes;

use clap::Parser;

use crate::args::{Cli, Command, LogbookAction};
use crate::exit::Failure;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts");
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Sandbox(args) = cli.command {
        return flightdesk_sandbox::serve(args)
            .await
            .map_err(|e| Failure::failed(format!("sandbox: {e:#}")));
    }
    let data_dir = match &cli.command {
        Command::Demo(_) => demo::demo_dir(cli.data_dir)?,
        _ => flightdesk_workspace::resolve_data_dir(cli.data_dir)?,
    };
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| Failure::config(format!("cannot create {}: {e}", data_dir.display())))?;
    let _log = flightdesk_workspace::logging::init(&data_dir, true).map_err(|e| {
        Failure::config(format!("cannot write logs in {}: {e}", data_dir.display()))
    })?;
    match cli.command {
        Command::Status(args) => status::run(&data_dir, args).await,
        Command::Connect(args) => connect::connect(&data_dir, args).await,
        Command::Accounts(args) => connect::accounts(&data_dir, args).await,
        Command::Disconnect(args) => connect::disconnect(&data_dir, args).await,
        Command::Sync(args) => sync_cmd::run(&data_dir, args).await,
        Command::Export(args) => export::run(&data_dir, args).await,
        Command::Demo(args) => demo::run(&data_dir, args).await,
        Command::Webhooks(args) => webhooks::run(&data_dir, args).await,
        Command::Entities(args) => entities::list(&data_dir, args).await,
        Command::Link(args) => entities::decide(&data_dir, args, true).await,
        Command::Unlink(args) => entities::decide(&data_dir, args, false).await,
        Command::Skipped(args) => skipped::list(&data_dir, args).await,
        Command::Calendar(args) => calendar::run(&data_dir, args).await,
        Command::Search(args) => search::run(&data_dir, args).await,
        Command::Board(args) => board::run(&data_dir, args).await,
        Command::Trainings(args) => trainings::run(&data_dir, args).await,
        Command::Logbook(args) => match args.action {
            Some(
                action @ (LogbookAction::Add(_)
                | LogbookAction::Edit { .. }
                | LogbookAction::Delete { .. }),
            ) => logbook_edit::run(&data_dir, action).await,
            _ => logbook::logbook(&data_dir, args).await,
        },
        Command::Currency(args) => logbook::currency(&data_dir, args).await,
        Command::Totals(args) => logbook::totals(&data_dir, args).await,
        Command::Outbox(args) => outbox::run(&data_dir, args).await,
        Command::Class(args) => class::run(&data_dir, args).await,
        Command::Slots(args) => slots::run(&data_dir, args).await,
        Command::Exam(args) => exam::run(&data_dir, args).await,
        Command::Enrol(args) => training_writes::enrol(&data_dir, &args).await,
        Command::Lesson(args) => training_writes::lesson(&data_dir, &args).await,
        Command::Mission(args) => match &args.action {
            sign::MissionAction::Sign(a) => {
                let target = flightdesk_sync::signing::SignTarget::Mission(a.id.clone());
                sign::run(&data_dir, a, target).await
            }
        },
        Command::Sandbox(_) => unreachable!("handled above"),
    }
}
