-- Append-only: never edit a migration once it has landed; add a new one.

-- The read model's indexes. A calendar range asks for the items with
-- `starts_at < :to AND ends_at > :from`; no single index bounds both, so the query bounds
-- the start from below by the longest item's length (an O(log n) max over the span
-- index) and range-scans the start index. Partial on `removed = 0`: views never show a
-- removed record.
CREATE INDEX bookings_by_start ON bookings (starts_at) WHERE removed = 0;
CREATE INDEX bookings_by_span ON bookings (julianday(ends_at) - julianday(starts_at))
    WHERE removed = 0;
CREATE INDEX classes_by_start ON classes (starts_at) WHERE removed = 0;
CREATE INDEX classes_by_span ON classes (julianday(ends_at) - julianday(starts_at))
    WHERE removed = 0;

-- Full-text search over every cached record, kept in step with the sync by triggers: a
-- page upsert, a removal and a purge change the index in the same transaction as the
-- record. `search_keys` gives each record a stable integer (FTS5 rows are found by
-- rowid; the record tables are WITHOUT ROWID), so an update replaces one FTS row by key
-- instead of scanning. A trigger fires on a real change only (`version` moves when the
-- raw row or its removal changes), so a pass over unchanged rows costs nothing here.
CREATE TABLE search_keys (
    rowid      INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    account_id INTEGER NOT NULL,
    source_id  TEXT NOT NULL,
    UNIQUE (kind, account_id, source_id)
);
CREATE VIRTUAL TABLE search_index USING fts5(
    title,
    body,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
);

CREATE TRIGGER aircraft_search_insert AFTER INSERT ON aircraft WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'aircraft', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'aircraft' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'aircraft' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.registration, '') || ' ' || coalesce(new.name, ''), coalesce(new.model, '') || ' ' || coalesce(new.category, '') || ' ' || coalesce(new.status, ''));
END;
CREATE TRIGGER aircraft_search_update AFTER UPDATE ON aircraft WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'aircraft' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'aircraft', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'aircraft' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'aircraft' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.registration, '') || ' ' || coalesce(new.name, ''), coalesce(new.model, '') || ' ' || coalesce(new.category, '') || ' ' || coalesce(new.status, '') WHERE new.removed = 0;
END;
CREATE TRIGGER aircraft_search_delete AFTER DELETE ON aircraft BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'aircraft' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'aircraft' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'aircraft', account_id, source_id FROM aircraft WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.registration, '') || ' ' || coalesce(r.name, ''), coalesce(r.model, '') || ' ' || coalesce(r.category, '') || ' ' || coalesce(r.status, '')
    FROM aircraft r JOIN search_keys k ON k.kind = 'aircraft' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER people_search_insert AFTER INSERT ON people WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'people', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'people' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'people' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.email, '') || ' ' || coalesce(new.role, ''));
END;
CREATE TRIGGER people_search_update AFTER UPDATE ON people WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'people' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'people', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'people' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'people' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.email, '') || ' ' || coalesce(new.role, '') WHERE new.removed = 0;
END;
CREATE TRIGGER people_search_delete AFTER DELETE ON people BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'people' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'people' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'people', account_id, source_id FROM people WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, ''), coalesce(r.email, '') || ' ' || coalesce(r.role, '')
    FROM people r JOIN search_keys k ON k.kind = 'people' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER bookings_search_insert AFTER INSERT ON bookings WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'bookings', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'bookings' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'bookings' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.resource_name, '') || ' ' || coalesce(new.person_name, ''), coalesce(new.instructor_name, '') || ' ' || coalesce(new.notes, '') || ' ' || coalesce(new.status, '') || ' ' || coalesce(new.resource_kind, ''));
