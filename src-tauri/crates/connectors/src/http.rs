//! The HTTP layer every connector shares: one reqwest client per account (rustls with the
//! system's CA certificates, proxies from the environment, timeouts, gzip, a FlightDesk
//! User-Agent), retries with jittered backoff for transient failures, waiting for the
//! reset on 429, and pacing from `X-RateLimit-*` headers, all within a bounded total wait.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::Value;

use crate::error::{ConnectorError, Result};

/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!("FlightDesk/", env!("CARGO_PKG_VERSION"));

/// How hard to try before giving up on a request.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts for transient failures (5xx, timeouts, broken bodies), first one included.
    pub max_attempts: u32,
    /// First backoff; doubled per attempt, with up to 50 % random jitter added.
    pub base_delay: Duration,
    /// Longest single backoff.
    pub max_delay: Duration,
    /// Longest total time one request may spend waiting (backoff, 429 resets, pacing)
    /// before it fails with a clear error.
    pub max_total_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_total_wait: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// Short waits for tests against the local sandbox.
    pub fn fast() -> Self {
        Self {
            max_attempts: 8,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(100),
            max_total_wait: Duration::from_secs(20),
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_delay);
        let jitter = rand::thread_rng().gen_range(0.0..0.5);
        capped + capped.mul_f64(jitter)
    }
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// Whole request, body included.
    pub request_timeout: Duration,
    pub retry: RetryPolicy,
    /// When the remaining share of a rate-limit window falls below this fraction, requests
    /// are spread evenly over the time left until the reset.
    pub pace_below: f64,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            pace_below: 0.1,
        }
    }
}

impl ClientOptions {
    /// Short timeouts and waits for tests against the local sandbox.
    pub fn fast() -> Self {
        Self {
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            retry: RetryPolicy::fast(),
            pace_below: 0.1,
        }
    }
}

/// Builds the reqwest client: rustls trusting the OS certificate store, `HTTP(S)_PROXY` /
/// `NO_PROXY` from the environment (reqwest's default), gzip, timeouts and User-Agent.
pub fn build_client(options: &ClientOptions) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .use_rustls_tls()
        .gzip(true)
        .connect_timeout(options.connect_timeout)
        .timeout(options.request_timeout)
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| ConnectorError::Config(format!("cannot build the HTTP client: {e}")))
}

/// A decoded JSON answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The server's clock when it answered, from the `Date` header.
    pub fn server_time(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let date = chrono::DateTime::parse_from_rfc2822(self.header("date")?).ok()?;
        Some(date.to_utc())
    }
}

/// What the rate-limit headers last said.
#[derive(Debug, Default, Clone, Copy)]
struct Window {
    limit: Option<u64>,
    remaining: Option<u64>,
    reset_at: Option<Instant>,
}

/// An account's HTTP client with its retry policy and rate-limit pacing. Share one per
/// account so every resource counts against the same window.
#[derive(Debug)]
pub struct Http {
    client: reqwest::Client,
    options: ClientOptions,
    window: Mutex<Window>,
    requests: std::sync::atomic::AtomicU64,
}

impl Http {
    pub fn new(options: ClientOptions) -> Result<Self> {
        Ok(Self {
            client: build_client(&options)?,
            options,
            window: Mutex::new(Window::default()),
            requests: Default::default(),
        })
    }

