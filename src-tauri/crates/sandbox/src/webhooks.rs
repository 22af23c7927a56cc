//! Outgoing webhook deliveries (AviationAlley events, Airbly asset pushes, ...).
//!
//! Endpoints are registered per provider (admin API, or `--webhook URL` at start). A
//! delivery is POSTed to each of the provider's endpoints in the background and retried
//! every `Timers::webhook_retry` until the provider's acceptance rule says yes or
//! `Timers::webhook_max_attempts` is reached. Every attempt is logged and visible at
//! `GET /_sandbox/webhooks/deliveries`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;

use crate::Provider;

#[derive(Clone, Debug, Serialize)]
pub struct Endpoint {
    pub id: u32,
    pub provider: Provider,
    pub url: String,
    /// HMAC signing secret (providers that sign).
    pub secret: String,
    /// Event types to send; empty = all.
    pub events: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeliveryLog {
    pub id: u64,
    pub endpoint: u32,
    pub provider: Provider,
    pub event: String,
    pub url: String,
    pub attempts: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub delivered: bool,
    pub gave_up: bool,
    /// The exact body sent (as a string).
    pub body: String,
}

/// One thing to deliver.
pub struct Delivery {
    pub provider: Provider,
    pub event: String,
    pub body: Vec<u8>,
    /// If set, this header carries hex HMAC-SHA256 of the body under the endpoint secret.
    pub signature_header: Option<&'static str>,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Decides whether a response counts as delivered (status, body).
    pub accept: fn(u16, &[u8]) -> bool,
}

/// 2xx counts as delivered.
pub fn accept_2xx(status: u16, _body: &[u8]) -> bool {
    (200..300).contains(&status)
}

pub fn sign_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("hmac key");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

pub struct Hub {
    endpoints: Mutex<Vec<Endpoint>>,
    log: Arc<Mutex<Vec<DeliveryLog>>>,
    client: reqwest::Client,
    retry: Duration,
    max_attempts: u32,
    seq: std::sync::atomic::AtomicU64,
}

impl Hub {
    pub fn new(retry: Duration, max_attempts: u32) -> Self {
        Hub {
            endpoints: Mutex::new(vec![]),
            log: Arc::new(Mutex::new(vec![])),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("http client"),
            retry,
            max_attempts: max_attempts.max(1),
            seq: Default::default(),
        }
    }

    /// A per-sandbox event counter (1, 2, ...) for building event ids.
    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
    }

    pub fn register(
        &self,
        provider: Provider,
        url: &str,
        secret: Option<String>,
        events: Vec<String>,
    ) -> Endpoint {
        let mut eps = self.endpoints.lock().expect("hooks lock");
        let id = eps.len() as u32 + 1;
        let secret = secret.unwrap_or_else(|| {
            format!(
                "whsec_{}",
                &sign_hex("sandbox", format!("{provider}{id}{url}").as_bytes())[..32]
            )
        });
        let ep = Endpoint {
            id,
            provider,
            url: url.into(),
            secret,
            events,
        };
        eps.push(ep.clone());
        ep
    }

    pub fn remove(&self, id: u32) -> bool {
        let mut eps = self.endpoints.lock().expect("hooks lock");
        let n = eps.len();
        eps.retain(|e| e.id != id);
        eps.len() != n
    }

    pub fn endpoints(&self, provider: Option<Provider>) -> Vec<Endpoint> {
        let eps = self.endpoints.lock().expect("hooks lock");
        eps.iter()
            .filter(|e| provider.is_none_or(|p| e.provider == p))
            .cloned()
            .collect()
    }

    pub fn log(&self) -> Vec<DeliveryLog> {
        self.log.lock().expect("hooks log").clone()
    }

    /// Queues the delivery to every matching endpoint; returns the delivery log ids.
    pub fn send(&self, d: Delivery) -> Vec<u64> {
        let eps: Vec<Endpoint> = self
            .endpoints(Some(d.provider))
            .into_iter()
            .filter(|e| e.events.is_empty() || e.events.contains(&d.event))
            .collect();
        let mut ids = vec![];
        let body = bytes::Bytes::from(d.body);
        for ep in eps {
            let id = {
                let mut log = self.log.lock().expect("hooks log");
                let id = log.len() as u64 + 1;
                log.push(DeliveryLog {
                    id,
                    endpoint: ep.id,
                    provider: d.provider,
                    event: d.event.clone(),
                    url: ep.url.clone(),
                    attempts: 0,
                    last_status: None,
                    last_error: None,
                    delivered: false,
                    gave_up: false,
                    body: String::from_utf8_lossy(&body).into_owned(),
                });
                id
            };
            ids.push(id);
            let mut req = self
                .client
                .post(&ep.url)
                .header("content-type", "application/json")
                .header("user-agent", "flightdesk-sandbox-webhooks");
            if let Some(h) = d.signature_header {
                req = req.header(h, sign_hex(&ep.secret, &body));
            }
            for (k, v) in &d.headers {
                req = req.header(k.as_str(), v.as_str());
            }
            let log = self.log.clone();
            let (retry, max, accept, body) =
                (self.retry, self.max_attempts, d.accept, body.clone());
            let Some(req) = req.body(body).build().ok() else {
                continue;
            };
            let client = self.client.clone();
            tokio::spawn(async move {
                for attempt in 1..=max {
                    let Some(r) = req.try_clone() else { break };
                    let res = client.execute(r).await;
                    let (status, err, ok) = match res {
                        Ok(resp) => {
                            let st = resp.status().as_u16();
                            let b = resp.bytes().await.unwrap_or_default();
                            let ok = accept(st, &b);
                            (Some(st), (!ok).then(|| "not accepted".to_string()), ok)
                        }
                        Err(e) => (None, Some(e.to_string()), false),
                    };
                    {
                        let mut l = log.lock().expect("hooks log");
                        if let Some(e) = l.iter_mut().find(|e| e.id == id) {
                            e.attempts = attempt;
                            e.last_status = status;
                            e.last_error = err;
                            e.delivered = ok;
                            e.gave_up = !ok && attempt == max;
                        }
                    }
                    if ok {
                        break;
                    }
                    if attempt < max {
                        tokio::time::sleep(retry).await;
                    }
                }
            });
        }
        ids
    }
}
