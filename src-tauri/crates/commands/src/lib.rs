//! The commands the desktop shell registers: their names, arguments and results in
//! TypeScript. The shell's build script turns the names into capability permissions and
//! `flightdesk-ipc` turns the whole table into `ui/src/lib/bindings.ts`; this crate has no
//! dependencies so the build script does not compile the backend a second time.

/// One Tauri command: its Rust name, its arguments and what it returns, in TypeScript.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
    pub args: &'static [(&'static str, &'static str)],
    pub returns: &'static str,
    pub doc: &'static str,
}

/// Every command the shell registers. The shell's `generate_handler!` list and its window
/// capability name exactly these (its `command_table_tests` check both).
pub const COMMANDS: &[Command] = &[
    Command {
        name: "workspace_state",
        args: &[],
        returns: "WorkspaceState",
        doc: "Whether the workspace is still opening, ready, or failed to open (and why); answers at once.",
    },
    Command {
        name: "app_info",
        args: &[],
        returns: "AppInfo",
        doc: "The app version and the open workspace.",
    },
    Command {
        name: "get_preferences",
        args: &[],
        returns: "Preferences",
        doc: "The saved preferences, or the defaults.",
    },
    Command {
        name: "set_preferences",
        args: &[("preferences", "Preferences")],
        returns: "Preferences",
        doc: "Validates and saves preferences; rejects unknown time zones.",
    },
    Command {
        name: "sync_status",
        args: &[],
        returns: "SyncStatus",
        doc: "Whether a sync runs, how the last one ended, when the next is due, and every resource's state.",
    },
    Command {
        name: "sync_now",
        args: &[],
        returns: "SyncRun",
        doc: "Syncs every account now (or joins the sync already under way) and resolves when it ends.",
    },
    Command {
        name: "skipped_rows",
        args: &[],
        returns: "SkippedRowView[]",
        doc: "The rows providers sent that could not become records, as sent, with why.",
    },
    Command {
        name: "webhook_status",
        args: &[],
        returns: "WebhookStatus",
        doc: "Whether the webhook receiver listens, its URL per account, and what it did lately.",
    },
    Command {
        name: "explore_demo",
        args: &[],
        returns: "null",
        doc: "Prepares the demo workspace beside this one and starts the app again on it.",
    },
    Command {
        name: "leave_demo",
        args: &[],
        returns: "null",
        doc: "Starts the app again on the real workspace.",
    },
    Command {
        name: "accounts",
        args: &[],
        returns: "AccountView[]",
        doc: "Every account with its state and how many records are cached for it.",
    },
    Command {
        name: "test_connection",
        args: &[("request", "ConnectRequest")],
        returns: "string",
        doc: "Sends one request with the credential and says what the provider answered; saves nothing.",
    },
    Command {
        name: "connect_account",
        args: &[("request", "ConnectRequest")],
        returns: "Connected",
        doc: "Verifies and saves an account (or a new key for it); the secret goes to the keyring only.",
    },
    Command {
        name: "rename_account",
        args: &[("name", "string"), ("new_name", "string")],
        returns: "Account",
        doc: "Renames an account; its data and keyring entries stay.",
    },
    Command {
        name: "remove_account",
        args: &[("name", "string")],
        returns: "null",
        doc: "Deletes an account's keyring entries, the account and every record cached for it.",
    },
    Command {
        name: "calendar",
        args: &[("request", "CalendarRequest")],
        returns: "Calendar",
        doc: "One calendar over every system from the cache, with conflicts across systems.",
    },
    Command {
        name: "calendar_item",
        args: &[("id", "string")],
        returns: "ItemDetails",
        doc: "Every field of one calendar item's record, and the provider's row as sent.",
    },
    Command {
        name: "search",
        args: &[("text", "string"), ("limit", "number")],
        returns: "SearchResults",
        doc: "Everything cached that matches the words, aircraft and people first.",
    },
    Command {
        name: "board",
        args: &[("at", "string | null")],
        returns: "Board",
        doc: "The dispatcher's board for the local day of `at` (default now) from the cache.",
    },
    Command {
        name: "crew_forecast",
        args: &[("at", "string")],
        returns: "Crew",
        doc: "AviationAlley's crew on duty at `at` (RFC 3339, or wall clock in the chosen zone), asked online.",
    },
    Command {
        name: "logbook_people",
        args: &[],
        returns: "LogbookPerson[]",
        doc: "The people with logbook entries, busiest first (the logbook is rebuilt first if the cache changed).",
    },
    Command {
        name: "logbook_page",
        args: &[("query", "PageQuery")],
        returns: "Page",
        doc: "One page of a person's logbook entries and how many match in all.",
    },
    Command {
        name: "logbook_entry",
        args: &[("id", "string")],
        returns: "EntryDetail",
        doc: "An entry with every source record behind it and where they disagree.",
    },
    Command {
        name: "logbook_split",
        args: &[("entry_id", "string"), ("source", "string")],
        returns: "RebuildStats",
        doc: "Takes one source (`provider/account/id`) out of an entry; kept through every sync.",
    },
    Command {
        name: "logbook_merge",
        args: &[("a", "string"), ("b", "string")],
        returns: "RebuildStats",
        doc: "Makes two entries one flight; kept through every sync.",
    },
    Command {
        name: "logbook_annotate",
        args: &[("entry_id", "string"), ("annotation", "Annotation")],
        returns: "Entry",
        doc: "Sets the pilot's own values of an entry (an empty annotation removes it); no sync overwrites them.",
    },
    Command {
        name: "logbook_totals",
        args: &[("person", "string")],
        returns: "Totals",
        doc: "A person's totals by period, aircraft, category and class, and role, as of today.",
    },
    Command {
        name: "logbook_currency",
        args: &[("person", "string")],
        returns: "Verdict[]",
        doc: "Every currency verdict of a person now, each explained.",
    },
    Command {
        name: "trainings",
        args: &[("person", "string | null")],
        returns: "Trainings",
        doc: "One student's trainings and progress, or every training with its students.",
    },
    Command {
        name: "entities",
        args: &[("kind", "EntityKind | null")],
        returns: "EntityView[]",
        doc: "The unified aircraft, simulators, rooms and people, each with its sources.",
    },
    Command {
        name: "decide_entities",
        args: &[("a", "string"), ("b", "string"), ("same", "boolean")],
        returns: "null",
        doc: "Says two sources are the same entity (same) or different ones; kept locally.",
    },
    Command {
        name: "class_form",
        args: &[("account_id", "number")],
        returns: "ClassForm",
        doc: "The class form's choices for a Flylogs account: subjects with lessons and exams, teachers, students, rooms.",
    },
    Command {
        name: "class_check",
        args: &[("request", "ClassRequest")],
        returns: "ClassCheck",
        doc: "A class checked against every cached system, with free slots when anything is in the way.",
    },
    Command {
        name: "class_save",
        args: &[("save", "ClassSave")],
        returns: "OutboxItem",
        doc: "Queues a new or changed class with its optimistic change and starts sending it (checked again first).",
    },
    Command {
        name: "class_delete",
        args: &[("account_id", "number"), ("class_id", "string")],
        returns: "OutboxItem",
        doc: "Queues the deletion of a class and starts sending it.",
    },
    Command {
        name: "outbox_items",
        args: &[],
        returns: "OutboxItem[]",
        doc: "Every write, newest first, with its state, the provider's words and its history.",
    },
    Command {
        name: "outbox_unsent",
        args: &[],
        returns: "OutboxItem[]",
        doc: "The writes not accepted yet, newest first: what the views mark waiting to send.",
    },
    Command {
        name: "outbox_counts",
        args: &[],
        returns: "OutboxCounts",
        doc: "How many writes wait, and how many need the user (the sidebar badge).",
    },
    Command {
        name: "outbox_retry",
        args: &[("id", "number")],
        returns: "OutboxItem",
        doc: "Sends a failed or refused write again (its optimistic change shows again).",
    },
    Command {
        name: "outbox_discard",
        args: &[("id", "number")],
        returns: "number[]",
        doc: "Gives up on a waiting write and those that wait for it; their optimistic changes go too.",
    },
    Command {
        name: "sign",
        args: &[("request", "SignRequest")],
        returns: "Signed",
        doc: "Signs a mission debrief or a class's attendance in Flylogs (online; the password is used for this request only).",
    },
    Command {
        name: "exam_preview",
        args: &[("account", "string | null"), ("enrollment_id", "string"), ("exam_id", "string")],
        returns: "ExamPreview",
        doc: "A Flylogs exam's details and past attempts (online).",
    },
    Command {
        name: "exam_start",
        args: &[("account", "string | null"), ("enrollment_id", "string"), ("exam_id", "string")],
        returns: "ExamSession",
        doc: "Starts (or resumes) an exam attempt and keeps its questions here (online).",
    },
    Command {
        name: "exam_answer",
        args: &[("attempt_id", "string"), ("detail_id", "string"), ("option_id", "string")],
        returns: "ExamSession",
        doc: "Saves an answer at once and sends it in the background, in order; works offline.",
    },
    Command {
        name: "exam_visit",
        args: &[("attempt_id", "string"), ("position", "number")],
        returns: "ExamSession",
        doc: "Remembers the question the student is at, to reopen there.",
    },
    Command {
        name: "exam_finish",
        args: &[("attempt_id", "string")],
        returns: "ExamSession",
        doc: "Asks Flylogs to grade the attempt once every answer is acknowledged.",
    },
    Command {
        name: "exam_deliver",
        args: &[("attempt_id", "string")],
        returns: "ExamSession",
        doc: "Sends the attempt's waiting answers now (a network backoff is cut short).",
    },
    Command {
        name: "exam_state",
        args: &[("attempt_id", "string")],
        returns: "ExamSession",
        doc: "An attempt as kept here: questions, answers and what Flylogs acknowledged.",
    },
    Command {
        name: "exam_open",
        args: &[],
        returns: "ExamSession[]",
        doc: "The attempts kept here that Flylogs has not graded yet.",
    },
    Command {
        name: "exam_result",
        args: &[("attempt_id", "string")],
        returns: "ExamResult",
        doc: "A graded attempt's score, pass or fail, and the right answers when shown (online).",
    },
    Command {
        name: "flight_log_save",
        args: &[("account", "string"), ("id", "string | null"), ("fields", "FlightLogFields")],
        returns: "OutboxItem",
        doc: "Queues a new PilotFlows flight log (no id) or the fields given of one, checked first; a mistake has the code invalid:<field>.",
    },
    Command {
        name: "flight_log_delete",
        args: &[("account", "string"), ("id", "string")],
        returns: "OutboxItem",
        doc: "Queues the deletion of a PilotFlows flight log.",
    },
    Command {
        name: "class_roster",
        args: &[("account", "string"), ("class_id", "string")],
        returns: "ClassRoster",
        doc: "A class's invited students with their attendance and evaluation, from Flylogs (or the cache offline), with waiting writes drawn over it.",
    },
    Command {
        name: "class_attendance_save",
        args: &[("account", "string"), ("class_id", "string"), ("attendance", "Attendance")],
        returns: "OutboxItem",
        doc: "Queues a class's attendance (marks of Flylogs user id and attended).",
    },
    Command {
        name: "class_evaluation_save",
        args: &[("account", "string"), ("class_id", "string"), ("evaluation", "Evaluation")],
        returns: "OutboxItem",
        doc: "Queues a student's evaluation in a class; the fields not given stay.",
    },
    Command {
        name: "training_enrol",
        args: &[("account", "string"), ("training_id", "string"), ("enrolment", "Enrolment")],
        returns: "OutboxItem",
        doc: "Queues the enrolment of students (Flylogs user ids) or pilot groups in a training.",
    },
    Command {
        name: "lesson_complete",
        args: &[("account", "string"), ("lesson_id", "string"), ("enrollment_id", "string"), ("minutes", "number")],
        returns: "OutboxItem",
        doc: "Queues a lesson's slides as completed by the student of an enrolment, with the minutes spent on them.",
    },
];

