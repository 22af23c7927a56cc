//! The optional webhook receiver, fed from a workspace and feeding the engine.
//!
//! [`start`] reads the connected accounts that can receive pushes (AviationAlley accounts
//! with a signing secret in the keyring, Airbly accounts whose group is known), starts
//! [`flightdesk_webhooks`]'s receiver on `127.0.0.1` (unless the caller chooses another
//! address) and, for every accepted post, runs an incremental sync of just that account and
//! the resources the post names. Posts that arrive while a sync runs are merged: they lead
//! to one more sync of their account afterwards, not one each. What happens is reported to
//! the caller's callback as [`WebhookActivity`] values.
//!
//! Off by default: nothing listens unless the app or `flightdesk webhooks serve` calls
//! [`start`]. A real provider posts from the internet and needs a public URL (a tunnel or a
//! relay) in front of the receiver; see `docs/webhooks.md`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use flightdesk_connectors::{AccountConfig, ClientOptions};
use flightdesk_core::Provider;
use flightdesk_secrets::Secret;
use flightdesk_store::StoreError;
use flightdesk_webhooks::{Receiver, ReceiverConfig, Route};
use flightdesk_workspace::{Workspace, WorkspaceError};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};

use crate::runner::{self, EngineJob, Progress, SyncJob};
use crate::{LockPolicy, ProgressEvent, SyncOptions, SyncReport};

pub use flightdesk_webhooks::{WebhookEvent, DEFAULT_PORT};

/// The account option that holds an Airbly account's group UUID (learnt when connecting).
pub const AIRBLY_GROUP_OPTION: &str = "group_uuid";

/// Where the receiver listens unless the user chooses: `127.0.0.1:47810`.
pub fn default_bind() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT))
}

/// The warning to show when the receiver listens where other machines can reach it
/// (`0.0.0.0`, a LAN address): `None` on a loopback address. One sentence, shared by the
/// window and `flightdesk webhooks serve`.
pub fn exposure_warning(addr: SocketAddr) -> Option<String> {
    if addr.ip().is_loopback() {
        return None;
    }
    Some(format!(
        "{addr} is not a loopback address: anyone on that network can then trigger syncs \
         by posting to the receiver, and Airbly posts are unsigned (only their group is \
         checked). Use 127.0.0.1 with a tunnel or relay unless you trust every machine on \
         that network."
    ))
}

/// How the receiver runs.
#[derive(Debug, Clone)]
pub struct WebhookServeOptions {
    /// Defaults to [`default_bind`]; port 0 picks a free port.
    pub bind: SocketAddr,
    /// HTTP options of the syncs the posts trigger.
    pub client: ClientOptions,
}

impl Default for WebhookServeOptions {
    fn default() -> Self {
        WebhookServeOptions {
            bind: default_bind(),
            client: ClientOptions::default(),
        }
    }
}

/// Where a provider (or the tunnel in front of the receiver) posts for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AccountUrl {
    pub account: String,
    pub provider: Provider,
    /// The local URL, e.g. `http://127.0.0.1:47810/webhooks/aviationalley/school`.
    pub url: String,
    /// The path to append to a public URL that forwards to the receiver.
    pub path: String,
}

/// An account of a provider that pushes which cannot receive posts yet, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct SkippedAccount {
    pub account: String,
    pub provider: Provider,
    pub reason: String,
}

