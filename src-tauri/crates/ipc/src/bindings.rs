use flightdesk_core::preferences::{WebhookPreferences, WindowState};
use flightdesk_core::{Preferences, Provider, Theme, UserRole};
use flightdesk_store::{Account, Counts, SkippedRowView};
use flightdesk_sync::{Outcome, ProgressEvent, ResourceSummary, SyncReport};
use flightdesk_workspace::WorkspaceKind;
use ts_rs::TS;

use flightdesk_core::identity::EntityKind;
use flightdesk_views::board::crew::{Crew, CrewMember, CrewSource, Duty, Limits, RoleGroup};
use flightdesk_views::board::fleet::{
    AirblyStatus, AircraftRow, ComplianceDue, Fleet, Usage, WorkOrder,
};
use flightdesk_views::board::movements::{BookedOut, Movement, Movements};
use flightdesk_views::board::Board;
use flightdesk_views::calendar::{
    Calendar, CalendarItem, CalendarRequest, Conflict, ItemDetails, ItemKind, Mirror, Participant,
    PendingChange, PendingMark, Role,
};
use flightdesk_views::entities::{EntityView, SourceView};
use flightdesk_views::lookup::EntityRef;
use flightdesk_views::rows::Synced;
use flightdesk_views::search::{SearchHit, SearchResults};
use flightdesk_views::trainings::{
    AttemptView, ClassView, EnrolmentView, ExamView, LessonView, MissionView, Progress, Student,
    StudentProgress, SubjectView, TrainingOverview, Trainings,
};

use flightdesk_sync::runner::AccountState;

use flightdesk_connectors::flylogs::RosterStudent;
use flightdesk_connectors::flylogs::{
    ExamPreview, ExamQuestion, ExamResult, PastAttempt, QuestionOption,
};
use flightdesk_connectors::pilotflows_logbook::FlightLogFields;
use flightdesk_store::OutboxState;
use flightdesk_sync::class_roster::{ClassRoster, RosterLine};
use flightdesk_sync::exams::{AnswerDelivery, ExamSession, FinishState, QuestionState};
use flightdesk_sync::outbox_view::{HistoryLine, OutboxCounts, OutboxItem};
use flightdesk_sync::signing::Signed;
use flightdesk_sync::training_writes::{Attendance, Enrolment, Evaluation};
use flightdesk_views::schedule::{
    Check, Choice, ClassCheck, ClassForm, ClassRequest, ClassSave, LessonChoice, Slot,
    SubjectChoice, Warning, WarningKind,
};

use flightdesk_currency::{Status as VerdictStatus, Verdict};
use flightdesk_logbook::airports::Place as AirportPlace;
use flightdesk_logbook::places::Places;
use flightdesk_logbook::totals::{Group, PeriodTotals, Sums};
use flightdesk_logbook::{
    Annotation, Disagreement, Entry, EntryDetail, Field, LogbookPerson, Origin, Page, PageQuery,
    PersonRef, RebuildStats, Role as LogbookRole, SortColumn, SortDirection, SourceDetail,
    SourceKey, Sourced, Totals,
};

use crate::{
    AccountView, AppInfo, ConnectRequest, Connected, ProviderInfo, RecordsChanged, ResourceState,
    RunError, RunningSync, SignKind, SignRequest, SyncRun, SyncStatus, SyncTrigger, UiError,
    WebhookActivityLine, WebhookStatus, WorkspaceState, COMMANDS, EVENTS,
};
use flightdesk_sync::webhooks::{AccountUrl, SkippedAccount};

