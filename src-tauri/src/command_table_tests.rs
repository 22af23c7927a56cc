//! The command table (`flightdesk-commands`) is the one list of commands; the handler list
//! in `lib.rs` and the window's capability must name exactly the same ones. Tauri checks
//! neither direction fully (a handler missing from the table is refused only at run
//! time, a permission missing from the capability too), so these tests do.

use std::collections::BTreeSet;

fn table() -> BTreeSet<String> {
    flightdesk_commands::COMMANDS
        .iter()
        .map(|c| c.name.to_string())
        .collect()
}

#[test]
fn every_command_in_the_table_has_a_handler_and_no_other() {
    let source = include_str!("lib.rs");
    let start = source
        .find("generate_handler![")
        .expect("lib.rs registers its handlers");
    let list = &source[start + "generate_handler![".len()..];
    let list = &list[..list.find(']').expect("the handler list ends")];
    let handlers: BTreeSet<String> = list
        .split(',')
        .map(str::trim)
        .filter(|path| !path.is_empty())
        .map(|path| path.rsplit("::").next().unwrap_or(path).to_string())
        .collect();
    assert_eq!(handlers, table(), "generate_handler! and COMMANDS differ");
}

#[test]
fn the_main_window_may_call_every_command_in_the_table_and_no_other() {
    let capability: serde_json::Value =
        serde_json::from_str(include_str!("../capabilities/main.json")).expect("valid JSON");
    let allowed: BTreeSet<String> = capability["permissions"]
        .as_array()
        .expect("a permission list")
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(|p| p.replace('-', "_"))
        .collect();
    assert_eq!(
        allowed,
        table(),
        "capabilities/main.json and COMMANDS differ"
    );
}
