-- Append-only: never edit a migration once it has landed; add a new one.

-- Every distinct way a record names an aircraft, simulator, room or person (a booking's
-- resource, instructor and student; a log's aircraft, pilot and instructor; a class's
-- teacher; a duty row's person), with how many live records name it that way. Resolving
-- the unified entities reads these few thousand rows instead of scanning every booking
-- and log (about 11 s on a large school). Triggers keep it in step with the records in
-- the same transaction; a row goes when no live record names it any more. Missing values
-- are '' so that the primary key compares them (SQLite's UNIQUE lets NULLs repeat); the
-- reader turns '' back into "not given".
CREATE TABLE entity_mentions (
    mention    TEXT NOT NULL,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    id         TEXT NOT NULL,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    location   TEXT NOT NULL,
    uses       INTEGER NOT NULL,
    PRIMARY KEY (mention, account_id, id, name, kind, location)
) WITHOUT ROWID;

CREATE TRIGGER bookings_mentions_insert AFTER INSERT ON bookings WHEN new.removed = 0 BEGIN
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'bookings.resource', new.account_id, coalesce(new.resource_id, ''), coalesce(new.resource_name, ''), coalesce(new.resource_kind, ''), coalesce(new.location_id, ''), 1 WHERE new.removed = 0 AND (new.resource_id IS NOT NULL OR new.resource_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'bookings.instructor', new.account_id, coalesce(new.instructor_id, ''), coalesce(new.instructor_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.instructor_id IS NOT NULL OR new.instructor_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'bookings.person', new.account_id, coalesce(new.person_id, ''), coalesce(new.person_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.person_id IS NOT NULL OR new.person_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER bookings_mentions_update AFTER UPDATE ON bookings
    WHEN old.removed IS NOT new.removed OR old.resource_id IS NOT new.resource_id OR old.resource_name IS NOT new.resource_name OR old.resource_kind IS NOT new.resource_kind OR old.location_id IS NOT new.location_id OR old.instructor_id IS NOT new.instructor_id OR old.instructor_name IS NOT new.instructor_name OR old.person_id IS NOT new.person_id OR old.person_name IS NOT new.person_name BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'bookings.resource' AND account_id = old.account_id AND id = coalesce(old.resource_id, '') AND name = coalesce(old.resource_name, '') AND kind = coalesce(old.resource_kind, '') AND location = coalesce(old.location_id, '') AND old.removed = 0 AND (old.resource_id IS NOT NULL OR old.resource_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'bookings.resource' AND account_id = old.account_id AND id = coalesce(old.resource_id, '') AND name = coalesce(old.resource_name, '') AND kind = coalesce(old.resource_kind, '') AND location = coalesce(old.location_id, '') AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'bookings.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.instructor_id IS NOT NULL OR old.instructor_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'bookings.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'bookings.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.person_id IS NOT NULL OR old.person_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'bookings.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND uses <= 0;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'bookings.resource', new.account_id, coalesce(new.resource_id, ''), coalesce(new.resource_name, ''), coalesce(new.resource_kind, ''), coalesce(new.location_id, ''), 1 WHERE new.removed = 0 AND (new.resource_id IS NOT NULL OR new.resource_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'bookings.instructor', new.account_id, coalesce(new.instructor_id, ''), coalesce(new.instructor_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.instructor_id IS NOT NULL OR new.instructor_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'bookings.person', new.account_id, coalesce(new.person_id, ''), coalesce(new.person_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.person_id IS NOT NULL OR new.person_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER bookings_mentions_delete AFTER DELETE ON bookings WHEN old.removed = 0 BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'bookings.resource' AND account_id = old.account_id AND id = coalesce(old.resource_id, '') AND name = coalesce(old.resource_name, '') AND kind = coalesce(old.resource_kind, '') AND location = coalesce(old.location_id, '') AND old.removed = 0 AND (old.resource_id IS NOT NULL OR old.resource_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'bookings.resource' AND account_id = old.account_id AND id = coalesce(old.resource_id, '') AND name = coalesce(old.resource_name, '') AND kind = coalesce(old.resource_kind, '') AND location = coalesce(old.location_id, '') AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'bookings.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.instructor_id IS NOT NULL OR old.instructor_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'bookings.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'bookings.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.person_id IS NOT NULL OR old.person_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'bookings.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND uses <= 0;
END;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'bookings.resource', account_id, coalesce(resource_id, ''), coalesce(resource_name, ''), coalesce(resource_kind, ''), coalesce(location_id, ''), count(*) FROM bookings
    WHERE removed = 0 AND (resource_id IS NOT NULL OR resource_name IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'bookings.instructor', account_id, coalesce(instructor_id, ''), coalesce(instructor_name, ''), '', '', count(*) FROM bookings
    WHERE removed = 0 AND (instructor_id IS NOT NULL OR instructor_name IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'bookings.person', account_id, coalesce(person_id, ''), coalesce(person_name, ''), '', '', count(*) FROM bookings
    WHERE removed = 0 AND (person_id IS NOT NULL OR person_name IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;

CREATE TRIGGER flight_logs_mentions_insert AFTER INSERT ON flight_logs WHEN new.removed = 0 BEGIN
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'flight_logs.aircraft', new.account_id, coalesce(new.aircraft_id, ''), coalesce(new.aircraft_registration, ''), '', '', 1 WHERE new.removed = 0 AND (new.aircraft_id IS NOT NULL OR new.aircraft_registration IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'flight_logs.pilot', new.account_id, coalesce(new.pilot_id, ''), coalesce(new.pilot_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.pilot_id IS NOT NULL OR new.pilot_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'flight_logs.instructor', new.account_id, coalesce(new.instructor_id, ''), coalesce(new.instructor_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.instructor_id IS NOT NULL OR new.instructor_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER flight_logs_mentions_update AFTER UPDATE ON flight_logs
    WHEN old.removed IS NOT new.removed OR old.aircraft_id IS NOT new.aircraft_id OR old.aircraft_registration IS NOT new.aircraft_registration OR old.pilot_id IS NOT new.pilot_id OR old.pilot_name IS NOT new.pilot_name OR old.instructor_id IS NOT new.instructor_id OR old.instructor_name IS NOT new.instructor_name BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'flight_logs.aircraft' AND account_id = old.account_id AND id = coalesce(old.aircraft_id, '') AND name = coalesce(old.aircraft_registration, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.aircraft_id IS NOT NULL OR old.aircraft_registration IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'flight_logs.aircraft' AND account_id = old.account_id AND id = coalesce(old.aircraft_id, '') AND name = coalesce(old.aircraft_registration, '') AND kind = '' AND location = '' AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'flight_logs.pilot' AND account_id = old.account_id AND id = coalesce(old.pilot_id, '') AND name = coalesce(old.pilot_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.pilot_id IS NOT NULL OR old.pilot_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'flight_logs.pilot' AND account_id = old.account_id AND id = coalesce(old.pilot_id, '') AND name = coalesce(old.pilot_name, '') AND kind = '' AND location = '' AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'flight_logs.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.instructor_id IS NOT NULL OR old.instructor_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'flight_logs.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND uses <= 0;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'flight_logs.aircraft', new.account_id, coalesce(new.aircraft_id, ''), coalesce(new.aircraft_registration, ''), '', '', 1 WHERE new.removed = 0 AND (new.aircraft_id IS NOT NULL OR new.aircraft_registration IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'flight_logs.pilot', new.account_id, coalesce(new.pilot_id, ''), coalesce(new.pilot_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.pilot_id IS NOT NULL OR new.pilot_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'flight_logs.instructor', new.account_id, coalesce(new.instructor_id, ''), coalesce(new.instructor_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.instructor_id IS NOT NULL OR new.instructor_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER flight_logs_mentions_delete AFTER DELETE ON flight_logs WHEN old.removed = 0 BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'flight_logs.aircraft' AND account_id = old.account_id AND id = coalesce(old.aircraft_id, '') AND name = coalesce(old.aircraft_registration, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.aircraft_id IS NOT NULL OR old.aircraft_registration IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'flight_logs.aircraft' AND account_id = old.account_id AND id = coalesce(old.aircraft_id, '') AND name = coalesce(old.aircraft_registration, '') AND kind = '' AND location = '' AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'flight_logs.pilot' AND account_id = old.account_id AND id = coalesce(old.pilot_id, '') AND name = coalesce(old.pilot_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.pilot_id IS NOT NULL OR old.pilot_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'flight_logs.pilot' AND account_id = old.account_id AND id = coalesce(old.pilot_id, '') AND name = coalesce(old.pilot_name, '') AND kind = '' AND location = '' AND uses <= 0;
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'flight_logs.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.instructor_id IS NOT NULL OR old.instructor_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'flight_logs.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND uses <= 0;
END;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'flight_logs.aircraft', account_id, coalesce(aircraft_id, ''), coalesce(aircraft_registration, ''), '', '', count(*) FROM flight_logs
    WHERE removed = 0 AND (aircraft_id IS NOT NULL OR aircraft_registration IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'flight_logs.pilot', account_id, coalesce(pilot_id, ''), coalesce(pilot_name, ''), '', '', count(*) FROM flight_logs
    WHERE removed = 0 AND (pilot_id IS NOT NULL OR pilot_name IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'flight_logs.instructor', account_id, coalesce(instructor_id, ''), coalesce(instructor_name, ''), '', '', count(*) FROM flight_logs
    WHERE removed = 0 AND (instructor_id IS NOT NULL OR instructor_name IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;

CREATE TRIGGER classes_mentions_insert AFTER INSERT ON classes WHEN new.removed = 0 BEGIN
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'classes.instructor', new.account_id, coalesce(new.instructor_id, ''), coalesce(new.instructor_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.instructor_id IS NOT NULL OR new.instructor_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER classes_mentions_update AFTER UPDATE ON classes
    WHEN old.removed IS NOT new.removed OR old.instructor_id IS NOT new.instructor_id OR old.instructor_name IS NOT new.instructor_name BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'classes.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.instructor_id IS NOT NULL OR old.instructor_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'classes.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND uses <= 0;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'classes.instructor', new.account_id, coalesce(new.instructor_id, ''), coalesce(new.instructor_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.instructor_id IS NOT NULL OR new.instructor_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER classes_mentions_delete AFTER DELETE ON classes WHEN old.removed = 0 BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'classes.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.instructor_id IS NOT NULL OR old.instructor_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'classes.instructor' AND account_id = old.account_id AND id = coalesce(old.instructor_id, '') AND name = coalesce(old.instructor_name, '') AND kind = '' AND location = '' AND uses <= 0;
END;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'classes.instructor', account_id, coalesce(instructor_id, ''), coalesce(instructor_name, ''), '', '', count(*) FROM classes
    WHERE removed = 0 AND (instructor_id IS NOT NULL OR instructor_name IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;

CREATE TRIGGER crew_duty_mentions_insert AFTER INSERT ON crew_duty WHEN new.removed = 0 BEGIN
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'crew_duty.person', new.account_id, coalesce(new.person_id, ''), coalesce(new.person_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.person_id IS NOT NULL OR new.person_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER crew_duty_mentions_update AFTER UPDATE ON crew_duty
    WHEN old.removed IS NOT new.removed OR old.person_id IS NOT new.person_id OR old.person_name IS NOT new.person_name BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'crew_duty.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.person_id IS NOT NULL OR old.person_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'crew_duty.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND uses <= 0;
    INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses) SELECT 'crew_duty.person', new.account_id, coalesce(new.person_id, ''), coalesce(new.person_name, ''), '', '', 1 WHERE new.removed = 0 AND (new.person_id IS NOT NULL OR new.person_name IS NOT NULL) ON CONFLICT DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER crew_duty_mentions_delete AFTER DELETE ON crew_duty WHEN old.removed = 0 BEGIN
    UPDATE entity_mentions SET uses = uses - 1 WHERE mention = 'crew_duty.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND old.removed = 0 AND (old.person_id IS NOT NULL OR old.person_name IS NOT NULL);
    DELETE FROM entity_mentions WHERE mention = 'crew_duty.person' AND account_id = old.account_id AND id = coalesce(old.person_id, '') AND name = coalesce(old.person_name, '') AND kind = '' AND location = '' AND uses <= 0;
END;
INSERT INTO entity_mentions (mention, account_id, id, name, kind, location, uses)
    SELECT 'crew_duty.person', account_id, coalesce(person_id, ''), coalesce(person_name, ''), '', '', count(*) FROM crew_duty
    WHERE removed = 0 AND (person_id IS NOT NULL OR person_name IS NOT NULL)
    GROUP BY 2, 3, 4, 5, 6;

-- The 61.195(a) check reads an instructor's flights around a proposed class.
CREATE INDEX flight_logs_by_start ON flight_logs (starts_at) WHERE removed = 0;

-- The dispatch board's booked-out list: one resource's rows, still out or back since a
-- given instant.
CREATE INDEX flight_logs_by_resource ON flight_logs (resource, ends_at) WHERE removed = 0;
