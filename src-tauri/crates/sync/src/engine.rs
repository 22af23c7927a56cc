use std::time::Instant;

use chrono::{DateTime, TimeDelta, Utc};
use flightdesk_connectors::{
    AccountConfig, ClientOptions, Connector, ConnectorError, Next, Page, Position, Resource,
    SyncMode, SyncPolicy,
};
use flightdesk_core::{Kind, Provider};
use flightdesk_store::{Account, Counts, PageWrite, PassEnd, PreparedPage, StoreError, SyncState};
use flightdesk_workspace::{SyncLock, Workspace, WorkspaceError};
use serde::Serialize;
use ts_rs::TS;

/// How many times a pass may start over because the data moved under it (Flight School
/// Booking's `change_id`) before the resource fails for this run.
const MAX_RESTARTS: u32 = 5;

/// What to sync and how.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Only accounts of this provider.
    pub provider: Option<Provider>,
    /// Only the account with this name.
    pub account: Option<String>,
    /// Only these resources (connector resource names such as `bookings` or `assets`);
    /// `None` syncs every resource. Names the connector does not offer are skipped.
    pub resources: Option<Vec<String>>,
    /// Forget every position and re-read everything.
    pub full: bool,
    /// HTTP timeouts, retries and waits.
    pub client: ClientOptions,
    pub lock: LockPolicy,
    /// A run of the background schedule (not one a person asked for): each resource is
    /// read only when its [`SyncPolicy`] says it is due.
    pub scheduled: bool,
    /// The time a scheduled run judges what is due by; `None` is the system clock. A
    /// benchmark simulating a day against the sandbox sets it to the sandbox's clock.
    pub now: Option<DateTime<Utc>>,
}

impl SyncOptions {
    /// The run's notion of now.
    pub fn now(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

/// Whether a scheduled run reads `resource` now: when its policy's interval has passed
/// since its last successful run, and always when it has never succeeded, failed last
/// time or stopped in the middle of a pass (finishing that is never deferred). A last run
/// in the future means the clock was wrong then or is now: the resource is due rather
/// than waiting out a clock error.
pub fn is_due(policy: &SyncPolicy, state: Option<&SyncState>, now: DateTime<Utc>) -> bool {
    let Some(state) = state else { return true };
    let Some(last) = state.last_success_at else {
        return true;
    };
    if state.resumes() || state.last_error_code.is_some() {
        return true;
    }
    let every = TimeDelta::from_std(policy.every).unwrap_or(TimeDelta::MAX);
    let elapsed = now.signed_duration_since(last);
    elapsed < TimeDelta::zero() || elapsed >= every
}

/// What to do when another process is syncing the same data directory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LockPolicy {
    /// Wait for it to finish (a [`ProgressEvent::Waiting`] says so first).
    #[default]
    Wait,
    /// Fail at once with [`SyncError::Busy`].
    FailFast,
}

/// How one resource's run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Read to the end; the cache is current.
    Synced,
    /// A change token said nothing changed.
    Unchanged,
    /// The credential may not read this resource (403): reported, not a failure.
    NotPermitted,
    /// The provider rejected the credential (401) or none is stored: the account needs a
    /// new key.
    NeedsCredential,
    /// Anything else: the resource resumes from its last written page next time.
    Failed,
}

impl Outcome {
    /// Whether the run counts as a failure (exit 1 in the CLI).
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::NeedsCredential)
    }
}

/// The end of one resource's run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ResourceSummary {
    pub account: String,
    pub provider: Provider,
    pub resource: String,
    pub outcome: Outcome,
    #[serde(flatten)]
    pub counts: Counts,
    #[ts(type = "number")]
    pub pages: u64,
    /// HTTP requests this resource's run sent, retries included.
    #[ts(type = "number")]
    pub requests: u64,
    /// How many times the pass started over because the listing moved under it.
    pub restarts: u32,
    /// Machine code of the error (`forbidden`, `unauthorized`, `server_error`, ...).
    pub error_code: Option<String>,
    /// The error for people; never contains a credential.
    pub error: Option<String>,
    /// The record kinds (cache tables) the resource writes, so a view knows whether
    /// its data changed (empty for a resource that failed before it started).
    #[ts(type = "string[]")]
    pub kinds: Vec<Kind>,
}

