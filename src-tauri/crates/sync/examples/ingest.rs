//! Store ingest benchmark (no network): decode, map and upsert pages of AviationAlley
//! booking JSON, 200 rows a page, one transaction per page, pipelined as the sync engine
//! pipelines them: each page is decoded, mapped and prepared on a blocking thread while
//! the page before it is written.
//!
//! Three passes over the same records, each a new pass as in a real sync: the first
//! ingest (all new), a re-ingest with nothing changed, and a re-ingest where every
//! record changed. The counts of each pass are checked.
//!
//! `cargo run --release -p flightdesk-sync --example ingest -- [RECORDS]`

use std::sync::Arc;
use std::time::{Duration, Instant};

use flightdesk_core::Provider;
use flightdesk_core::Record;
use flightdesk_secrets::MemoryStore;
use flightdesk_store::{Counts, NewAccount, PageWrite, PassEnd, PreparedPage};
use flightdesk_workspace::{SecretsBackend, Workspace};
use serde_json::json;

const PAGE: usize = 200;

fn page_bytes(first: usize, notes: &str) -> Vec<u8> {
    let data: Vec<_> = (first..first + PAGE)
        .map(|i| {
            json!({
                "id": format!("00000000-0000-4000-8000-{i:012}"),
                "centerId": "00000000-0c00-4eb1-81af-1af53fa81f26",
                "simulatorId": "00000000-0a00-4000-8000-000000000001",
                "simulatorName": "SIM-1 (FNPT II)",
                "traineeId": format!("00000000-1000-4000-8000-{:012}", i % 500),
                "traineeName": "Isla Zimmermann",
                "instructorId": "00000000-1000-4000-8000-000000000007",
                "instructorName": "Lena Ortiz",
                "startsAt": "2026-03-02T09:00:00Z",
                "endsAt": "2026-03-02T11:00:00Z",
                "status": "SCHEDULED",
                "notes": notes,
                "cancelledAt": null,
                "cancellationReason": null,
                "createdAt": "2026-02-20T16:12:00Z",
                "updatedAt": "2026-02-21T08:00:00Z",
            })
        })
        .collect();
    serde_json::to_vec(&json!({"data": data, "pagination": {"limit": PAGE, "nextCursor": "x"}}))
        .unwrap()
}

/// Decodes, maps and prepares one page on a blocking thread, and says how long it took.
async fn prepare(bytes: Arc<[u8]>) -> (Vec<Record>, PreparedPage, Duration) {
    tokio::task::spawn_blocking(move || {
        let t = Instant::now();
        let mut body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let recs = flightdesk_connectors::aviationalley::records_of("bookings", &mut body)
            .unwrap()
            .records;
        let prepared = PreparedPage::new("bookings", &recs);
        (recs, prepared, t.elapsed())
    })
    .await
    .unwrap()
}

#[tokio::main]
async fn main() {
    let records: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let pages_of = |notes: &str| -> Vec<Arc<[u8]>> {
        (0..records.div_ceil(PAGE))
            .map(|p| page_bytes(p * PAGE, notes).into())
            .collect()
    };
    let original = pages_of("Circuits and emergencies");
    let edited = pages_of("Circuits, emergencies and a diversion");
    let dir = tempfile::tempdir().unwrap();
    let workspace = Workspace::open(
        dir.path(),
        SecretsBackend::Memory(Arc::new(MemoryStore::new())),
    )
    .await
    .unwrap();
    let store = workspace.store();
    let account = store
        .upsert_account(&NewAccount {
            provider: Provider::AviationAlley,
            name: "bench".into(),
            base_url: "http://127.0.0.1:9".into(),
            options: Default::default(),
        })
        .await
        .unwrap();
    let n_records = (records.div_ceil(PAGE) * PAGE) as u64;
    let rounds = [
        (
            "first ingest (inserts)",
            &original,
            Counts {
                new: n_records,
                ..Default::default()
            },
        ),
        ("re-ingest (unchanged)", &original, Counts::default()),
        (
            "re-ingest (all changed)",
            &edited,
            Counts {
                updated: n_records,
                ..Default::default()
            },
        ),
    ];
    for (round, pages, expected) in rounds {
        let state = store
            .begin_pass(account.id, "bookings", false)
            .await
            .unwrap();
        let started = Instant::now();
        let mut n = 0;
        let mut counts = Counts::default();
        let mut decode = std::time::Duration::ZERO;
        // As the sync engine does: while one page is written, the next one is decoded,
        // mapped and prepared on a blocking thread.
        let mut ahead = Some(prepare(pages[0].clone()).await);
        for i in 0..pages.len() {
            let (recs, prepared, took) = ahead.take().expect("prepared ahead");
            decode += took;
            n += recs.len();
            // The last page completes the pass, so the next round is a new pass and every
            // row's `seen_pass` moves, as in a real sync.
            let end = if i + 1 == pages.len() {
                PassEnd::Completes
            } else {
                PassEnd::Continues
            };
            let page = PageWrite {
                account_id: account.id,
                resource: "bookings",
                pass: state.pass,
                records: &recs,
                skipped: &[],
                position: Some("{}"),
                end,
            };
            let write = store.write_prepared(&page, &prepared);
            let outcome = match pages.get(i + 1) {
                Some(bytes) => {
                    let (outcome, next) = tokio::join!(write, prepare(bytes.clone()));
                    ahead = Some(next);
                    outcome
                }
                None => write.await,
            };
            counts += outcome.unwrap().counts;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{round}: {n} records in {secs:.2} s = {:.0} records/s (decode, map and prepare {:.2} s, beside the writes); \
             new {}, updated {}, removed {}",
            n as f64 / secs,
            decode.as_secs_f64(),
            counts.new,
            counts.updated,
            counts.removed,
        );
        assert_eq!(counts, expected, "{round}: counts");
    }
}
