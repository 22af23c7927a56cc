// Generated from the Rust types by `cargo test -p flightdesk-ipc` with
// UPDATE_BINDINGS=1. Do not edit: CI fails when this file is stale.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

export type Provider = "aviationalley" | "pilotflows" | "airbly" | "flightschoolbooking" | "flylogs";

export type Theme = "system" | "light" | "dark";

export type UserRole = "instructor" | "student" | "dispatcher" | "manager";

export type WindowState = { width: number, height: number, x: number, y: number, maximized: boolean, };

export type WebhookPreferences = { 
/**
 * Off by default: nothing listens unless the user turns it on.
 */
enabled: boolean, 
/**
 * `host:port` to listen on; loopback unless the user chooses another address.
 */
bind: string, };

export type Preferences = { theme: Theme, 
/**
 * IANA time-zone name the calendar and logbook show times in.
 */
time_zone: string, 
/**
 * The role whose home view the app opens on.
 */
role: UserRole, 
/**
 * Every role the user has (an instructor may also dispatch); empty until chosen on
 * the welcome screen.
 */
roles: Array<UserRole>, 
/**
 * The unified person the user is (an entity id such as `person:…`): "my schedule" in
 * the calendar, and a student's own trainings. `None` until chosen in Settings.
 */
me: string | null, 
/**
 * The welcome screen was answered (or skipped): it shows no more.
 */
welcomed: boolean, 
/**
 * Minutes between background syncs; 0 turns background sync off.
 */
sync_interval_minutes: number, webhooks: WebhookPreferences, window: WindowState | null, };

export type WorkspaceKind = "real" | "demo";

export type Account = { id: number, provider: Provider, name: string, base_url: string, 
/**
 * Provider-specific options, e.g. `{"organisation": "42"}`.
 */
options: Record<string, unknown>, created_at: string, updated_at: string, };

export type ProviderInfo = { id: Provider, name: string, 
/**
 * The documented production URL; none for Flight School Booking, which has one site
 * per school (`https://<school>.flightschoolbooking.com`).
 */
default_base_url: string | null, 
/**
 * What the provider calls the secret a user pastes.
 */
secret_label: string, };

export type AppInfo = { version: string, data_dir: string, workspace_id: string, workspace_kind: WorkspaceKind, schema_version: number, providers: Array<ProviderInfo>, accounts: Array<Account>, };

export type UiError = { code: string, message: string, };

export type WorkspaceState = { "state": "opening" } | { "state": "ready" } | { "state": "failed", error: UiError, };

export type Counts = { 
/**
 * Records not cached before.
 */
new: number, 
/**
 * Cached records whose content changed (cancellations included).
 */
updated: number, 
/**
 * Records deleted at the provider, by tombstone or by absence from a full pass.
 */
removed: number, 
/**
 * Rows the provider sent that could not become records (kept raw; see
 * [`Store::skipped_rows`]). Counts written before there was this field read as 0.
 */
skipped: number, };

export type SkippedRowView = { account: string, resource: string, 
/**
 * Why it could not become a record ("flight_logs row without an `id`").
 */
reason: string, 
/**
 * The row exactly as the provider sent it.
 */
raw: unknown, first_seen_at: string, last_seen_at: string, };

export type Outcome = "synced" | "unchanged" | "not_permitted" | "needs_credential" | "failed";

export type ResourceSummary = { account: string, provider: Provider, resource: string, outcome: Outcome, pages: number, 
/**
 * HTTP requests this resource's run sent, retries included.
 */
requests: number, 
/**
 * How many times the pass started over because the listing moved under it.
 */
restarts: number, 
/**
 * Machine code of the error (`forbidden`, `unauthorized`, `server_error`, ...).
 */
error_code: string | null, 
/**
 * The error for people; never contains a credential.
 */
error: string | null, 
/**
 * The record kinds (cache tables) the resource writes, so a view knows whether
 * its data changed (empty for a resource that failed before it started).
 */
kinds: string[], 
/**
 * Records not cached before.
 */
new: number, 
/**
 * Cached records whose content changed (cancellations included).
 */
updated: number, 
/**
 * Records deleted at the provider, by tombstone or by absence from a full pass.
 */
removed: number, 
/**
 * Rows the provider sent that could not become records (kept raw; see
 * [`Store::skipped_rows`]). Counts written before there was this field read as 0.
 */
skipped: number, };

export type ProgressEvent = { "event": "waiting", holder: string, this_process: boolean, } | { "event": "resource_started", account: string, provider: Provider, resource: string, resumed: boolean, } | { "event": "page_written", account: string, resource: string, records: number, pages: number, counts: Counts, } | { "event": "resource_finished" } & ResourceSummary;

export type SyncReport = { resources: Array<ResourceSummary>, 
/**
 * HTTP requests sent, retries included.
 */
requests: number, started_at: string | null, elapsed_ms: number, };

export type SyncTrigger = "manual" | "schedule";

export type RunningSync = { trigger: SyncTrigger, started_at: string, };

export type RunError = { code: string, message: string, };

export type SyncRun = { trigger: SyncTrigger, started_at: string, finished_at: string, report: SyncReport | null, error: RunError | null, };

export type ResourceState = { account: string, provider: Provider, resource: string, last_success_at: string | null, last_attempt_at: string | null, 
/**
 * A pass stopped in its middle; the next sync resumes it.
 */
in_progress: boolean, last_counts: Counts | null, 
/**
 * How its last attempt ended, as a run would have reported it; `None` before any.
 */
outcome: Outcome | null, error_code: string | null, error: string | null, };

export type SyncStatus = { 
/**
 * Grows with every status the runner reports; a smaller one is older.
 */
revision: number, running: RunningSync | null, last_run: SyncRun | null, 
/**
 * 0 when background sync is off.
 */
interval_minutes: number, next_run_at: string | null, resources: Array<ResourceState>, };

export type AccountUrl = { account: string, provider: Provider, 
/**
 * The local URL, e.g. `http://127.0.0.1:47810/webhooks/aviationalley/school`.
 */
url: string, 
/**
 * The path to append to a public URL that forwards to the receiver.
 */
path: string, };

export type SkippedAccount = { account: string, provider: Provider, reason: string, };

