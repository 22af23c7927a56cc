use std::path::PathBuf;

use clap::{Parser, Subcommand};
use flightdesk_core::{Kind, Provider};

/// FlightDesk from the command line: the same data directory, store and keyring entries
/// as the desktop app.
#[derive(Debug, Parser)]
#[command(name = "flightdesk", version, about, propagate_version = true)]
pub struct Cli {
    /// The data directory (default: the OS app-data folder of FlightDesk).
    #[arg(long, global = true, env = flightdesk_workspace::DATA_DIR_ENV, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show the workspace, its accounts and how each resource last synced.
    Status(StatusArgs),
    /// Connect an account (or replace its key); the secret is read from stdin.
    Connect(ConnectArgs),
    /// List the connected accounts (never a secret).
    Accounts(AccountsArgs),
    /// Remove an account and its secret; --purge also deletes its cached data.
    Disconnect(DisconnectArgs),
    /// Pull every connected account's data into the local cache.
    Sync(SyncArgs),
    /// Write the cache to stdout.
    Export(ExportArgs),
    /// Run the local provider sandbox (127.0.0.1 only) until stopped.
    Sandbox(flightdesk_sandbox::SandboxArgs),
    /// Prepare the demo workspace: sandbox, every provider connected, synced.
    Demo(DemoArgs),
    /// The optional local webhook receiver (off unless this runs) and its signing secrets.
    Webhooks(WebhooksArgs),
    /// The unified aircraft, simulators, rooms and people, each with its sources across
    /// systems and how they were matched.
    Entities(EntitiesArgs),
    /// Say two sources are the same entity (`provider/account/id`, as `entities` shows).
    Link(DecisionArgs),
    /// Say two sources are different entities, whatever the matching rules say.
    Unlink(DecisionArgs),
    /// The rows providers sent that could not become records (no id, say), as sent.
    Skipped(SkippedArgs),
    /// One calendar over every system, with conflicts across systems, as JSON or ICS.
    Calendar(CalendarArgs),
    /// Everything cached that matches the words, across every system.
    Search(SearchArgs),
    /// The dispatcher's board for a day: crew on duty, aircraft status, movements.
    Board(BoardArgs),
    /// Training progress: one student's enrolments, or every training's students.
    Trainings(TrainingsArgs),
    /// A person's logbook (JSON or MyFlightbook CSV), and splitting, merging and
    /// annotating its entries.
    Logbook(LogbookArgs),
    /// A person's currency: one verdict per rule, explained.
    Currency(CurrencyArgs),
    /// A person's totals by aircraft, category and class, role and period.
    Totals(TotalsArgs),

