use std::path::PathBuf;

use crate::{Result, WorkspaceError};

/// The app identifier; also the folder name of the default data directory, so the CLI's
/// default is the same folder the desktop app uses.
pub const IDENTIFIER: &str = "app.flightdesk.desktop";

/// The environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "FLIGHTDESK_DATA_DIR";

/// Picks the data directory: an explicit `--data-dir` wins, then `FLIGHTDESK_DATA_DIR`,
/// then the OS app-data directory (`~/.local/share/app.flightdesk.desktop` on Linux).
pub fn resolve_data_dir(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join(IDENTIFIER))
        .ok_or(WorkspaceError::NoDataDir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_flag_wins() {
        let dir = resolve_data_dir(Some(PathBuf::from("/tmp/fd-flag"))).unwrap();
        assert_eq!(dir, PathBuf::from("/tmp/fd-flag"));
    }

    #[test]
    fn the_default_ends_in_the_app_identifier() {
        if std::env::var_os(DATA_DIR_ENV).is_some() {
            return; // the environment overrides the default in this run
        }
        let dir = resolve_data_dir(None).unwrap();
        assert!(dir.ends_with(IDENTIFIER), "{dir:?}");
    }
}
