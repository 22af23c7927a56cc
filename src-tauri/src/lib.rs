//! The FlightDesk desktop shell.

/// Starts the desktop app.
pub fn run() {}
