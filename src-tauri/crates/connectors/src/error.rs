use std::time::Duration;

/// What can go wrong talking to a provider. The sync engine branches on the variant:
/// [`Unauthorized`](ConnectorError::Unauthorized) stops the whole account (it needs a new
/// key), [`Forbidden`](ConnectorError::Forbidden) only the one resource, and the rest fail
/// the resource for this run and are retried on the next.
///
/// No variant ever carries a credential: messages come from status lines and the
/// provider's error body, never from request headers.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ConnectorError {
    /// 401, or an error body saying the key is invalid or expired.
    #[error("the provider rejected the account's credential ({message}); connect it again with a new key")]
    Unauthorized { message: String },
    /// 403: the key is valid but may not read this resource (a scope or area is missing).
    #[error("not permitted: {message}")]
    Forbidden { message: String },
    /// 429 or an exhausted rate-limit window, and waiting for the reset would exceed the
    /// bounded wait.
    #[error("rate limited by the provider{}", reset.map(|r| format!(" (resets in {}s)", r.as_secs())).unwrap_or_default())]
    RateLimited { reset: Option<Duration> },
    /// A 5xx answer (after retries, when returned from the HTTP layer).
    #[error("the provider answered {status}: {message}")]
    Server { status: u16, message: String },
    /// No answer (or no complete body) in time.
    #[error("the provider did not answer in time")]
    Timeout,
    /// Connection refused, DNS failure, reset connection, TLS failure.
    #[error("cannot reach the provider: {0}")]
    Network(String),
    /// The answer was not what the documents describe, even read tolerantly.
    #[error("unexpected answer while {context}: {detail}")]
    Malformed { context: String, detail: String },
    /// An error reported in the body, possibly with HTTP 200.
    #[error("the provider reported an error{}: {message}", code.as_deref().map(|c| format!(" `{c}`")).unwrap_or_default())]
    Api {
        code: Option<String>,
        message: String,
        /// Whether trying again later may succeed (maintenance, temporary unavailability).
        retryable: bool,
    },
    /// Any other 4xx.
    #[error("the provider refused the request ({status}): {message}")]
    Client {
        status: u16,
        message: String,
        /// The request field the provider named, when it named one (`date`).
        field: Option<String>,
    },
    /// The provider refused a write (validation, permission, "already signed", a training
    /// no longer active): sending it again unchanged would fail the same way. `message`
    /// is the provider's own.
    #[error("the provider refused the change ({status}): {message}")]
    Rejected {
        status: u16,
        message: String,
        /// The request field the provider named, when it named one (`date`).
        field: Option<String>,
    },
    /// The write conflicts with the provider's current state (409, 412): the record moved
    /// on since it was read.
    #[error("the change conflicts with the provider's copy ({status}): {message}")]
    Conflict { status: u16, message: String },
    /// The account's settings cannot work (missing option, bad base URL).
    #[error("account configuration: {0}")]
    Config(String),
    /// Retrying transient failures took longer than the bounded total wait.
    #[error("gave up after {attempts} attempts over {}s: {last}", elapsed.as_secs())]
    GaveUp {
        attempts: u32,
        elapsed: Duration,
        last: Box<ConnectorError>,
    },
}

impl ConnectorError {
    /// Transient: the HTTP layer retries these with backoff.
    pub fn is_retryable(&self) -> bool {
        match self {
            ConnectorError::Server { .. }
            | ConnectorError::Timeout
            | ConnectorError::Network(_)
            | ConnectorError::Malformed { .. } => true,
            ConnectorError::Api { retryable, .. } => *retryable,
            _ => false,
        }
    }

    /// The short machine code the UI and `status --json` branch on.
    pub fn code(&self) -> &'static str {
        match self {
            ConnectorError::Unauthorized { .. } => "unauthorized",
            ConnectorError::Forbidden { .. } => "forbidden",
            ConnectorError::RateLimited { .. } => "rate_limited",
            ConnectorError::Server { .. } => "server_error",
            ConnectorError::Timeout => "timeout",
            ConnectorError::Network(_) => "network",
            ConnectorError::Malformed { .. } => "malformed",
            ConnectorError::Api { .. } => "api_error",
            ConnectorError::Client { .. } => "client_error",
            ConnectorError::Rejected { .. } => "rejected",
            ConnectorError::Conflict { .. } => "conflict",
            ConnectorError::Config(_) => "config",
            ConnectorError::GaveUp { last, .. } => last.code(),
        }
    }

    /// Shorthand for a decoding failure.
    pub fn malformed(context: impl Into<String>, detail: impl ToString) -> Self {
        ConnectorError::Malformed {
            context: context.into(),
            detail: detail.to_string(),
        }
    }

    /// The provider refused the write itself (as opposed to the write not arriving or
    /// its answer being lost): it waits for the user instead of being retried.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self.root(),
            ConnectorError::Rejected { .. } | ConnectorError::Conflict { .. }
        )
    }

    /// The error behind a [`GaveUp`](ConnectorError::GaveUp), or this one.
    /// The provider cannot answer now (no network, no answer in time, a server error, a
    /// rate limit): trying again later may work, and no refusal was said.
    pub fn cannot_answer_now(&self) -> bool {
        matches!(
            self.root(),
            ConnectorError::Network(_)
                | ConnectorError::Timeout
                | ConnectorError::Server { .. }
                | ConnectorError::RateLimited { .. }
        )
    }

    /// The provider's own words when it refused the request (validation, permission, a
    /// conflict, any other 4xx), for the user to read.
    pub fn refusal(&self) -> Option<&str> {
        match self.root() {
            ConnectorError::Rejected { message, .. }
            | ConnectorError::Conflict { message, .. }
            | ConnectorError::Forbidden { message }
            | ConnectorError::Client { message, .. } => Some(message),
            _ => None,
        }
    }

    pub fn root(&self) -> &ConnectorError {
        match self {
            ConnectorError::GaveUp { last, .. } => last.root(),
            other => other,
        }
    }
}

/// The result type of this crate.
pub type Result<T> = std::result::Result<T, ConnectorError>;
