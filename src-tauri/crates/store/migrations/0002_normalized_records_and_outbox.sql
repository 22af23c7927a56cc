-- Append-only: never edit a migration once it has landed; add a new one.

-- Normalized caches, one table per record kind (the names are the export keys). Each row
-- is keyed by (account, source_id): one person may hold two accounts of one provider.
-- `raw` keeps the provider's JSON exactly as received; instants are RFC 3339 UTC text,
-- dates YYYY-MM-DD. `removed` is set when the provider deleted the record (a tombstone,
-- or absence from a completed snapshot pass); `seen_pass` is the sync pass that last
-- listed it; `version` counts changes.

CREATE TABLE bookings (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    starts_at TEXT,
    ends_at TEXT,
    resource_kind TEXT,
    resource_id TEXT,
    resource_name TEXT,
    instructor_id TEXT,
    instructor_name TEXT,
    person_id TEXT,
    person_name TEXT,
    status TEXT,
    unavailability INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    cancelled_at TEXT,
    booked_at TEXT,
    location_id TEXT,
    notes TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE classes (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    starts_at TEXT,
    ends_at TEXT,
    training_id TEXT,
    lesson_id TEXT,
    instructor_id TEXT,
    instructor_name TEXT,
    location_id TEXT,
    status TEXT,
    capacity INTEGER,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE flight_logs (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    date TEXT,
    starts_at TEXT,
    ends_at TEXT,
    pilot_id TEXT,
    pilot_name TEXT,
    instructor_id TEXT,
    instructor_name TEXT,
    aircraft_id TEXT,
    aircraft_registration TEXT,
    departure TEXT,
    arrival TEXT,
    route TEXT,
    duration_hours REAL,
    landings INTEGER,
    usage REAL,
    remarks TEXT,
    status TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE aircraft (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    registration TEXT,
    name TEXT,
    model TEXT,
    category TEXT,
    status TEXT,
    location_id TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE people (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    email TEXT,
    role TEXT,
    status TEXT,
    location_id TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE trainings (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    person_id TEXT,
    status TEXT,
    starts_on TEXT,
    ends_on TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE enrolments (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    person_id TEXT,
    training_id TEXT,
    class_id TEXT,
    status TEXT,
    enrolled_on TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE subjects (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    code TEXT,
    training_id TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE lessons (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    subject_id TEXT,
    training_id TEXT,
    category TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE exams (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    person_id TEXT,
    subject_id TEXT,
    training_id TEXT,
    taken_at TEXT,
    attempt INTEGER,
    score REAL,
    passed INTEGER,
    status TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE missions (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    person_id TEXT,
    instructor_id TEXT,
    aircraft_id TEXT,
    lesson_id TEXT,
    training_id TEXT,
    starts_at TEXT,
    ends_at TEXT,
    status TEXT,
    signature_state TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE crew_duty (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    person_id TEXT,
    person_name TEXT,
    role TEXT,
    status TEXT,
    on_duty INTEGER,
    duty_started_at TEXT,
    duty_hours REAL,
    duty_hours_7d REAL,
    snapshot_at TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE work_orders (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    title TEXT,
    status TEXT,
    priority TEXT,
    aircraft_id TEXT,
    opened_at TEXT,
    closed_at TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE invoices (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    number TEXT,
    person_id TEXT,
    status TEXT,
    amount REAL,
    currency TEXT,
    issued_on TEXT,
    due_on TEXT,
    paid_at TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE compliance_items (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    title TEXT,
    category TEXT,
    status TEXT,
    due_on TEXT,
    aircraft_id TEXT,
    person_id TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

CREATE TABLE locations (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    source_id     TEXT NOT NULL,
    -- The connector resource that delivers the row (snapshot removal is per resource).
    resource      TEXT NOT NULL,
    name TEXT,
    code TEXT,
    time_zone TEXT,
    raw           TEXT NOT NULL CHECK (json_valid(raw)),
    removed       INTEGER NOT NULL DEFAULT 0,
    seen_pass     INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    first_seen_at TEXT NOT NULL,
    changed_at    TEXT NOT NULL,
    PRIMARY KEY (account_id, source_id)
) WITHOUT ROWID;

-- A sync pass is one read of a resource from its stored position to `Done`. Snapshot
-- resources mark unseen rows removed when a pass completes, so a pass's number and start
-- survive a killed process.
ALTER TABLE sync_state ADD COLUMN pass INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN in_pass INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_state ADD COLUMN pass_started_at TEXT;
-- Machine code of last_error (`forbidden`, `unauthorized`, `server_error`, ...).
ALTER TABLE sync_state ADD COLUMN last_error_code TEXT;
-- The last run's counts: {"new": n, "updated": n, "removed": n}.
ALTER TABLE sync_state ADD COLUMN last_counts TEXT;

-- A disconnected account keeps its cached data (until purged) but no secret and no syncs.
ALTER TABLE accounts ADD COLUMN disconnected_at TEXT;
-- Set when the provider rejected the credential (401): the account needs a new key.
ALTER TABLE accounts ADD COLUMN needs_credential INTEGER NOT NULL DEFAULT 0;

-- Local changes waiting to be sent to a provider (write flows). Written in the same
-- transaction as the optimistic local change; the sync engine replays pending rows.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL CHECK (json_valid(payload)),
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX outbox_pending ON outbox (state, created_at);
