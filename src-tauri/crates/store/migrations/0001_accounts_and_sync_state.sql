-- Append-only: never edit a migration once it has landed; add a new one.

-- One connected account of a provider. Secrets are not here: they live in the OS
-- keyring under keys derived from the account id.
CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL CHECK (provider IN
                  ('aviationalley', 'pilotflows', 'airbly', 'flightschoolbooking', 'flylogs')),
    name        TEXT NOT NULL UNIQUE,
    base_url    TEXT NOT NULL,
    -- Provider-specific options (a PilotFlows organisation, a Flylogs login email, ...).
    options     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Where each resource of each account stands, so syncs resume incrementally.
CREATE TABLE sync_state (
    account_id      INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    resource        TEXT NOT NULL,
    -- Provider-specific position: a cursor, a change_id, an updated-after instant.
    position        TEXT,
    last_success_at TEXT,
    last_attempt_at TEXT,
    last_error      TEXT,
    PRIMARY KEY (account_id, resource)
);
