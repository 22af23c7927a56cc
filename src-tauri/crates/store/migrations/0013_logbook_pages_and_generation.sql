-- Append-only: never edit a migration once it has landed; add a new one.

-- The logbook's speed (flightdesk-logbook). 0012 belongs to another change; sqlx applies
-- a missing lower version later without complaint.
--
-- 1. A generation counter of everything the logbook is built from, bumped by triggers in
--    the writing transaction, so `ensure_fresh` compares one integer instead of scanning
--    every flight log (2 s on a large school).
-- 2. The materialized entries become a rowid table: a WITHOUT ROWID table keeps whole rows
--    (about 3 KB of entry JSON) in its b-tree, far past the size SQLite advises for one.
-- 3. Each person's entries numbered in every page order (`logbook_order`), so a page at any
--    offset is a range of one primary key instead of skipping `offset` index entries, and
--    a per-person summary (`logbook_people`) for counts and the people list.
-- All of 2 and 3 is a cache of the cache: it is emptied here and the next `ensure_fresh`
-- rebuilds it. Every statement can run twice (IF NOT EXISTS, OR IGNORE): the store's
-- instants test undoes later migrations by dropping the tables it knows and runs them again.

CREATE TABLE IF NOT EXISTS logbook_generation (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    n   INTEGER NOT NULL
);
INSERT OR IGNORE INTO logbook_generation (id, n) VALUES (1, 0);

-- Flight logs, aircraft and people count when their content (`version`) or liveness
-- changes; the sync rewrites neither for a record that did not change.
CREATE TRIGGER IF NOT EXISTS logbook_gen_flight_logs_insert AFTER INSERT ON flight_logs BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_flight_logs_update AFTER UPDATE ON flight_logs
    WHEN old.version IS NOT new.version OR old.removed IS NOT new.removed BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_flight_logs_delete AFTER DELETE ON flight_logs BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_aircraft_insert AFTER INSERT ON aircraft BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_aircraft_update AFTER UPDATE ON aircraft
    WHEN old.version IS NOT new.version OR old.removed IS NOT new.removed BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_aircraft_delete AFTER DELETE ON aircraft BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_people_insert AFTER INSERT ON people BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_people_update AFTER UPDATE ON people
    WHEN old.version IS NOT new.version OR old.removed IS NOT new.removed BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_people_delete AFTER DELETE ON people BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
-- Who is unified with whom: the records that name people and aircraft (any table, kept by
-- 0010's triggers) and the user's link and split decisions.
CREATE TRIGGER IF NOT EXISTS logbook_gen_mentions_insert AFTER INSERT ON entity_mentions BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_mentions_delete AFTER DELETE ON entity_mentions BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_entity_decisions_insert AFTER INSERT ON entity_decisions BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_entity_decisions_update AFTER UPDATE ON entity_decisions BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_entity_decisions_delete AFTER DELETE ON entity_decisions BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
-- Accounts: a source is named by its account's provider and name; `base_url` says whether
-- the account serves the sandbox's demo data.
CREATE TRIGGER IF NOT EXISTS logbook_gen_accounts_insert AFTER INSERT ON accounts BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_accounts_update AFTER UPDATE OF provider, name, base_url ON accounts BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_accounts_delete AFTER DELETE ON accounts BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
-- The user's split and merge decisions (annotations are applied in place, not rebuilt).
CREATE TRIGGER IF NOT EXISTS logbook_gen_splits_insert AFTER INSERT ON logbook_splits BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_splits_update AFTER UPDATE ON logbook_splits BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_splits_delete AFTER DELETE ON logbook_splits BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_merges_insert AFTER INSERT ON logbook_merges BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_merges_update AFTER UPDATE ON logbook_merges BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS logbook_gen_merges_delete AFTER DELETE ON logbook_merges BEGIN
    UPDATE logbook_generation SET n = n + 1;
END;

DROP TABLE logbook_entries;
CREATE TABLE logbook_entries (
    id            TEXT NOT NULL UNIQUE,
    person_id     TEXT NOT NULL,
    date          TEXT NOT NULL,
    block_off     TEXT,
    registration  TEXT,
    total_hours   REAL,
    -- Lower-case text the page's filter matches (route, registration, remarks, names).
    search        TEXT NOT NULL,
    entry         TEXT NOT NULL CHECK (json_valid(entry))
);
CREATE INDEX logbook_entries_by_date ON logbook_entries (person_id, date, block_off, id);
CREATE INDEX logbook_entries_by_registration ON logbook_entries (person_id, registration, date, id);
CREATE INDEX logbook_entries_by_total ON logbook_entries (person_id, total_hours, date, id);

-- Entry `id` is number `rank` (0 first, ascending) of `person_id`'s entries in page order
-- `sort` (`date`, `registration`, `total`: the orders of the indexes above).
CREATE TABLE IF NOT EXISTS logbook_order (
    person_id  TEXT NOT NULL,
    sort       TEXT NOT NULL,
    rank       INTEGER NOT NULL,
    id         TEXT NOT NULL,
    PRIMARY KEY (person_id, sort, rank)
) WITHOUT ROWID;

-- One row per person with entries: how many, their hours, the last date, the name shown.
CREATE TABLE IF NOT EXISTS logbook_people (
    person_id  TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    entries    INTEGER NOT NULL,
    hours      REAL NOT NULL,
    last_date  TEXT
) WITHOUT ROWID;

DELETE FROM logbook_order;
DELETE FROM logbook_people;
DELETE FROM logbook_facts;
DELETE FROM logbook_entry_sources;
DELETE FROM logbook_state;
