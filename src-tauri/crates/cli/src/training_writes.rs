//! `class roster|attendance|evaluate ID`, `lesson complete ID` and `enrol`: a teacher's
//! and a manager's Flylogs training writes, queued in the outbox and (unless `--offline`)
//! sent at once; each prints the write's outbox row, and a refusal exits 1 in Flylogs'
//! words. `class roster` prints the class's students as the window's attendance form
//! shows them.

use std::path::Path;

use flightdesk_sync::class_roster::{self, RosterError};
use flightdesk_sync::training_writes::{self, Attendance, Enrolment, Evaluation, LessonDone};
use flightdesk_sync::SyncOptions;

use crate::exit::Failure;
use crate::open::{open, store_failure};

/// Comma-separated ids.
fn ids(list: &Option<String>) -> Vec<String> {
    list.iter()
        .flat_map(|l| l.split(','))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

#[derive(Debug, clap::Args)]
pub struct AttendanceArgs {
    /// The class: its Flylogs id, or the `local:` id of one still waiting to be sent.
    pub id: String,
    /// The Flylogs account (the teacher or a manager).
    #[arg(long)]
    pub account: String,
    /// Students who attended (Flylogs user ids, comma-separated).
    #[arg(long)]
    pub present: Option<String>,
    /// Students who did not.
    #[arg(long)]
    pub absent: Option<String>,
    /// Only queue it; the next sync sends it.
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, clap::Args)]
pub struct RosterArgs {
    /// The class: its Flylogs id, or the `local:` id of one still waiting to be sent.
    pub id: String,
    /// The Flylogs account (the teacher or a manager).
    #[arg(long)]
    pub account: String,
}

#[derive(Debug, clap::Args)]
pub struct LessonArgs {
    #[command(subcommand)]
    pub action: LessonAction,
}

#[derive(Debug, clap::Subcommand)]
pub enum LessonAction {
    /// Mark a lesson's slides completed for the student of an enrolment.
    Complete {
        /// The lesson's Flylogs id.
        id: String,
        /// The Flylogs account (the student's own).
        #[arg(long)]
        account: String,
        /// The student's enrolment in the lesson's training.
        #[arg(long)]
        enrolment: String,
        /// Time spent on the slides, in minutes.
        #[arg(long, default_value_t = 0)]
        minutes: i64,
        /// Only queue it; the next sync sends it.
        #[arg(long)]
        offline: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {
    /// The class.
    pub id: String,
    #[arg(long)]
    pub account: String,
    /// The student's Flylogs user id.
    #[arg(long)]
    pub student: String,
    #[arg(long)]
    pub remarks: Option<String>,
    #[arg(long)]
    pub measures: Option<String>,
    #[arg(long)]
    pub objectives: Option<String>,
    #[arg(long)]
    pub offline: bool,
}

#[derive(Debug, clap::Args)]
pub struct EnrolArgs {
    /// The Flylogs account (a manager).
    #[arg(long)]
    pub account: String,
    /// The training id.
    #[arg(long)]
    pub training: String,
    /// User ids and pilot group ids, comma-separated (a group enrols its members).
    #[arg(long)]
    pub students: String,
    /// The supervisor's user id.
    #[arg(long)]
    pub supervisor: Option<String>,
    /// A deadline (YYYY-MM-DD, the end of that day in UTC).
    #[arg(long)]
    pub finish_before: Option<chrono::NaiveDate>,
    #[arg(long)]
    pub offline: bool,
}

pub async fn attendance(data_dir: &Path, args: &AttendanceArgs) -> Result<(), Failure> {
    let marks: Vec<(String, bool)> = ids(&args.present)
        .into_iter()
        .map(|u| (u, true))
        .chain(ids(&args.absent).into_iter().map(|u| (u, false)))
        .collect();
    if marks.is_empty() {
        return Err(Failure::config(
            "name the students with --present and/or --absent",
        ));
    }
    let opened = open(data_dir, !args.offline).await?;
    let store = opened.workspace.store();
    let queued = async {
        let account = store.account(&args.account).await?.id;
        training_writes::record_attendance(store, account, &args.id, &Attendance { marks }).await
    }
    .await;
    finish(opened, queued, args.offline).await
}

pub async fn evaluate(data_dir: &Path, args: &EvaluateArgs) -> Result<(), Failure> {
    let opened = open(data_dir, !args.offline).await?;
    let store = opened.workspace.store();
    let evaluation = Evaluation {
        student_id: args.student.clone(),
        remarks: args.remarks.clone(),
        measures: args.measures.clone(),
        objectives: args.objectives.clone(),
    };
    let queued = async {
        let account = store.account(&args.account).await?.id;
        training_writes::evaluate(store, account, &args.id, &evaluation).await
    }
    .await;
    finish(opened, queued, args.offline).await
}

pub async fn roster(data_dir: &Path, args: &RosterArgs) -> Result<(), Failure> {
    let opened = open(data_dir, true).await?;
    let read = class_roster::class_roster(
        &opened.workspace,
        Some(&args.account),
        &args.id,
        &SyncOptions::default(),
    )
    .await;
    opened.close().await;
    let roster = read.map_err(|e| match e {
        RosterError::Account(_) => Failure::config(e.to_string()),
        _ => Failure::failed(e.to_string()),
    })?;
    if let Some(why) = &roster.offline {
        eprintln!("{why}");
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&roster).expect("a roster serializes")
    );
    Ok(())
}

pub async fn lesson(data_dir: &Path, args: &LessonArgs) -> Result<(), Failure> {
    let LessonAction::Complete {
        id,
        account,
        enrolment,
        minutes,
        offline,
    } = &args.action;
    let done = LessonDone {
        enrollment_id: enrolment.clone(),
        seconds: minutes.saturating_mul(60).max(0),
        seconds_before: None,
    };
    let opened = open(data_dir, !offline).await?;
    let store = opened.workspace.store();
    let queued = async {
        let account = store.account(account).await?.id;
        training_writes::complete_lesson(store, account, id, &done).await
    }
    .await;
    finish(opened, queued, *offline).await
}

pub async fn enrol(data_dir: &Path, args: &EnrolArgs) -> Result<(), Failure> {
    let students = ids(&Some(args.students.clone()));
    if students.is_empty() {
        return Err(Failure::config(
            "name at least one student or pilot group with --students",
        ));
    }
    let enrolment = Enrolment {
        students,
        supervisor_id: args.supervisor.clone(),
        finish_before: args
            .finish_before
            .and_then(|d| d.and_hms_opt(23, 59, 59))
            .map(|t| t.and_utc().timestamp()),
    };
    let opened = open(data_dir, !args.offline).await?;
    let store = opened.workspace.store();
    let queued = async {
        let account = store.account(&args.account).await?.id;
        training_writes::enrol(store, account, &args.training, &enrolment).await
    }
    .await;
    finish(opened, queued, args.offline).await
}

async fn finish(
    opened: crate::open::Opened,
    queued: flightdesk_store::Result<flightdesk_store::OutboxRow>,
    offline: bool,
) -> Result<(), Failure> {
    match queued {
        Ok(row) => crate::outbox::send_and_report(opened, row.id, offline, "Flylogs").await,
        Err(e) => {
            opened.close().await;
            Err(store_failure(e))
        }
    }
}
