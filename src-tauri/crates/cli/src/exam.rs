//! `exam preview|start|answer|go|finish|send|show|list|result`: a Flylogs exam, as the
//! window takes it. Preview, start and result need the network; answers and the finish
//! are saved at once and sent in order through the attempt's outbox queue (each command
//! that changes the attempt tries to send it, and `sync` sends it too). Every command
//! prints JSON: the preview, the attempt (`ExamSession`) or the result.

use std::path::Path;

use flightdesk_sync::exams::{self, ExamError};
use flightdesk_sync::SyncOptions;
use serde::Serialize;

use crate::exit::Failure;
use crate::open::open;

#[derive(Debug, clap::Args)]
pub struct ExamArgs {
    #[command(subcommand)]
    pub action: ExamAction,
    /// The Flylogs account (default: the only one), for preview and start.
    #[arg(long, global = true)]
    pub account: Option<String>,
}

#[derive(Debug, clap::Subcommand)]
pub enum ExamAction {
    /// The exam's details and past attempts.
    Preview { enrolment: String, exam: String },
    /// Start an attempt (or resume the open one) and keep its questions here.
    Start { enrolment: String, exam: String },
    /// Answer one question (`detail` is the question's detail id) with an option.
    Answer {
        attempt: String,
        detail: String,
        option: String,
    },
    /// Remember the question the student is at (0-based), to reopen there.
    Go { attempt: String, question: usize },
    /// Ask Flylogs to grade the attempt once every answer is acknowledged.
    Finish { attempt: String },
    /// Send what the attempt's queue holds now.
    Send { attempt: String },
    /// The attempt as kept here.
    Show { attempt: String },
    /// The attempts kept here that are not graded yet.
    List,
    /// The result of a graded attempt.
    Result { attempt: String },
}

pub async fn run(data_dir: &Path, args: ExamArgs) -> Result<(), Failure> {
    let network = matches!(
        args.action,
        ExamAction::Preview { .. }
            | ExamAction::Start { .. }
            | ExamAction::Answer { .. }
            | ExamAction::Finish { .. }
            | ExamAction::Send { .. }
            | ExamAction::Result { .. }
    );
    let opened = open(data_dir, network).await?;
    let outcome = act(&opened.workspace, args).await;
    opened.close().await;
    outcome
}

async fn act(workspace: &flightdesk_workspace::Workspace, args: ExamArgs) -> Result<(), Failure> {
    let options = SyncOptions::default();
    let account = args.account.as_deref();
    match args.action {
        ExamAction::Preview { enrolment, exam } => {
            print(exams::preview(workspace, account, &enrolment, &exam, &options).await)
        }
        ExamAction::Start { enrolment, exam } => {
            print(exams::start(workspace, account, &enrolment, &exam, &options).await)
        }
        ExamAction::Answer {
            attempt,
            detail,
            option,
        } => {
            exams::answer(workspace, &attempt, &detail, &option)
                .await
                .map_err(failure)?;
            print(exams::deliver(workspace, &attempt, &options).await)
        }
        ExamAction::Go { attempt, question } => {
            print(exams::visit(workspace, &attempt, question).await)
        }
        ExamAction::Finish { attempt } => {
            exams::finish(workspace, &attempt).await.map_err(failure)?;
            print(exams::deliver(workspace, &attempt, &options).await)
        }
        ExamAction::Send { attempt } => print(exams::deliver(workspace, &attempt, &options).await),
        ExamAction::Show { attempt } => print(exams::state(workspace, &attempt).await),
        ExamAction::List => print(exams::open_attempts(workspace).await),
        ExamAction::Result { attempt } => print(exams::result(workspace, &attempt, &options).await),
    }
}

fn failure(e: ExamError) -> Failure {
    match e {
        ExamError::Account(_) | ExamError::NotAnOption { .. } | ExamError::NoSuchAttempt(_) => {
            Failure::config(e.to_string())
        }
        _ => Failure::failed(e.to_string()),
    }
}

fn print<T: Serialize>(value: Result<T, ExamError>) -> Result<(), Failure> {
    let value = value.map_err(failure)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&value).expect("an exam answer serializes")
    );
    Ok(())
}