/// Everything a sync did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
pub struct SyncReport {
    pub resources: Vec<ResourceSummary>,
    /// HTTP requests sent, retries included.
    #[ts(type = "number")]
    pub requests: u64,
    pub started_at: Option<DateTime<Utc>>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// What the outbox replay before the reads did (not part of the UI's report yet).
    #[serde(skip)]
    #[ts(skip)]
    pub outbox: crate::ReplayReport,
}

impl SyncReport {
    /// Whether any resource failed.
    pub fn failed(&self) -> bool {
        self.resources.iter().any(|r| r.outcome.is_failure())
    }

    /// Totals over every resource.
    pub fn totals(&self) -> Counts {
        let mut total = Counts::default();
        for r in &self.resources {
            total += r.counts;
        }
        total
    }
}

/// Progress for the UI or a progress bar.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ProgressEvent {
    /// Another sync holds the lock; this one waits. `holder` is the process id the lock
    /// names; `this_process` says it is this very process (the app's schedule, a
    /// webhook or a click started the other sync), not another FlightDesk beside it.
    Waiting { holder: String, this_process: bool },
    /// A resource starts (or resumes a pass left unfinished).
    ResourceStarted {
        account: String,
        provider: Provider,
        resource: String,
        resumed: bool,
    },
    /// A page was written. `counts` are cumulative for the resource in this run.
    PageWritten {
        account: String,
        resource: String,
        records: usize,
        #[ts(type = "number")]
        pages: u64,
        counts: Counts,
    },
    /// The resource's run ended.
    ResourceFinished(ResourceSummary),
}

/// Why a sync could not run at all (per-resource failures are in the report instead).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a sync is already running on this data directory (process {holder})")]
    Busy { holder: String },
    #[error("no connected account matches{}", .0.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default())]
    NoAccounts(Option<String>),
}

/// Syncs every selected account, holding the data directory's sync lock throughout.
pub async fn sync(
    workspace: &Workspace,
    options: &SyncOptions,
    progress: &(dyn Fn(&ProgressEvent) + Send + Sync),
) -> Result<SyncReport, SyncError> {
    let _lock = take_lock(workspace, options.lock, progress).await?;
    let started = Instant::now();
    // Local changes go out before anything is read, so the read brings the provider's
    // copy of each one back.
    let replayed = crate::replay::replay_locked(workspace, options).await?;
    if !replayed.sent.is_empty() || !replayed.failed.is_empty() || !replayed.rejected.is_empty() {
        tracing::info!(
            sent = replayed.sent.len(),
            failed = replayed.failed.len(),
            rejected = replayed.rejected.len(),
            "outbox replayed"
        );
    }
    let mut report = SyncReport {
        started_at: Some(Utc::now()),
        ..Default::default()
    };
    let mut accounts = Vec::new();
    for account in workspace.store().accounts().await? {
        if options.provider.is_some_and(|p| p != account.provider) {
            continue;
        }
        if options.account.as_ref().is_some_and(|n| n != &account.name) {
            continue;
        }
        let health = workspace.store().account_health(account.id).await?;
        if health.disconnected_at.is_some() {
            continue;
        }
        accounts.push(account);
    }
    if accounts.is_empty() {
        return Err(SyncError::NoAccounts(options.account.clone()));
    }
    for account in &accounts {
        // One account's local failure (its keyring entry, a write of its data) is reported
        // for that account; the others still sync.
        match sync_account(workspace, account, options, progress).await {
            Ok((summaries, requests)) => {
                report.resources.extend(summaries);
                report.requests += requests;
            }
            Err(e) => {
                tracing::warn!(account = %account.name, error = %e, "account not synced");
                let s = local_failure(account, "*", &e);
                progress(&ProgressEvent::ResourceFinished(s.clone()));
                report.resources.push(s);
            }
        }
    }
    // A sent write's optimistic copy goes once its resource was read back since.
    for account in &accounts {
        workspace.store().settle_pending_changes(account.id).await?;
    }
    report.outbox = replayed;
    report.elapsed_ms = started.elapsed().as_millis() as u64;
    Ok(report)
}

