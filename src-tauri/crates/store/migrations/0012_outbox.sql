-- Append-only: never edit a migration once it has landed; add a new one.

-- The durable outbox of write flows (issue 13), replacing the unused placeholder of 0002,
-- which had no idempotency key, lease, backoff, target or dependency and a CHECK on its
-- states that SQLite cannot widen. `state` has no CHECK for that reason: the store writes
-- it only from its `OutboxState` enum (pending, sending, sent, failed, rejected,
-- needs_password).
DROP INDEX IF EXISTS outbox_pending;
DROP TABLE outbox;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    -- The provider resource the write belongs to (`trainings`); rows replay in id order
    -- per (account_id, resource).
    resource        TEXT NOT NULL,
    -- The typed operation (`flylogs.class.save`, `flylogs.class.delete`).
    operation       TEXT NOT NULL,
    -- The operation's arguments. Never a password: signing flows park in needs_password.
    payload         TEXT NOT NULL CHECK (json_valid(payload)),
    -- Stable across attempts; how a lost answer is recognised on the next attempt.
    idempotency_key TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    -- The lease of the process sending the row; a `sending` row whose lease expired (its
    -- process died) is claimed again.
    claimed_by      TEXT,
    claimed_at      TEXT,
    -- The record the write targets: its kind and provider id, or a local id (`local:...`)
    -- for a record created offline until the provider gives it one.
    record_kind     TEXT NOT NULL,
    target_id       TEXT NOT NULL,
    -- The provider's id of the record once a create was accepted.
    remote_id       TEXT,
    -- An earlier row this one waits for (a create whose id it needs).
    depends_on      INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
    -- The optimistic change ({"change": "upsert"|"delete", "fields": {...}}) kept with the
    -- row, so a retry after a rejection (which rolls the overlay back) can show it again.
    overlay         TEXT CHECK (overlay IS NULL OR json_valid(overlay)),
    -- The provider's own words for the last failure or rejection, and its machine code.
    last_error      TEXT,
    last_error_code TEXT,
    -- JSON array of {at, state, note}: every transition, for the Outbox view.
    history         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(history)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_queue ON outbox (account_id, resource, id);

-- The optimistic local copy of a record an outbox row changes. Page upserts and snapshot
-- passes only touch the record tables, so this is never clobbered: readers merge it over
-- the cached record (or show it alone for a record created offline) until the row is
-- sent and the provider's copy has been read back, then it is dropped.
CREATE TABLE pending_changes (
    outbox_id   INTEGER PRIMARY KEY REFERENCES outbox(id) ON DELETE CASCADE,
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    record_kind TEXT NOT NULL,
    -- The provider id, or the local id of a record created offline.
    target_id   TEXT NOT NULL,
    -- `upsert` (fields in `fields` are the new values) or `delete` (hide the record).
    change      TEXT NOT NULL,
    fields      TEXT NOT NULL CHECK (json_valid(fields)),
    created_at  TEXT NOT NULL
);
CREATE INDEX pending_changes_target ON pending_changes (record_kind, account_id, target_id);
