//! Preferences persisted through tauri-plugin-store in the data directory.
//!
//! The file may come from an older or newer version (an enum value this build does not
//! know, a field it has never heard of). Each field that cannot be read falls back to its
//! default on its own, and saving writes back what the file held for every field the user
//! did not change, so one unreadable field never costs the others.

use std::path::Path;

use flightdesk_core::Preferences;
use flightdesk_ipc::UiError;
use serde_json::{Map, Value};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const KEY: &str = "preferences";

pub fn load<R: Runtime>(app: &AppHandle<R>, path: &Path) -> Result<Preferences, UiError> {
    let store = app.store(path).map_err(settings_error)?;
    let Some(stored) = store.get(KEY) else {
        return Ok(Preferences::default());
    };
    let decoded = decode(&stored);
    for field in &decoded.reset {
        tracing::warn!(field, "a preference could not be read; using its default");
    }
    Ok(decoded.preferences)
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
    let merged = merge(store.get(KEY).as_ref(), preferences)?;
    store.set(KEY, merged);
    store.save().map_err(settings_error)
}

/// Preferences read from a stored value, and the fields that fell back to defaults.
#[derive(Debug)]
pub struct Decoded {
    pub preferences: Preferences,
    pub reset: Vec<String>,
}

/// Reads `stored` field by field: a field that does not parse keeps its default.
pub fn decode(stored: &Value) -> Decoded {
    let mut accepted = defaults_object();
    let mut reset = Vec::new();
    let Value::Object(stored) = stored else {
        return Decoded {
            preferences: Preferences::default(),
            reset: vec!["(the whole entry)".to_string()],
        };
    };
    let fields: Vec<String> = accepted.keys().cloned().collect();
    for field in fields {
        let Some(value) = stored.get(&field) else {
            continue;
        };
        let mut candidate = accepted.clone();
        candidate.insert(field.clone(), value.clone());
        if serde_json::from_value::<Preferences>(Value::Object(candidate.clone())).is_ok() {
            accepted = candidate;
        } else {
            reset.push(field);
        }
    }
    Decoded {
        // Every field in `accepted` parsed together with the others.
        preferences: serde_json::from_value(Value::Object(accepted)).unwrap_or_default(),
        reset,
    }
}

/// What to write for `preferences` over `stored`: fields this version does not know are
/// kept, and so is an unreadable field the user left at the default it fell back to.
pub fn merge(stored: Option<&Value>, preferences: &Preferences) -> Result<Value, UiError> {
    let new = match serde_json::to_value(preferences) {
        Ok(Value::Object(new)) => new,
        _ => {
            return Err(UiError::new(
                "settings",
                "the preferences could not be written as an object",
            ))
        }
    };
    let Some(Value::Object(stored)) = stored else {
        return Ok(Value::Object(new));
    };
    let loaded = decode(&Value::Object(stored.clone()));
    let loaded = serde_json::to_value(&loaded.preferences)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|fields| (fields, loaded.reset));
    let mut out = stored.clone();
    for (field, value) in new {
        let untouched_reset = loaded.as_ref().is_some_and(|(fields, reset)| {
            reset.contains(&field) && fields.get(&field) == Some(&value)
        });
        if !untouched_reset {
            out.insert(field, value);
        }
    }
    Ok(Value::Object(out))
}

fn defaults_object() -> Map<String, Value> {
    match serde_json::to_value(Preferences::default()) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}

fn settings_error(error: tauri_plugin_store::Error) -> UiError {
    UiError::new(
        "settings",
        format!("cannot read or write the settings file: {error}"),
    )
}

#[cfg(test)]
mod tests {
    use flightdesk_core::preferences::Theme;
    use serde_json::json;

    use super::*;

    /// A file a newer version wrote: a theme this build does not know and a new field.
    fn from_a_newer_version() -> Value {
        json!({
            "theme": "high-contrast",
            "time_zone": "Europe/Berlin",
            "role": "dispatcher",
            "sync_interval_minutes": 30,
            "webhooks": { "enabled": true, "bind": "127.0.0.1:9000" },
            "window": null,
            "density": "compact"
        })
    }

    #[test]
    fn one_unreadable_field_falls_back_alone_and_is_named() {
        let decoded = decode(&from_a_newer_version());
        assert_eq!(decoded.reset, vec!["theme".to_string()]);
        let p = decoded.preferences;
        assert_eq!(p.theme, Theme::System);
        assert_eq!(p.time_zone, "Europe/Berlin");
        assert_eq!(p.role, flightdesk_core::preferences::UserRole::Dispatcher);
        assert_eq!(p.sync_interval_minutes, 30);
        assert!(p.webhooks.enabled);
        assert_eq!(p.webhooks.bind, "127.0.0.1:9000");
    }

    #[test]
    fn saving_keeps_the_fields_this_version_cannot_read_or_does_not_know() {
        let stored = from_a_newer_version();
        let mut p = decode(&stored).preferences;
        p.sync_interval_minutes = 60;
        let written = merge(Some(&stored), &p).unwrap();
        assert_eq!(written["sync_interval_minutes"], 60);
        assert_eq!(written["theme"], "high-contrast", "left as the file had it");
        assert_eq!(written["density"], "compact");
        assert_eq!(written["time_zone"], "Europe/Berlin");

        p.theme = Theme::Dark;
        let written = merge(Some(&stored), &p).unwrap();
        assert_eq!(
            written["theme"], "dark",
            "a field the user changed is written"
        );
    }
}
