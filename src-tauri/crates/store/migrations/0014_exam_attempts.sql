-- Online exam attempts taken in FlightDesk (issue 13, flow 2). Starting an attempt needs
-- the network; from then on the attempt lives here and in the outbox (one queue per
-- attempt, `exam:<attempt id>`, holding its answers and its finish), so a dropped network,
-- a crash or a restart reopens it where the student was.
CREATE TABLE exam_attempts (
    account_id    INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    attempt_id    TEXT    NOT NULL,
    enrollment_id TEXT    NOT NULL,
    exam_id       TEXT    NOT NULL,
    name          TEXT,
    -- The questions as Flylogs sent them at start (JSON array), with its answers then.
    questions     TEXT    NOT NULL,
    -- When Flylogs stops taking answers, if it said (instant encoding of 0006).
    ends_at       TEXT,
    started_at    TEXT    NOT NULL,
    -- The question the student last looked at (0-based), to reopen there.
    position      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, attempt_id)
);
