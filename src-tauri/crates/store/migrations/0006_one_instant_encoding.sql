-- Append-only: never edit a migration once it has landed; add a new one.

-- One text form for every instant: UTC, milliseconds, `Z` (`2026-03-02T09:30:00.000Z`,
-- flightdesk_core::instant). Earlier rows mix chrono's serde form (`…:00Z`, `…:00.5Z`),
-- microseconds and sqlx's `+00:00`, which sort differently as text, so a range query
-- misjudged rows at its edges. SQLite reads each of those forms; a value it cannot read is
-- left as it is.
--
-- Normalized columns changed, so their rows' hashes no longer match what the next page
-- hashes to: clearing them makes the store compare those rows in full once (finding them
-- unchanged) and store fresh hashes, instead of rewriting every record as changed.

UPDATE accounts SET
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at),
    updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at),
    disconnected_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', disconnected_at), disconnected_at);

UPDATE sync_state SET
    last_success_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_success_at), last_success_at),
    last_attempt_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', last_attempt_at), last_attempt_at),
    pass_started_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', pass_started_at), pass_started_at);

UPDATE bookings SET
    starts_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', starts_at), starts_at),
    ends_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ends_at), ends_at),
    cancelled_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', cancelled_at), cancelled_at),
    booked_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', booked_at), booked_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE classes SET
    starts_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', starts_at), starts_at),
    ends_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ends_at), ends_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE flight_logs SET
    starts_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', starts_at), starts_at),
    ends_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ends_at), ends_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE aircraft SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE people SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE trainings SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE enrolments SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE subjects SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE lessons SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE exams SET
    taken_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', taken_at), taken_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE missions SET
    starts_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', starts_at), starts_at),
    ends_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', ends_at), ends_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE crew_duty SET
    duty_started_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', duty_started_at), duty_started_at),
    snapshot_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', snapshot_at), snapshot_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE work_orders SET
    opened_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', opened_at), opened_at),
    closed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', closed_at), closed_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE invoices SET
    paid_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', paid_at), paid_at),
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at),
    content_hash = NULL,
    row_hash = NULL;

UPDATE compliance_items SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE locations SET
    first_seen_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', first_seen_at), first_seen_at),
    changed_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', changed_at), changed_at);

UPDATE outbox SET
    created_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', created_at), created_at),
    updated_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', updated_at), updated_at);

UPDATE entity_decisions SET
    made_at = coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', made_at), made_at);
