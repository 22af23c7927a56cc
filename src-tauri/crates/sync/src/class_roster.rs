//! A class's roster for its teacher: the invited students with their attendance and
//! evaluation, as the attendance and evaluation forms show them. Flylogs' "View Class" is
//! the one answer that lists who is invited, so the roster is read from it when Flylogs
//! can be reached; offline it is pieced together from what the cache and the outbox hold
//! (the class's attendance rows, the students of a class scheduled here) and says so.
//! Either way, attendance and evaluations still waiting in the outbox are drawn over it.

use flightdesk_connectors::flylogs::{RosterStudent, RESOURCE};
use flightdesk_connectors::ConnectorError;
use flightdesk_store::{OutboxRow, Store, StoreError};
use flightdesk_workspace::Workspace;
use serde::Serialize;
use serde_json::Value;

use crate::account_choice::{flylogs_account, AccountChoice};
use crate::replay::{writer, FLYLOGS_ATTENDANCE, FLYLOGS_CLASS_SAVE, FLYLOGS_EVALUATION};
use crate::training_writes::{Attendance, Evaluation};
use crate::SyncOptions;

/// The students of one class.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ClassRoster {
    pub account: String,
    pub class_id: String,
    pub students: Vec<RosterLine>,
    /// Why the roster comes from the cache (Flylogs could not be reached), in words.
    pub offline: Option<String>,
}

/// One student, with the outbox write that changes them and is not sent yet.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RosterLine {
    #[serde(flatten)]
    pub student: RosterStudent,
    #[ts(type = "number | null")]
    pub waiting: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error(transparent)]
    Account(#[from] AccountChoice),
    /// Flylogs refused the read, in its own words ("You are not invited to this class").
    #[error("Flylogs refused it: {0}")]
    Refused(String),
    #[error("the class roster could not be read: {0}")]
    Connector(ConnectorError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The roster of class `class_id` (a Flylogs id, or the `local:` id of a class not sent
/// yet) in the Flylogs account `account` (the only one when `None`).
pub async fn class_roster(
    workspace: &Workspace,
    account: Option<&str>,
    class_id: &str,
    options: &SyncOptions,
) -> Result<ClassRoster, RosterError> {
    let account = flylogs_account(workspace, account).await?;
    let store = workspace.store();
    let outbox: Vec<OutboxRow> = store
        .writes_of(account.id, class_id)
        .await?
        .into_iter()
        .filter(|r| r.resource == RESOURCE)
        .collect();
    let live = if class_id.starts_with(flightdesk_store::LOCAL_ID_PREFIX) {
        Err("the class is not in Flylogs yet".to_string())
    } else {
        read_live(workspace, &account, class_id, options).await?
    };
    let (students, offline) = match live {
        Ok(students) => (students, None),
        Err(why) => (
            cached(store, account.id, class_id, &outbox).await?,
            Some(why),
        ),
    };
    let mut students: Vec<RosterLine> = students
        .into_iter()
        .map(|student| RosterLine {
            student,
            waiting: None,
        })
        .collect();
    for row in outbox.iter().filter(|r| r.state.is_waiting()) {
        draw_waiting(&mut students, row);
    }
    Ok(ClassRoster {
        account: account.name,
        class_id: class_id.to_string(),
        students,
        offline,
    })
}

/// Flylogs' roster, or why it could not be read when the network is the reason (a
/// refusal or a malformed answer is an error of its own).
async fn read_live(
    workspace: &Workspace,
    account: &flightdesk_store::Account,
    class_id: &str,
    options: &SyncOptions,
) -> Result<Result<Vec<RosterStudent>, String>, RosterError> {
    let answer = match writer(workspace, account, options, &mut Default::default()).await {
        Ok(flylogs) => flylogs.class_roster(class_id).await,
        Err(e) => Err(e),
    };
    match answer {
        Ok(students) => Ok(Ok(students)),
        Err(e) if e.cannot_answer_now() => Ok(Err(format!(
            "Flylogs cannot answer now, so this is what FlightDesk last saw ({e})"
        ))),
        Err(e) => match e.refusal() {
            Some(words) => Err(RosterError::Refused(words.to_string())),
            None => Err(RosterError::Connector(e)),
        },
    }
}

/// The class's cached attendance rows, then the students of its latest save queued here.
async fn cached(
    store: &Store,
    account_id: i64,
    class_id: &str,
    outbox: &[OutboxRow],
) -> Result<Vec<RosterStudent>, StoreError> {
    let mut students: Vec<RosterStudent> = store
        .class_attendance(account_id, class_id)
        .await?
        .into_iter()
        .map(|a| {
            let text = |k: &str| {
                a.raw
                    .get(k)
                    .and_then(Value::as_str)
                    .filter(|t| !t.trim().is_empty())
                    .map(str::to_string)
            };
            RosterStudent {
                attended: a.status.as_deref().map(|s| s == "attended"),
                remarks: text("remarks"),
                measures: text("measures"),
                objectives: text("objectives"),
                user_id: a.person_id,
                name: a.name,
            }
        })
        .collect();
    let drafted = outbox
        .iter()
        .rev()
        .find(|r| r.operation == FLYLOGS_CLASS_SAVE)
        .and_then(|r| r.payload.get("student_ids"))
        .and_then(Value::as_array);
    for user in drafted.into_iter().flatten().filter_map(Value::as_str) {
        if !students.iter().any(|s| s.user_id == user) {
            students.push(RosterStudent {
                user_id: user.to_string(),
                name: store.person_name(account_id, user).await?,
                ..RosterStudent::default()
            });
        }
    }
    Ok(students)
}

/// Draws a waiting attendance or evaluation write over the students it names.
fn draw_waiting(students: &mut [RosterLine], row: &OutboxRow) {
    let mut touch = |user: &str, change: &dyn Fn(&mut RosterStudent)| {
        if let Some(line) = students.iter_mut().find(|l| l.student.user_id == user) {
            change(&mut line.student);
            line.waiting = Some(row.id);
        }
    };
    match row.operation.as_str() {
        FLYLOGS_ATTENDANCE => {
            let Ok(a) = serde_json::from_value::<Attendance>(row.payload.clone()) else {
                return;
            };
            for (user, present) in &a.marks {
                touch(user, &|s| s.attended = Some(*present));
            }
        }
        FLYLOGS_EVALUATION => {
            let Ok(e) = serde_json::from_value::<Evaluation>(row.payload.clone()) else {
                return;
            };
            touch(&e.student_id.clone(), &|s| {
                for (field, value) in [
                    (&mut s.remarks, &e.remarks),
                    (&mut s.measures, &e.measures),
                    (&mut s.objectives, &e.objectives),
                ] {
                    if value.is_some() {
                        field.clone_from(value);
                    }
                }
            });
        }
        _ => {}
    }
}