export type WebhookActivityLine = { at: string, text: string, 
/**
 * False for a sync that failed or could not run.
 */
ok: boolean, };

export type WebhookStatus = { enabled: boolean, 
/**
 * The address it listens on while running.
 */
listening_on: string | null, 
/**
 * Set while it listens where other machines can reach it: who can then trigger syncs.
 */
exposure_warning: string | null, urls: Array<AccountUrl>, skipped: Array<SkippedAccount>, 
/**
 * Why it is not running although enabled (the address is taken, ...).
 */
error: UiError | null, recent: Array<WebhookActivityLine>, };

export type RecordsChanged = { account: string, provider: Provider, resource: string, 
/**
 * The cache tables written (`bookings`, `classes`, ...).
 */
kinds: Array<string>, };

export type AccountState = "connected" | "needs_credential" | "disconnected";

export type AccountView = { account: Account, state: AccountState, 
/**
 * Records cached for it, all kinds together: what removing it deletes.
 */
records: number, };

export type ConnectRequest = { provider: Provider, name: string, base_url: string, 
/**
 * The API key, group key, token or (Flylogs with `email`) password.
 */
secret: string, 
/**
 * Flylogs: the login e-mail; the secret is then the password.
 */
email: string | null, 
/**
 * Flylogs: the one-time two-factor code the provider sent; used once, never saved.
 */
code: string | null, 
/**
 * PilotFlows: the organisation, when the key sees several.
 */
organization: string | null, };

export type Connected = { account: Account, summary: string, };

export type EntityKind = "aircraft" | "simulator" | "room" | "person";

export type EntityRef = { 
/**
 * Stable across syncs (`aircraft:N44API`, `person:ann@example.org`).
 */
id: string, kind: EntityKind, name: string, };

export type SourceView = { provider: Provider, account: string, source_id: string, 
/**
 * `provider/account/source_id`, what `flightdesk link` takes.
 */
key: string, 
/**
 * How it was matched, in words ("same registration", "linked by you").
 */
matched_by: string, };

export type EntityView = { id: string, kind: EntityKind, name: string, sources: Array<SourceView>, };

export type ItemKind = "booking" | "unavailability" | "simulator_booking" | "calendar_event" | "class" | "exam_session";

export type Role = "instructor" | "student";

export type Participant = { role: Role, 
/**
 * Stable across syncs (`aircraft:N44API`, `person:ann@example.org`).
 */
id: string, kind: EntityKind, name: string, };

export type Conflict = { 
/**
 * The other item's `id`.
 */
item: string, source: Provider, account: string, source_id: string, 
/**
 * The entities both items involve.
 */
entities: Array<EntityRef>, 
/**
 * A sentence that names both items and what they share.
 */
reason: string, };

export type Mirror = { item: string, source: Provider, account: string, source_id: string, };

export type PendingChange = "create" | "change" | "delete";

export type PendingMark = { outbox_id: number, change: PendingChange, 
/**
 * `pending`, `sending` or `failed` (refused writes are rolled back, so never here).
 */
state: OutboxState, };

export type CalendarItem = { 
/**
 * `table/account/source_id`: what `calendar_item` takes to show every field.
 */
id: string, kind: ItemKind, source: Provider, account: string, source_id: string, title: string, 
/**
 * RFC 3339 with the offset of the chosen zone.
 */
starts_at: string, ends_at: string, 
/**
 * The wall clock in the chosen zone, `YYYY-MM-DDTHH:MM:SS`.
 */
local_start: string, local_end: string, cancelled: boolean, unavailability: boolean, 
/**
 * The provider's status word (`scheduled`, `completed`, ...).
 */
status: string | null, notes: string | null, resources: Array<EntityRef>, people: Array<Participant>, conflicts: Array<Conflict>, same_as: Array<Mirror>, 
/**
 * When the record last changed in the cache (UTC): a stable DTSTAMP for ICS.
 */
changed_at: string, 
/**
 * The outbox write this item waits on ("waiting to send"), if any.
 */
pending: PendingMark | null, };

export type Calendar = { from: string, to: string, time_zone: string, items: Array<CalendarItem>, 
/**
 * The unified aircraft, simulators and rooms, then the instructors of these items.
 */
rows: Array<EntityRef>, };

export type CalendarRequest = { from: string, to: string, time_zone: string, resource: string | null, person: string | null, sources: Array<Provider>, kinds: Array<ItemKind>, include_cancelled: boolean, };

export type ItemDetails = { id: string, source: Provider, account: string, source_id: string, fields: Record<string, unknown>, raw: unknown, };

export type SearchHit = { 
/**
 * The cache table (`aircraft`, `bookings`, `work_orders`, ...).
 */
kind: string, source: Provider, account: string, source_id: string, title: string, 
/**
 * Where the words matched, the matches between `[` and `]`.
 */
snippet: string, 
/**
 * The unified aircraft or person this record is, to open it.
 */
entity: EntityRef | null, 
/**
 * The calendar item this record is (`bookings/account/id`), to open it.
 */
item: string | null, 
/**
 * When that item starts (UTC), so the calendar can open on its day.
 */
starts_at: string | null, };

export type SearchResults = { query: string, total: number, hits: Array<SearchHit>, };

export type Synced = { provider: Provider, account: string, resource: string, 
/**
 * The end of its last successful run; `None` if no run has completed yet.
 */
last_success_at: string | null, };

export type CrewSource = "cache" | "forecast";

export type Limits = { max_duty_hours: number | null, max_duty_hours_7d: number | null, };

export type Duty = { 
/**
 * `flying`, `dispatch`, `standby`, `ground`.
 */
kind: string | null, starts_at: string | null, ends_at: string | null, };

export type CrewMember = { account: string, 
/**
 * AviationAlley's user id.
 */
person_id: string, name: string | null, email: string | null, 
/**
 * `on_duty`, `standby`, `rest` or `off_duty`.
 */
status: string | null, on_duty: boolean, current_duty: Duty | null, next_duty: Duty | null, hours_today: number | null, hours_7d: number | null, limits: Limits, 
/**
 * Breached limits, lower case (`daily_duty_limit`, `weekly_duty_limit`,
 * `minimum_rest`): what the provider reports, plus any the hours show past a limit.
 */
breaches: Array<string>, };