pub(crate) async fn take_lock(
    workspace: &Workspace,
    policy: LockPolicy,
    progress: &(dyn Fn(&ProgressEvent) + Send + Sync),
) -> Result<SyncLock, SyncError> {
    match SyncLock::try_acquire(workspace.data_dir()) {
        Ok(lock) => Ok(lock),
        Err(WorkspaceError::SyncRunning { holder }) => {
            if policy == LockPolicy::FailFast {
                return Err(SyncError::Busy { holder });
            }
            let this_process = holder == std::process::id().to_string();
            progress(&ProgressEvent::Waiting {
                holder,
                this_process,
            });
            let dir = workspace.data_dir().to_path_buf();
            tokio::task::spawn_blocking(move || SyncLock::acquire_blocking(&dir))
                .await
                .expect("the lock waiter does not panic")
                .map_err(SyncError::from)
        }
        Err(e) => Err(e.into()),
    }
}

/// Syncs one account (the caller holds the sync lock). Returns the resource summaries
/// and the number of HTTP requests sent.
pub async fn sync_account(
    workspace: &Workspace,
    account: &Account,
    options: &SyncOptions,
    progress: &(dyn Fn(&ProgressEvent) + Send + Sync),
) -> Result<(Vec<ResourceSummary>, u64), SyncError> {
    let store = workspace.store();
    let credential = workspace.secrets().credential(account).await?;
    let summary = |resource: &str, outcome, error: Option<&ConnectorError>| ResourceSummary {
        account: account.name.clone(),
        provider: account.provider,
        resource: resource.to_string(),
        outcome,
        counts: Counts::default(),
        pages: 0,
        requests: 0,
        restarts: 0,
        error_code: error.map(|e| e.code().to_string()),
        error: error.map(|e| e.to_string()),
        kinds: vec![],
    };
    let Some(credential) = credential else {
        let e = ConnectorError::Unauthorized {
            message: "no credential is stored for this account".into(),
        };
        let s = summary("*", Outcome::NeedsCredential, Some(&e));
        progress(&ProgressEvent::ResourceFinished(s.clone()));
        return Ok((vec![s], 0));
    };
    let session = workspace.secrets().session(account).await?;
    let mut account_options = account.options.clone();
    // A one-time two-factor code is only for the login while connecting.
    for k in flightdesk_connectors::flylogs::ONE_TIME_OPTIONS {
        account_options.remove(k);
    }
    let config = AccountConfig {
        name: account.name.clone(),
        base_url: account.base_url.clone(),
        credential,
        options: account_options,
        session: session.clone(),
    };
    let connector =
        match flightdesk_connectors::connect(account.provider, config, options.client.clone()) {
            Ok(c) => c,
            Err(e) => {
                let s = summary("*", Outcome::Failed, Some(&e));
                progress(&ProgressEvent::ResourceFinished(s.clone()));
                return Ok((vec![s], 0));
            }
        };
    let mut summaries = Vec::new();
    // Once the key is refused, or the provider cannot be reached before anything worked,
    // the other resources would only fail the same way (slowly, after retries): they are
    // reported with that reason instead of being tried.
    let mut blocked: Option<(Outcome, ConnectorError)> = None;
    let mut any_ok = false;
    let states = if options.scheduled {
        store.sync_states(account.id).await?
    } else {
        Vec::new()
    };
    let now = options.now();
    for resource in connector.resources() {
        if let Some(only) = &options.resources {
            if !only.iter().any(|r| r == resource.name) {
                continue;
            }
        }
        if options.scheduled {
            let state = states.iter().find(|s| s.resource == resource.name);
            if !is_due(&resource.policy, state, now) {
                tracing::debug!(account = %account.name, resource = resource.name, "not due yet");
                continue;
            }
        }
        if let Some((outcome, e)) = &blocked {
            let s = summary(resource.name, *outcome, Some(e));
            store
                .finish_resource(
                    account.id,
                    resource.name,
                    now,
                    s.counts,
                    Some((e.code(), &e.to_string())),
                )
                .await?;
            progress(&ProgressEvent::ResourceFinished(s.clone()));
            summaries.push(s);
            continue;
        }
        let sent_before = connector.requests_sent();
        let run = sync_resource(
            workspace,
            account,
            connector.as_ref(),
            &resource,
            options.full,
            now,
            progress,
        )
        .await;
        let mut s = match run {
            Ok(s) => s,
            Err(e) => record_local_failure(workspace, account, resource.name, now, &e).await,
        };
        s.requests = connector.requests_sent() - sent_before;
        if s.outcome == Outcome::NeedsCredential {
            let message = s.error.clone().unwrap_or_default();
            blocked = Some((
                Outcome::NeedsCredential,
                ConnectorError::Unauthorized { message },
            ));
        } else if !s.outcome.is_failure() {
            any_ok = true;
        } else if !any_ok && s.error_code.as_deref() == Some("network") {
            let detail = format!("skipped after `{}` failed the same way", s.resource);
            blocked = Some((Outcome::Failed, ConnectorError::Network(detail)));
        }
        progress(&ProgressEvent::ResourceFinished(s.clone()));
        summaries.push(s);
    }
    // A login during the sync (Flylogs) left a new session token: keep it for next time.
    if let Some(token) = connector.session_token() {
        if session.as_ref() != Some(&token) {
            workspace.secrets().set_session(account, &token).await?;
        }
    }
    if matches!(blocked, Some((Outcome::NeedsCredential, _))) {
        store.set_needs_credential(account.id, true).await?;
    } else if any_ok {
        store.set_needs_credential(account.id, false).await?;
    }
    let requests = connector.requests_sent();
    Ok((summaries, requests))
}

