use std::path::PathBuf;

use flightdesk_workspace::WorkspaceError;

/// What the app was started with: `--data-dir DIR` (or `FLIGHTDESK_DATA_DIR`).
pub struct LaunchOptions {
    pub data_dir: Result<PathBuf, String>,
}

impl LaunchOptions {
    pub fn from_env() -> Self {
        let flag = data_dir_flag(std::env::args().skip(1));
        let data_dir =
            flightdesk_workspace::resolve_data_dir(flag).map_err(|e: WorkspaceError| e.to_string());
        Self { data_dir }
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
