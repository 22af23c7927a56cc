//! The app's user preferences. The shell persists them with tauri-plugin-store; the rules
//! for what a valid preference is live here so the CLI and tests share them.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Light, dark, or whatever the desktop uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// Which of the school's people is using this laptop; it picks the views shown first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum UserRole {
    #[default]
    Instructor,
    Student,
    Dispatcher,
    Manager,
}

/// Where and how big the main window was when it was last closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WindowState {
    pub width: u32,
    pub height: u32,
    pub x: i32,
    pub y: i32,
    pub maximized: bool,
}

/// The optional local webhook receiver, through which AviationAlley and Airbly can push
/// changes instead of waiting for the next scheduled sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct WebhookPreferences {
    /// Off by default: nothing listens unless the user turns it on.
    pub enabled: bool,
    /// `host:port` to listen on; loopback unless the user chooses another address.
    pub bind: String,
}

/// The receiver's address when the user has not chosen one.
pub const DEFAULT_WEBHOOK_BIND: &str = "127.0.0.1:47810";

impl Default for WebhookPreferences {
    fn default() -> Self {
        Self {
            enabled: false,
            bind: DEFAULT_WEBHOOK_BIND.to_string(),
        }
    }
}

impl WebhookPreferences {
    /// The address to listen on, checked.
    pub fn bind_addr(&self) -> Result<SocketAddr, PreferencesError> {
        self.bind
            .trim()
            .parse()
            .map_err(|_| PreferencesError::BadWebhookAddress(self.bind.clone()))
    }
}

/// Everything the user can set in the Settings view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct Preferences {
    pub theme: Theme,
    /// IANA time-zone name the calendar and logbook show times in.
    pub time_zone: String,
    /// The role whose home view the app opens on.
    pub role: UserRole,
    /// Every role the user has (an instructor may also dispatch); empty until chosen on
    /// the welcome screen.
    pub roles: Vec<UserRole>,
    /// The unified person the user is (an entity id such as `person:…`): "my schedule" in
    /// the calendar, and a student's own trainings. `None` until chosen in Settings.
    pub me: Option<String>,
    /// The welcome screen was answered (or skipped): it shows no more.
    pub welcomed: bool,
    /// Minutes between background syncs; 0 turns background sync off.
    pub sync_interval_minutes: u32,
    pub webhooks: WebhookPreferences,
    pub window: Option<WindowState>,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            theme: Theme::System,
            time_zone: computer_zone(),
            role: UserRole::Instructor,
            roles: vec![],
            me: None,
            welcomed: false,
            sync_interval_minutes: 15,
            webhooks: WebhookPreferences::default(),
            window: None,
        }
    }
}

/// The computer's IANA zone (`TZ`, then the system's setting), or UTC when it has none
/// FlightDesk knows: the zone times show in until the user picks one.
pub fn computer_zone() -> String {
    let from_env = std::env::var("TZ")
        .ok()
        .map(|tz| tz.trim_start_matches(':').to_string());
    from_env
        .into_iter()
        .chain(iana_time_zone::get_timezone().ok())
        .find(|name| name.parse::<chrono_tz::Tz>().is_ok())
        // Etc/UTC and its aliases read better as plain UTC.
        .filter(|name| {
            !matches!(
                name.as_str(),
                "Etc/UTC" | "Etc/UCT" | "Etc/Universal" | "Etc/Zulu" | "Universal" | "Zulu" | "UCT"
            )
        })
        .unwrap_or_else(|| "UTC".to_string())
}

/// The longest background-sync interval offered: once a day.
pub const MAX_SYNC_INTERVAL_MINUTES: u32 = 24 * 60;

/// Why a set of preferences was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreferencesError {
    #[error("`{0}` is not a time zone FlightDesk knows (use an IANA name such as Europe/Berlin)")]
    UnknownTimeZone(String),
    #[error("the sync interval must be between 0 (off) and {MAX_SYNC_INTERVAL_MINUTES} minutes, not {0}")]
    SyncIntervalOutOfRange(u32),
    #[error(
        "`{0}` is not an address to listen on (use host:port, such as {DEFAULT_WEBHOOK_BIND})"
    )]
    BadWebhookAddress(String),
}

impl Preferences {
    /// The chosen time zone (UTC if the saved name is unknown, which `validate` refuses).
    pub fn zone(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::UTC)
    }

    /// Checks the values a user typed before they are saved.
    pub fn validate(&self) -> Result<(), PreferencesError> {
        if self.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(PreferencesError::UnknownTimeZone(self.time_zone.clone()));
        }
        if self.sync_interval_minutes > MAX_SYNC_INTERVAL_MINUTES {
            return Err(PreferencesError::SyncIntervalOutOfRange(
                self.sync_interval_minutes,
            ));
        }
        self.webhooks.bind_addr()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        Preferences::default().validate().unwrap();
    }

    #[test]
    fn unknown_time_zone_is_refused_with_its_name() {
        let prefs = Preferences {
            time_zone: "Mars/Olympus".into(),
            ..Default::default()
        };
        let err = prefs.validate().unwrap_err();
        assert_eq!(
            err,
            PreferencesError::UnknownTimeZone("Mars/Olympus".into())
        );
        assert!(err.to_string().contains("Mars/Olympus"));
    }

    #[test]
    fn sync_interval_is_bounded() {
        let prefs = Preferences {
            sync_interval_minutes: 5000,
            ..Default::default()
        };
        assert!(matches!(
            prefs.validate(),
            Err(PreferencesError::SyncIntervalOutOfRange(5000))
        ));
    }

    #[test]
    fn missing_fields_take_defaults_when_loading_older_files() {
        let prefs: Preferences = serde_json::from_str(r#"{"theme":"dark"}"#).unwrap();
        assert_eq!(prefs.theme, Theme::Dark);
        assert_eq!(prefs.time_zone, computer_zone(), "the computer's zone");
        assert_eq!(prefs.sync_interval_minutes, 15);
        assert!(!prefs.webhooks.enabled, "the receiver is off by default");
        assert_eq!(
            prefs.webhooks.bind_addr().unwrap().ip().to_string(),
            "127.0.0.1"
        );
    }

    #[test]
    fn the_default_zone_is_one_flightdesk_knows() {
        assert!(computer_zone().parse::<chrono_tz::Tz>().is_ok());
    }

    #[test]
    fn a_webhook_address_must_be_host_and_port() {
        let mut prefs = Preferences::default();
        prefs.webhooks.bind = "localhost".into();
        assert_eq!(
            prefs.validate(),
            Err(PreferencesError::BadWebhookAddress("localhost".into()))
        );
        prefs.webhooks.bind = "0.0.0.0:8080".into();
        prefs.validate().unwrap();
    }
}
