use std::path::PathBuf;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the FlightDesk database at {path}: {source}")]
    Open { path: PathBuf, source: sqlx::Error },
    #[error(
        "the database at {path} cannot be decrypted with the key in the OS keyring \
         (was the keyring reset, or the data directory copied from another machine?)"
    )]
    CannotDecrypt { path: PathBuf },
    #[error(
        "this data directory was written by a newer FlightDesk (schema version {found}, \
         this build knows up to {supported}); update FlightDesk to open it"
    )]
    NewerSchema { found: i64, supported: i64 },
    #[error("upgrading the database schema failed: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("an account named `{0}` does not exist")]
    NoSuchAccount(String),
    #[error("another account is already named `{0}`")]
    NameTaken(String),
    #[error("`{0}` is not a usable account name (it is empty)")]
    InvalidName(String),
    #[error("there is no outbox write {0}")]
    NoSuchWrite(i64),
    #[error("outbox write {id} is {state}; only a waiting write can be retried or discarded")]
    WriteNotWaiting { id: i64, state: String },
    #[error("no exam attempt {0} is kept here (start it first)")]
    NoSuchAttempt(String),
    #[error("database error while {context}: {source}")]
    Query {
        context: &'static str,
        source: sqlx::Error,
    },
    #[error("stored {what} is not valid JSON: {source}")]
    Json {
        what: &'static str,
        source: serde_json::Error,
    },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Adds a short description of the operation to a sqlx error.
pub(crate) trait QueryContext<T> {
    fn context(self, context: &'static str) -> Result<T>;
}

impl<T> QueryContext<T> for std::result::Result<T, sqlx::Error> {
    fn context(self, context: &'static str) -> Result<T> {
        self.map_err(|source| StoreError::Query { context, source })
    }
}