/// The summary of a resource (or, with `*`, an account) that failed on this computer
/// rather than at the provider: the keyring or the local cache.
fn local_failure(account: &Account, resource: &str, error: &SyncError) -> ResourceSummary {
    ResourceSummary {
        account: account.name.clone(),
        provider: account.provider,
        resource: resource.to_string(),
        outcome: Outcome::Failed,
        counts: Counts::default(),
        pages: 0,
        requests: 0,
        restarts: 0,
        error_code: Some(LOCAL_ERROR_CODE.into()),
        error: Some(format!(
            "FlightDesk could not update its local copy: {error}"
        )),
        kinds: vec![],
    }
}

/// The error code of a failure on this computer (keyring, local cache).
pub const LOCAL_ERROR_CODE: &str = "local";

/// Records a resource's local failure in its sync state, so the Sync view shows it, and
/// summarises it. The resource resumes from its last committed page next time.
async fn record_local_failure(
    workspace: &Workspace,
    account: &Account,
    resource: &str,
    at: DateTime<Utc>,
    error: &SyncError,
) -> ResourceSummary {
    tracing::warn!(account = %account.name, resource, error = %error, "resource not synced");
    let s = local_failure(account, resource, error);
    let recorded = workspace
        .store()
        .finish_resource(
            account.id,
            resource,
            at,
            s.counts,
            Some((LOCAL_ERROR_CODE, s.error.as_deref().unwrap_or_default())),
        )
        .await;
    if let Err(e) = recorded {
        tracing::warn!(account = %account.name, resource, error = %e, "the failure could not be recorded either");
    }
    s
}