END;
CREATE TRIGGER bookings_search_update AFTER UPDATE ON bookings WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'bookings' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'bookings', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'bookings' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'bookings' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.resource_name, '') || ' ' || coalesce(new.person_name, ''), coalesce(new.instructor_name, '') || ' ' || coalesce(new.notes, '') || ' ' || coalesce(new.status, '') || ' ' || coalesce(new.resource_kind, '') WHERE new.removed = 0;
END;
CREATE TRIGGER bookings_search_delete AFTER DELETE ON bookings BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'bookings' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'bookings' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'bookings', account_id, source_id FROM bookings WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.resource_name, '') || ' ' || coalesce(r.person_name, ''), coalesce(r.instructor_name, '') || ' ' || coalesce(r.notes, '') || ' ' || coalesce(r.status, '') || ' ' || coalesce(r.resource_kind, '')
    FROM bookings r JOIN search_keys k ON k.kind = 'bookings' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER classes_search_insert AFTER INSERT ON classes WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'classes', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'classes' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'classes' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.instructor_name, '') || ' ' || coalesce(new.status, ''));
END;
CREATE TRIGGER classes_search_update AFTER UPDATE ON classes WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'classes' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'classes', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'classes' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'classes' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.instructor_name, '') || ' ' || coalesce(new.status, '') WHERE new.removed = 0;
END;
CREATE TRIGGER classes_search_delete AFTER DELETE ON classes BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'classes' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'classes' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'classes', account_id, source_id FROM classes WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, ''), coalesce(r.instructor_name, '') || ' ' || coalesce(r.status, '')
    FROM classes r JOIN search_keys k ON k.kind = 'classes' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER flight_logs_search_insert AFTER INSERT ON flight_logs WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'flight_logs', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'flight_logs' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'flight_logs' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.aircraft_registration, '') || ' ' || coalesce(new.pilot_name, ''), coalesce(new.instructor_name, '') || ' ' || coalesce(new.departure, '') || ' ' || coalesce(new.arrival, '') || ' ' || coalesce(new.route, '') || ' ' || coalesce(new.remarks, ''));
END;
CREATE TRIGGER flight_logs_search_update AFTER UPDATE ON flight_logs WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'flight_logs' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'flight_logs', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'flight_logs' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'flight_logs' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.aircraft_registration, '') || ' ' || coalesce(new.pilot_name, ''), coalesce(new.instructor_name, '') || ' ' || coalesce(new.departure, '') || ' ' || coalesce(new.arrival, '') || ' ' || coalesce(new.route, '') || ' ' || coalesce(new.remarks, '') WHERE new.removed = 0;
END;
CREATE TRIGGER flight_logs_search_delete AFTER DELETE ON flight_logs BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'flight_logs' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'flight_logs' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'flight_logs', account_id, source_id FROM flight_logs WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.aircraft_registration, '') || ' ' || coalesce(r.pilot_name, ''), coalesce(r.instructor_name, '') || ' ' || coalesce(r.departure, '') || ' ' || coalesce(r.arrival, '') || ' ' || coalesce(r.route, '') || ' ' || coalesce(r.remarks, '')
    FROM flight_logs r JOIN search_keys k ON k.kind = 'flight_logs' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER trainings_search_insert AFTER INSERT ON trainings WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'trainings', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'trainings' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'trainings' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.status, ''));
END;
CREATE TRIGGER trainings_search_update AFTER UPDATE ON trainings WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'trainings' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'trainings', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'trainings' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'trainings' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.status, '') WHERE new.removed = 0;
END;
CREATE TRIGGER trainings_search_delete AFTER DELETE ON trainings BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'trainings' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'trainings' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'trainings', account_id, source_id FROM trainings WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, ''), coalesce(r.status, '')
    FROM trainings r JOIN search_keys k ON k.kind = 'trainings' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER subjects_search_insert AFTER INSERT ON subjects WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'subjects', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'subjects' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'subjects' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, '') || ' ' || coalesce(new.code, ''), '');
