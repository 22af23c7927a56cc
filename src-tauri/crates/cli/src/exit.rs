use std::process::ExitCode;

use flightdesk_workspace::WorkspaceError;

/// A failed command: one line for the user and the exit code scripts branch on.
#[derive(Debug)]
pub struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    /// Usage or configuration problems (bad data directory, no keyring): exit 2.
    pub fn config(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 2,
        }
    }

    /// The command ran and failed: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 1,
        }
    }

    /// The checks found something in the way and nothing was saved: exit 3.
    pub fn warned(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: 3,
        }
    }

    pub fn report(self) -> ExitCode {
        eprintln!("flightdesk: {}", self.message);
        ExitCode::from(self.code)
    }
}

impl From<WorkspaceError> for Failure {
    fn from(error: WorkspaceError) -> Self {
        use flightdesk_store::StoreError;
        let configuration = matches!(
            error,
            WorkspaceError::NoDataDir
                | WorkspaceError::Io { .. }
                | WorkspaceError::BadWorkspaceFile { .. }
                | WorkspaceError::MissingDatabaseKey { .. }
                | WorkspaceError::Secrets(_)
                | WorkspaceError::Store(StoreError::NewerSchema { .. })
                | WorkspaceError::Store(StoreError::CannotDecrypt { .. })
        );
        let message = error.to_string();
        if configuration {
            Self::config(message)
        } else {
            Self::failed(message)
        }
    }
}
