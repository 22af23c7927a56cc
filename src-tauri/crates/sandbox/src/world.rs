//! The one training centre every provider serves.
//!
//! Everything here is generated deterministically from the seed and the clock's "now" at
//! start, so the same `--seed` and `--now` give the same data. Providers never own data:
//! they render views of this world, so the same people and aircraft appear everywhere.
//!
//! Times are unix seconds (`Ts`). Every record carries `updated_at` and `version`; `version`
//! is the world's change sequence number at the record's last change, so "changed since"
//! filters and change ids can be computed from it.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Unix seconds.
pub type Ts = i64;

pub const DAY: Ts = 86_400;
pub const HOUR: Ts = 3_600;

/// `t` when it is no later than `latest`; otherwise a whole minute within `window` before
/// `latest`, spread by `salt`. Generated bookings of the weeks ahead were made at
/// many different moments, as real ones are: clamping them all to one second would give
/// thousands of records the same `updated_at`, which no real school has and which an
/// inclusive change filter would re-read at every sync.
fn past_or_recent(t: Ts, latest: Ts, window: Ts, salt: usize) -> Ts {
    if t <= latest {
        return t;
    }
    let minutes = (salt as u64).wrapping_mul(2_654_435_761) % (window / 60).max(1) as u64;
    latest - 60 * minutes as Ts
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Preset {
    /// ~6 aircraft, 2 simulators, 3 classrooms, 8 instructors, 3 dispatchers, 40 students;
    /// activity from 90 days ago to 60 days ahead.
    #[default]
    Demo,
    /// A big school: >= 50,000 bookings and >= 100,000 flight-log entries.
    Large,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Instructor,
    Dispatcher,
    Student,
    Mechanic,
    Manager,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Person {
    pub id: u32,
    /// Stable UUID used by the providers that key people by UUID.
    pub uuid: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: String,
    /// Home location (index into `World::locations`).
    pub location: u32,
    /// Students: the course they are enrolled on (index into `World::courses`).
    pub course: Option<u32>,
    /// Medical certificate expiry, unix seconds.
    pub medical_expires: Ts,
    pub active: bool,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

impl Person {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AircraftKind {
    Aircraft,
    Simulator,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Aircraft {
    pub id: u32,
    pub uuid: String,
    pub kind: AircraftKind,
    /// Registration (tail number); simulators get a name like "SIM-1 FNPT II".
    pub registration: String,
    pub make: String,
    pub model: String,
    pub year: i32,
    pub serial_number: String,
    /// Airbly device serial if a tracking device is fitted.
    pub device_serial: Option<String>,
    /// Home location (index into `World::locations`).
    pub location: u32,
    /// Hourly rate in cents.
    pub rate_cents: i64,
    /// Total engine seconds before the first generated flight.
    pub base_engine_seconds: i64,
    pub active: bool,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Classroom {
    pub id: u32,
    pub name: String,
    pub location: u32,
    pub seats: u32,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Location {
    pub id: u32,
    pub ident: String,
    pub name: String,
    pub latitude: f64,
    pub longitude: f64,
    /// True for the locations that are training centres (AviationAlley centres).
    pub centre: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Course {
    pub id: u32,
    pub uuid: String,
    pub name: String,
    /// Has ground school (theory).
    pub theory: bool,
    /// Has flight lessons.
    pub flights: bool,
    /// Number of flight lesson templates.
    pub flight_lessons: u32,
    pub subjects: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    Aircraft(u32),
    Classroom(u32),
    None,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingKind {
    Dual,
    Solo,
    Sim,
    Ground,
    Checkride,
    /// Aircraft or instructor unavailable (no customer).
    Unavailable,
    Maintenance,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BookingStatus {
    Scheduled,
    InProgress,
    Completed,
    Cancelled,
    NoShow,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Booking {
    pub id: u32,
    pub kind: BookingKind,
    pub resource: Resource,
    pub student: Option<u32>,
    pub instructor: Option<u32>,
    /// Who made the booking (a dispatcher, usually).
    pub originator: u32,
    pub start: Ts,
    pub end: Ts,
    pub booked_at: Ts,
    pub no_show: bool,
    pub cancelled_at: Option<Ts>,
    pub cancelled_by: Option<u32>,
    pub cancel_reason: Option<String>,
    pub notes: String,
    /// The flight (or sim session) that came out of this booking.
    pub flight: Option<u32>,
    /// Set when this booking deliberately overlaps another one (same resource or instructor).
    pub conflict: bool,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

impl Booking {
    pub fn status(&self, now: Ts) -> BookingStatus {
        if self.cancelled_at.is_some() {
            BookingStatus::Cancelled
        } else if self.end <= now {
            if self.no_show {
                BookingStatus::NoShow
            } else {
                BookingStatus::Completed
            }
        } else if self.start <= now {
            BookingStatus::InProgress
        } else {
            BookingStatus::Scheduled
        }
    }
    pub fn aircraft(&self) -> Option<u32> {
        match self.resource {
            Resource::Aircraft(a) => Some(a),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Flight {
    pub id: u32,
    pub uuid: String,
    pub booking: Option<u32>,
    /// Aircraft or simulator (a flight on a simulator is a sim session).
    pub aircraft: u32,
    /// Pilot in command (the instructor on a dual flight, the student when solo).
    pub pic: u32,
    /// The student on a dual flight (None when solo or not training).
    pub student: Option<u32>,
    pub departure: u32,
    pub arrival: u32,
    pub off_block: Ts,
    pub takeoff: Ts,
    pub landing: Ts,
    pub on_block: Ts,
    pub landings: u32,
    pub fuel_ml: i64,
    /// Engine seconds on the aircraft before this flight.
    pub engine_before: i64,
    /// Recorded automatically by an Airbly device.
    pub by_device: bool,
    /// Entered by hand in PilotFlows.
    pub in_pilotflows: bool,
    /// The hand-entered PilotFlows duration in tenths of an hour (may differ from the device).
    pub pilotflows_tenths: u32,
    /// Booked out / in through Flight School Booking.
    pub in_fsb: bool,
    pub exercises: String,
    /// Instructor debrief notes; empty means the training record is incomplete.
    pub debrief: String,
    pub remarks: String,
    pub deleted: bool,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

impl Flight {
    pub fn engine_seconds(&self) -> i64 {
        self.on_block - self.off_block
    }
    pub fn air_seconds(&self) -> i64 {
        self.landing - self.takeoff
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DutyKind {
    Flying,
    Dispatch,
    Standby,
    Ground,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Duty {
    pub id: u32,
    pub person: u32,
    pub kind: DutyKind,
    pub start: Ts,
    pub end: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkOrderStatus {
    Open,
    InProgress,
    AwaitingParts,
    Completed,
    Cancelled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    Low,
    Normal,
    High,
    Critical,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkOrder {
    pub id: u32,
    pub uuid: String,
    /// The simulator (or aircraft) the work order is for.
    pub aircraft: u32,
    pub title: String,
    pub status: WorkOrderStatus,
    pub priority: Priority,
    pub opened_at: Ts,
    pub closed_at: Option<Ts>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceStatus {
    Draft,
    Sent,
    Paid,
    Void,
    Overdue,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Invoice {
    pub id: u32,
    pub uuid: String,
    pub number: u32,
    pub customer: u32,
    pub flight: Option<u32>,
    pub description: String,
    pub issued_at: Ts,
    pub due_at: Ts,
    pub amount_cents: i64,
    pub tax_cents: i64,
    /// Stored status; `Sent` past `due_at` is reported as overdue by `status()`.
    pub status: InvoiceStatus,
    pub paid_at: Option<Ts>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

impl Invoice {
    pub fn status(&self, now: Ts) -> InvoiceStatus {
        if self.status == InvoiceStatus::Sent && self.due_at < now {
            InvoiceStatus::Overdue
        } else {
            self.status
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Expense {
    pub id: u32,
    pub category: String,
    pub vendor: String,
    pub aircraft: Option<u32>,
    pub amount_cents: i64,
    pub date: Ts,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceStatus {
    Compliant,
    DueSoon,
    Overdue,
    InProgress,
    Waived,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceCategory {
    #[serde(rename = "PART_142")]
    Part142,
    Nsp,
    AircraftEvaluation,
    InstructorCurrency,
    Facility,
    Other,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ComplianceItem {
    pub id: u32,
    pub uuid: String,
    pub category: ComplianceCategory,
    pub title: String,
    pub location: u32,
    pub person: Option<u32>,
    pub aircraft: Option<u32>,
    pub due_at: Ts,
    /// `InProgress` / `Waived` are stored; the others are computed from `due_at`.
    pub pinned_status: Option<ComplianceStatus>,
    pub created_at: Ts,
    pub updated_at: Ts,
    pub version: u64,
}

impl ComplianceItem {
    pub fn status(&self, now: Ts) -> ComplianceStatus {
        if let Some(s) = self.pinned_status {
            return s;
        }
        if self.due_at < now {
            ComplianceStatus::Overdue
        } else if self.due_at < now + 30 * DAY {
            ComplianceStatus::DueSoon
        } else {
            ComplianceStatus::Compliant
        }
    }
}

/// The whole shared world. Mutate only through the `World` methods (or bump
/// `version`/`updated_at` yourself with [`World::touch`]) so change tracking stays right.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct World {
    pub seed: u64,
    pub preset: Preset,
    /// The clock's time when the world was generated.
    pub generated_at: Ts,
    pub centre_name: String,
    /// Change sequence number: incremented on every mutation.
    pub seq: u64,
    pub locations: Vec<Location>,
    pub courses: Vec<Course>,
    pub people: Vec<Person>,
    pub aircraft: Vec<Aircraft>,
    pub classrooms: Vec<Classroom>,
    pub bookings: Vec<Booking>,
    pub flights: Vec<Flight>,
    pub duties: Vec<Duty>,
    pub work_orders: Vec<WorkOrder>,
    pub invoices: Vec<Invoice>,
    pub expenses: Vec<Expense>,
    pub compliance: Vec<ComplianceItem>,
}

/// Deterministic UUID-shaped id: `ns` says what kind of record, `id` which one.
pub fn uuid_for(ns: u16, id: u32, salt: u64) -> String {
    let mix = splitmix(salt ^ ((ns as u64) << 32) ^ id as u64);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        id,
        ns,
        (mix >> 52) & 0xfff,
        0x8000 | ((mix >> 36) & 0x3fff),
        mix & 0xffff_ffff_ffff
    )
}

/// A fast 64-bit mixer (SplitMix64 finaliser), used for deterministic hashing.
pub fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

pub mod ns {
    pub const PERSON: u16 = 0x1000;
    pub const AIRCRAFT: u16 = 0x2000;
    pub const FLIGHT: u16 = 0x3000;
    pub const WORK_ORDER: u16 = 0x4000;
    pub const INVOICE: u16 = 0x5000;
    pub const COMPLIANCE: u16 = 0x6000;
    pub const COURSE: u16 = 0x7000;
    pub const BOOKING: u16 = 0x8000;
}

/// The two registrations Airbly's public sample group uses, with their documented UUIDs.
pub const AIRBLY_SAMPLE: [(&str, &str); 2] = [
    ("N44API", "00000001-4444-2000-8846-001471040618"),
    ("N88API", "00001000-4444-2000-5574-001522329325"),
];

const FIRST: &[&str] = &[
    "Ava", "Ben", "Chloe", "Daniel", "Emma", "Farid", "Grace", "Hugo", "Isla", "Jack", "Kaito",
    "Lena", "Mateo", "Nora", "Oliver", "Priya", "Quinn", "Rosa", "Samuel", "Tara", "Umar", "Vera",
    "William", "Xin", "Yusuf", "Zoe", "Amelia", "Bruno", "Carmen", "Diego", "Elena", "Felix",
    "Hana", "Ivan", "Julia", "Liam", "Maya", "Noah", "Olga", "Pablo",
];
const LAST: &[&str] = &[
    "Anderson",
    "Bauer",
    "Costa",
    "Dubois",
    "Evans",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ito",
    "Jensen",
    "Kowalski",
    "Larsen",
    "Moreau",
    "Nakamura",
    "O'Brien",
    "Petrov",
    "Quintero",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zimmermann",
    "Brennan",
    "Castillo",
    "Novak",
    "Lindqvist",
];
const EXERCISES: &[&str] = &[
    "Effects of controls",
    "Straight and level",
    "Climbing and descending",
    "Turns",
    "Slow flight and stalls",
    "Circuits",
    "Forced landings",
    "Navigation",
    "Steep turns",
    "Instrument approaches",
    "Engine failure after take-off",
    "Cross-country",
    "Night circuits",
    "Radio navigation",
    "Skill test preparation",
];
const DEBRIEFS: &[&str] = &[
    "Good progress, ready for next exercise.",
    "Needs more work on radio calls.",
    "Excellent airmanship.",
    "Repeat exercise: unstable approaches.",
    "Met the standard.",
];
const NOTES: &[&str] = &[
    "",
    "",
    "",
    "Fuel to tabs",
    "Bring logbook",
    "Check weather",
    "Exam day",
];
const WO_TITLES: &[&str] = &[
    "Visual system calibration",
    "Motion base hydraulic leak",
    "Instructor station reboot loop",
    "Yoke force feel drift",
    "Projector lamp replacement",
    "Annual qualification test guide run",
    "Sound system crackle",
    "Replace throttle quadrant pot",
];
const EXPENSE_CATS: &[(&str, &str)] = &[
    ("fuel", "AvFuel Supplies"),
    ("maintenance", "Skyline Maintenance"),
    ("insurance", "Aero Insurance Co"),
    ("landing_fees", "Regional Airport"),
    ("hangar", "Regional Airport"),
    ("parts", "Aircraft Spruce & Co"),
];
const COMPLIANCE_TITLES: &[(ComplianceCategory, &str)] = &[
    (
        ComplianceCategory::Part142,
        "Part 142 training program approval review",
    ),
    (ComplianceCategory::Nsp, "NSP simulator qualification"),
    (
        ComplianceCategory::AircraftEvaluation,
        "Simulator evaluation",
    ),
    (
        ComplianceCategory::InstructorCurrency,
        "Instructor proficiency check",
    ),
    (ComplianceCategory::Facility, "Fire safety inspection"),
    (ComplianceCategory::Other, "Insurance renewal"),
];

struct Sizes {
    aircraft: u32,
    sims: u32,
    classrooms: u32,
    instructors: u32,
    dispatchers: u32,
    students: u32,
    days_back: i64,
    days_ahead: i64,
    /// Bookings per aircraft per day (max).
    per_day: u32,
}

impl Preset {
    fn sizes(self) -> Sizes {
        match self {
            Preset::Demo => Sizes {
                aircraft: 6,
                sims: 2,
                classrooms: 3,
                instructors: 8,
                dispatchers: 3,
                students: 40,
                days_back: 90,
                days_ahead: 60,
                per_day: 4,
            },
            Preset::Large => Sizes {
                aircraft: 60,
                sims: 10,
                classrooms: 12,
                instructors: 90,
                dispatchers: 12,
                students: 2400,
                days_back: 540,
                days_ahead: 180,
                per_day: 5,
            },
        }
    }
}

const REGS: &[(&str, &str, &str)] = &[
    ("Cessna", "172S", "N"),
    ("Piper", "PA-28-181", "N"),
    ("Diamond", "DA40", "N"),
    ("Cessna", "152", "N"),
    ("Diamond", "DA42", "N"),
    ("Piper", "PA-44 Seminole", "N"),
];

impl World {
    /// Generates the world for `preset` and `seed`, with activity placed around `now`.
    pub fn generate(preset: Preset, seed: u64, now: Ts) -> World {
        let sz = preset.sizes();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Everything is placed relative to the start of "today" so a pinned clock gives
        // identical data, and the schedule lines up with whole days.
        let today = now - now.rem_euclid(DAY);
        let created = today - (sz.days_back + 365) * DAY;
        let mut w = World {
            seed,
            preset,
            generated_at: now,
            centre_name: "Skyhaven Flight Training Centre".into(),
            seq: 0,
            locations: vec![
                loc(
                    0,
                    "KSKY",
                    "Skyhaven Regional (main base)",
                    40.1402,
                    -75.2652,
                    true,
                ),
                loc(
                    1,
                    "KRVR",
                    "Riverside Municipal (satellite centre)",
                    40.3311,
                    -75.0921,
                    true,
                ),
                loc(2, "KMTN", "Mountainview", 40.6531, -75.4403, false),
                loc(3, "KBAY", "Bayside International", 39.8719, -75.2411, false),
                loc(4, "KLKE", "Lakeside Field", 40.0123, -74.8702, false),
            ],
            courses: vec![],
            people: vec![],
            aircraft: vec![],
            classrooms: vec![],
            bookings: vec![],
            flights: vec![],
            duties: vec![],
            work_orders: vec![],
            invoices: vec![],
            expenses: vec![],
            compliance: vec![],
        };
        for (i, (name, theory, flights, fl)) in [
            ("Private Pilot Licence", true, true, 25u32),
            ("Instrument Rating", true, true, 20),
            ("Commercial Pilot Licence", true, true, 30),
            ("Multi-Engine Class Rating", false, true, 8),
            ("Type Rating Ground School", true, false, 0),
        ]
        .into_iter()
        .enumerate()
        {
            w.courses.push(Course {
                id: i as u32,
                uuid: uuid_for(ns::COURSE, i as u32, seed),
                name: name.into(),
                theory,
                flights,
                flight_lessons: fl,
                subjects: if theory { 6 + i as u32 } else { 0 },
            });
        }

        // People. Ids are dense indexes into `people`.
        let mut used_names = std::collections::BTreeSet::new();
        let mut add_person = |w: &mut World, rng: &mut ChaCha8Rng, role: Role| {
            let id = w.people.len() as u32;
            let (first, last) = loop {
                let f = FIRST[rng.gen_range(0..FIRST.len())];
                let l = LAST[rng.gen_range(0..LAST.len())];
                let n = used_names.len();
                let (f, l) = if n >= FIRST.len() * LAST.len() / 2 {
                    (f.to_string(), format!("{l}-{id}"))
                } else {
                    (f.to_string(), l.to_string())
                };
                if used_names.insert(format!("{f} {l}")) {
                    break (f, l);
                }
            };
            let email_local = format!("{}.{}", first, last)
                .to_lowercase()
                .replace(['\'', ' '], "");
            let domain = match role {
                Role::Student => "students.skyhaven.example",
                _ => "skyhaven.example",
            };
            let location = if rng.gen_ratio(1, 5) { 1 } else { 0 };
            let course = if role == Role::Student {
                Some(rng.gen_range(0..w.courses.len() as u32))
            } else {
                None
            };
            let c = created + rng.gen_range(0..365) * DAY;
            w.seq += 1;
            w.people.push(Person {
                id,
                uuid: uuid_for(ns::PERSON, id, seed),
                role,
                first_name: first,
                last_name: last,
                email: format!("{email_local}@{domain}"),
                phone: format!("+1-555-{:03}-{:04}", rng.gen_range(100..999), id % 10_000),
                date_of_birth: date_str(today - rng.gen_range(18 * 365..60 * 365) * DAY),
                location,
                course,
                medical_expires: today + rng.gen_range(-20..700) * DAY,
                active: true,
                created_at: c,
                updated_at: c,
                version: w.seq,
            });
        };
        add_person(&mut w, &mut rng, Role::Manager);
        for _ in 0..sz.instructors {
            add_person(&mut w, &mut rng, Role::Instructor);
        }
        for _ in 0..sz.dispatchers {
            add_person(&mut w, &mut rng, Role::Dispatcher);
        }
        add_person(&mut w, &mut rng, Role::Mechanic);
        for _ in 0..sz.students {
            add_person(&mut w, &mut rng, Role::Student);
        }
        // Staff: every fifth instructor and the last dispatcher work at the satellite centre.
        for (k, p) in w.ids_with_role(Role::Instructor).into_iter().enumerate() {
            w.people[p as usize].location = if k % 5 == 4 { 1 } else { 0 };
        }
        let disp = w.ids_with_role(Role::Dispatcher);
        for (k, &p) in disp.iter().enumerate() {
            w.people[p as usize].location = if k + 1 == disp.len() { 1 } else { 0 };
        }
        for p in w
            .people
            .iter_mut()
            .filter(|p| matches!(p.role, Role::Manager | Role::Mechanic))
        {
            p.location = 0;
        }
        // A couple of students have left (inactive) - still present in history.
        let students: Vec<u32> = w.ids_with_role(Role::Student);
        for &s in students.iter().rev().take(2) {
            w.people[s as usize].active = false;
        }

        // Aircraft (the Airbly sample tails first), then simulators.
        for i in 0..sz.aircraft {
            let (make, model, prefix) = REGS[i as usize % REGS.len()];
            let (reg, uuid) = if (i as usize) < AIRBLY_SAMPLE.len() {
                (
                    AIRBLY_SAMPLE[i as usize].0.to_string(),
                    AIRBLY_SAMPLE[i as usize].1.to_string(),
                )
            } else {
                (
                    format!(
                        "{prefix}{}{}",
                        100 + i * 7 % 900,
                        (b'A' + (i % 26) as u8) as char
                    ),
                    uuid_for(ns::AIRCRAFT, i, seed),
                )
            };
            let id = w.aircraft.len() as u32;
            w.seq += 1;
            w.aircraft.push(Aircraft {
                id,
                uuid,
                kind: AircraftKind::Aircraft,
                registration: reg,
                make: make.into(),
                model: model.into(),
                year: 1998 + (i as i32 * 3) % 26,
                serial_number: format!("{}{:05}", &make[..2].to_uppercase(), 10_000 + i * 37),
                // Two thirds of the fleet carry an Airbly device, including the sample tails.
                device_serial: (i % 3 != 2).then(|| format!("P200-{:07}", 1_000_000 + i * 13)),
                location: if i % 5 == 4 { 1 } else { 0 },
                rate_cents: 15_000 + (i as i64 % 4) * 2_500,
                base_engine_seconds: rng.gen_range(1_000..6_000) * HOUR,
                active: true,
                created_at: created,
                updated_at: created,
                version: w.seq,
            });
        }
        for i in 0..sz.sims {
            let id = w.aircraft.len() as u32;
            w.seq += 1;
            w.aircraft.push(Aircraft {
                id,
                uuid: uuid_for(ns::AIRCRAFT, id, seed),
                kind: AircraftKind::Simulator,
                registration: format!("SIM-{}", i + 1),
                make: if i % 2 == 0 {
                    "ALSIM".into()
                } else {
                    "Redbird".into()
                },
                model: if i % 2 == 0 {
                    "AL42 FNPT II".into()
                } else {
                    "FMX AATD".into()
                },
                year: 2015 + i as i32 % 9,
                serial_number: format!("SIM{:04}", 100 + i),
                device_serial: None,
                // The satellite centre has the last simulator.
                location: if i == sz.sims - 1 { 1 } else { 0 },
                rate_cents: 9_000,
                base_engine_seconds: 0,
                active: true,
                created_at: created,
                updated_at: created,
                version: w.seq,
            });
        }
        for i in 0..sz.classrooms {
            w.classrooms.push(Classroom {
                id: i,
                name: format!("Classroom {}", (b'A' + (i % 26) as u8) as char),
                location: if i == sz.classrooms - 1 { 1 } else { 0 },
                seats: 12,
            });
        }

        w.generate_activity(&mut rng, &sz, today, now);
        w
    }

    fn generate_activity(&mut self, rng: &mut ChaCha8Rng, sz: &Sizes, today: Ts, now: Ts) {
        let seed = self.seed;
        let instructors = self.ids_with_role(Role::Instructor);
        let dispatchers = self.ids_with_role(Role::Dispatcher);
        let students: Vec<u32> = self.ids_with_role(Role::Student);
        let planes: Vec<u32> = self
            .aircraft
            .iter()
            .filter(|a| a.kind == AircraftKind::Aircraft)
            .map(|a| a.id)
            .collect();
        let sims: Vec<u32> = self
            .aircraft
            .iter()
            .filter(|a| a.kind == AircraftKind::Simulator)
            .map(|a| a.id)
            .collect();
        let mut engine: Vec<i64> = self
            .aircraft
            .iter()
            .map(|a| a.base_engine_seconds)
            .collect();

        for day in -sz.days_back..sz.days_ahead {
            let d0 = today + day * DAY;
            // Duty roster: each instructor works 5 days out of 7 (rotating), 07:00-17:00;
            // about 3% of duty days run long (a 14 h day: a duty-limit breach).
            let mut on_duty: Vec<(u32, Ts, Ts)> = Vec::new();
            for (k, &p) in instructors.iter().enumerate() {
                if (day + k as i64).rem_euclid(7) >= 5 {
                    continue;
                }
                let start = d0 + 7 * HOUR + rng.gen_range(0..4) * 30 * 60;
                let long = rng.gen_ratio(3, 100);
                let end = start + if long { 14 * HOUR } else { 9 * HOUR + 30 * 60 };
                let kind = if rng.gen_ratio(1, 10) {
                    DutyKind::Standby
                } else {
                    DutyKind::Flying
                };
                self.push_duty(p, kind, start, end);
                if kind == DutyKind::Flying {
                    on_duty.push((p, start, end));
                }
            }
            for (k, &p) in dispatchers.iter().enumerate() {
                // Dispatchers cover two shifts.
                let start = d0 + if k % 2 == 0 { 6 * HOUR } else { 13 * HOUR };
                if (day + k as i64).rem_euclid(7) == 6 {
                    continue;
                }
                self.push_duty(p, DutyKind::Dispatch, start, start + 8 * HOUR);
            }
            if on_duty.is_empty() {
                continue;
            }

            // Who is busy when today: instructors and students are not double-booked except
            // where a conflict is planted on purpose (`Booking::conflict`).
            let mut busy: std::collections::BTreeMap<u32, Vec<(Ts, Ts)>> = Default::default();
            let is_free =
                |busy: &std::collections::BTreeMap<u32, Vec<(Ts, Ts)>>, p: u32, s: Ts, e: Ts| {
                    busy.get(&p)
                        .is_none_or(|v| v.iter().all(|(a, b)| e <= *a || s >= *b))
                };

            // Instructor unavailability (no customer, no aircraft) now and then.
            if rng.gen_ratio(1, 4) {
                let p = instructors[rng.gen_range(0..instructors.len())];
                let start = d0 + 12 * HOUR;
                let booked_at =
                    past_or_recent(start - 7 * DAY, now - HOUR, 7 * DAY, self.bookings.len());
                busy.entry(p).or_default().push((start, start + 4 * HOUR));
                self.push_booking(Booking {
                    id: 0,
                    kind: BookingKind::Unavailable,
                    resource: Resource::None,
                    student: None,
                    instructor: Some(p),
                    originator: p,
                    start,
                    end: start + 4 * HOUR,
                    booked_at,
                    no_show: false,
                    cancelled_at: None,
                    cancelled_by: None,
                    cancel_reason: None,
                    notes: "Medical appointment".into(),
                    flight: None,
                    conflict: false,
                    created_at: booked_at,
                    updated_at: booked_at,
                    version: 0,
                });
            }

            // Aircraft bookings.
            // Simulators first: a session cannot run without an instructor, a flight can go solo.
            for &a in sims.iter().chain(planes.iter()) {
                let is_sim = self.aircraft[a as usize].kind == AircraftKind::Simulator;
                let loc = self.aircraft[a as usize].location;
                let slots = rng.gen_range(1..=sz.per_day);
                let mut t = d0 + 8 * HOUR + rng.gen_range(0..2) * HOUR;
                for _ in 0..slots {
                    let len = if is_sim {
                        2 * HOUR
                    } else {
                        rng.gen_range(2..=4) * HOUR / 2
                    };
                    let end = t + len;
                    let free_ins: Vec<u32> = on_duty
                        .iter()
                        .filter(|(p, s, e)| {
                            *s <= t
                                && end <= *e
                                && self.people[*p as usize].location == loc
                                && is_free(&busy, *p, t, end)
                        })
                        .map(|x| x.0)
                        .collect();
                    // A few tries for a free student of this centre.
                    let mut student = students[rng.gen_range(0..students.len())];
                    for _ in 0..12 {
                        if self.people[student as usize].location == loc
                            && is_free(&busy, student, t, end)
                        {
                            break;
                        }
                        student = students[rng.gen_range(0..students.len())];
                    }
                    let mut conflict = !is_free(&busy, student, t, end);
                    let kind = if is_sim {
                        BookingKind::Sim
                    } else if rng.gen_ratio(1, 6) {
                        BookingKind::Solo
                    } else if rng.gen_ratio(1, 40) {
                        BookingKind::Checkride
                    } else {
                        BookingKind::Dual
                    };
                    let ins = if !free_ins.is_empty() {
                        Some(free_ins[rng.gen_range(0..free_ins.len())])
                    } else if rng.gen_ratio(1, 6) {
                        // Planted: an instructor booked while busy or off duty.
                        conflict = true;
                        Some(on_duty[rng.gen_range(0..on_duty.len())].0)
                    } else {
                        None
                    };
                    let unavailable = !is_sim && rng.gen_ratio(1, 60);
                    let (kind, student, instructor) = if unavailable {
                        conflict = false;
                        (BookingKind::Maintenance, None, None)
                    } else if kind == BookingKind::Solo || ins.is_none() && !is_sim {
                        (BookingKind::Solo, Some(student), None)
                    } else if ins.is_none() {
                        // No instructor for the simulator: leave the slot empty.
                        t += len;
                        continue;
                    } else {
                        (kind, Some(student), ins)
                    };
                    for p in student.into_iter().chain(instructor) {
                        busy.entry(p).or_default().push((t, end));
                    }
                    let originator = dispatchers[rng.gen_range(0..dispatchers.len())];
                    let booked_at = past_or_recent(
                        t - rng.gen_range(1..30) * DAY,
                        now - HOUR,
                        14 * DAY,
                        self.bookings.len(),
                    );
                    let bid = self.push_booking(Booking {
                        id: 0,
                        kind,
                        resource: Resource::Aircraft(a),
                        student,
                        instructor,
                        originator,
                        start: t,
                        end,
                        booked_at,
                        no_show: false,
                        cancelled_at: None,
                        cancelled_by: None,
                        cancel_reason: None,
                        notes: NOTES[rng.gen_range(0..NOTES.len())].into(),
                        flight: None,
                        conflict,
                        created_at: booked_at,
                        updated_at: booked_at,
                        version: 0,
                    });
                    // About 7% cancelled (weather, sickness), 2% no-shows.
                    let roll = rng.gen_range(0..100);
                    if roll < 7 && student.is_some() {
                        let at = past_or_recent(
                            t - rng.gen_range(1..48) * HOUR,
                            now - 60,
                            HOUR,
                            bid as usize,
                        );
                        let b = &mut self.bookings[bid as usize];
                        if at > b.booked_at {
                            b.cancelled_at = Some(at);
                            b.cancelled_by = Some(originator);
                            b.cancel_reason = Some(
                                if roll < 4 {
                                    "Weather"
                                } else {
                                    "Student unwell"
                                }
                                .into(),
                            );
                            b.updated_at = at;
                        }
                    } else if roll < 9 && student.is_some() {
                        self.bookings[bid as usize].no_show = true;
                    }
                    // Planted: ~1.5% of bookings get an overlapping twin on the same aircraft.
                    if rng.gen_ratio(3, 200) && student.is_some() {
                        let mut twin = self.bookings[bid as usize].clone();
                        twin.start += HOUR / 2;
                        twin.end += HOUR / 2;
                        twin.student = Some(students[rng.gen_range(0..students.len())]);
                        twin.instructor = None;
                        twin.kind = BookingKind::Solo;
                        twin.cancelled_at = None;
                        twin.cancelled_by = None;
                        twin.cancel_reason = None;
                        twin.no_show = false;
                        twin.conflict = true;
                        twin.notes = "Double booked?".into();
                        self.bookings[bid as usize].conflict = true;
                        self.push_booking(twin);
                    }
                    t += len + rng.gen_range(0..2) * HOUR / 2;
                }
            }
            // Ground school in classrooms, one afternoon session per classroom on weekdays.
            if day.rem_euclid(7) < 5 {
                for c in 0..self.classrooms.len() as u32 {
                    let loc = self.classrooms[c as usize].location;
                    let start = d0 + 14 * HOUR;
                    let end = start + 2 * HOUR;
                    let free_ins: Vec<u32> = on_duty
                        .iter()
                        .filter(|(p, s, e)| {
                            *s <= start
                                && end <= *e
                                && self.people[*p as usize].location == loc
                                && is_free(&busy, *p, start, end)
                        })
                        .map(|x| x.0)
                        .collect();
                    if free_ins.is_empty() {
                        continue;
                    }
                    let ins = free_ins[rng.gen_range(0..free_ins.len())];
                    let mut student = students[rng.gen_range(0..students.len())];
                    for _ in 0..12 {
                        if self.people[student as usize].location == loc
                            && is_free(&busy, student, start, end)
                        {
                            break;
                        }
                        student = students[rng.gen_range(0..students.len())];
                    }
                    let conflict = !is_free(&busy, student, start, end);
                    busy.entry(ins).or_default().push((start, end));
                    busy.entry(student).or_default().push((start, end));
                    let originator = dispatchers[rng.gen_range(0..dispatchers.len())];
                    let booked_at =
                        past_or_recent(start - 14 * DAY, now - HOUR, 14 * DAY, self.bookings.len());
                    self.push_booking(Booking {
                        id: 0,
                        kind: BookingKind::Ground,
                        resource: Resource::Classroom(c),
                        student: Some(student),
                        instructor: Some(ins),
                        originator,
                        start,
                        end,
                        booked_at,
                        no_show: false,
                        cancelled_at: None,
                        cancelled_by: None,
                        cancel_reason: None,
                        notes: String::new(),
                        flight: None,
                        conflict,
                        created_at: booked_at,
                        updated_at: booked_at,
                        version: 0,
                    });
                }
            }
        }

        // Flights / sim sessions for completed bookings.
        for bi in 0..self.bookings.len() {
            let b = &self.bookings[bi];
            let Some(a) = b.aircraft() else { continue };
            if b.end > now || b.cancelled_at.is_some() || b.no_show || b.student.is_none() {
                continue;
            }
            let is_sim = self.aircraft[a as usize].kind == AircraftKind::Simulator;
            let (student, ins, kind, start, end, bid) =
                (b.student, b.instructor, b.kind, b.start, b.end, b.id);
            let off = start + rng.gen_range(10..30) * 60;
            let on = (end - rng.gen_range(0..25) * 60).max(off + 30 * 60);
            let takeoff = off + rng.gen_range(5..15) * 60;
            let landing = (on - rng.gen_range(3..10) * 60).max(takeoff + 10 * 60);
            let (pic, stu) = match (kind, ins) {
                (BookingKind::Solo, _) | (_, None) => (student.unwrap_or(0), None),
                (_, Some(i)) => (i, student),
            };
            let dep = self.aircraft[a as usize].location;
            let arr = if !is_sim && rng.gen_ratio(1, 5) {
                rng.gen_range(2..5)
            } else {
                dep
            };
            let has_device = self.aircraft[a as usize].device_serial.is_some();
            let id = self.flights.len() as u32;
            let minutes = (on - off) / 60;
            // Hand entry rounds to tenths, and is sometimes off by a tenth or two.
            let tenths = ((minutes + 3) / 6) + [0i64, 0, 0, 1, -1, 2][rng.gen_range(0..6)];
            let completed_at = on + rng.gen_range(5..90) * 60;
            let debrief = if completed_at < now - 2 * DAY || rng.gen_ratio(3, 4) {
                DEBRIEFS[rng.gen_range(0..DEBRIEFS.len())].to_string()
            } else {
                String::new()
            };
            self.seq += 1;
            let engine_before = engine[a as usize];
            engine[a as usize] += on - off;
            self.flights.push(Flight {
                id,
                uuid: uuid_for(ns::FLIGHT, id, seed),
                booking: Some(bid),
                aircraft: a,
                pic,
                student: stu,
                departure: dep,
                arrival: arr,
                off_block: off,
                takeoff: if is_sim { off } else { takeoff },
                landing: if is_sim { on } else { landing },
                on_block: on,
                landings: if is_sim { 0 } else { rng.gen_range(1..8) },
                fuel_ml: if is_sim { 0 } else { (on - off) * 9 },
                engine_before,
                by_device: has_device && !is_sim && !rng.gen_ratio(1, 20),
                in_pilotflows: !is_sim && rng.gen_ratio(3, 5),
                pilotflows_tenths: tenths.max(1) as u32,
                in_fsb: !is_sim,
                exercises: EXERCISES[rng.gen_range(0..EXERCISES.len())].into(),
                debrief,
                remarks: String::new(),
                deleted: false,
                created_at: completed_at,
                updated_at: completed_at,
                version: self.seq,
            });
            self.bookings[bi].flight = Some(id);
        }

        // Work orders on simulators (and a few on aircraft).
        let n_wo = (sims.len() * 6).max(8);
        for i in 0..n_wo {
            let a = if i % 4 == 3 {
                planes[rng.gen_range(0..planes.len())]
            } else {
                sims[rng.gen_range(0..sims.len())]
            };
            let opened = today - rng.gen_range(0..sz.days_back) * DAY + rng.gen_range(0..20) * HOUR;
            let status = [
                WorkOrderStatus::Open,
                WorkOrderStatus::InProgress,
                WorkOrderStatus::AwaitingParts,
                WorkOrderStatus::Completed,
                WorkOrderStatus::Completed,
                WorkOrderStatus::Cancelled,
            ][rng.gen_range(0..6)];
            let closed = matches!(
                status,
                WorkOrderStatus::Completed | WorkOrderStatus::Cancelled
            )
            .then(|| (opened + rng.gen_range(1..10) * DAY).min(now - HOUR));
            let priority = [
                Priority::Low,
                Priority::Normal,
                Priority::Normal,
                Priority::High,
            ][rng.gen_range(0..4)];
            let priority = if i == 1 { Priority::Critical } else { priority };
            self.seq += 1;
            let id = self.work_orders.len() as u32;
            let upd = closed.unwrap_or(opened);
            self.work_orders.push(WorkOrder {
                id,
                uuid: uuid_for(ns::WORK_ORDER, id, seed),
                aircraft: a,
                title: WO_TITLES[rng.gen_range(0..WO_TITLES.len())].into(),
                status,
                priority,
                opened_at: opened,
                closed_at: closed,
                created_at: opened,
                updated_at: upd,
                version: self.seq,
            });
        }

        // Invoices: one per completed flight or sim session with a student.
        for fi in 0..self.flights.len() {
            let f = &self.flights[fi];
            let Some(customer) = f
                .student
                .or(Some(f.pic))
                .filter(|p| self.people[*p as usize].role == Role::Student)
            else {
                continue;
            };
            let rate = self.aircraft[f.aircraft as usize].rate_cents;
            let amount = rate * (f.on_block - f.off_block) / HOUR;
            let issued = f.on_block + 2 * HOUR;
            let due = issued + 14 * DAY;
            let roll = rng.gen_range(0..100);
            let (status, paid_at) = if issued > now - DAY {
                (InvoiceStatus::Draft, None)
            } else if roll < 3 {
                (InvoiceStatus::Void, None)
            } else if roll < 75 {
                // Paid on its day, unless that day is still to come.
                let p = issued + rng.gen_range(0..20) * DAY;
                if p <= now - HOUR {
                    (InvoiceStatus::Paid, Some(p))
                } else {
                    (InvoiceStatus::Sent, None)
                }
            } else {
                (InvoiceStatus::Sent, None)
            };
            let id = self.invoices.len() as u32;
            let upd = paid_at.unwrap_or(issued);
            let desc = format!(
                "{} {} ({:.1} h)",
                if self.aircraft[f.aircraft as usize].kind == AircraftKind::Simulator {
                    "Simulator"
                } else {
                    "Flight"
                },
                self.aircraft[f.aircraft as usize].registration,
                (f.on_block - f.off_block) as f64 / HOUR as f64
            );
            self.seq += 1;
            self.invoices.push(Invoice {
                id,
                uuid: uuid_for(ns::INVOICE, id, seed),
                number: 10_001 + id,
                customer,
                flight: Some(f.id),
                description: desc,
                issued_at: issued,
                due_at: due,
                amount_cents: amount + amount / 5,
                tax_cents: amount / 5,
                status,
                paid_at,
                created_at: issued,
                updated_at: upd,
                version: self.seq,
            });
        }

        // Expenses: a handful a week.
        for day in (-sz.days_back..0).step_by(2) {
            let (cat, vendor) = EXPENSE_CATS[rng.gen_range(0..EXPENSE_CATS.len())];
            let t = today + day * DAY + 10 * HOUR;
            let id = self.expenses.len() as u32;
            self.seq += 1;
            self.expenses.push(Expense {
                id,
                category: cat.into(),
                vendor: vendor.into(),
                aircraft: (cat != "insurance").then(|| planes[rng.gen_range(0..planes.len())]),
                amount_cents: rng.gen_range(5_000..250_000),
                date: t,
                created_at: t,
                updated_at: t,
                version: self.seq,
            });
        }

        // Compliance items: per centre and some per instructor, spread over due dates so all
        // statuses appear.
        type Item = (ComplianceCategory, String, u32, Option<u32>, Option<u32>);
        let mut items: Vec<Item> = vec![];
        for (l, _) in self.locations.iter().enumerate().filter(|(_, l)| l.centre) {
            for (cat, title) in COMPLIANCE_TITLES {
                items.push((*cat, title.to_string(), l as u32, None, None));
            }
        }
        for &s in &sims {
            let l = self.aircraft[s as usize].location;
            let r = &self.aircraft[s as usize].registration;
            items.push((
                ComplianceCategory::AircraftEvaluation,
                format!("{r} recurrent evaluation"),
                l,
                None,
                Some(s),
            ));
        }
        for &p in &instructors {
            let l = self.people[p as usize].location;
            let n = self.people[p as usize].name();
            items.push((
                ComplianceCategory::InstructorCurrency,
                format!("{n} proficiency check"),
                l,
                Some(p),
                None,
            ));
        }
        for (i, (cat, title, l, person, aircraft)) in items.into_iter().enumerate() {
            // Every status appears: a fifth overdue, a fifth due within 30 days.
            let due = match i % 5 {
                0 => today - rng.gen_range(3..30) * DAY,
                1 => today + rng.gen_range(3..28) * DAY,
                _ => today + rng.gen_range(40..400) * DAY,
            };
            let pinned = match i % 11 {
                3 => Some(ComplianceStatus::InProgress),
                7 => Some(ComplianceStatus::Waived),
                _ => None,
            };
            let id = self.compliance.len() as u32;
            self.seq += 1;
            let c = today - sz.days_back * DAY;
            self.compliance.push(ComplianceItem {
                id,
                uuid: uuid_for(ns::COMPLIANCE, id, seed),
                category: cat,
                title,
                location: l,
                person,
                aircraft,
                due_at: due,
                pinned_status: pinned,
                created_at: c,
                updated_at: c,
                version: self.seq,
            });
        }
    }

    fn push_duty(&mut self, person: u32, kind: DutyKind, start: Ts, end: Ts) {
        self.seq += 1;
        let id = self.duties.len() as u32;
        self.duties.push(Duty {
            id,
            person,
            kind,
            start,
            end,
            updated_at: start,
            version: self.seq,
        });
    }

    /// Appends a booking, assigning id and version. Returns the id.
    pub fn push_booking(&mut self, mut b: Booking) -> u32 {
        self.seq += 1;
        b.id = self.bookings.len() as u32;
        b.version = self.seq;
        let id = b.id;
        self.bookings.push(b);
        id
    }

    /// Bumps the change sequence and returns the new value, for a record being changed.
    pub fn touch(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub fn ids_with_role(&self, role: Role) -> Vec<u32> {
        self.people
            .iter()
            .filter(|p| p.role == role)
            .map(|p| p.id)
            .collect()
    }

    pub fn person(&self, id: u32) -> Option<&Person> {
        self.people.get(id as usize)
    }

    pub fn aircraft_by_reg(&self, reg: &str) -> Option<&Aircraft> {
        self.aircraft
            .iter()
            .find(|a| a.registration.eq_ignore_ascii_case(reg))
    }

    /// Short counts, for the manifest and logs.
    pub fn summary(&self) -> serde_json::Value {
        serde_json::json!({
            "preset": self.preset,
            "seed": self.seed,
            "people": self.people.len(),
            "aircraft": self.aircraft.iter().filter(|a| a.kind == AircraftKind::Aircraft).count(),
            "simulators": self.aircraft.iter().filter(|a| a.kind == AircraftKind::Simulator).count(),
            "classrooms": self.classrooms.len(),
            "bookings": self.bookings.len(),
            "flights": self.flights.len(),
            "duties": self.duties.len(),
            "work_orders": self.work_orders.len(),
            "invoices": self.invoices.len(),
            "expenses": self.expenses.len(),
            "compliance_items": self.compliance.len(),
        })
    }
}

fn loc(id: u32, ident: &str, name: &str, lat: f64, lon: f64, centre: bool) -> Location {
    Location {
        id,
        ident: ident.into(),
        name: name.into(),
        latitude: lat,
        longitude: lon,
        centre,
    }
}

/// `YYYY-MM-DD` for a unix time.
pub fn date_str(t: Ts) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// RFC 3339 with `Z` and whole seconds.
pub fn rfc3339(t: Ts) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Ts = 1_772_443_800; // 2026-03-02T09:30:00Z

    #[test]
    fn deterministic_and_seed_dependent() {
        let a = serde_json::to_string(&World::generate(Preset::Demo, 42, NOW)).unwrap();
        let b = serde_json::to_string(&World::generate(Preset::Demo, 42, NOW)).unwrap();
        let c = serde_json::to_string(&World::generate(Preset::Demo, 43, NOW)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn demo_shape() {
        let w = World::generate(Preset::Demo, 42, NOW);
        let count = |k| w.aircraft.iter().filter(|a| a.kind == k).count();
        assert_eq!(count(AircraftKind::Aircraft), 6);
        assert_eq!(count(AircraftKind::Simulator), 2);
        assert_eq!(w.classrooms.len(), 3);
        assert_eq!(w.ids_with_role(Role::Instructor).len(), 8);
        assert_eq!(w.ids_with_role(Role::Dispatcher).len(), 3);
        assert_eq!(w.ids_with_role(Role::Student).len(), 40);
        for (reg, uuid) in AIRBLY_SAMPLE {
            let a = w.aircraft_by_reg(reg).unwrap();
            assert_eq!(a.uuid, uuid);
            assert!(a.device_serial.is_some());
        }
        let first = w.bookings.iter().map(|b| b.start).min().unwrap();
        let last = w.bookings.iter().map(|b| b.start).max().unwrap();
        assert!(
            (NOW - 91 * DAY..=NOW - 88 * DAY).contains(&first),
            "starts ~90 days back"
        );
        assert!(
            (NOW + 57 * DAY..=NOW + 61 * DAY).contains(&last),
            "runs ~60 days ahead"
        );
        // Unique emails and names.
        let emails: std::collections::BTreeSet<_> = w.people.iter().map(|p| &p.email).collect();
        assert_eq!(emails.len(), w.people.len());
        // Both centres have staff, students, an aircraft and a simulator.
        for loc in [0, 1] {
            assert!(w
                .people
                .iter()
                .any(|p| p.location == loc && p.role == Role::Instructor));
            assert!(w
                .people
                .iter()
                .any(|p| p.location == loc && p.role == Role::Student));
            assert!(w
                .aircraft
                .iter()
                .any(|a| a.location == loc && a.kind == AircraftKind::Simulator));
        }
    }

    #[test]
    fn conflicts_only_where_planted_and_breaches_exist() {
        let w = World::generate(Preset::Demo, 42, NOW);
        let live: Vec<&Booking> = w
            .bookings
            .iter()
            .filter(|b| b.cancelled_at.is_none() && !matches!(b.kind, BookingKind::Unavailable))
            .collect();
        let planted = live.iter().filter(|b| b.conflict).count();
        assert!(planted > 5, "{planted} planted conflicts");
        // Unplanted bookings never double-book a person or an aircraft.
        let clean: Vec<&&Booking> = live.iter().filter(|b| !b.conflict).collect();
        for (i, a) in clean.iter().enumerate() {
            for b in clean.iter().skip(i + 1) {
                if a.start >= b.end || b.start >= a.end {
                    continue;
                }
                let same_res = a.resource == b.resource && a.resource != Resource::None;
                let same_ins = a.instructor.is_some() && a.instructor == b.instructor;
                let same_stu = a.student.is_some() && a.student == b.student;
                assert!(!same_res && !same_ins && !same_stu, "{a:?}\n{b:?}");
            }
        }
        let long = w
            .duties
            .iter()
            .filter(|d| d.end - d.start > 12 * HOUR)
            .count();
        assert!(long > 3, "{long} over-long duty periods");
        // Some flights are recorded by a device and hand-entered in PilotFlows too.
        assert!(w.flights.iter().any(|f| f.by_device && f.in_pilotflows));
        assert!(w.flights.iter().any(|f| f.in_pilotflows && !f.by_device));
        assert!(w
            .flights
            .iter()
            .any(|f| w.aircraft[f.aircraft as usize].kind == AircraftKind::Simulator));
    }
}