export type RoleGroup = { 
/**
 * Lower case, as stored (`instructor`, `dispatcher`, ...).
 */
role: string, members: Array<CrewMember>, };

export type Crew = { source: CrewSource, 
/**
 * The instant the snapshot describes (the endpoint's `at`); the latest of its
 * accounts' when there are several.
 */
snapshot_at: string | null, 
/**
 * How many members have at least one limit breach.
 */
breaches: number, 
/**
 * Instructors, dispatchers, mechanics, managers, then any other role.
 */
roles: Array<RoleGroup>, synced: Array<Synced>, 
/**
 * The least recently synced resource of this section.
 */
as_of: string | null, };

export type Usage = { engine_hours: number | null, air_hours: number | null, tach_hours: number | null, landings: number | null, cycles: number | null, };

export type AirblyStatus = { account: string, 
/**
 * `stopped`, `inflight`, `sos`, `disabled`.
 */
operational_status: string | null, 
/**
 * `none` or `required`.
 */
attention_status: string | null, 
/**
 * `current`, `due`, `overdue` (or `none`).
 */
maintenance_status: string | null, 
/**
 * Total usage when Airbly answered.
 */
usage: Usage, };

export type WorkOrder = { account: string, source_id: string, 
/**
 * The provider's reference (`WO-00002`).
 */
number: string | null, title: string | null, 
/**
 * `open`, `in_progress`, `awaiting_parts`.
 */
status: string | null, 
/**
 * `critical`, `high`, `normal`, `low`.
 */
priority: string | null, opened_at: string | null, };

export type ComplianceDue = { account: string, source_id: string, title: string | null, category: string | null, status: string | null, due_on: string | null, 
/**
 * Days from the board's local day to `due_on` (negative: overdue).
 */
days_left: number | null, overdue: boolean, };

export type AircraftRow = { 
/**
 * The entity id (`aircraft:N44API`), as `flightdesk entities` shows it.
 */
id: string, 
/**
 * `aircraft` or `simulator`.
 */
kind: EntityKind, name: string, 
/**
 * `provider/account/source_id` of every source.
 */
sources: Array<string>, 
/**
 * From its Airbly asset, if Airbly tracks it.
 */
airbly: AirblyStatus | null, 
/**
 * Open work orders, critical first, then oldest first.
 */
work_orders: Array<WorkOrder>, 
/**
 * Compliance items overdue or due within [`COMPLIANCE_HORIZON_DAYS`], soonest first.
 */
compliance: Array<ComplianceDue>, 
/**
 * Something here needs a dispatcher's eye: Airbly asks for attention or says
 * maintenance is due, a critical or high work order is open, or an item is overdue.
 */
attention: boolean, };

export type Fleet = { 
/**
 * Aircraft first, then simulators, each by name.
 */
aircraft: Array<AircraftRow>, synced: Array<Synced>, 
/**
 * The least recently synced resource of this section.
 */
as_of: string | null, };

export type Movement = { 
/**
 * The unified aircraft or simulator (`aircraft:N44API`), when resolved.
 */
aircraft_id: string | null, 
/**
 * Its name as the first source gives it.
 */
aircraft: string | null, 
/**
 * `aircraft` or `simulator`.
 */
resource_kind: string | null, starts_at: string | null, ends_at: string | null, person: string | null, instructor: string | null, status: string | null, 
/**
 * `provider/account/source_id` of each booking that is this movement.
 */
sources: Array<string>, };

export type BookedOut = { account: string, source_id: string, aircraft_id: string | null, registration: string | null, pilot: string | null, student: string | null, out_at: string | null, 
/**
 * When it is expected back.
 */
eta: string | null, 
/**
 * When it came back; `None` while still out.
 */
in_at: string | null, departed: string | null, destination: string | null, 
/**
 * Still out and past its `eta` at the board's instant.
 */
overdue: boolean, };

export type Movements = { 
/**
 * Bookings that start in the local day, by start.
 */
departures: Array<Movement>, 
/**
 * Bookings that end in the local day, by end.
 */
arrivals: Array<Movement>, 
/**
 * Aircraft booked out today (Flight School Booking), still out first.
 */
booked_out: Array<BookedOut>, synced: Array<Synced>, 
/**
 * The least recently synced resource of this section.
 */
as_of: string | null, };

export type Board = { 
/**
 * The instant the board is for.
 */
now: string, 
/**
 * The IANA zone whose local day "today" is.
 */
time_zone: string, 
/**
 * That local day.
 */
day: string, crew: Crew, aircraft: Fleet, movements: Movements, };

export type Progress = { completed: number, total: number, finished: boolean | null, 
/**
 * `provider` (as Flylogs computed it) or `missions` (counted from cached missions).
 */
basis: string, };

export type AttemptView = { attempt: number | null, taken_at: string | null, score: number | null, passed: boolean | null, status: string | null, };

export type ExamView = { id: string, name: string | null, 
/**
 * `online`, `onsite`, ...
 */
kind: string | null, 
/**
 * The score that passes.
 */
pass_score: number | null, max_attempts: number | null, 
/**
 * Oldest first.
 */
attempts: Array<AttemptView>, passed: boolean, };

export type LessonView = { id: string, name: string | null, category: string | null, minutes: number | null, 
/**
 * The enrolment's own attendance of the lesson (its slides, not a class) says done.
 */
completed: boolean, };

export type SubjectView = { id: string, name: string | null, code: string | null, lessons: Array<LessonView>, exams: Array<ExamView>, };

export type ClassView = { id: string, name: string | null, starts_at: string | null, ends_at: string | null, instructor: string | null, status: string | null, };

export type MissionView = { id: string, name: string | null, completed_at: string | null, 
/**
 * The registration (or simulator) flown.
 */
aircraft: string | null, 
/**
 * By when it must be signed: the training's end, else the enrolment's deadline.
 */
deadline: string | null, };