    // Write flows (the outbox).
    /// The writes waiting to be sent (and those sent): list, retry or discard them.
    Outbox(crate::outbox::OutboxArgs),
    /// Schedule, edit or delete a Flylogs class through the outbox.
    Class(crate::class::ClassArgs),
    /// Sign a mission debrief in Flylogs (online; the password from stdin).
    Mission(crate::sign::MissionArgs),
    /// The next free times for a class of these people, in every system.
    Slots(crate::slots::SlotsArgs),
    /// Take a Flylogs exam: answers are kept here and sent in order, even offline.
    Exam(crate::exam::ExamArgs),
    /// Enrol students or whole pilot groups in a Flylogs training (through the outbox).
    Enrol(crate::training_writes::EnrolArgs),
    /// Complete a Flylogs lesson's slides (through the outbox).
    Lesson(crate::training_writes::LessonArgs),
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The words to find (each matches as a prefix: "N44" finds N44API).
    pub text: String,
    /// At most this many hits (the total is counted in full).
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Debug, clap::Args)]
pub struct CalendarArgs {
    /// The first day (YYYY-MM-DD, in --tz) or instant (RFC 3339).
    #[arg(long)]
    pub from: String,
    /// The last day, included (YYYY-MM-DD), or the instant the range ends (RFC 3339).
    #[arg(long)]
    pub to: String,
    /// The IANA time zone of the dates and of the times printed.
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// Only items with this aircraft, simulator or room (an entity id or its name).
    #[arg(long)]
    pub resource: Option<String>,
    /// Only items with this person (an entity id, name or e-mail).
    #[arg(long)]
    pub person: Option<String>,
    /// Only items from this provider (repeatable).
    #[arg(long)]
    pub source: Vec<Provider>,
    /// Show cancelled items too.
    #[arg(long)]
    pub include_cancelled: bool,
    #[arg(long, value_enum, default_value_t = CalendarFormat::Json)]
    pub format: CalendarFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CalendarFormat {
    Json,
    Ics,
}

#[derive(Debug, clap::Args)]
pub struct SkippedArgs {
    /// Only this account's rows.
    #[arg(long)]
    pub account: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct EntitiesArgs {
    /// Only entities of this kind.
    #[arg(long, value_enum)]
    pub kind: Option<EntityKindArg>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum EntityKindArg {
    Aircraft,
    Simulator,
    Room,
    Person,
}

impl From<EntityKindArg> for flightdesk_core::identity::EntityKind {
    fn from(k: EntityKindArg) -> Self {
        use flightdesk_core::identity::EntityKind;
        match k {
            EntityKindArg::Aircraft => EntityKind::Aircraft,
            EntityKindArg::Simulator => EntityKind::Simulator,
            EntityKindArg::Room => EntityKind::Room,
            EntityKindArg::Person => EntityKind::Person,
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct DecisionArgs {
    /// One source, `provider/account/id`.
    pub a: String,
    /// The other source.
    pub b: String,
}

#[derive(Debug, clap::Args)]
pub struct WebhooksArgs {
    #[command(subcommand)]
    pub command: WebhooksCommand,
}

#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// Receive provider pushes until Ctrl-C; each accepted post syncs what it names.
    Serve(WebhooksServeArgs),
    /// Store an AviationAlley endpoint's signing secret (read from stdin) in the keyring.
    Secret(WebhooksSecretArgs),
}

#[derive(Debug, clap::Args)]
pub struct WebhooksServeArgs {
    /// Where to listen (default 127.0.0.1:47810; loopback only unless you choose otherwise).
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<std::net::SocketAddr>,
}

#[derive(Debug, clap::Args)]
pub struct WebhooksSecretArgs {
    /// The AviationAlley account's name.
    pub account: String,
    /// Read the signing secret as one line from standard input.
    #[arg(long, conflicts_with = "clear")]
    pub secret_stdin: bool,
    /// Forget the account's signing secret.
    #[arg(long)]
    pub clear: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print one JSON object instead of text (schema in docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    /// aviationalley, pilotflows, airbly, flightschoolbooking or flylogs.
    pub provider: Provider,
    /// The API's base URL (default: the provider's production URL; required for
    /// flightschoolbooking, e.g. https://acme.flightschoolbooking.com).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Read the token (group key, password) as one line from standard input.
    #[arg(long)]
    pub token_stdin: bool,
    /// The account's name in FlightDesk (default: the provider's name).
    #[arg(long)]
    pub name: Option<String>,
    /// A provider option, e.g. organization=101 or email=ana@example.com (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Save without checking the credential with the provider.
    #[arg(long)]
    pub no_verify: bool,
}

#[derive(Debug, clap::Args)]
pub struct AccountsArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DisconnectArgs {
    pub name: String,
    /// Also delete everything cached for the account.
    #[arg(long)]
    pub purge: bool,
}

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Only accounts of this provider.
    #[arg(long)]
    pub provider: Option<Provider>,
    /// Only this account.
    #[arg(long)]
    pub account: Option<String>,
    /// Re-read everything instead of only what changed.
    #[arg(long)]
    pub full: bool,
    /// Print the report as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
    /// Only these kinds (repeatable): bookings, classes, flight_logs, aircraft, people, ...
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Include each record's raw provider JSON.
    #[arg(long)]
    pub with_raw: bool,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct BoardArgs {
    /// The instant the board is for (default: now), e.g. 2026-03-02T09:30:00Z.
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The IANA zone whose local day is "today" (default: UTC), e.g. Europe/Madrid.
    #[arg(long, value_name = "ZONE", default_value = "UTC")]
    pub tz: chrono_tz::Tz,
    /// Ask AviationAlley online who will be on duty at --at (the rest stays from the cache).
    #[arg(long)]
    pub forecast: bool,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Debug, clap::Args)]
pub struct TrainingsArgs {
    /// The student: a person id from `entities`, a source key, an e-mail or a name.
    #[arg(long, value_name = "P")]
    pub person: Option<String>,
    /// The instant "upcoming" is judged from (default: now).
    #[arg(long, value_name = "RFC3339")]
    pub at: Option<chrono::DateTime<chrono::FixedOffset>>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

/// Output of `logbook`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogbookFormat {
    Json,
    /// MyFlightbook's import columns (docs/logbook.md has the mapping).
    Csv,
}

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct LogbookArgs {
    #[command(subcommand)]
    pub action: Option<LogbookAction>,
    /// The person: an entity id, name or e-mail (default: "me" in the app's settings).
    #[arg(long, value_name = "P")]
    pub person: Option<String>,
    /// The first day, included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<chrono::NaiveDate>,
    /// The last day, included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = LogbookFormat::Json)]
    pub format: LogbookFormat,
}

#[derive(Debug, Subcommand)]
pub enum LogbookAction {
    /// Make one source of an entry an entry of its own (kept through every sync).
    Split {
        /// The entry id.
        entry: String,
        /// The source to take out: provider/account/source_id, as `sources` shows it.
        source: String,
    },
    /// Make two entries of one person one entry (kept through every sync).
    Merge { a: String, b: String },
    /// Set what no source sent; only the values given change (--clear removes them all).
    Annotate(AnnotateArgs),
    /// Everyone with logbook entries (for an instructor picking a student).
    People,
    /// Add a PilotFlows flight log through the outbox (checked here first).
    Add(crate::logbook_edit::FlightLogArgs),
    /// Change the fields given of a PilotFlows flight log (an id `sources` shows).
    Edit {
        id: String,
        #[command(flatten)]
        fields: crate::logbook_edit::FlightLogArgs,
    },
    /// Delete a PilotFlows flight log.
    Delete {
        id: String,
        /// The PilotFlows account (default: the only one).
        #[arg(long)]
        account: Option<String>,
        /// Queue it without sending it now.
        #[arg(long)]
        offline: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct AnnotateArgs {
    /// The entry id.
    pub entry: String,
    /// pic, sic, dual or instructor.
    #[arg(long)]
    pub role: Option<String>,
    #[arg(long)]
    pub category_class: Option<String>,
    #[arg(long)]
    pub night_takeoffs: Option<u32>,
    #[arg(long)]
    pub day_landings: Option<u32>,
    #[arg(long)]
    pub night_landings: Option<u32>,
    #[arg(long)]
    pub night_hours: Option<f64>,
    #[arg(long)]
    pub cross_country_hours: Option<f64>,
    #[arg(long)]
    pub actual_instrument_hours: Option<f64>,
    #[arg(long)]
    pub simulated_instrument_hours: Option<f64>,
    #[arg(long)]
    pub approaches: Option<u32>,
    #[arg(long)]
    pub holding: Option<bool>,
    #[arg(long)]
    pub remarks: Option<String>,
    /// Remove the entry's annotation.
    #[arg(long)]
    pub clear: bool,
}

#[derive(Debug, clap::Args)]
pub struct CurrencyArgs {
    /// The person (default: "me" in the app's settings).
    #[arg(long, value_name = "P")]
    pub person: Option<String>,
    /// The day (YYYY-MM-DD) or instant (RFC 3339) to judge at (default: now).
    #[arg(long, value_name = "DATE")]
    pub at: Option<String>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}

#[derive(Debug, clap::Args)]
pub struct TotalsArgs {
    /// The person (default: "me" in the app's settings).
    #[arg(long, value_name = "P")]
    pub person: Option<String>,
    /// The day the periods end on (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub at: Option<chrono::NaiveDate>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
    pub format: ExportFormat,
}
