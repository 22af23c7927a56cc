//! `entities`, `link` and `unlink` on a demo workspace: the CLI twin of the window's
//! unified entities.

mod common;

use common::{run, text};
use serde_json::Value;

fn holding<'a>(list: &'a Value, key: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["key"] == key)
        })
        .unwrap_or_else(|| panic!("{key} is in no entity"))
}

#[tokio::test]
async fn entities_list_unified_aircraft_and_unlink_keeps_two_sources_apart() {
    let dir = tempfile::tempdir().unwrap();
    let demo = run(dir.path(), &["demo"], None).await;
    assert!(demo.status.success(), "{}", text(&demo.stderr));

    let listed = run(dir.path(), &["entities", "--kind", "aircraft"], None).await;
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let list: Value = serde_json::from_slice(&listed.stdout).unwrap();
    let shared = list
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["sources"].as_array().unwrap().len() >= 2)
        .unwrap_or_else(|| panic!("an aircraft known to two systems: {list:#}"));
    assert_eq!(shared["kind"], "aircraft");
    assert_eq!(shared["sources"][1]["matched_by"], "same registration");
    let a = shared["sources"][0]["key"].as_str().unwrap().to_string();
    let b = shared["sources"][1]["key"].as_str().unwrap().to_string();

    let unlink = run(dir.path(), &["unlink", &a, &b], None).await;
    assert!(unlink.status.success(), "{}", text(&unlink.stderr));
    let after = run(dir.path(), &["entities", "--kind", "aircraft"], None).await;
    let after: Value = serde_json::from_slice(&after.stdout).unwrap();
    assert_ne!(holding(&after, &a)["id"], holding(&after, &b)["id"]);

    let typo = run(dir.path(), &["link", &a, "airbly/nobody/none"], None).await;
    assert_eq!(typo.status.code(), Some(2), "{}", text(&typo.stderr));
    assert!(text(&typo.stderr).contains("airbly/nobody/none"));
}