export type EnrolmentView = { enrolment_id: string, 
/**
 * `flylogs/account/enrolment_id` of each account that has it.
 */
sources: Array<string>, 
/**
 * The accounts signed in as the student (Flylogs lists the enrolment as their own):
 * only through these can a lesson be completed.
 */
own_accounts: Array<string>, training_id: string | null, training: string | null, 
/**
 * Whether the training is active (Flylogs refuses lessons of one that is not).
 */
training_active: boolean | null, 
/**
 * `ONSITE`, `DISTANCE`, `REMOTE`.
 */
training_type: string | null, 
/**
 * `active` or `finished`.
 */
status: string | null, enrolled_on: string | null, 
/**
 * The enrolment's `finish_before`, else the training's end.
 */
deadline: string | null, 
/**
 * Ground-school progress (theory trainings).
 */
lessons: Progress | null, 
/**
 * Flight progress (trainings with flights).
 */
flights: Progress | null, 
/**
 * Class attendance records marked attended.
 */
classes_attended: number, subjects: Array<SubjectView>, 
/**
 * Classes of the training from now on, soonest first.
 */
upcoming_classes: Array<ClassView>, 
/**
 * Completed missions still waiting for the student's debrief signature, oldest first.
 */
unsigned_missions: Array<MissionView>, };

export type Student = { 
/**
 * The unified person id (`person:ann@example.org`), when the person is one.
 */
id: string | null, name: string | null, 
/**
 * The person's Flylogs users, `flylogs/account/user_id`.
 */
flylogs: Array<string>, };

export type StudentProgress = { 
/**
 * `flylogs/account/user_id`.
 */
user: string, 
/**
 * The unified person id, when the user is matched to one.
 */
person_id: string | null, name: string | null, enrolment_id: string, status: string | null, enrolled_on: string | null, lessons: Progress | null, flights: Progress | null, last_flight: string | null, unsigned_missions: number, };

export type TrainingOverview = { id: string, 
/**
 * The Flylogs accounts that hold it, by name (an enrolment is sent through one).
 */
accounts: Array<string>, name: string | null, training_type: string | null, active: boolean | null, 
/**
 * Enrolments Flylogs counts (finished ones included).
 */
students_count: number | null, subjects_count: number | null, 
/**
 * Enrolments in the cache, and how many of them are active and finished.
 */
enrolled: number, active_students: number, finished_students: number, 
/**
 * By name.
 */
students: Array<StudentProgress>, };

export type Trainings = { now: string, 
/**
 * The student asked for; `None` for the instructor/manager view.
 */
student: Student | null, 
/**
 * The student's enrolments (empty without a student).
 */
enrolments: Array<EnrolmentView>, 
/**
 * Every training with its students (empty with a student).
 */
trainings: Array<TrainingOverview>, synced: Array<Synced>, 
/**
 * The least recently synced resource of this view.
 */
as_of: string | null, };

export type SourceKey = { 
/**
 * The provider (`airbly`, `pilotflows`, ...).
 */
source: Provider, 
/**
 * The account's name in FlightDesk.
 */
account: string, 
/**
 * The provider's id of the record.
 */
source_id: string, };

export type Origin = { "kind": "source", 
/**
 * The provider (`airbly`, `pilotflows`, ...).
 */
source: Provider, 
/**
 * The account's name in FlightDesk.
 */
account: string, 
/**
 * The provider's id of the record.
 */
source_id: string, } | { "kind": "derived", 
/**
 * How, in words ("civil night along the Airbly track").
 */
how: string, 
/**
 * The provider (`airbly`, `pilotflows`, ...).
 */
source: Provider, 
/**
 * The account's name in FlightDesk.
 */
account: string, 
/**
 * The provider's id of the record.
 */
source_id: string, } | { "kind": "annotation" };

export type Sourced<T> = { value: T, from: Origin, };

export type Field<T> = { value: T | null, from: Origin | null, 
/**
 * Other values for this column, each with its origin; empty when all agree.
 */
disagreeing: Array<Sourced<T>>, };

export type LogbookRole = "pic" | "sic" | "dual" | "instructor";

export type PersonRef = { 
/**
 * The views entity id (`person:ann@example.org`), or for a person no other record
 * names, `person:<provider>/<account>/<id>`.
 */
id: string, name: string, };

export type Annotation = { role: LogbookRole | null, category_class: string | null, night_takeoffs: number | null, day_full_stop_landings: number | null, night_full_stop_landings: number | null, night_hours: number | null, cross_country_hours: number | null, actual_instrument_hours: number | null, simulated_instrument_hours: number | null, approaches: number | null, holding: boolean | null, remarks: string | null, };

export type AirportPlace = { 
/**
 * The code as the source spelled it.
 */
code: string, icao: string, iata: string, name: string, latitude: number, longitude: number, 
/**
 * IANA zone, e.g. `America/New_York`.
 */
time_zone: string, };

export type Places = { departure: AirportPlace | null, arrival: AirportPlace | null, 
/**
 * Block off at the departure airport's local time.
 */
block_off_local: string | null, 
/**
 * Block on at the arrival airport's local time.
 */
block_on_local: string | null, };

export type Entry = { 
/**
 * Stable across rebuilds while the entry keeps its anchor source.
 */
id: string, person: PersonRef, 
/**
 * The logbook date: block-off's local date at the departure airport, else in the
 * user's zone; else the date a source sent (docs/logbook.md, "Dates").
 */
date: string, departure: Field<string>, arrival: Field<string>, route: Field<string>, 
/**
 * The unified aircraft or simulator entity id (`aircraft:N44API`), when known.
 */
aircraft_id: string | null, registration: Field<string>, make_model: Field<string>, 
/**
 * FAA category and class as logged ("airplane ASEL"), or "FSTD" for a simulator.
 */
category_class: Field<string>, 
/**
 * A flight simulation training device session, not a flight.
 */
simulator: boolean, block_off: Field<string>, block_on: Field<string>, air_hours: Field<number>, 
/**
 * Total time (block time for a flight, session time for a simulator).
 */
total_hours: Field<number>, role: Field<LogbookRole>, pic_hours: number, sic_hours: number, dual_received_hours: number, instruction_given_hours: number, solo_hours: number, cross_country_hours: Field<number>, 
/**
 * Cross-country time by 14 CFR 61.1 (ii), the aeronautical-experience definition: a
 * landing more than 50 NM in a straight line from the original point of departure.
 * Known only from positions (the device track or known airports).
 */
cross_country_50nm_hours: Field<number>, 
/**
 * The farthest landing's straight-line distance from the departure point, NM.
 */
farthest_landing_nm: number | null, 
/**
 * The departure and arrival airports as places, and the block times on their clocks.
 */
places: Places, night_hours: Field<number>, actual_instrument_hours: Field<number>, simulated_instrument_hours: Field<number>, 
/**
 * Every landing, full stop or not.
 */
landings: Field<number>, 
/**
 * Takeoffs from 1 h after sunset to 1 h before sunrise (61.57(b)).
 */
night_takeoffs: Field<number>, 
/**
 * Full-stop landings outside the 61.57(b) night period.
 */
day_full_stop_landings: Field<number>, 
/**
 * Full-stop landings from 1 h after sunset to 1 h before sunrise (61.57(b)).
 */
night_full_stop_landings: Field<number>, approaches: Field<number>, holding: Field<boolean>, instructor_name: Field<string>, remarks: Field<string>, 
/**
 * Everyone else on board, by the sources.
 */
crew: Array<PersonRef>, 
/**
 * Every source record of this flight that names this person.
 */
sources: Array<SourceKey>, 
/**
 * The user's annotation, when there is one.
 */
annotation: Annotation | null, };