    /// The underlying client, to build requests with.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// How many HTTP requests this client has sent (retries included).
    pub fn requests_sent(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sends the request `build` makes (called again for each retry) and decodes its JSON
    /// body. `context` names the operation in errors ("listing aviationalley trainees").
    ///
    /// 401 → [`ConnectorError::Unauthorized`], 403 → [`ConnectorError::Forbidden`], other
    /// 4xx → [`ConnectorError::Client`]; 429 waits for the reset; 5xx, timeouts, network
    /// errors and undecodable bodies are retried with backoff. Body-level errors in a 200
    /// are the connector's to detect, since each provider spells them differently.
    pub async fn send_json(
        &self,
        context: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Answer> {
        let started = Instant::now();
        let policy = &self.options.retry;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.pace(started).await?;
            let outcome = self.once(context, &build).await;
            let wait = match outcome {
                Ok(answer) => return Ok(answer),
                Err(Attempt::RateLimited(wait)) => {
                    let wait = wait.unwrap_or_else(|| policy.backoff(attempt));
                    if started.elapsed() + wait > policy.max_total_wait {
                        return Err(ConnectorError::RateLimited { reset: Some(wait) });
                    }
                    tracing::info!(
                        context,
                        wait_ms = wait.as_millis() as u64,
                        "rate limited; waiting for the reset"
                    );
                    wait
                }
                Err(Attempt::Failed(error) | Attempt::NotSent(error)) if error.is_retryable() => {
                    let wait = policy.backoff(attempt);
                    if attempt >= policy.max_attempts
                        || started.elapsed() + wait > policy.max_total_wait
                    {
                        return Err(ConnectorError::GaveUp {
                            attempts: attempt,
                            elapsed: started.elapsed(),
                            last: Box::new(error),
                        });
                    }
                    tracing::info!(context, attempt, %error, "transient failure; retrying");
                    wait
                }
                Err(Attempt::Failed(error) | Attempt::NotSent(error)) => return Err(error),
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends a write (a POST that creates or changes something) under the write policy:
    /// it is sent again only when nothing can have reached the server (the connection
    /// was refused, or a 429 turned it away). A timeout, a broken answer or a 5xx may
    /// follow a write the server applied, so they are returned at once for the caller
    /// (the outbox) to check whether it landed before sending it again.
    ///
    /// 400, 404 and 422 become [`ConnectorError::Rejected`] and 403
    /// [`ConnectorError::Rejected`] too (a write the key may not make), 409 and 412
    /// [`ConnectorError::Conflict`], each with the provider's own message.
    pub async fn send_write(
        &self,
        context: &str,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<Answer> {
        let started = Instant::now();
        let policy = &self.options.retry;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            self.pace(started).await?;
            let wait = match self.once(context, &build).await {
                Ok(answer) => return Ok(answer),
                Err(Attempt::RateLimited(wait)) => {
                    let wait = wait.unwrap_or_else(|| policy.backoff(attempt));
                    if started.elapsed() + wait > policy.max_total_wait {
                        return Err(ConnectorError::RateLimited { reset: Some(wait) });
                    }
                    wait
                }
                Err(Attempt::NotSent(error)) => {
                    let wait = policy.backoff(attempt);
                    if attempt >= policy.max_attempts
                        || started.elapsed() + wait > policy.max_total_wait
                    {
                        return Err(error);
                    }
                    tracing::info!(context, attempt, %error, "write not sent; trying again");
                    wait
                }
                Err(Attempt::Failed(error)) => return Err(write_error(error)),
            };
            tokio::time::sleep(wait).await;
        }
    }

    async fn once(
        &self,
        context: &str,
        build: &impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> std::result::Result<Answer, Attempt> {
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let response = build(&self.client)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| {
                if e.is_connect() {
                    Attempt::NotSent(transport_error(&e))
                } else {
                    Attempt::Failed(transport_error(&e))
                }
            })?;
        let status = response.status();
        let headers = response.headers().clone();
        self.observe(&headers);
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Attempt::Failed(transport_error(&e)))?;
        if status == StatusCode::TOO_MANY_REQUESTS {
            return Err(Attempt::RateLimited(reset_wait(&headers)));
        }
        // A success with no body (204 No Content to a DELETE) answers nothing more.
        let body: Option<Value> = if bytes.is_empty() && status.is_success() {
            Some(Value::Null)
        } else {
            serde_json::from_slice(&bytes).ok()
        };
        let message = || {
            body.as_ref()
                .and_then(error_message)
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string())
        };
        match status.as_u16() {
            200..=299 => {}
            401 => {
                return Err(Attempt::Failed(ConnectorError::Unauthorized {
                    message: message(),
                }))
            }
            403 => {
                return Err(Attempt::Failed(ConnectorError::Forbidden {
                    message: message(),
                }))
            }
            500..=599 => {
                return Err(Attempt::Failed(ConnectorError::Server {
                    status: status.as_u16(),
                    message: message(),
                }))
            }
            other => {
                return Err(Attempt::Failed(ConnectorError::Client {
                    status: other,
                    message: message(),
                    field: body.as_ref().and_then(error_field),
                }))
            }
        }
        match body {
            Some(body) => Ok(Answer {
                status,
                headers,
                body,
            }),
            None => Err(Attempt::Failed(ConnectorError::malformed(
                context,
                format!(
                    "the body is not JSON ({} bytes, starting {:?})",
                    bytes.len(),
                    String::from_utf8_lossy(&bytes[..bytes.len().min(40)])
                ),
            ))),
        }
    }

    /// Remembers what the rate-limit headers say.
    fn observe(&self, headers: &HeaderMap) {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let (limit, remaining) = (number("x-ratelimit-limit"), number("x-ratelimit-remaining"));
        if limit.is_none() && remaining.is_none() {
            return;
        }
        let reset_at = headers
            .get("x-ratelimit-reset")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_reset)
            .map(|d| Instant::now() + d);
        let mut window = self.window.lock().expect("rate window lock");
        *window = Window {
            limit,
            remaining,
            reset_at,
        };
    }

    /// Waits before a request when the window is exhausted or nearly so.
    async fn pace(&self, started: Instant) -> Result<()> {
        let wait = {
            let mut window = self.window.lock().expect("rate window lock");
            let now = Instant::now();
            match (window.remaining, window.reset_at) {
                (Some(remaining), Some(reset_at)) if reset_at > now => {
                    let left = reset_at - now;
                    let threshold = window
                        .limit
                        .map(|l| (l as f64 * self.options.pace_below).ceil() as u64)
                        .unwrap_or(0);
                    let wait = if remaining == 0 {
                        Some(left)
                    } else if remaining <= threshold {
                        Some(left / (remaining as u32 + 1))
                    } else {
                        None
                    };
                    // Count this request so a burst between answers is paced too.
                    window.remaining = Some(remaining.saturating_sub(1));
                    wait
                }
                _ => None,
            }
        };
        if let Some(wait) = wait {
            if started.elapsed() + wait > self.options.retry.max_total_wait {
                return Err(ConnectorError::RateLimited { reset: Some(wait) });
            }
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "pacing before the rate limit"
            );
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }
}

enum Attempt {
    RateLimited(Option<Duration>),
    Failed(ConnectorError),
    /// The request never reached the server (the connection was refused or not made).
    NotSent(ConnectorError),
}

/// What a refused write means: the provider's verdict on it, in its words.
pub(crate) fn write_error(error: ConnectorError) -> ConnectorError {
    match error {
        ConnectorError::Client {
            status: status @ (400 | 404 | 422),
            message,
            field,
        } => ConnectorError::Rejected {
            status,
            message,
            field,
        },
        ConnectorError::Forbidden { message } => ConnectorError::Rejected {
            status: 403,
            message,
            field: None,
        },
        ConnectorError::Client {
            status: status @ (409 | 412),
            message,
            ..
        } => ConnectorError::Conflict { status, message },
        other => other,
    }
}

fn transport_error(e: &reqwest::Error) -> ConnectorError {
    if e.is_timeout() {
        ConnectorError::Timeout
    } else if e.is_decode() || e.is_body() {
        // A body cut short: the connection broke mid-answer.
        ConnectorError::Network(format!("the answer was cut short ({e})"))
    } else {
        // reqwest's Display names the URL but never headers, so no credential leaks here;
        // strip the query anyway (Airbly sends its group key as a query parameter). Its
        // Display says only "error sending request": the cause (refused, DNS, TLS) is in
        // the source chain, so the message carries the chain's last link too.
        let mut message = without_query(&e.to_string());
        let mut cause: Option<&dyn std::error::Error> = std::error::Error::source(e);
        let mut root = None;
        while let Some(c) = cause {
            root = Some(c);
            cause = c.source();
        }
        if let Some(root) = root {
            message = format!("{message}: {}", without_query(&root.to_string()));
        }
        ConnectorError::Network(message)
    }
}

/// Removes query strings from URLs in a message.
pub fn without_query(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut skipping = false;
    for c in message.chars() {
        match c {
            '?' => skipping = true,
            ' ' | ')' if skipping => {
                skipping = false;
                out.push(c);
            }
            _ if !skipping => out.push(c),
            _ => {}
        }
    }
    out
}

/// The longest wait a server's header is taken at its word for (a day); the retry
/// policy's `max_total_wait` decides whether to wait at all.
const MAX_WAIT: Duration = Duration::from_secs(86_400);

/// How long a 429 asks us to wait: `Retry-After` (seconds or an HTTP date), else
/// `X-RateLimit-Reset`.
fn reset_wait(headers: &HeaderMap) -> Option<Duration> {
    let text = |n: &str| headers.get(n).and_then(|v| v.to_str().ok());
    if let Some(v) = text("retry-after") {
        if let Ok(secs) = v.trim().parse::<f64>() {
            // `inf`, `1e30` or a twenty-digit number would make `Duration` panic; a
            // negative one or NaN means "now". Anything past the cap is the cap, which
            // no retry policy waits for.
            let secs = if secs.is_nan() {
                0.0
            } else {
                secs.clamp(0.0, MAX_WAIT.as_secs_f64())
            };
            return Some(Duration::from_secs_f64(secs));
        }
        if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v.trim()) {
            let d = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
            return Some(d.to_std().unwrap_or_default().min(MAX_WAIT));
        }
    }
    text("x-ratelimit-reset").and_then(parse_reset)
}