END;
CREATE TRIGGER subjects_search_update AFTER UPDATE ON subjects WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'subjects' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'subjects', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'subjects' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'subjects' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, '') || ' ' || coalesce(new.code, ''), '' WHERE new.removed = 0;
END;
CREATE TRIGGER subjects_search_delete AFTER DELETE ON subjects BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'subjects' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'subjects' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'subjects', account_id, source_id FROM subjects WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, '') || ' ' || coalesce(r.code, ''), ''
    FROM subjects r JOIN search_keys k ON k.kind = 'subjects' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER lessons_search_insert AFTER INSERT ON lessons WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'lessons', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'lessons' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'lessons' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.category, ''));
END;
CREATE TRIGGER lessons_search_update AFTER UPDATE ON lessons WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'lessons' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'lessons', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'lessons' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'lessons' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.category, '') WHERE new.removed = 0;
END;
CREATE TRIGGER lessons_search_delete AFTER DELETE ON lessons BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'lessons' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'lessons' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'lessons', account_id, source_id FROM lessons WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, ''), coalesce(r.category, '')
    FROM lessons r JOIN search_keys k ON k.kind = 'lessons' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER exams_search_insert AFTER INSERT ON exams WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'exams', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'exams' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'exams' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.status, ''));
END;
CREATE TRIGGER exams_search_update AFTER UPDATE ON exams WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'exams' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'exams', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'exams' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'exams' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.status, '') WHERE new.removed = 0;
END;
CREATE TRIGGER exams_search_delete AFTER DELETE ON exams BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'exams' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'exams' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'exams', account_id, source_id FROM exams WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, ''), coalesce(r.status, '')
    FROM exams r JOIN search_keys k ON k.kind = 'exams' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER missions_search_insert AFTER INSERT ON missions WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'missions', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'missions' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'missions' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.aircraft_id, '') || ' ' || coalesce(new.status, ''));
END;
CREATE TRIGGER missions_search_update AFTER UPDATE ON missions WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'missions' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'missions', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'missions' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'missions' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, ''), coalesce(new.aircraft_id, '') || ' ' || coalesce(new.status, '') WHERE new.removed = 0;
END;
CREATE TRIGGER missions_search_delete AFTER DELETE ON missions BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'missions' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'missions' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'missions', account_id, source_id FROM missions WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, ''), coalesce(r.aircraft_id, '') || ' ' || coalesce(r.status, '')
    FROM missions r JOIN search_keys k ON k.kind = 'missions' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER crew_duty_search_insert AFTER INSERT ON crew_duty WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'crew_duty', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'crew_duty' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'crew_duty' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.person_name, ''), coalesce(new.role, '') || ' ' || coalesce(new.status, ''));
END;
CREATE TRIGGER crew_duty_search_update AFTER UPDATE ON crew_duty WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'crew_duty' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'crew_duty', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'crew_duty' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'crew_duty' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.person_name, ''), coalesce(new.role, '') || ' ' || coalesce(new.status, '') WHERE new.removed = 0;
END;
CREATE TRIGGER crew_duty_search_delete AFTER DELETE ON crew_duty BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'crew_duty' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'crew_duty' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'crew_duty', account_id, source_id FROM crew_duty WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.person_name, ''), coalesce(r.role, '') || ' ' || coalesce(r.status, '')
    FROM crew_duty r JOIN search_keys k ON k.kind = 'crew_duty' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER work_orders_search_insert AFTER INSERT ON work_orders WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'work_orders', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'work_orders' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'work_orders' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.title, ''), coalesce(new.status, '') || ' ' || coalesce(new.priority, ''));
END;
CREATE TRIGGER work_orders_search_update AFTER UPDATE ON work_orders WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'work_orders' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'work_orders', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'work_orders' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'work_orders' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.title, ''), coalesce(new.status, '') || ' ' || coalesce(new.priority, '') WHERE new.removed = 0;
END;
CREATE TRIGGER work_orders_search_delete AFTER DELETE ON work_orders BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'work_orders' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'work_orders' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'work_orders', account_id, source_id FROM work_orders WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.title, ''), coalesce(r.status, '') || ' ' || coalesce(r.priority, '')
    FROM work_orders r JOIN search_keys k ON k.kind = 'work_orders' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER invoices_search_insert AFTER INSERT ON invoices WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'invoices', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'invoices' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'invoices' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.number, ''), coalesce(new.status, '') || ' ' || coalesce(new.currency, ''));