export type SortColumn = "date" | "registration" | "total";

export type SortDirection = "asc" | "desc";

export type PageQuery = { 
/**
 * The person's entity id.
 */
person: string, 
/**
 * First date, included.
 */
from: string | null, 
/**
 * Last date, included.
 */
to: string | null, sort: SortColumn, direction: SortDirection, 
/**
 * Words every entry shown contains (route, registration, remarks, names), any case.
 */
filter: string | null, offset: number, limit: number, };

export type Page = { entries: Array<Entry>, total: bigint, };

export type SourceDetail = { 
/**
 * The normalized flight-log columns, by name.
 */
fields: Record<string, unknown>, 
/**
 * The provider's JSON as received.
 */
raw: unknown, 
/**
 * The provider (`airbly`, `pilotflows`, ...).
 */
source: Provider, 
/**
 * The account's name in FlightDesk.
 */
account: string, 
/**
 * The provider's id of the record.
 */
source_id: string, };

export type Disagreement = { 
/**
 * The column (`total_hours`, `departure`, ...).
 */
column: string, 
/**
 * Every value, the shown one first, each with its origin, as text.
 */
values: Array<Sourced<string>>, };

export type EntryDetail = { entry: Entry, sources: Array<SourceDetail>, disagreements: Array<Disagreement>, };

export type RebuildStats = { 
/**
 * Flight-log records read.
 */
records: bigint, 
/**
 * Entries written.
 */
entries: bigint, 
/**
 * People with at least one entry.
 */
people: bigint, 
/**
 * False when `ensure_fresh` found the build current and did nothing.
 */
rebuilt: boolean, millis: bigint, };

export type LogbookPerson = { person: PersonRef, entries: bigint, total_hours: number, last_date: string | null, };

export type Sums = { entries: bigint, 
/**
 * Session time in flight simulation training devices (not in `total`).
 */
simulator: number, landings: bigint, day_full_stop_landings: bigint, night_full_stop_landings: bigint, approaches: bigint, total: number, pic: number, sic: number, dual_received: number, instruction_given: number, solo: number, cross_country: number, 
/**
 * Cross-country by 14 CFR 61.1 (ii): a landing more than 50 NM from the departure.
 */
cross_country_50nm: number, night: number, actual_instrument: number, simulated_instrument: number, };

export type Group = { key: string, sums: Sums, };

export type PeriodTotals = { 
/**
 * `last_30_days`, `last_90_days`, `last_365_days` or `all_time`.
 */
period: string, 
/**
 * First day counted (`None`: all time); the last is the day totals are for.
 */
from: string | null, all: Sums, by_aircraft: Array<Group>, by_category_class: Array<Group>, by_role: Array<Group>, };

export type Totals = { person: string, at: string, periods: Array<PeriodTotals>, };

export type Status = "current" | "expiring_soon" | "grace" | "expired" | "ipc_required" | "cannot_verify" | "not_applicable";

export type Verdict = { 
/**
 * The rule, e.g. "14 CFR 61.57(b)" or "EASA FCL.060(b)(1)".
 */
rule: string, 
/**
 * What the verdict is for, e.g. "airplane ASEL", "airplane ASEL tailwheel", "airplane"
 * (61.57(c) is by category), "SEP(land)", "flight review", "instructor".
 */
key: string, 
/**
 * May the privilege be exercised at the evaluation time.
 */
current: boolean, 
/**
 * Finer status; `current` is true exactly for `current` and `expiring_soon`.
 */
status: Status, 
/**
 * Last day the pilot is (or was) current, when the rule has one.
 */
until: string | null, 
/**
 * Logbook entry ids that the verdict rests on.
 */
counted: Array<string>, 
/**
 * What to fly to become or stay current, in words; `None` when nothing is needed soon.
 */
missing: string | null, 
/**
 * A full sentence saying why.
 */
explanation: string, };

export type ClassRequest = { 
/**
 * The store id of the Flylogs account.
 */
account_id: number, 
/**
 * RFC 3339, or a wall clock in the chosen zone.
 */
starts_at: string, 
/**
 * Flylogs takes no end; the form's length only places the class in the calendar and
 * the checks.
 */
minutes: number, teacher_id: string, student_ids: Array<string>, location_id: string | null, 
/**
 * A lesson flown in an aircraft (a `flight` lesson): counts toward 61.195(a).
 */
flight_training: boolean, 
/**
 * The class's own calendar item when editing it (`classes/account/id`).
 */
editing: string | null, };

export type ClassSave = { request: ClassRequest, 
/**
 * The class's Flylogs id (or `local:` id) when editing it.
 */
class_id: string | null, subject_id: string, lesson_id: string | null, exam_id: string | null, remarks: string, notify: boolean, 
/**
 * Save despite the checks' warnings, for this reason (kept in the remarks).
 */
anyway: string | null, 
/**
 * The title the calendar shows until Flylogs' copy arrives.
 */
title: string | null, };

export type Choice = { 
/**
 * The Flylogs id the write sends.
 */
id: string, name: string, };

export type LessonChoice = { id: string, name: string, 
/**
 * `ground`, `flight`, `simulator`, ...
 */
category: string | null, 
/**
 * The lesson's length when Flylogs gives one; the form's default.
 */
minutes: number | null, };

