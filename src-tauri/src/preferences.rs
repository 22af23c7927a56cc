//! Preferences persisted through tauri-plugin-store in the data directory.

use std::path::Path;

use flightdesk_core::Preferences;
use flightdesk_ipc::UiError;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const KEY: &str = "preferences";

pub fn load<R: Runtime>(app: &AppHandle<R>, path: &Path) -> Result<Preferences, UiError> {
    let store = app.store(path).map_err(settings_error)?;
    Ok(match store.get(KEY) {
        // A file from an older or damaged version falls back to defaults field by field.
        Some(value) => serde_json::from_value(value).unwrap_or_default(),
        None => Preferences::default(),
    })
}

pub fn save<R: Runtime>(
    app: &AppHandle<R>,
    path: &Path,
    preferences: &Preferences,
) -> Result<(), UiError> {
    preferences
        .validate()
        .map_err(|e| UiError::new("invalid_preferences", e.to_string()))?;
    let store = app.store(path).map_err(settings_error)?;
    store.set(
        KEY,
        serde_json::to_value(preferences).expect("preferences serialise"),
    );
    store.save().map_err(settings_error)
}

fn settings_error(error: tauri_plugin_store::Error) -> UiError {
    UiError::new(
        "settings",
        format!("cannot read or write the settings file: {error}"),
    )
}
