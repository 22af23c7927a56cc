//! The `flightdesk` binary on throwaway data directories, with the real OS keyring
//! (the test command runs inside a Secret Service session).

use assert_cmd::Command;

fn flightdesk(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("flightdesk").unwrap();
    cmd.arg("--data-dir")
        .arg(data_dir)
        .env_remove("FLIGHTDESK_DATA_DIR");
    cmd
}

#[test]
fn version_names_the_program_and_its_version() {
    let out = Command::cargo_bin("flightdesk")
        .unwrap()
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("flightdesk {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn status_json_describes_a_fresh_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let out = flightdesk(dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(status["workspace"]["kind"], "real");
    assert_eq!(status["schema_version"], 16);
    assert_eq!(status["accounts"], serde_json::json!([]));
    assert!(dir.path().join("flightdesk.db").exists());
    assert!(
        dir.path().join("logs").is_dir(),
        "logs are written to the data directory"
    );

    // A second run sees the same workspace.
    let again = flightdesk(dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["workspace"]["id"], status["workspace"]["id"]);
}

#[test]
fn the_data_dir_can_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("flightdesk")
        .unwrap()
        .env("FLIGHTDESK_DATA_DIR", dir.path())
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["data_dir"], dir.path().to_str().unwrap());
}

#[test]
fn without_a_keyring_the_user_is_told_so_and_nothing_is_written_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let out = flightdesk(dir.path())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/flightdesk-test-bus",
        )
        .arg("status")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    assert!(
        stderr.starts_with("flightdesk: no OS keyring is available"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("flightdesk.db").exists(),
        "no database without a key"
    );
}

#[test]
fn a_damaged_workspace_file_is_a_one_line_configuration_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("workspace.json"), b"{half a file").unwrap();
    let out = flightdesk(dir.path()).arg("status").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("workspace.json") && stderr.contains("damaged"),
        "{stderr}"
    );
}

#[test]
fn unknown_subcommands_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    flightdesk(dir.path())
        .arg("fly-to-the-moon")
        .assert()
        .code(2);
}
