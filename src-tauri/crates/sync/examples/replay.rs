//! Outbox benchmark: queue 1,000 Flylogs classes (each with its optimistic change, as the
//! window does) and replay them against the sandbox over loopback.
//!
//! `cargo run --release -p flightdesk-sync --example replay -- [--writes N] [--dir DIR]`
//!
//! Prints the time to queue them (one transaction each), the replay's total and per-write
//! time, and checks that every write was sent exactly once.

mod support;

use std::time::Instant;

use chrono::{Duration, Utc};
use flightdesk_connectors::flylogs::ClassDraft;
use flightdesk_core::{Kind, Provider};
use flightdesk_store::OutboxState;
use flightdesk_sync::class_writes::{self, Shown};
use flightdesk_sync::SyncOptions;
use support::Bench;

#[tokio::main]
async fn main() {
    if support::serve_sandbox_if_asked().await {
        return;
    }
    let writes: usize = support::arg("--writes")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let bench = Bench::start("demo").await;
    let workspace = &bench.workspace;
    let store = workspace.store();
    let only_flylogs = SyncOptions {
        provider: Some(Provider::Flylogs),
        ..Default::default()
    };
    flightdesk_sync::sync(workspace, &only_flylogs, &|_| {})
        .await
        .expect("the first sync runs");

    let account = store
        .accounts()
        .await
        .expect("accounts")
        .into_iter()
        .find(|a| a.provider == Provider::Flylogs)
        .expect("a Flylogs account");
    let classes = store
        .export_kind(Kind::Classes, false)
        .await
        .expect("classes");
    let subjects = store
        .export_kind(Kind::Subjects, false)
        .await
        .expect("subjects");
    let enrolments = store
        .export_kind(Kind::Enrolments, false)
        .await
        .expect("enrolments");
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let teacher = classes
        .iter()
        .find_map(|c| text(&c["instructor_id"]))
        .expect("a teacher");
    // A subject and a student enrolled in its training (Flylogs refuses anyone else).
    let (subject, student) = subjects
        .iter()
        .find_map(|s| {
            let e = enrolments.iter().find(|e| {
                e["training_id"] == s["training_id"]
                    && e["class_id"].is_null()
                    && e["person_id"].is_string()
            })?;
            Some((text(&s["source_id"])?, text(&e["person_id"])?))
        })
        .expect("a subject with an enrolled student");

    let first = Utc::now() + Duration::days(60);
    let started = Instant::now();
    for n in 0..writes {
        let start = first + Duration::minutes(90 * n as i64);
        let draft = ClassDraft {
            subject_id: subject.clone(),
            lesson_id: None,
            exam_id: None,
            start,
            teacher_id: teacher.clone(),
            location_id: None,
            student_ids: vec![student.clone()],
            remarks: format!("bench {n}"),
            notify: false,
        };
        let shown = Shown {
            ends_at: Some(start + Duration::minutes(60)),
            name: Some(format!("Bench class {n}")),
        };
        class_writes::schedule_class(store, account.id, &draft, &shown)
            .await
            .expect("the write is queued");
    }
    let queued = started.elapsed();
    println!(
        "queued {writes} writes with their optimistic changes in {:.0} ms ({:.2} ms each)",
        queued.as_secs_f64() * 1e3,
        queued.as_secs_f64() * 1e3 / writes as f64
    );

    let started = Instant::now();
    let report = flightdesk_sync::replay(workspace, &SyncOptions::default(), &|_| {})
        .await
        .expect("the replay runs");
    let replayed = started.elapsed();
    println!(
        "replayed {} writes in {:.2} s ({:.2} ms each; {} failed, {} rejected)",
        report.sent.len(),
        replayed.as_secs_f64(),
        replayed.as_secs_f64() * 1e3 / report.sent.len().max(1) as f64,
        report.failed.len(),
        report.rejected.len()
    );
    let rows = store.outbox().await.expect("the outbox");
    if let Some(refused) = rows.iter().find(|r| r.state == OutboxState::Rejected) {
        println!("refused: {}", refused.last_error.as_deref().unwrap_or(""));
    }
    let sent = rows.iter().filter(|r| r.state == OutboxState::Sent).count();
    let remote: std::collections::BTreeSet<_> =
        rows.iter().filter_map(|r| r.remote_id.clone()).collect();
    println!(
        "{sent} of {} rows sent; {} distinct classes made",
        rows.len(),
        remote.len()
    );
    assert_eq!(sent, writes, "every write is sent");
    assert_eq!(remote.len(), writes, "each write made one class");
    bench.stop().await;
}
