use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use fs4::fs_std::FileExt;

use crate::error::io_error;
use crate::{Result, WorkspaceError};

const LOCK_FILE: &str = "sync.lock";

/// One sync at a time per data directory, across processes (the app and the CLI).
/// SQLite already serialises single writes; this lock stops two whole syncs from
/// interleaving. The OS releases it if the holder dies, so a killed sync never wedges
/// the next one.
#[derive(Debug)]
pub struct SyncLock {
    file: File,
}

impl SyncLock {
    /// Takes the lock, or says who holds it.
    pub fn try_acquire(data_dir: &Path) -> Result<Self> {
        let (mut file, path) = open_lock_file(data_dir)?;
        if !file.try_lock_exclusive().map_err(io_error(&path))? {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = match holder.trim() {
                "" => "unknown".to_string(),
                pid => pid.to_string(),
            };
            return Err(WorkspaceError::SyncRunning { holder });
        }
        Self::claim(file, &path)
    }

    /// Waits until the lock is free, then takes it.
    pub fn acquire_blocking(data_dir: &Path) -> Result<Self> {
        let (file, path) = open_lock_file(data_dir)?;
        file.lock_exclusive().map_err(io_error(&path))?;
        Self::claim(file, &path)
    }

    /// Records the holder's pid for the message another process shows.
    fn claim(mut file: File, path: &Path) -> Result<Self> {
        file.set_len(0).map_err(io_error(path))?;
        file.seek(SeekFrom::Start(0)).map_err(io_error(path))?;
        write!(file, "{}", std::process::id()).map_err(io_error(path))?;
        Ok(Self { file })
    }
}

fn open_lock_file(data_dir: &Path) -> Result<(File, std::path::PathBuf)> {
    let path = data_dir.join(LOCK_FILE);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io_error(&path))?;
    Ok((file, path))
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        let _ = FileExt::unlock(&self.file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_sync_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let held = SyncLock::try_acquire(dir.path()).unwrap();
        let err = SyncLock::try_acquire(dir.path()).unwrap_err();
        assert!(
            err.to_string().contains(&format!(
                "already running on this data directory (process {})",
                std::process::id()
            )),
            "{err}"
        );
        drop(held);
        SyncLock::try_acquire(dir.path()).expect("free again after the holder is dropped");
    }
}
