use flightdesk_core::preferences::WindowState;
use flightdesk_core::{Preferences, Provider, Theme, UserRole};
use flightdesk_store::Account;
use flightdesk_workspace::WorkspaceKind;
use ts_rs::TS;

use crate::{AppInfo, ProviderInfo, UiError};

/// One Tauri command: its Rust name, its arguments and what it returns, in TypeScript.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub name: &'static str,
    pub args: &'static [(&'static str, &'static str)],
    pub returns: &'static str,
    pub doc: &'static str,
}

/// Every command the shell registers. The shell's `generate_handler!` list and this table
/// name the same functions; the end-to-end tests call each through the UI.
pub const COMMANDS: &[Command] = &[
    Command {
        name: "app_info",
        args: &[],
        returns: "AppInfo",
        doc: "The app version and the open workspace.",
    },
    Command {
        name: "get_preferences",
        args: &[],
        returns: "Preferences",
        doc: "The saved preferences, or the defaults.",
    },
    Command {
        name: "set_preferences",
        args: &[("preferences", "Preferences")],
        returns: "Preferences",
        doc: "Validates and saves preferences; rejects unknown time zones.",
    },
];

/// The whole `bindings.ts` file.
pub fn typescript() -> String {
    let mut out = String::from(
        "// Generated from the Rust types by `cargo test -p flightdesk-ipc` with\n\
         // UPDATE_BINDINGS=1. Do not edit: CI fails when this file is stale.\n\
         import { invoke } from \"@tauri-apps/api/core\";\n\n",
    );
    for decl in [
        Provider::decl(),
        Theme::decl(),
        UserRole::decl(),
        WindowState::decl(),
        Preferences::decl(),
        WorkspaceKind::decl(),
        Account::decl(),
        ProviderInfo::decl(),
        AppInfo::decl(),
        UiError::decl(),
    ] {
        out.push_str("export ");
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.push_str("/** Typed calls into the Rust backend; they reject with a `UiError`. */\n");
    out.push_str("export const commands = {\n");
    for command in COMMANDS {
        let params: Vec<String> = command
            .args
            .iter()
            .map(|(name, ty)| format!("{}: {ty}", camel_case(name)))
            .collect();
        let payload = if command.args.is_empty() {
            String::new()
        } else {
            let keys: Vec<String> = command.args.iter().map(|(n, _)| camel_case(n)).collect();
            format!(", {{ {} }}", keys.join(", "))
        };
        out.push_str(&format!(
            "  /** {} */\n  {}: ({}): Promise<{}> => invoke(\"{}\"{}),\n",
            command.doc,
            camel_case(command.name),
            params.join(", "),
            command.returns,
            command.name,
            payload
        ));
    }
    out.push_str("};\n");
    out
}

/// Tauri maps snake_case Rust argument names to camelCase JavaScript keys.
fn camel_case(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_case_matches_tauri_argument_naming() {
        assert_eq!(camel_case("set_preferences"), "setPreferences");
        assert_eq!(camel_case("app_info"), "appInfo");
        assert_eq!(camel_case("x"), "x");
    }

    #[test]
    fn every_returned_and_argument_type_is_declared() {
        let ts = typescript();
        for command in COMMANDS {
            let types = command
                .args
                .iter()
                .map(|(_, t)| *t)
                .chain([command.returns]);
            for ty in types {
                assert!(ts.contains(&format!("type {ty} ")), "{ty} is not declared");
            }
        }
    }
}