END;
CREATE TRIGGER invoices_search_update AFTER UPDATE ON invoices WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'invoices' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'invoices', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'invoices' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'invoices' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.number, ''), coalesce(new.status, '') || ' ' || coalesce(new.currency, '') WHERE new.removed = 0;
END;
CREATE TRIGGER invoices_search_delete AFTER DELETE ON invoices BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'invoices' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'invoices' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'invoices', account_id, source_id FROM invoices WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.number, ''), coalesce(r.status, '') || ' ' || coalesce(r.currency, '')
    FROM invoices r JOIN search_keys k ON k.kind = 'invoices' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER compliance_items_search_insert AFTER INSERT ON compliance_items WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'compliance_items', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'compliance_items' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'compliance_items' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.title, ''), coalesce(new.category, '') || ' ' || coalesce(new.status, ''));
END;
CREATE TRIGGER compliance_items_search_update AFTER UPDATE ON compliance_items WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'compliance_items' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'compliance_items', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'compliance_items' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'compliance_items' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.title, ''), coalesce(new.category, '') || ' ' || coalesce(new.status, '') WHERE new.removed = 0;
END;
CREATE TRIGGER compliance_items_search_delete AFTER DELETE ON compliance_items BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'compliance_items' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'compliance_items' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'compliance_items', account_id, source_id FROM compliance_items WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.title, ''), coalesce(r.category, '') || ' ' || coalesce(r.status, '')
    FROM compliance_items r JOIN search_keys k ON k.kind = 'compliance_items' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

CREATE TRIGGER locations_search_insert AFTER INSERT ON locations WHEN new.removed = 0 BEGIN
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'locations', new.account_id, new.source_id WHERE NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'locations' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) VALUES ((SELECT rowid FROM search_keys k WHERE k.kind = 'locations' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, '') || ' ' || coalesce(new.code, ''), '');
END;
CREATE TRIGGER locations_search_update AFTER UPDATE ON locations WHEN old.version IS NOT new.version BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'locations' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    INSERT INTO search_keys (kind, account_id, source_id) SELECT 'locations', new.account_id, new.source_id WHERE new.removed = 0 AND NOT EXISTS (SELECT rowid FROM search_keys k WHERE k.kind = 'locations' AND k.account_id = new.account_id AND k.source_id = new.source_id);
    INSERT INTO search_index (rowid, title, body) SELECT (SELECT rowid FROM search_keys k WHERE k.kind = 'locations' AND k.account_id = new.account_id AND k.source_id = new.source_id), coalesce(new.name, '') || ' ' || coalesce(new.code, ''), '' WHERE new.removed = 0;
END;
CREATE TRIGGER locations_search_delete AFTER DELETE ON locations BEGIN
    DELETE FROM search_index WHERE rowid = (SELECT rowid FROM search_keys k WHERE k.kind = 'locations' AND k.account_id = old.account_id AND k.source_id = old.source_id);
    DELETE FROM search_keys WHERE kind = 'locations' AND account_id = old.account_id AND source_id = old.source_id;
END;
INSERT INTO search_keys (kind, account_id, source_id) SELECT 'locations', account_id, source_id FROM locations WHERE removed = 0;
INSERT INTO search_index (rowid, title, body)
    SELECT k.rowid, coalesce(r.name, '') || ' ' || coalesce(r.code, ''), ''
    FROM locations r JOIN search_keys k ON k.kind = 'locations' AND k.account_id = r.account_id AND k.source_id = r.source_id
    WHERE r.removed = 0;