export type SubjectChoice = { id: string, name: string, lessons: Array<LessonChoice>, exams: Array<Choice>, };

export type ClassForm = { account_id: number, subjects: Array<SubjectChoice>, 
/**
 * Who teaches (by role, or a cached class they teach), and everyone else.
 */
teachers: Array<Choice>, students: Array<Choice>, locations: Array<Choice>, };

export type WarningKind = "resource_busy" | "teacher_busy" | "student_busy" | "flight_training_limit" | "duty";

export type Warning = { kind: WarningKind, 
/**
 * Whom or what it is about.
 */
entity: EntityRef | null, message: string, 
/**
 * The other calendar item (`bookings/account/id`), when there is one.
 */
item: string | null, source: Provider | null, account: string | null, };

export type Check = { starts_at: string, ends_at: string, 
/**
 * Empty when the class can be saved as it is.
 */
warnings: Array<Warning>, };

export type Slot = { 
/**
 * RFC 3339 in the chosen zone.
 */
starts_at: string, ends_at: string, 
/**
 * Wall clock in the chosen zone, for the form's time fields.
 */
local_start: string, local_end: string, };

export type ClassCheck = { check: Check, 
/**
 * Empty when the class is fine where it is.
 */
slots: Array<Slot>, };

export type OutboxState = "pending" | "sending" | "sent" | "failed" | "rejected" | "needs_password";

export type HistoryLine = { at: string, state: string, note: string | null, };

export type OutboxItem = { id: number, account: string, provider: Provider | null, 
/**
 * What it does, in words ("Schedule a class").
 */
action: string, 
/**
 * What it does, as a stable code (`flylogs.class.save`): views mark the records
 * their waiting writes touch with it.
 */
operation: string, 
/**
 * When the record it writes takes place (a class's start), for the list.
 */
when: string | null, 
/**
 * The record: its provider id, or `local:...` until the provider names it.
 */
target_id: string, 
/**
 * The provider's id once a create was accepted.
 */
remote_id: string | null, state: OutboxState, attempts: number, next_attempt_at: string, 
/**
 * The provider's own words for the last failure or refusal.
 */
last_error: string | null, 
/**
 * The earlier write this one waits for.
 */
waits_for: number | null, created_at: string, sent_at: string | null, history: Array<HistoryLine>, 
/**
 * What is sent (never a password), for the details panel.
 */
payload: Record<string, unknown>, };

export type OutboxCounts = { 
/**
 * Not yet accepted: pending, sending or failed (retried by itself).
 */
waiting: number, 
/**
 * Refused or needing a password: waits for the user.
 */
needs_you: number, };

export type SignKind = "mission" | "sign_class" | "unsign_class";

export type SignRequest = { kind: SignKind, 
/**
 * The mission or class id.
 */
id: string, 
/**
 * The Flylogs account (default: the only one).
 */
account: string | null, password: string, };

export type Signed = { 
/**
 * False when Flylogs says it was signed already.
 */
changed: boolean, 
/**
 * The sentence the window and the CLI show.
 */
message: string, 
/**
 * The account's trainings were read again afterwards.
 */
refreshed: boolean, };

export type PastAttempt = { id: string, started_at: string | null, finished: boolean, score: number | null, passed: boolean | null, };

export type ExamPreview = { enrollment_id: string, exam_id: string, name: string | null, questions: number | null, minutes: number | null, 
/**
 * The pass mark, in percent.
 */
pass_score: number | null, remaining_attempts: number | null, passed: boolean, 
/**
 * An attempt started and not finished: starting resumes it.
 */
open_attempt: string | null, can_start: boolean, 
/**
 * Past attempts, newest first.
 */
attempts: Array<PastAttempt>, };

export type QuestionOption = { id: string, text: string | null, 
/**
 * Whether it is a right answer: only in a result, and only when the training shows
 * the correct answers.
 */
correct: boolean | null, };

export type ExamQuestion = { 
/**
 * The `ExamAttemptDetail` id an answer names.
 */
detail_id: string, question_id: string, text: string | null, options: Array<QuestionOption>, 
/**
 * The option Flylogs has for it, if any.
 */
chosen: string | null, };

export type ExamResult = { attempt_id: string, score: number | null, pass_score: number | null, passed: boolean | null, correct: number | null, total: number | null, 
/**
 * Whether the training shows the correct answers (then each option says so).
 */
show_answers: boolean, questions: Array<ExamQuestion>, };

export type AnswerDelivery = "unanswered" | "waiting" | "acknowledged" | "refused";

export type FinishState = "not_asked" | "waiting" | "refused" | "graded";

export type QuestionState = { detail_id: string, text: string | null, options: Array<QuestionOption>, 
/**
 * The option chosen last (here, or at Flylogs before the attempt was kept).
 */
answer: string | null, delivery: AnswerDelivery, };

export type ExamSession = { 
/**
 * The Flylogs account the attempt is taken with.
 */
account: string, attempt_id: string, enrollment_id: string, exam_id: string, name: string | null, started_at: string, 
/**
 * When Flylogs stops taking answers, if it said.
 */
ends_at: string | null, questions: Array<QuestionState>, 
/**
 * The question to show (where the student was).
 */
position: number, answered: number, unanswered: number, 
/**
 * Answers given here that Flylogs has not acknowledged yet.
 */
waiting: number, 
/**
 * Why the next answer (or the finish) is not sent yet, in words: the network, or
 * Flylogs' refusal.
 */
problem: string | null, finish: FinishState, };

export type FlightLogFields = { date: string | null, 
/**
 * The aircraft's registration.
 */
aircraft: string | null, 
/**
 * Hours, as PilotFlows keeps them (tenths).
 */
duration: number | null, 
/**
 * A member id of the organisation.
 */
pilot_id: string | null, student_id: string | null, 
/**
 * Airport identifiers.
 */
departure: string | null, arrival: string | null, landings: number | null, remarks: string | null, };

export type RosterStudent = { user_id: string, name: string | null, 
/**
 * `None` until attendance is recorded.
 */
attended: boolean | null, remarks: string | null, measures: string | null, objectives: string | null, };

export type RosterLine = { waiting: number | null, user_id: string, name: string | null, 
/**
 * `None` until attendance is recorded.
 */
attended: boolean | null, remarks: string | null, measures: string | null, objectives: string | null, };

