-- Append-only: never edit a migration once it has landed; add a new one.

-- A person's figures (flightdesk-logbook `figures.rs`) become one compact binary blob
-- instead of their facts lines joined by newlines: the first totals and currency call of a
-- process reads and decodes it, and the lines cost three times the bytes to decrypt and
-- more time to parse than the whole call may take at 100,000 entries.
--
-- The index is a cache of the cache: the next `ensure_fresh` fills it again (the
-- derivations' version was bumped with it). It can run twice (IF EXISTS, IF NOT EXISTS).
DROP TABLE IF EXISTS logbook_person_index;
CREATE TABLE IF NOT EXISTS logbook_person_index (
    person_id TEXT PRIMARY KEY,
    pages     BLOB NOT NULL,
    figures   BLOB NOT NULL
);
