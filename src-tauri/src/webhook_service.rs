//! The optional webhook receiver inside the app: started, moved or stopped as the user's
//! preference says, with a short log of what it did for the Settings view. Each accepted
//! post syncs what it names (`flightdesk_sync::webhooks` does that); the Sync view is told
//! when such a sync ends.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, Weak};

use chrono::Utc;
use flightdesk_core::preferences::WebhookPreferences;
use flightdesk_ipc::{UiError, WebhookActivityLine, WebhookStatus, WEBHOOK_STATUS_EVENT};
use flightdesk_sync::runner::Runner;
use flightdesk_sync::webhooks::{self, WebhookActivity, WebhookServeOptions, WebhookServer};
use flightdesk_workspace::Workspace;
use tauri::{AppHandle, Emitter};

use crate::sync_service::AppJob;

/// How many lines of activity the Settings view shows.
const RECENT_LINES: usize = 20;

#[derive(Clone)]
pub struct WebhookService {
    inner: Arc<Inner>,
}

struct Inner {
    app: AppHandle,
    workspace: Workspace,
    sync: Runner,
    /// The runner's job, so a post on the demo workspace syncs against its sandbox too.
    job: AppJob,
    recent: Mutex<VecDeque<WebhookActivityLine>>,
    running: tokio::sync::Mutex<Running>,
}

#[derive(Default)]
struct Running {
    enabled: bool,
    server: Option<WebhookServer>,
    /// The address the user asked for (port 0 yields another actual port).
    requested: Option<SocketAddr>,
    error: Option<UiError>,
}

impl WebhookService {
    /// A stopped receiver; [`apply`](Self::apply) starts it when the preference says so.
    pub fn new(app: AppHandle, workspace: Workspace, sync: Runner, job: AppJob) -> Self {
        Self {
            inner: Arc::new(Inner {
                app,
                workspace,
                sync,
                job,
                recent: Mutex::new(VecDeque::new()),
                running: tokio::sync::Mutex::new(Running::default()),
            }),
        }
    }

    /// Starts, restarts on a new address, refreshes the accounts of, or stops the receiver.
    pub async fn apply(&self, prefs: &WebhookPreferences) {
        let mut running = self.inner.running.lock().await;
        running.enabled = prefs.enabled;
        let wanted = prefs.enabled.then(|| prefs.bind_addr());
        if let (Some(server), Some(Ok(addr))) = (&running.server, &wanted) {
            if running.requested == Some(*addr) {
                // Same address: only pick up accounts connected since it started.
                if let Err(error) = server.reload().await {
                    tracing::warn!(%error, "cannot refresh the webhook routes");
                }
                drop(running);
                self.inner.emit_status().await;
                return;
            }
        }
        if let Some(server) = running.server.take() {
            server.shutdown().await;
        }
        running.requested = None;
        running.error = None;
        match wanted {
            None => {}
            Some(Err(error)) => {
                running.error = Some(UiError::new("webhook_address", error.to_string()))
            }
            Some(Ok(addr)) => {
                let weak = Arc::downgrade(&self.inner);
                let on_activity = move |activity: &WebhookActivity| on_activity(&weak, activity);
                let options = WebhookServeOptions {
                    bind: addr,
                    ..WebhookServeOptions::default()
                };
                let job = Arc::new(self.inner.job.clone());
                let started =
                    webhooks::start_with_job(&self.inner.workspace, options, job, on_activity);
                match started.await {
                    Ok(server) => {
                        tracing::info!(addr = %server.addr(), "webhook receiver listening");
                        running.server = Some(server);
                        running.requested = Some(addr);
                    }
                    Err(error) => {
                        tracing::warn!(%error, %addr, "cannot start the webhook receiver");
                        running.error = Some(UiError::new(
                            "webhook_receiver",
                            format!("The webhook receiver cannot listen on {addr}: {error}"),
                        ));
                    }
                }
            }
        }
        drop(running);
        self.inner.emit_status().await;
    }

    pub async fn status(&self) -> WebhookStatus {
        self.inner.status().await
    }
}

impl Inner {
    async fn status(&self) -> WebhookStatus {
        let running = self.running.lock().await;
        let server = running.server.as_ref();
        WebhookStatus {
            enabled: running.enabled,
            listening_on: server.map(|s| s.addr().to_string()),
            exposure_warning: server.and_then(|s| webhooks::exposure_warning(s.addr())),
            urls: server.map(WebhookServer::urls).unwrap_or_default(),
            skipped: server.map(WebhookServer::skipped).unwrap_or_default(),
            error: running.error.clone(),
            recent: self.lock_recent().iter().cloned().collect(),
        }
    }

    async fn emit_status(&self) {
        let status = self.status().await;
        if let Err(error) = self.app.emit(WEBHOOK_STATUS_EVENT, &status) {
            tracing::warn!(%error, "cannot send the webhook status to the window");
        }
    }

    fn lock_recent(&self) -> std::sync::MutexGuard<'_, VecDeque<WebhookActivityLine>> {
        self.recent.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Called from the receiver's worker for everything it does.
fn on_activity(inner: &Weak<Inner>, activity: &WebhookActivity) {
    let Some(inner) = inner.upgrade() else { return };
    let Some((text, ok)) = describe(activity) else {
        return;
    };
    {
        let mut recent = inner.lock_recent();
        recent.push_front(WebhookActivityLine {
            at: Utc::now(),
            text,
            ok,
        });
        recent.truncate(RECENT_LINES);
    }
    if matches!(
        activity,
        WebhookActivity::SyncFinished { .. } | WebhookActivity::SyncFailed { .. }
    ) {
        let sync = inner.sync.clone();
        // Reports are numbered, so this one cannot overtake a newer one in the window.
        tauri::async_runtime::spawn(async move { sync.refresh().await });
    }
    tauri::async_runtime::spawn(async move { inner.emit_status().await });
}

/// A sentence for the activity log; `None` for progress, which the log does not show.
fn describe(activity: &WebhookActivity) -> Option<(String, bool)> {
    Some(match activity {
        WebhookActivity::Accepted(e) => (
            format!(
                "{} sent {} for {}",
                e.provider.display_name(),
                e.event,
                e.account
            ),
            true,
        ),
        WebhookActivity::Ignored { event, reason } => (
            format!("{} for {} ignored: {reason}", event.event, event.account),
            true,
        ),
        WebhookActivity::SyncStarted { .. } | WebhookActivity::Progress(_) => return None,
        WebhookActivity::SyncFinished {
            account,
            resources,
            report,
            ..
        } => {
            let t = report.totals();
            let failed = report.failed();
            let verb = if failed {
                "Synced with errors"
            } else {
                "Synced"
            };
            (
                format!(
                    "{verb} {} of {account}: {} new, {} updated, {} removed",
                    resources.join(", "),
                    t.new,
                    t.updated,
                    t.removed
                ),
                !failed,
            )
        }
        WebhookActivity::SyncFailed { account, error, .. } => (
            format!("The sync of {account} could not run: {error}"),
            false,
        ),
    })
}
