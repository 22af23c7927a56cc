-- Append-only: never edit a migration once it has landed; add a new one.

-- Content hashes, so comparing a page with the cache binds two short blobs per record
-- instead of its raw JSON and every column. `content_hash` covers the raw record and its
-- removed state, `row_hash` the resource and the normalized columns (see records.rs for
-- the encoding). Rows written before this migration have none; the store compares them
-- in full once and fills them in.

ALTER TABLE bookings ADD COLUMN content_hash BLOB;
ALTER TABLE bookings ADD COLUMN row_hash BLOB;
ALTER TABLE classes ADD COLUMN content_hash BLOB;
ALTER TABLE classes ADD COLUMN row_hash BLOB;
ALTER TABLE flight_logs ADD COLUMN content_hash BLOB;
ALTER TABLE flight_logs ADD COLUMN row_hash BLOB;
ALTER TABLE aircraft ADD COLUMN content_hash BLOB;
ALTER TABLE aircraft ADD COLUMN row_hash BLOB;
ALTER TABLE people ADD COLUMN content_hash BLOB;
ALTER TABLE people ADD COLUMN row_hash BLOB;
ALTER TABLE trainings ADD COLUMN content_hash BLOB;
ALTER TABLE trainings ADD COLUMN row_hash BLOB;
ALTER TABLE enrolments ADD COLUMN content_hash BLOB;
ALTER TABLE enrolments ADD COLUMN row_hash BLOB;
ALTER TABLE subjects ADD COLUMN content_hash BLOB;
ALTER TABLE subjects ADD COLUMN row_hash BLOB;
ALTER TABLE lessons ADD COLUMN content_hash BLOB;
ALTER TABLE lessons ADD COLUMN row_hash BLOB;
ALTER TABLE exams ADD COLUMN content_hash BLOB;
ALTER TABLE exams ADD COLUMN row_hash BLOB;
ALTER TABLE missions ADD COLUMN content_hash BLOB;
ALTER TABLE missions ADD COLUMN row_hash BLOB;
ALTER TABLE crew_duty ADD COLUMN content_hash BLOB;
ALTER TABLE crew_duty ADD COLUMN row_hash BLOB;
ALTER TABLE work_orders ADD COLUMN content_hash BLOB;
ALTER TABLE work_orders ADD COLUMN row_hash BLOB;
ALTER TABLE invoices ADD COLUMN content_hash BLOB;
ALTER TABLE invoices ADD COLUMN row_hash BLOB;
ALTER TABLE compliance_items ADD COLUMN content_hash BLOB;
ALTER TABLE compliance_items ADD COLUMN row_hash BLOB;
ALTER TABLE locations ADD COLUMN content_hash BLOB;
ALTER TABLE locations ADD COLUMN row_hash BLOB;
