//! Logs go to a daily-rotating file in the data directory (a week is kept) and, for the
//! CLI, to stderr. Secrets reach log lines only as `[redacted]` (see
//! [`flightdesk_secrets::Secret`]).

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer as _;
use tracing_subscriber::{fmt, EnvFilter, Registry};

/// The folder inside the data directory that holds the logs.
pub const LOG_DIR: &str = "logs";
const KEEP_FILES: usize = 7;

/// Keeps the background log writer alive; logs are flushed when it is dropped.
pub struct LogGuard(#[allow(dead_code)] WorkerGuard);

/// Builds the subscriber without installing it (tests install it for one scope).
pub fn subscriber(
    data_dir: &Path,
    to_stderr: bool,
) -> std::io::Result<(impl tracing::Subscriber + Send + Sync, LogGuard)> {
    let dir = data_dir.join(LOG_DIR);
    std::fs::create_dir_all(&dir)?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("flightdesk")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(&dir)
        .map_err(std::io::Error::other)?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let file_filter = filter("info");
    let file_layer = fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_filter(file_filter);
    let stderr_layer = to_stderr.then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_filter(filter("warn"))
    });
    let subscriber = Registry::default().with(file_layer).with(stderr_layer);
    Ok((subscriber, LogGuard(guard)))
}

/// `FLIGHTDESK_LOG`, else `default`; either way sqlx's statement log stays off. The
/// store already turns it off on its connections (the first statement of each is the
/// database key); this keeps it off for any connection opened without that setting.
fn filter(default: &str) -> EnvFilter {
    let filter = EnvFilter::try_from_env("FLIGHTDESK_LOG").unwrap_or_else(|_| default.into());
    filter.add_directive("sqlx::query=off".parse().expect("a valid directive"))
}

/// Installs logging for the whole process.
pub fn init(data_dir: &Path, to_stderr: bool) -> std::io::Result<LogGuard> {
    let (subscriber, guard) = subscriber(data_dir, to_stderr)?;
    subscriber.try_init().map_err(std::io::Error::other)?;
    Ok(guard)
}
