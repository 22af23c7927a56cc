//! `board` and `trainings` on a demo workspace: the CLI twins of the dispatcher's board
//! and the trainings view.

mod common;

use std::collections::BTreeSet;

use common::{json, run, text};
use serde_json::Value;

fn ids(list: &Value) -> BTreeSet<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn board_and_trainings_answer_from_the_demo_cache() {
    let dir = tempfile::tempdir().unwrap();
    let demo = run(dir.path(), &["demo"], None).await;
    assert!(demo.status.success(), "{}", text(&demo.stderr));

    let at = "2026-03-02T23:30:00Z";
    let b = json(dir.path(), &["board", "--at", at, "--tz", "Europe/Madrid"]).await;
    assert_eq!(b["now"], at);
    // 23:30 UTC is already the next day in Madrid.
    assert_eq!(
        (&b["time_zone"], &b["day"]),
        (&"Europe/Madrid".into(), &"2026-03-03".into())
    );
    let mut unified = ids(&json(dir.path(), &["entities", "--kind", "aircraft"]).await);
    unified.extend(ids(
        &json(dir.path(), &["entities", "--kind", "simulator"]).await
    ));
    assert_eq!(ids(&b["aircraft"]["aircraft"]), unified);
    assert_eq!(b["crew"]["source"], "cache");
    assert!(!b["crew"]["roles"].as_array().unwrap().is_empty());
    for section in ["crew", "aircraft", "movements"] {
        assert!(b[section]["as_of"].is_string(), "{section}: {}", b[section]);
    }

    let t = json(dir.path(), &["trainings"]).await;
    let trainings = t["trainings"].as_array().unwrap();
    assert!(!trainings.is_empty());
    assert!(trainings.iter().all(|x| x["students"].is_array()));
    let nobody = run(dir.path(), &["trainings", "--person", "Nobody Atall"], None).await;
    assert_eq!(nobody.status.code(), Some(2), "{}", text(&nobody.stderr));
    assert!(text(&nobody.stderr).contains("Nobody Atall"));
}
