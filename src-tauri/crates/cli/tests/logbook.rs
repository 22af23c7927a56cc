//! `logbook`, `currency` and `totals` on a demo workspace: the CLI twins of the Logbook
//! view, with the MyFlightbook CSV and the user's annotations.

mod common;

use common::{json, run, text};

#[tokio::test]
async fn a_pilots_logbook_currency_and_totals_from_the_demo_cache() {
    let dir = tempfile::tempdir().unwrap();
    let demo = run(dir.path(), &["demo"], None).await;
    assert!(demo.status.success(), "{}", text(&demo.stderr));

    // Without --person and with no "me" in the settings, the CLI asks whose logbook.
    let nobody = run(dir.path(), &["logbook"], None).await;
    assert_eq!(nobody.status.code(), Some(2), "{}", text(&nobody.stderr));
    assert!(text(&nobody.stderr).contains("--person"));

    let people = json(dir.path(), &["logbook", "people"]).await;
    let busiest = &people.as_array().unwrap()[0];
    let id = busiest["person"]["id"].as_str().unwrap().to_string();
    let name = busiest["person"]["name"].as_str().unwrap().to_string();

    // By name or by id: the same logbook, every column with where it came from.
    let by_id = json(dir.path(), &["logbook", "--person", &id]).await;
    let by_name = json(dir.path(), &["logbook", "--person", &name]).await;
    assert_eq!(by_id, by_name);
    let entries = by_id["entries"].as_array().unwrap();
    assert_eq!(entries.len() as u64, busiest["entries"].as_u64().unwrap());
    let merged = entries
        .iter()
        .find(|e| e["sources"].as_array().unwrap().len() > 1)
        .expect("an entry with several sources");
    for s in merged["sources"].as_array().unwrap() {
        assert!(s["source"].is_string() && s["account"].is_string() && s["source_id"].is_string());
    }
    assert_eq!(merged["total_hours"]["from"]["kind"], "source");

    // "me" in the app's settings is the default person.
    std::fs::write(
        dir.path().join("settings.json"),
        serde_json::json!({ "preferences": { "me": id } }).to_string(),
    )
    .unwrap();
    assert_eq!(json(dir.path(), &["logbook"]).await, by_id);

    // A date range keeps only its days.
    let first = entries[0]["date"].as_str().unwrap();
    let one_day = json(dir.path(), &["logbook", "--from", first, "--to", first]).await;
    let days: Vec<&str> = one_day["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    assert!(!days.is_empty() && days.iter().all(|d| *d == first));

    // Annotating: a formula in the remarks is escaped in the CSV.
    let entry = merged["id"].as_str().unwrap();
    let shown = json(
        dir.path(),
        &[
            "logbook",
            "annotate",
            entry,
            "--remarks",
            "=cmd|' /C calc'!A0",
            "--approaches",
            "2",
        ],
    )
    .await;
    assert_eq!(shown["remarks"]["from"]["kind"], "annotation");
    assert_eq!(shown["approaches"]["value"], 2);
    let csv = run(dir.path(), &["logbook", "--format", "csv"], None).await;
    assert!(csv.status.success(), "{}", text(&csv.stderr));
    let csv = text(&csv.stdout);
    assert!(csv.starts_with("Date,Tail Number,Approaches,Hold,Landings,FS Night Landings"));
    assert_eq!(csv.lines().count(), entries.len() + 1);
    assert!(csv.contains(",'=cmd|' /C calc'!A0,"), "{csv}");
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .ends_with(",Instructor Name,X-Country 50 NM,FlightDesk Entry"),
        "{csv}"
    );

    // Currency: one verdict per rule, with the fields scripts read.
    let at = entries.last().unwrap()["date"].as_str().unwrap();
    let c = json(dir.path(), &["currency", "--at", at]).await;
    let verdicts = c["verdicts"].as_array().unwrap();
    assert!(
        verdicts.iter().any(|v| v["rule"] == "14 CFR 61.57(a)"),
        "{c}"
    );
    for v in verdicts {
        assert!(v["current"].is_boolean());
        assert!(v["counted"].is_array());
        assert!(v.get("until").is_some() && v.get("missing").is_some());
    }

    let t = json(dir.path(), &["totals", "--at", at]).await;
    let periods: Vec<&str> = t["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["period"].as_str().unwrap())
        .collect();
    assert_eq!(
        periods,
        ["last_30_days", "last_90_days", "last_365_days", "all_time"]
    );
    let all_time = &t["periods"][3]["all"];
    assert!(all_time["cross_country_50nm"].is_number(), "{all_time}");
    assert!(
        all_time["cross_country_50nm"].as_f64() <= all_time["cross_country"].as_f64(),
        "{all_time}"
    );
    // Entries' JSON carries the places and the 61.1 (ii) column.
    assert!(entries
        .iter()
        .all(|e| e.get("places").is_some() && e.get("cross_country_50nm_hours").is_some()));

    // An entry id that does not exist is a usage error that names it.
    let bad = run(dir.path(), &["logbook", "merge", "nope", entry], None).await;
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
    assert!(text(&bad.stderr).contains("nope"));
}