/// Fetches a page and prepares its records for the store. The preparing runs on a
/// blocking thread, so that it overlaps the previous page's write on the other core.
async fn fetch_prepared(
    connector: &dyn Connector,
    resource: &'static str,
    position: &Position,
) -> Result<(Page, PreparedPage), ConnectorError> {
    let page = connector.fetch_page(resource, position).await?;
    let prepared = tokio::task::spawn_blocking(move || {
        let prepared = PreparedPage::new(resource, &page.records);
        (page, prepared)
    })
    .await
    .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
    Ok(prepared)
}

async fn sync_resource(
    workspace: &Workspace,
    account: &Account,
    connector: &dyn Connector,
    resource: &Resource,
    full: bool,
    now: DateTime<Utc>,
    progress: &(dyn Fn(&ProgressEvent) + Send + Sync),
) -> Result<ResourceSummary, SyncError> {
    let store = workspace.store();
    let before = store.sync_state(account.id, resource.name).await?;
    let resumed = !full && before.is_some_and(|s| s.resumes());
    let state = store.begin_pass(account.id, resource.name, full).await?;
    if resumed {
        tracing::info!(account = %account.name, resource = resource.name, "resuming a pass left unfinished");
    }
    progress(&ProgressEvent::ResourceStarted {
        account: account.name.clone(),
        provider: account.provider,
        resource: resource.name.to_string(),
        resumed,
    });
    let mut pass = state.pass;
    let mut position = Position::from_text(state.position.as_deref());
    let mut counts = Counts::default();
    let mut pages = 0u64;
    let mut restarts = 0u32;
    let mut unchanged = false;
    let mut fetched = fetch_prepared(connector, resource.name, &position).await;
    let failure: Option<ConnectorError> = loop {
        let (page, prepared) = match fetched {
            Ok(fetched) => fetched,
            Err(e) => break Some(e),
        };
        let (end, next, finished) = match page.next {
            Next::More(p) => (PassEnd::Continues, p, false),
            Next::Done(p) => {
                let end = match resource.mode {
                    // What started before the listing's own "now" at completion has
                    // left it by moving into the past, not by being deleted. The pass's
                    // start would be wrong for a pass resumed later: what started in the
                    // gap left the listing too.
                    SyncMode::Snapshot { keep_past } => PassEnd::CompletesSnapshot {
                        kinds: resource.kinds,
                        keep_starting_before: keep_past.then(|| page.server_time.unwrap_or(now)),
                    },
                    SyncMode::Incremental => PassEnd::Completes,
                };
                (end, p, true)
            }
            Next::DoneChangesOnly(p) => (PassEnd::Completes, p, true),
            Next::Restart(p) => (PassEnd::Restarts, p, false),
            Next::Unchanged => {
                unchanged = true;
                (PassEnd::Completes, position.clone(), true)
            }
        };
        let restarting = end == PassEnd::Restarts;
        let last = finished || (restarting && restarts >= MAX_RESTARTS);
        let text = next.to_text();
        let write = PageWrite {
            account_id: account.id,
            resource: resource.name,
            pass,
            records: &page.records,
            skipped: &page.skipped,
            position: text.as_deref(),
            end,
        };
        let write = store.write_prepared(&write, &prepared);
        // While the page is written on the store's thread, the next one is fetched and
        // prepared, so the network wait and the JSON work overlap the SQL. A page fetched
        // ahead is only ever written after this one.
        let (outcome, ahead) = if last {
            (write.await, None)
        } else {
            let (outcome, ahead) =
                tokio::join!(write, fetch_prepared(connector, resource.name, &next));
            (outcome, Some(ahead))
        };
        let outcome = outcome?;
        pass = outcome.pass;
        counts += outcome.counts;
        pages += 1;
        progress(&ProgressEvent::PageWritten {
            account: account.name.clone(),
            resource: resource.name.to_string(),
            records: page.records.len(),
            pages,
            counts,
        });
        if finished {
            break None;
        }
        if restarting {
            restarts += 1;
            tracing::info!(account = %account.name, resource = resource.name, "the data moved during the read; starting the pass over");
            if restarts > MAX_RESTARTS {
                break Some(ConnectorError::Api {
                    code: Some("kept_changing".into()),
                    message: format!(
                        "the data changed during every one of {restarts} attempts to read it"
                    ),
                    retryable: true,
                });
            }
        }
        position = next;
        fetched = ahead.expect("the next page is fetched unless this one is the last");
    };
    let (outcome, error) = match &failure {
        None if unchanged && counts == Counts::default() => (Outcome::Unchanged, None),
        None => (Outcome::Synced, None),
        Some(e) => {
            let outcome = match e.root() {
                ConnectorError::Unauthorized { .. } => Outcome::NeedsCredential,
                ConnectorError::Forbidden { .. } => Outcome::NotPermitted,
                _ => Outcome::Failed,
            };
            (outcome, Some(e))
        }
    };
    if let Some(e) = error {
        tracing::warn!(account = %account.name, resource = resource.name, error = %e, "resource not synced");
    }
    store
        .finish_resource(
            account.id,
            resource.name,
            now,
            counts,
            error
                .map(|e| (e.code(), e.to_string()))
                .as_ref()
                .map(|(c, m)| (*c, m.as_str())),
        )
        .await?;
    Ok(ResourceSummary {
        account: account.name.clone(),
        provider: account.provider,
        resource: resource.name.to_string(),
        outcome,
        counts,
        pages,
        requests: 0, // set by the caller, which owns the connector's request count
        restarts,
        error_code: error.map(|e| e.code().to_string()),
        error: error.map(|e| e.to_string()),
        kinds: resource.kinds.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn policy(minutes: u64) -> SyncPolicy {
        SyncPolicy {
            every: Duration::from_secs(minutes * 60),
            ..SyncPolicy::default()
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn succeeded(at_text: &str) -> SyncState {
        SyncState {
            account_id: 1,
            resource: "flight-log".into(),
            position: Some("{}".into()),
            pass: 3,
            in_pass: false,
            last_success_at: Some(at(at_text)),
            last_attempt_at: Some(at(at_text)),
            last_error: None,
            last_error_code: None,
            last_counts: None,
        }
    }

    #[test]
    fn a_resource_is_due_once_its_interval_has_passed_and_not_a_millisecond_before() {
        let state = succeeded("2026-03-02T09:00:00Z");
        let p = policy(60);
        assert!(!is_due(&p, Some(&state), at("2026-03-02T09:59:59.999Z")));
        assert!(is_due(&p, Some(&state), at("2026-03-02T10:00:00Z")));
        assert!(is_due(&policy(0), Some(&state), at("2026-03-02T09:00:00Z")));
    }

    #[test]
    fn never_synced_failed_or_unfinished_resources_are_always_due() {
        let now = at("2026-03-02T09:01:00Z");
        let p = policy(24 * 60);
        assert!(is_due(&p, None, now));
        let mut never = succeeded("2026-03-02T09:00:00Z");
        never.last_success_at = None;
        assert!(is_due(&p, Some(&never), now));
        let mut failed = succeeded("2026-03-02T09:00:00Z");
        failed.last_error_code = Some("network".into());
        assert!(is_due(&p, Some(&failed), now));
        let mut unfinished = succeeded("2026-03-02T09:00:00Z");
        unfinished.in_pass = true;
        assert!(is_due(&p, Some(&unfinished), now));
        assert!(!is_due(&p, Some(&succeeded("2026-03-02T09:00:00Z")), now));
    }

    #[test]
    fn a_clock_that_went_backwards_makes_it_due_and_an_endless_interval_never() {
        let state = succeeded("2026-03-02T09:00:00Z");
        let endless = SyncPolicy {
            every: Duration::MAX,
            ..SyncPolicy::default()
        };
        assert!(!is_due(&endless, Some(&state), at("2099-01-01T00:00:00Z")));
        assert!(is_due(
            &policy(15),
            Some(&state),
            at("2020-01-01T00:00:00Z")
        ));
    }
}
