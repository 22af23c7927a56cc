use std::path::PathBuf;
use std::time::Duration;

use flightdesk_workspace::WorkspaceError;

/// Debug builds only: hold the workspace open this many milliseconds, so the end-to-end
/// tests can see the window's opening state (a locked keyring looks the same).
pub const OPEN_DELAY_ENV: &str = "FLIGHTDESK_DEBUG_OPEN_DELAY_MS";

/// What the app was started with: `--data-dir DIR` (or `FLIGHTDESK_DATA_DIR`).
pub struct LaunchOptions {
    pub data_dir: Result<PathBuf, String>,
    /// How long to wait before opening the workspace (zero unless [`OPEN_DELAY_ENV`]).
    pub open_delay: Duration,
}

impl LaunchOptions {
    pub fn from_env() -> Self {
        let flag = data_dir_flag(std::env::args().skip(1));
        let data_dir =
            flightdesk_workspace::resolve_data_dir(flag).map_err(|e: WorkspaceError| e.to_string());
        let open_delay = if cfg!(debug_assertions) {
            std::env::var(OPEN_DELAY_ENV)
                .ok()
                .and_then(|ms| ms.parse().ok())
                .map_or(Duration::ZERO, Duration::from_millis)
        } else {
            Duration::ZERO
        };
        Self {
            data_dir,
            open_delay,
        }
    }
}

/// Finds `--data-dir DIR` or `--data-dir=DIR`; other arguments are left to Tauri.
fn data_dir_flag(mut args: impl Iterator<Item = String>) -> Option<PathBuf> {
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn both_spellings_of_the_flag_are_read() {
        assert_eq!(
            data_dir_flag(args(&["--data-dir", "/a"])),
            Some(PathBuf::from("/a"))
        );
        assert_eq!(
            data_dir_flag(args(&["-x", "--data-dir=/b"])),
            Some(PathBuf::from("/b"))
        );
        assert_eq!(data_dir_flag(args(&["--other"])), None);
    }
}