export type ClassRoster = { account: string, class_id: string, students: Array<RosterLine>, 
/**
 * Why the roster comes from the cache (Flylogs could not be reached), in words.
 */
offline: string | null, };

export type Attendance = { marks: Array<[string, boolean]>, };

export type Evaluation = { student_id: string, remarks: string | null, measures: string | null, objectives: string | null, };

export type Enrolment = { students: Array<string>, supervisor_id: string | null, 
/**
 * A deadline, as Unix seconds.
 */
finish_before: number | null, };

/** Typed calls into the Rust backend; they reject with a `UiError`. */
export const commands = {
  /** Whether the workspace is still opening, ready, or failed to open (and why); answers at once. */
  workspaceState: (): Promise<WorkspaceState> => invoke("workspace_state"),
  /** The app version and the open workspace. */
  appInfo: (): Promise<AppInfo> => invoke("app_info"),
  /** The saved preferences, or the defaults. */
  getPreferences: (): Promise<Preferences> => invoke("get_preferences"),
  /** Validates and saves preferences; rejects unknown time zones. */
  setPreferences: (preferences: Preferences): Promise<Preferences> => invoke("set_preferences", { preferences }),
  /** Whether a sync runs, how the last one ended, when the next is due, and every resource's state. */
  syncStatus: (): Promise<SyncStatus> => invoke("sync_status"),
  /** Syncs every account now (or joins the sync already under way) and resolves when it ends. */
  syncNow: (): Promise<SyncRun> => invoke("sync_now"),
  /** The rows providers sent that could not become records, as sent, with why. */
  skippedRows: (): Promise<SkippedRowView[]> => invoke("skipped_rows"),
  /** Whether the webhook receiver listens, its URL per account, and what it did lately. */
  webhookStatus: (): Promise<WebhookStatus> => invoke("webhook_status"),
  /** Prepares the demo workspace beside this one and starts the app again on it. */
  exploreDemo: (): Promise<null> => invoke("explore_demo"),
  /** Starts the app again on the real workspace. */
  leaveDemo: (): Promise<null> => invoke("leave_demo"),
  /** Every account with its state and how many records are cached for it. */
  accounts: (): Promise<AccountView[]> => invoke("accounts"),
  /** Sends one request with the credential and says what the provider answered; saves nothing. */
  testConnection: (request: ConnectRequest): Promise<string> => invoke("test_connection", { request }),
  /** Verifies and saves an account (or a new key for it); the secret goes to the keyring only. */
  connectAccount: (request: ConnectRequest): Promise<Connected> => invoke("connect_account", { request }),
  /** Renames an account; its data and keyring entries stay. */
  renameAccount: (name: string, newName: string): Promise<Account> => invoke("rename_account", { name, newName }),
  /** Deletes an account's keyring entries, the account and every record cached for it. */
  removeAccount: (name: string): Promise<null> => invoke("remove_account", { name }),
  /** One calendar over every system from the cache, with conflicts across systems. */
  calendar: (request: CalendarRequest): Promise<Calendar> => invoke("calendar", { request }),
  /** Every field of one calendar item's record, and the provider's row as sent. */
  calendarItem: (id: string): Promise<ItemDetails> => invoke("calendar_item", { id }),
  /** Everything cached that matches the words, aircraft and people first. */
  search: (text: string, limit: number): Promise<SearchResults> => invoke("search", { text, limit }),
  /** The dispatcher's board for the local day of `at` (default now) from the cache. */
  board: (at: string | null): Promise<Board> => invoke("board", { at }),
  /** AviationAlley's crew on duty at `at` (RFC 3339, or wall clock in the chosen zone), asked online. */
  crewForecast: (at: string): Promise<Crew> => invoke("crew_forecast", { at }),
  /** The people with logbook entries, busiest first (the logbook is rebuilt first if the cache changed). */
  logbookPeople: (): Promise<LogbookPerson[]> => invoke("logbook_people"),
  /** One page of a person's logbook entries and how many match in all. */
  logbookPage: (query: PageQuery): Promise<Page> => invoke("logbook_page", { query }),
  /** An entry with every source record behind it and where they disagree. */
  logbookEntry: (id: string): Promise<EntryDetail> => invoke("logbook_entry", { id }),
  /** Takes one source (`provider/account/id`) out of an entry; kept through every sync. */
  logbookSplit: (entryId: string, source: string): Promise<RebuildStats> => invoke("logbook_split", { entryId, source }),
  /** Makes two entries one flight; kept through every sync. */
  logbookMerge: (a: string, b: string): Promise<RebuildStats> => invoke("logbook_merge", { a, b }),
  /** Sets the pilot's own values of an entry (an empty annotation removes it); no sync overwrites them. */
  logbookAnnotate: (entryId: string, annotation: Annotation): Promise<Entry> => invoke("logbook_annotate", { entryId, annotation }),
  /** A person's totals by period, aircraft, category and class, and role, as of today. */
  logbookTotals: (person: string): Promise<Totals> => invoke("logbook_totals", { person }),
  /** Every currency verdict of a person now, each explained. */
  logbookCurrency: (person: string): Promise<Verdict[]> => invoke("logbook_currency", { person }),
  /** One student's trainings and progress, or every training with its students. */
  trainings: (person: string | null): Promise<Trainings> => invoke("trainings", { person }),
  /** The unified aircraft, simulators, rooms and people, each with its sources. */
  entities: (kind: EntityKind | null): Promise<EntityView[]> => invoke("entities", { kind }),
  /** Says two sources are the same entity (same) or different ones; kept locally. */
  decideEntities: (a: string, b: string, same: boolean): Promise<null> => invoke("decide_entities", { a, b, same }),
  /** The class form's choices for a Flylogs account: subjects with lessons and exams, teachers, students, rooms. */
  classForm: (accountId: number): Promise<ClassForm> => invoke("class_form", { accountId }),
  /** A class checked against every cached system, with free slots when anything is in the way. */
  classCheck: (request: ClassRequest): Promise<ClassCheck> => invoke("class_check", { request }),
  /** Queues a new or changed class with its optimistic change and starts sending it (checked again first). */
  classSave: (save: ClassSave): Promise<OutboxItem> => invoke("class_save", { save }),
  /** Queues the deletion of a class and starts sending it. */
  classDelete: (accountId: number, classId: string): Promise<OutboxItem> => invoke("class_delete", { accountId, classId }),
  /** Every write, newest first, with its state, the provider's words and its history. */
  outboxItems: (): Promise<OutboxItem[]> => invoke("outbox_items"),
  /** The writes not accepted yet, newest first: what the views mark waiting to send. */
  outboxUnsent: (): Promise<OutboxItem[]> => invoke("outbox_unsent"),
  /** How many writes wait, and how many need the user (the sidebar badge). */
  outboxCounts: (): Promise<OutboxCounts> => invoke("outbox_counts"),
  /** Sends a failed or refused write again (its optimistic change shows again). */
  outboxRetry: (id: number): Promise<OutboxItem> => invoke("outbox_retry", { id }),
  /** Gives up on a waiting write and those that wait for it; their optimistic changes go too. */
  outboxDiscard: (id: number): Promise<number[]> => invoke("outbox_discard", { id }),
  /** Signs a mission debrief or a class's attendance in Flylogs (online; the password is used for this request only). */
  sign: (request: SignRequest): Promise<Signed> => invoke("sign", { request }),
  /** A Flylogs exam's details and past attempts (online). */
  examPreview: (account: string | null, enrollmentId: string, examId: string): Promise<ExamPreview> => invoke("exam_preview", { account, enrollmentId, examId }),
  /** Starts (or resumes) an exam attempt and keeps its questions here (online). */
  examStart: (account: string | null, enrollmentId: string, examId: string): Promise<ExamSession> => invoke("exam_start", { account, enrollmentId, examId }),
  /** Saves an answer at once and sends it in the background, in order; works offline. */
  examAnswer: (attemptId: string, detailId: string, optionId: string): Promise<ExamSession> => invoke("exam_answer", { attemptId, detailId, optionId }),
  /** Remembers the question the student is at, to reopen there. */
  examVisit: (attemptId: string, position: number): Promise<ExamSession> => invoke("exam_visit", { attemptId, position }),
  /** Asks Flylogs to grade the attempt once every answer is acknowledged. */
  examFinish: (attemptId: string): Promise<ExamSession> => invoke("exam_finish", { attemptId }),
  /** Sends the attempt's waiting answers now (a network backoff is cut short). */
  examDeliver: (attemptId: string): Promise<ExamSession> => invoke("exam_deliver", { attemptId }),
  /** An attempt as kept here: questions, answers and what Flylogs acknowledged. */
  examState: (attemptId: string): Promise<ExamSession> => invoke("exam_state", { attemptId }),
  /** The attempts kept here that Flylogs has not graded yet. */
  examOpen: (): Promise<ExamSession[]> => invoke("exam_open"),
  /** A graded attempt's score, pass or fail, and the right answers when shown (online). */
  examResult: (attemptId: string): Promise<ExamResult> => invoke("exam_result", { attemptId }),
  /** Queues a new PilotFlows flight log (no id) or the fields given of one, checked first; a mistake has the code invalid:<field>. */
  flightLogSave: (account: string, id: string | null, fields: FlightLogFields): Promise<OutboxItem> => invoke("flight_log_save", { account, id, fields }),
  /** Queues the deletion of a PilotFlows flight log. */
  flightLogDelete: (account: string, id: string): Promise<OutboxItem> => invoke("flight_log_delete", { account, id }),
  /** A class's invited students with their attendance and evaluation, from Flylogs (or the cache offline), with waiting writes drawn over it. */
  classRoster: (account: string, classId: string): Promise<ClassRoster> => invoke("class_roster", { account, classId }),
  /** Queues a class's attendance (marks of Flylogs user id and attended). */
  classAttendanceSave: (account: string, classId: string, attendance: Attendance): Promise<OutboxItem> => invoke("class_attendance_save", { account, classId, attendance }),
  /** Queues a student's evaluation in a class; the fields not given stay. */
  classEvaluationSave: (account: string, classId: string, evaluation: Evaluation): Promise<OutboxItem> => invoke("class_evaluation_save", { account, classId, evaluation }),
  /** Queues the enrolment of students (Flylogs user ids) or pilot groups in a training. */
  trainingEnrol: (account: string, trainingId: string, enrolment: Enrolment): Promise<OutboxItem> => invoke("training_enrol", { account, trainingId, enrolment }),
  /** Queues a lesson's slides as completed by the student of an enrolment, with the minutes spent on them. */
  lessonComplete: (account: string, lessonId: string, enrollmentId: string, minutes: number): Promise<OutboxItem> => invoke("lesson_complete", { account, lessonId, enrollmentId, minutes }),
};

