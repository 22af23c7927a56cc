-- Append-only: never edit a migration once it has landed; add a new one.

-- The user's own decisions about which source records are the same aircraft, person,
-- room or simulator across systems (`link`) or are not (`split`). Local only: no sync
-- writes this table, so a decision survives every sync and full re-sync. A source is
-- named by provider, account name and the provider's id (or, for a name that appears
-- only as text in other records, that text). No CHECK on `decision`, so a later kind
-- needs no table rebuild; the code reads only the two it knows.
CREATE TABLE entity_decisions (
    id          INTEGER PRIMARY KEY,
    decision    TEXT NOT NULL,
    a_provider  TEXT NOT NULL,
    a_account   TEXT NOT NULL,
    a_source_id TEXT NOT NULL,
    b_provider  TEXT NOT NULL,
    b_account   TEXT NOT NULL,
    b_source_id TEXT NOT NULL,
    made_at     TEXT NOT NULL
);
