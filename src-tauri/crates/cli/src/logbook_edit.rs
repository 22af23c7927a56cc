//! `logbook add|edit|delete`: PilotFlows flight logs changed through the outbox
//! (`flightdesk_sync::logbook_writes`, as the window does). A mistake caught before
//! queueing exits 2 naming the field (`date: 2027-01-01 is in the future…`); a field
//! PilotFlows refuses exits 1 in its words, and the printed row's `last_error_code` is
//! `invalid:<field>`.

use std::path::Path;

use chrono::NaiveDate;
use flightdesk_connectors::pilotflows_logbook::FlightLogFields;
use flightdesk_sync::logbook_writes::{self, LogbookWriteError};

use crate::args::LogbookAction;
use crate::exit::Failure;
use crate::open::open;

/// The fields of a flight log; those not given are left out (unchanged by `edit`).
#[derive(Debug, Clone, clap::Args)]
pub struct FlightLogArgs {
    /// The PilotFlows account (default: the only one).
    #[arg(long)]
    pub account: Option<String>,
    /// The day flown (YYYY-MM-DD).
    #[arg(long)]
    pub date: Option<NaiveDate>,
    /// The aircraft's registration.
    #[arg(long)]
    pub aircraft: Option<String>,
    /// Hours (tenths: 1.3).
    #[arg(long)]
    pub duration: Option<f64>,
    /// The pilot's PilotFlows member id.
    #[arg(long)]
    pub pilot: Option<String>,
    /// The student's PilotFlows member id.
    #[arg(long)]
    pub student: Option<String>,
    /// Airport identifiers.
    #[arg(long)]
    pub departure: Option<String>,
    #[arg(long)]
    pub arrival: Option<String>,
    #[arg(long)]
    pub landings: Option<i64>,
    #[arg(long)]
    pub remarks: Option<String>,
    /// Queue it without sending it now.
    #[arg(long)]
    pub offline: bool,
}

impl FlightLogArgs {
    fn fields(&self) -> FlightLogFields {
        FlightLogFields {
            date: self.date,
            aircraft: self.aircraft.clone(),
            duration: self.duration,
            pilot_id: self.pilot.clone(),
            student_id: self.student.clone(),
            departure: self.departure.clone(),
            arrival: self.arrival.clone(),
            landings: self.landings,
            remarks: self.remarks.clone(),
        }
    }
}

fn failure(e: LogbookWriteError) -> Failure {
    match e {
        LogbookWriteError::Store(_) => Failure::failed(e.to_string()),
        _ => Failure::config(e.to_string()),
    }
}

pub async fn run(data_dir: &Path, action: LogbookAction) -> Result<(), Failure> {
    let (account, offline) = match &action {
        LogbookAction::Add(f) | LogbookAction::Edit { fields: f, .. } => {
            (f.account.clone(), f.offline)
        }
        LogbookAction::Delete {
            account, offline, ..
        } => (account.clone(), *offline),
        _ => unreachable!("only add, edit and delete come here"),
    };
    let opened = open(data_dir, !offline).await?;
    let queued = async {
        let workspace = &opened.workspace;
        let account = logbook_writes::account(workspace, account.as_deref())
            .await
            .map_err(|e| failure(e.into()))?;
        let store = workspace.store();
        match &action {
            LogbookAction::Add(f) => logbook_writes::add(store, &account, &f.fields()).await,
            LogbookAction::Edit { id, fields } => {
                logbook_writes::edit(store, &account, id, &fields.fields()).await
            }
            LogbookAction::Delete { id, .. } => logbook_writes::delete(store, &account, id).await,
            _ => unreachable!("only add, edit and delete come here"),
        }
        .map_err(failure)
    }
    .await;
    match queued {
        Ok(row) => crate::outbox::send_and_report(opened, row.id, offline, "PilotFlows").await,
        Err(e) => {
            opened.close().await;
            Err(e)
        }
    }
}