/// One event the backend emits to the window.
#[derive(Debug, Clone, Copy)]
pub struct Event {
    pub name: &'static str,
    /// The payload's TypeScript type.
    pub payload: &'static str,
    pub doc: &'static str,
}

/// Every event the shell emits; `bindings.ts` gets a typed listener for each.
pub const EVENTS: &[Event] = &[
    Event {
        name: "sync-progress",
        payload: "ProgressEvent",
        doc: "A resource started, wrote a page or finished.",
    },
    Event {
        name: "sync-status",
        payload: "SyncStatus",
        doc: "A sync started or ended, or the schedule changed.",
    },
    Event {
        name: "webhook-status",
        payload: "WebhookStatus",
        doc: "The webhook receiver started, stopped, or accepted a post.",
    },
    Event {
        name: "workspace-state",
        payload: "WorkspaceState",
        doc: "The workspace finished opening, or failed to.",
    },
    Event {
        name: "records-changed",
        payload: "RecordsChanged",
        doc: "A sync wrote, changed or removed records of these kinds for this account.",
    },
    Event {
        name: "outbox-changed",
        payload: "OutboxCounts",
        doc: "A write was queued, sent, refused or discarded.",
    },
];

/// The event a sync's progress is emitted on.
pub const SYNC_PROGRESS_EVENT: &str = EVENTS[0].name;
/// The event a changed sync status is emitted on.
pub const SYNC_STATUS_EVENT: &str = EVENTS[1].name;
/// The event a changed webhook receiver status is emitted on.
pub const WEBHOOK_STATUS_EVENT: &str = EVENTS[2].name;
/// The event the end of opening the workspace is emitted on.
pub const WORKSPACE_STATE_EVENT: &str = EVENTS[3].name;
/// The event a resource that changed cached records is announced on.
pub const RECORDS_CHANGED_EVENT: &str = EVENTS[4].name;
/// The event the outbox's counts are emitted on when a write changes.
pub const OUTBOX_CHANGED_EVENT: &str = EVENTS[5].name;
