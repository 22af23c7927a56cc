-- Append-only: never edit a migration once it has landed; add a new one.

-- Rows a provider sent that could not become records (a row without an id, say). The rest
-- of their page is written; these are kept raw, so the user can see what the provider
-- sent and why it was set aside, and each resource's run reports how many it skipped.
-- One row per distinct raw row of a resource; a completed full listing forgets the ones
-- it did not see again (the provider fixed or deleted them).
CREATE TABLE skipped_rows (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    resource      TEXT NOT NULL,
    raw_hash      BLOB NOT NULL,
    reason        TEXT NOT NULL,
    raw           TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    seen_pass     INTEGER NOT NULL,
    PRIMARY KEY (account_id, resource, raw_hash)
);