/// Reads `X-RateLimit-Reset`: epoch seconds (or milliseconds), seconds from now, or an
/// RFC 3339 instant. An epoch that lies in the past or more than a day ahead (a server
/// with a different clock) is not trusted.
fn parse_reset(value: &str) -> Option<Duration> {
    let value = value.trim();
    let now = chrono::Utc::now();
    let from_epoch_ms = |ms: i64| {
        let d = ms - now.timestamp_millis();
        (0..86_400_000)
            .contains(&d)
            .then(|| Duration::from_millis(d as u64))
    };
    if let Ok(n) = value.parse::<i64>() {
        return match n {
            n if n >= 100_000_000_000 => from_epoch_ms(n),
            n if n >= 1_000_000_000 => from_epoch_ms(n * 1000),
            n if n >= 0 => Some(Duration::from_secs(n as u64)),
            _ => None,
        };
    }
    chrono::DateTime::parse_from_rfc3339(value)
        .ok()
        .and_then(|at| from_epoch_ms(at.timestamp_millis()))
}

/// The request field a provider's error body names (`{"error": {"details": {"field"}}}`,
/// `{"error": {"field"}}`), if any.
pub fn error_field(body: &Value) -> Option<String> {
    let e = body.get("error")?;
    e.get("details")
        .and_then(|d| d.get("field"))
        .or_else(|| e.get("field"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The human message in a provider's error body, in any of the usual envelopes:
/// `{"error": {"message"}}`, `{"error": "..."}`, `{"message"}`, `{"errors": [{"detail"}]}`;
/// with the `details.issue` of the first when it has one ("Invalid date: Date must be in
/// YYYY-MM-DD format").
pub fn error_message(body: &Value) -> Option<String> {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let found = match body.get("error") {
        Some(Value::Object(e)) => e
            .get("message")
            .or_else(|| e.get("detail"))
            .and_then(text)
            .or_else(|| e.get("code").and_then(text))
            .map(
                |m| match e.get("details").and_then(|d| d.get("issue")).and_then(text) {
                    Some(issue) => format!("{m}: {issue}"),
                    None => m,
                },
            ),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
    .or_else(|| body.get("message").and_then(text))
    .or_else(|| {
        body.get("errors")
            .and_then(|e| e.get(0))
            .and_then(|e| {
                e.get("detail")
                    .or_else(|| e.get("title"))
                    .or_else(|| e.get("message"))
            })
            .and_then(text)
    })?;
    Some(found.chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_headers_in_every_form() {
        assert_eq!(parse_reset("30"), Some(Duration::from_secs(30)));
        let epoch = (chrono::Utc::now().timestamp() + 60).to_string();
        let d = parse_reset(&epoch).unwrap();
        assert!(
            d <= Duration::from_secs(60) && d >= Duration::from_secs(58),
            "{d:?}"
        );
        assert_eq!(
            parse_reset("1000000000"),
            None,
            "an epoch in the past is not trusted"
        );
    }

    #[test]
    fn a_hostile_retry_after_never_panics_and_is_capped() {
        for value in [
            "inf",
            "-inf",
            "NaN",
            "1e30",
            "99999999999999999999",
            "-5",
            "Fri, 31 Dec 9999 23:59:59 GMT",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert("retry-after", value.parse().unwrap());
            let wait = reset_wait(&headers).unwrap_or_default();
            assert!(wait <= MAX_WAIT, "{value}: {wait:?}");
            // The retry loop adds the wait to the time spent so far.
            let _ = Instant::now().elapsed() + wait;
        }
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "1e30".parse().unwrap());
        assert_eq!(reset_wait(&headers), Some(MAX_WAIT));
    }

    #[tokio::test]
    async fn a_refused_connection_says_so() {
        // A port that was just free: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let e = reqwest::get(format!("http://127.0.0.1:{port}/x?key=secret"))
            .await
            .unwrap_err();
        let ConnectorError::Network(message) = transport_error(&e) else {
            panic!("not a network error: {e:?}");
        };
        assert!(message.to_lowercase().contains("refused"), "{message}");
        assert!(!message.contains("secret"), "{message}");
    }

    #[test]
    fn error_messages_from_the_usual_envelopes() {
        let m = |v: Value| error_message(&v);
        assert_eq!(
            m(serde_json::json!({"error": {"code": "x", "message": "bad"}})).unwrap(),
            "bad"
        );
        assert_eq!(m(serde_json::json!({"error": "nope"})).unwrap(), "nope");
        assert_eq!(
            m(serde_json::json!({"errors": [{"detail": "d"}]})).unwrap(),
            "d"
        );
        assert_eq!(m(serde_json::json!({"data": []})), None);
    }

    #[test]
    fn queries_are_stripped_from_messages() {
        assert_eq!(
            without_query("error sending request for url (http://h/a?groupKey=secret) x"),
            "error sending request for url (http://h/a) x"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default();
        assert!(p.backoff(1) >= Duration::from_millis(500));
        assert!(p.backoff(20) <= Duration::from_secs(45));
    }
}
