use flightdesk_store::StoreError;
use flightdesk_views::ViewError;

/// What can go wrong building or reading the logbook.
#[derive(Debug, thiserror::Error)]
pub enum LogbookError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error("{context}: {source}")]
    Query {
        context: &'static str,
        source: sqlx::Error,
    },
    #[error("a stored logbook entry could not be read ({0}); run a rebuild")]
    Corrupt(String),
    #[error("no logbook entry is `{0}` (ids are in `flightdesk logbook` output)")]
    UnknownEntry(String),
    #[error("`{source_key}` is not a source of entry `{entry}`")]
    NotASource { entry: String, source_key: String },
    #[error("entry `{0}` has one source only: there is nothing to split from it")]
    NothingToSplit(String),
    #[error("entries `{a}` and `{b}` belong to different people; only one person's entries merge")]
    DifferentPeople { a: String, b: String },
    #[error("writing the logbook CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, LogbookError>;

/// Adds what the query was for to a sqlx error.
pub(crate) trait QueryContext<T> {
    fn context(self, context: &'static str) -> Result<T>;
}

impl<T> QueryContext<T> for std::result::Result<T, sqlx::Error> {
    fn context(self, context: &'static str) -> Result<T> {
        self.map_err(|source| LogbookError::Query { context, source })
    }
}