/// What the receiver and the syncs it triggers did, for the app or the CLI to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "activity", rename_all = "snake_case")]
pub enum WebhookActivity {
    /// A post was accepted; a sync of what it names follows (merged with other posts
    /// for the same account that arrive before it starts).
    Accepted(WebhookEvent),
    /// An accepted post names nothing FlightDesk caches (`bidding.*`, `quote.*`): no sync.
    Ignored { event: WebhookEvent, reason: String },
    /// An incremental sync for `posts` accepted posts starts.
    SyncStarted {
        account: String,
        provider: Provider,
        resources: Vec<String>,
        posts: usize,
    },
    /// Progress of that sync (as [`crate::sync`] reports it).
    Progress(ProgressEvent),
    /// The sync ended; per-resource outcomes are in the report.
    SyncFinished {
        account: String,
        provider: Provider,
        resources: Vec<String>,
        posts: usize,
        report: SyncReport,
    },
    /// The sync could not run at all (the account was removed, the store failed, ...).
    SyncFailed {
        account: String,
        provider: Provider,
        resources: Vec<String>,
        posts: usize,
        error: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookServeError {
    #[error(transparent)]
    Bind(#[from] flightdesk_webhooks::WebhookError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

/// The receiver's routes for a workspace.
#[derive(Debug, Clone, Default)]
pub struct WebhookRoutes {
    pub routes: Vec<Route>,
    /// AviationAlley and Airbly accounts that cannot receive posts yet.
    pub skipped: Vec<SkippedAccount>,
}

/// The routes of every connected account that can receive posts: AviationAlley accounts
/// with a signing secret in the keyring, Airbly accounts with a known group.
pub async fn routes(workspace: &Workspace) -> Result<WebhookRoutes, WebhookServeError> {
    let store = workspace.store();
    let mut out = WebhookRoutes::default();
    for account in store.accounts().await? {
        if !matches!(account.provider, Provider::AviationAlley | Provider::Airbly) {
            continue;
        }
        let skip = |reason: String| SkippedAccount {
            account: account.name.clone(),
            provider: account.provider,
            reason,
        };
        if store
            .account_health(account.id)
            .await?
            .disconnected_at
            .is_some()
        {
            out.skipped.push(skip("disconnected".into()));
            continue;
        }
        match account.provider {
            Provider::AviationAlley => match workspace.secrets().webhook_secret(&account).await? {
                Some(secret) if !secret.expose().is_empty() => out
                    .routes
                    .push(Route::aviationalley(account.name.clone(), secret)),
                _ => out.skipped.push(skip(format!(
                    "no signing secret: copy the endpoint's secret from AviationAlley and run \
                     `flightdesk webhooks secret {} --secret-stdin`",
                    account.name
                ))),
            },
            _ => match account
                .options
                .get(AIRBLY_GROUP_OPTION)
                .and_then(|v| v.as_str())
                .filter(|g| !g.trim().is_empty())
            {
                Some(group) => out.routes.push(Route::airbly(account.name.clone(), group)),
                None => out.skipped.push(skip(
                    "the group is not known yet: connect the account again (with verification) \
                     to learn it"
                        .into(),
                )),
            },
        }
    }
    Ok(out)
}

/// Stores (or replaces) the signing secret of an account's webhook endpoint in the
/// keyring. Only AviationAlley signs its posts.
pub async fn set_signing_secret(
    workspace: &Workspace,
    account: &str,
    secret: &Secret,
) -> Result<(), SigningSecretError> {
    let account = workspace.store().account(account).await?;
    if account.provider != Provider::AviationAlley {
        return Err(SigningSecretError::NotSigned(account.provider));
    }
    if secret.expose().trim().is_empty() {
        return Err(SigningSecretError::Empty);
    }
    workspace
        .secrets()
        .set_webhook_secret(&account, secret)
        .await?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum SigningSecretError {
    #[error(
        "{0} does not sign its webhook posts; only AviationAlley accounts have a signing secret"
    )]
    NotSigned(Provider),
    #[error("the signing secret is empty")]
    Empty,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
}

type Callback = Arc<dyn Fn(&WebhookActivity) + Send + Sync>;

/// A running receiver and the worker that syncs what its posts name.
pub struct WebhookServer {
    receiver: Receiver,
    workspace: Workspace,
    urls: RwLock<(Vec<AccountUrl>, Vec<SkippedAccount>)>,
    stop: Option<oneshot::Sender<()>>,
    worker: Option<tokio::task::JoinHandle<()>>,
}

/// Starts the receiver on `bind` for the accounts of `workspace`; see [`start_with`].
pub async fn start(
    workspace: &Workspace,
    bind: SocketAddr,
    on_activity: impl Fn(&WebhookActivity) + Send + Sync + 'static,
) -> Result<WebhookServer, WebhookServeError> {
    start_with(
        workspace,
        WebhookServeOptions {
            bind,
            ..WebhookServeOptions::default()
        },
        on_activity,
    )
    .await
}

/// Starts the receiver with the sync engine as its job; see [`start_with_job`].
pub async fn start_with(
    workspace: &Workspace,
    options: WebhookServeOptions,
    on_activity: impl Fn(&WebhookActivity) + Send + Sync + 'static,
) -> Result<WebhookServer, WebhookServeError> {
    let job = Arc::new(EngineJob {
        workspace: workspace.clone(),
    });
    start_with_job(workspace, options, job, on_activity).await
}

/// Starts the receiver and its sync worker. Every accepted post is reported, then synced
/// (incrementally, only its account and resources, merged with the posts that arrive
/// before that sync starts) by `job`, supervised as the runner supervises its runs: a sync
/// that panics is reported as [`WebhookActivity::SyncFailed`] and the next post still
/// syncs. `on_activity` is called from the worker task.
pub async fn start_with_job(
    workspace: &Workspace,
    options: WebhookServeOptions,
    job: Arc<dyn SyncJob>,
    on_activity: impl Fn(&WebhookActivity) + Send + Sync + 'static,
) -> Result<WebhookServer, WebhookServeError> {
    let found = routes(workspace).await?;
    let (tx, rx) = mpsc::unbounded_channel();
    let receiver = flightdesk_webhooks::start(
        ReceiverConfig {
            bind: options.bind,
            ..ReceiverConfig::default()
        },
        found.routes.clone(),
        tx,
    )
    .await?;
    let (stop_tx, stop_rx) = oneshot::channel();
    let worker = tokio::spawn(worker(
        job,
        options.client,
        rx,
        stop_rx,
        Arc::new(on_activity),
    ));
    let server = WebhookServer {
        urls: RwLock::new((vec![], vec![])),
        receiver,
        workspace: workspace.clone(),
        stop: Some(stop_tx),
        worker: Some(worker),
    };
    server.remember(&found);
    Ok(server)
}

impl WebhookServer {
    /// The address the receiver listens on.
    pub fn addr(&self) -> SocketAddr {
        self.receiver.addr()
    }

    /// The local URL of every account that can receive posts.
    pub fn urls(&self) -> Vec<AccountUrl> {
        self.urls.read().expect("urls lock").0.clone()
    }

    /// AviationAlley and Airbly accounts that cannot receive posts yet, and why.
    pub fn skipped(&self) -> Vec<SkippedAccount> {
        self.urls.read().expect("urls lock").1.clone()
    }

    /// The local URL for one account (whether or not it can receive posts).
    pub fn url_for(&self, provider: Provider, account: &str) -> String {
        self.receiver.url_for(provider, account)
    }

    /// Reads the accounts again (after a connect, disconnect, key rotation or a new
    /// signing secret) and replaces the receiver's routes.
    pub async fn reload(&self) -> Result<(), WebhookServeError> {
        let found = routes(&self.workspace).await?;
        self.receiver.set_routes(found.routes.clone());
        self.remember(&found);
        Ok(())
    }

    fn remember(&self, found: &WebhookRoutes) {
        let prefix = format!("http://{}", self.addr());
        let urls = found
            .routes
            .iter()
            .map(|r| {
                let provider = match r.kind {
                    flightdesk_webhooks::RouteKind::AviationAlley { .. } => Provider::AviationAlley,
                    flightdesk_webhooks::RouteKind::Airbly { .. } => Provider::Airbly,
                };
                let url = self.receiver.url_for(provider, &r.account);
                AccountUrl {
                    account: r.account.clone(),
                    provider,
                    path: url.strip_prefix(&prefix).unwrap_or(&url).to_string(),
                    url,
                }
            })
            .collect();
        *self.urls.write().expect("urls lock") = (urls, found.skipped.clone());
    }

    /// Stops listening, then stops the worker. A sync it was running is abandoned at its
    /// last written page and resumes with the next sync (pages are written atomically).
    pub async fn shutdown(mut self) {
        self.receiver.shutdown().await;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(worker) = self.worker.take() {
            let abort = worker.abort_handle();
            if tokio::time::timeout(Duration::from_secs(10), worker)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

/// The syncs waiting for one account.
struct Pending {
    provider: Provider,
    resources: BTreeSet<String>,
    posts: usize,
}

async fn worker(
    job: Arc<dyn SyncJob>,
    client: ClientOptions,
    mut events: mpsc::UnboundedReceiver<WebhookEvent>,
    mut stop: oneshot::Receiver<()>,
    notify: Callback,
) {
    let mut known: HashMap<Provider, Vec<&'static str>> = HashMap::new();
    let mut pending: BTreeMap<String, Pending> = BTreeMap::new();
    loop {
        if pending.is_empty() {
            let event = tokio::select! {
                _ = &mut stop => return,
                event = events.recv() => match event {
                    Some(e) => e,
                    None => return,
                },
            };
            accept(event, &mut pending, &mut known, &client, &notify);
        }
        // Whatever else has arrived joins the syncs already waiting.
        while let Ok(event) = events.try_recv() {
            accept(event, &mut pending, &mut known, &client, &notify);
        }
        let Some((account, pending_job)) = pending.pop_first() else {
            continue;
        };
        let run = run_sync(&*job, &client, account, pending_job, &notify);
        tokio::select! {
            _ = &mut stop => return,
            _ = run => {}
        }
    }
}

/// Reports an accepted post and adds what it names to the account's waiting sync.
fn accept(
    event: WebhookEvent,
    pending: &mut BTreeMap<String, Pending>,
    known: &mut HashMap<Provider, Vec<&'static str>>,
    client: &ClientOptions,
    notify: &Callback,
) {
    tracing::info!(account = %event.account, event = %event.event, "webhook post accepted");
    notify(&WebhookActivity::Accepted(event.clone()));
    let offered = known
        .entry(event.provider)
        .or_insert_with(|| resource_names(event.provider, client));
    let resources: Vec<String> = event
        .resources
        .iter()
        .filter(|r| offered.contains(&r.as_str()))
        .cloned()
        .collect();
    if resources.is_empty() {
        notify(&WebhookActivity::Ignored {
            reason: format!(
                "`{}` names nothing FlightDesk keeps ({})",
                event.event,
                event.resources.join(", ")
            ),
            event,
        });
        return;
    }
    let job = pending
        .entry(event.account.clone())
        .or_insert_with(|| Pending {
            provider: event.provider,
            resources: BTreeSet::new(),
            posts: 0,
        });
    job.resources.extend(resources);
    job.posts += 1;
}

/// The resources a provider's connector syncs.
fn resource_names(provider: Provider, client: &ClientOptions) -> Vec<&'static str> {
    let probe = AccountConfig {
        name: String::new(),
        base_url: "http://127.0.0.1".into(),
        credential: Secret::new(""),
        options: Default::default(),
        session: None,
    };
    match flightdesk_connectors::connect(provider, probe, client.clone()) {
        Ok(c) => c.resources().iter().map(|r| r.name).collect(),
        Err(e) => {
            tracing::warn!(%provider, error = %e, "cannot list the connector's resources");
            vec![]
        }
    }
}

async fn run_sync(
    sync_job: &dyn SyncJob,
    client: &ClientOptions,
    account: String,
    job: Pending,
    notify: &Callback,
) {
    let resources: Vec<String> = job.resources.into_iter().collect();
    notify(&WebhookActivity::SyncStarted {
        account: account.clone(),
        provider: job.provider,
        resources: resources.clone(),
        posts: job.posts,
    });
    let options = SyncOptions {
        provider: Some(job.provider),
        account: Some(account.clone()),
        resources: Some(resources.clone()),
        full: false,
        client: client.clone(),
        lock: LockPolicy::Wait,
        scheduled: false,
        now: None,
    };
    let forward = notify.clone();
    let progress: Progress =
        Arc::new(move |e: &ProgressEvent| forward(&WebhookActivity::Progress(e.clone())));
    match runner::supervise(sync_job, options, progress).await {
        Ok(report) => {
            tracing::info!(%account, ?resources, failed = report.failed(), "webhook-triggered sync finished");
            notify(&WebhookActivity::SyncFinished {
                account,
                provider: job.provider,
                resources,
                posts: job.posts,
                report,
            })
        }
        Err(e) => {
            tracing::warn!(%account, error = %e, "webhook-triggered sync could not run");
            notify(&WebhookActivity::SyncFailed {
                account,
                provider: job.provider,
                resources,
                posts: job.posts,
                error: e.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_address_other_machines_reach_is_warned_about() {
        assert_eq!(exposure_warning(default_bind()), None);
        assert_eq!(exposure_warning("[::1]:47810".parse().unwrap()), None);
        let warning = exposure_warning("0.0.0.0:47810".parse().unwrap()).unwrap();
        assert!(warning.contains("anyone on that network can then trigger syncs"));
        assert!(warning.contains("Airbly posts are unsigned"));
        assert!(exposure_warning("192.168.1.20:47810".parse().unwrap()).is_some());
    }
}
