//! FlightDesk's local store: one SQLite database per data directory, encrypted at rest
//! with SQLCipher, opened through sqlx with WAL, a busy timeout and foreign keys on.
//!
//! Migrations are embedded and append-only. A database written by a newer FlightDesk is
//! refused with [`StoreError::NewerSchema`] rather than silently downgraded.

mod accounts;
mod attendance;
mod checkpoint;
mod crypto_exit;
mod decisions;
mod error;
mod exam_attempts;
mod open;
mod outbox;
mod records;
mod skipped;

pub use accounts::{Account, AccountHealth, NewAccount};
pub use attendance::CachedAttendance;
pub use error::{Result, StoreError};
pub use exam_attempts::ExamAttempt;
pub use open::{Store, DB_FILE_NAME};
pub use outbox::{
    backoff, NewWrite, OutboxRow, OutboxState, Overlay, PendingChange, LOCAL_ID_PREFIX,
};
pub use records::{Counts, PageOutcome, PageWrite, PassEnd, PreparedPage, SyncState};
pub use skipped::SkippedRowView;
