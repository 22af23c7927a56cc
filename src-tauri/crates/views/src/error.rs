use flightdesk_store::StoreError;

/// What can go wrong answering a view.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("reading the cache while {context}: {source}")]
    Query {
        context: &'static str,
        source: sqlx::Error,
    },
    #[error("`{0}` does not name a source record (expected provider/account/id)")]
    BadSource(String),
    #[error("no cached record is `{0}`")]
    UnknownSource(String),
    #[error("no aircraft, simulator, room or person is `{0}` (see `flightdesk entities`)")]
    UnknownEntity(String),
    #[error("`{text}` names several entities; use one of their ids: {}", ids.join(", "))]
    AmbiguousEntity { text: String, ids: Vec<String> },
    #[error("`{0}` is not an IANA time zone")]
    BadTimeZone(String),
    #[error("no cached calendar item is `{0}`")]
    UnknownItem(String),
    #[error("`{0}` is neither a date (YYYY-MM-DD) nor an RFC 3339 time")]
    BadTime(String),
    #[error("a calendar range runs forward and spans at most a year (asked {from} to {to})")]
    BadRange { from: String, to: String },
    #[error("no one in the cache is `{0}` (give a person id from `flightdesk entities`, a name or an e-mail)")]
    UnknownPerson(String),
    #[error("`{query}` names {} people: {}; give one of their ids", .candidates.len(), .candidates.join(", "))]
    AmbiguousPerson {
        query: String,
        candidates: Vec<String>,
    },
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, ViewError>;

/// Adds what the query was for to a sqlx error.
pub(crate) trait QueryContext<T> {
    fn context(self, context: &'static str) -> Result<T>;
}

impl<T> QueryContext<T> for std::result::Result<T, sqlx::Error> {
    fn context(self, context: &'static str) -> Result<T> {
        self.map_err(|source| ViewError::Query { context, source })
    }
}