/** Typed listeners for the events the backend emits; each resolves to an unlisten function. */
export const events = {
  /** A resource started, wrote a page or finished. */
  onSyncProgress: (handler: (payload: ProgressEvent) => void): Promise<UnlistenFn> =>
    listen<ProgressEvent>("sync-progress", (e) => handler(e.payload)),
  /** A sync started or ended, or the schedule changed. */
  onSyncStatus: (handler: (payload: SyncStatus) => void): Promise<UnlistenFn> =>
    listen<SyncStatus>("sync-status", (e) => handler(e.payload)),
  /** The webhook receiver started, stopped, or accepted a post. */
  onWebhookStatus: (handler: (payload: WebhookStatus) => void): Promise<UnlistenFn> =>
    listen<WebhookStatus>("webhook-status", (e) => handler(e.payload)),
  /** The workspace finished opening, or failed to. */
  onWorkspaceState: (handler: (payload: WorkspaceState) => void): Promise<UnlistenFn> =>
    listen<WorkspaceState>("workspace-state", (e) => handler(e.payload)),
  /** A sync wrote, changed or removed records of these kinds for this account. */
  onRecordsChanged: (handler: (payload: RecordsChanged) => void): Promise<UnlistenFn> =>
    listen<RecordsChanged>("records-changed", (e) => handler(e.payload)),
  /** A write was queued, sent, refused or discarded. */
  onOutboxChanged: (handler: (payload: OutboxCounts) => void): Promise<UnlistenFn> =>
    listen<OutboxCounts>("outbox-changed", (e) => handler(e.payload)),
};