/// The whole `bindings.ts` file.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from the Rust types by `cargo test -p flightdesk-ipc` with\n\
         // UPDATE_BINDINGS=1. Do not edit: CI fails when this file is stale.\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\
         import { listen, type UnlistenFn } from \"@tauri-apps/api/event\";\n\n",
    );
    for decl in [
        Provider::decl(),
        Theme::decl(),
        UserRole::decl(),
        WindowState::decl(),
        WebhookPreferences::decl(),
        Preferences::decl(),
        WorkspaceKind::decl(),
        Account::decl(),
        ProviderInfo::decl(),
        AppInfo::decl(),
        UiError::decl(),
        WorkspaceState::decl(),
        Counts::decl(),
        SkippedRowView::decl(),
        Outcome::decl(),
        ResourceSummary::decl(),
        ProgressEvent::decl(),
        SyncReport::decl(),
        SyncTrigger::decl(),
        RunningSync::decl(),
        RunError::decl(),
        SyncRun::decl(),
        ResourceState::decl(),
        SyncStatus::decl(),
        AccountUrl::decl(),
        SkippedAccount::decl(),
        WebhookActivityLine::decl(),
        WebhookStatus::decl(),
        RecordsChanged::decl(),
        AccountState::decl(),
        AccountView::decl(),
        ConnectRequest::decl(),
        Connected::decl(),
        EntityKind::decl(),
        EntityRef::decl(),
        SourceView::decl(),
        EntityView::decl(),
        ItemKind::decl(),
        Role::decl(),
        Participant::decl(),
        Conflict::decl(),
        Mirror::decl(),
        PendingChange::decl(),
        PendingMark::decl(),
        CalendarItem::decl(),
        Calendar::decl(),
        CalendarRequest::decl(),
        ItemDetails::decl(),
        SearchHit::decl(),
        SearchResults::decl(),
        Synced::decl(),
        CrewSource::decl(),
        Limits::decl(),
        Duty::decl(),
        CrewMember::decl(),
        RoleGroup::decl(),
        Crew::decl(),
        Usage::decl(),
        AirblyStatus::decl(),
        WorkOrder::decl(),
        ComplianceDue::decl(),
        AircraftRow::decl(),
        Fleet::decl(),
        Movement::decl(),
        BookedOut::decl(),
        Movements::decl(),
        Board::decl(),
        Progress::decl(),
        AttemptView::decl(),
        ExamView::decl(),
        LessonView::decl(),
        SubjectView::decl(),
        ClassView::decl(),
        MissionView::decl(),
        EnrolmentView::decl(),
        Student::decl(),
        StudentProgress::decl(),
        TrainingOverview::decl(),
        Trainings::decl(),
        SourceKey::decl(),
        Origin::decl(),
        Sourced::<String>::decl(),
        Field::<String>::decl(),
        LogbookRole::decl(),
        PersonRef::decl(),
        Annotation::decl(),
        AirportPlace::decl(),
        Places::decl(),
        Entry::decl(),
        SortColumn::decl(),
        SortDirection::decl(),
        PageQuery::decl(),
        Page::decl(),
        SourceDetail::decl(),
        Disagreement::decl(),
        EntryDetail::decl(),
        RebuildStats::decl(),
        LogbookPerson::decl(),
        Sums::decl(),
        Group::decl(),
        PeriodTotals::decl(),
        Totals::decl(),
        VerdictStatus::decl(),
        Verdict::decl(),
        ClassRequest::decl(),
        ClassSave::decl(),
        Choice::decl(),
        LessonChoice::decl(),
        SubjectChoice::decl(),
        ClassForm::decl(),
        WarningKind::decl(),
        Warning::decl(),
        Check::decl(),
        Slot::decl(),
        ClassCheck::decl(),
        OutboxState::decl(),
        HistoryLine::decl(),
        OutboxItem::decl(),
        OutboxCounts::decl(),
        SignKind::decl(),
        SignRequest::decl(),
        Signed::decl(),
        PastAttempt::decl(),
        ExamPreview::decl(),
        QuestionOption::decl(),
        ExamQuestion::decl(),
        ExamResult::decl(),
        AnswerDelivery::decl(),
        FinishState::decl(),
        QuestionState::decl(),
        ExamSession::decl(),
        FlightLogFields::decl(),
        RosterStudent::decl(),
        RosterLine::decl(),
        ClassRoster::decl(),
        Attendance::decl(),
        Evaluation::decl(),
        Enrolment::decl(),
    ] {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str("/** Typed calls into the Rust backend; they reject with a `UiError`. */\n");
    out.push_str("export const commands = {\n");
    for command in COMMANDS {
        let params: Vec<String> = command
            .args
            .iter()
            .map(|(name, ty)| format!("{}: {ty}", camel_case(name)))
            .collect();
        let payload = if command.args.is_empty() {
            String::new()
        } else {
            let keys: Vec<String> = command.args.iter().map(|(n, _)| camel_case(n)).collect();
            format!(", {{ {} }}", keys.join(", "))
        };
        out.push_str(&format!(
            "  /** {} */\n  {}: ({}): Promise<{}> => invoke(\"{}\"{}),\n",
            command.doc,
            camel_case(command.name),
            params.join(", "),
            command.returns,
            command.name,
            payload
        ));
    }
    out.push_str("};\n\n");
    out.push_str("/** Typed listeners for the events the backend emits; each resolves to an unlisten function. */\n");
    out.push_str("export const events = {\n");
    for event in EVENTS {
        out.push_str(&format!(
            "  /** {} */\n  {}: (handler: (payload: {}) => void): Promise<UnlistenFn> =>\n    listen<{}>(\"{}\", (e) => handler(e.payload)),\n",
            event.doc,
            camel_case(&format!("on_{}", event.name.replace('-', "_"))),
            event.payload,
            event.payload,
            event.name,
        ));
    }
    out.push_str("};\n");
    out
}

/// Tauri maps snake_case Rust argument names to camelCase JavaScript keys.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_matches_tauri_argument_naming() {
        assert_eq!(camel_case("set_preferences"), "setPreferences");
        assert_eq!(camel_case("app_info"), "appInfo");
        assert_eq!(camel_case("x"), "x");
    }

    #[test]
    fn every_returned_and_argument_type_is_declared() {
        let ts = typescript();
        for command in COMMANDS {
            let types = command
                .args
                .iter()
                .map(|(_, t)| *t)
                .chain([command.returns]);
            // TypeScript's own types need no declaration; a union or list needs its parts.
            let builtin = ["string", "number", "boolean", "null"];
            for ty in types.flat_map(|t| t.split(" | ")) {
                // A list of a declared type is declared.
                let element = ty.trim_end_matches("[]");
                if builtin.contains(&element) {
                    continue;
                }
                assert!(
                    ts.contains(&format!("type {element} ")),
                    "{ty} is not declared"
                );
            }
        }
        for event in EVENTS {
            let ty = event.payload;
            assert!(ts.contains(&format!("type {ty} ")), "{ty} is not declared");
        }
    }
}
