-- Append-only: never edit a migration once it has landed; add a new one.

-- The logbook (flightdesk-logbook). Two kinds of tables:
--
-- 1. The materialized entries, rebuilt from the cached flight logs at any time
--    (`logbook_entries`, `logbook_facts`, `logbook_entry_sources`, `logbook_state`).
--    Nothing in them is the user's: a rebuild deletes and rewrites them in one
--    transaction.
-- 2. The user's own tables (`logbook_splits`, `logbook_merges`, `logbook_annotations`). No
--    sync and no rebuild writes them. They name sources by provider, account name and the
--    provider's id (as entity_decisions does), never by a store row id, so they survive a
--    full re-sync, a purge and reconnect, and every rebuild.

-- One row per entry (one real flight or simulator session of one person). `entry` holds
-- the whole entry as JSON (every column with its provenance); the other columns are what
-- a page filters and sorts on, so a page is a range scan of one index.
CREATE TABLE logbook_entries (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL,
    date          TEXT NOT NULL,
    block_off     TEXT,
    registration  TEXT,
    total_hours   REAL,
    -- Lower-case text the page's filter matches (route, registration, remarks, names).
    search        TEXT NOT NULL,
    entry         TEXT NOT NULL CHECK (json_valid(entry))
) WITHOUT ROWID;
CREATE INDEX logbook_entries_by_date ON logbook_entries (person_id, date, block_off, id);
CREATE INDEX logbook_entries_by_registration ON logbook_entries (person_id, registration, date, id);
CREATE INDEX logbook_entries_by_total ON logbook_entries (person_id, total_hours, date, id);

-- Each entry's numbers for totals and currency, one compact line (flightdesk-logbook's
-- `facts` module), clustered by person: totals and every verdict for one person read
-- these few pages instead of decoding the entries' JSON.
CREATE TABLE logbook_facts (
    person_id  TEXT NOT NULL,
    date       TEXT NOT NULL,
    id         TEXT NOT NULL,
    facts      TEXT NOT NULL,
    PRIMARY KEY (person_id, date, id)
) WITHOUT ROWID;

-- Which source records each entry gathers (a record shared by two people on board is a
-- source of both their entries).
CREATE TABLE logbook_entry_sources (
    person_id  TEXT NOT NULL,
    provider   TEXT NOT NULL,
    account    TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    entry_id   TEXT NOT NULL,
    PRIMARY KEY (person_id, provider, account, source_id)
) WITHOUT ROWID;
CREATE INDEX logbook_entry_sources_by_entry ON logbook_entry_sources (entry_id);

-- What the last build was made from (a fingerprint of the cache and the decisions), so
-- `ensure_fresh` rebuilds only when something changed.
CREATE TABLE logbook_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
) WITHOUT ROWID;

-- The user's split decisions: for this person, this source is an entry of its own,
-- whatever the matcher says.
CREATE TABLE logbook_splits (
    person_id  TEXT NOT NULL,
    provider   TEXT NOT NULL,
    account    TEXT NOT NULL,
    source_id  TEXT NOT NULL,
    made_at    TEXT NOT NULL,
    PRIMARY KEY (person_id, provider, account, source_id)
) WITHOUT ROWID;

-- The user's merge decisions: for this person, the entries holding these two sources are
-- one entry.
CREATE TABLE logbook_merges (
    id          INTEGER PRIMARY KEY,
    person_id   TEXT NOT NULL,
    a_provider  TEXT NOT NULL,
    a_account   TEXT NOT NULL,
    a_source_id TEXT NOT NULL,
    b_provider  TEXT NOT NULL,
    b_account   TEXT NOT NULL,
    b_source_id TEXT NOT NULL,
    made_at     TEXT NOT NULL
);
CREATE INDEX logbook_merges_by_person ON logbook_merges (person_id);

-- The user's annotation of an entry, anchored on one of its sources (the entry id may
-- change when a new source joins the entry; the source does not). `fields` is the
-- Annotation JSON: only what the user set.
CREATE TABLE logbook_annotations (
    person_id   TEXT NOT NULL,
    provider    TEXT NOT NULL,
    account     TEXT NOT NULL,
    source_id   TEXT NOT NULL,
    fields      TEXT NOT NULL CHECK (json_valid(fields)),
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (person_id, provider, account, source_id)
) WITHOUT ROWID;
