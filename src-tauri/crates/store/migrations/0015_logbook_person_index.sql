-- Append-only: never edit a migration once it has landed; add a new one.

-- The logbook's per-person index (flightdesk-logbook `index.rs`): one row per person, written
-- by every build, so a filtered page and the first totals and currency call read one row
-- instead of every row of the person (1.1 s and 338 ms at 100,000 entries before).
--
-- `pages`: per entry in date order its date, its ranks in the registration and total
-- orders (as `logbook_order` numbers them) and its lower-case search text, in a compact
-- binary layout the crate reads. `facts`: every facts line of the person (the line format
-- of `facts.rs`), oldest first, joined by newlines.
--
-- A cache of the cache, like 0013's tables: the next `ensure_fresh` fills it (the
-- derivations' version was bumped with it). It can run twice (IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS logbook_person_index (
    person_id TEXT PRIMARY KEY,
    pages     BLOB NOT NULL,
    facts     TEXT NOT NULL
);
