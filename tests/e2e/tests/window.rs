//! Scenarios in the real app window. Run with `tests/e2e.sh`; they are ignored by a
//! plain `cargo test` because they need a display, tauri-driver and the built app.

use std::time::Duration;

use anyhow::{ensure, Context as _, Result};
use flightdesk_e2e::AppSession;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn the_window_shows_the_workspace_and_saves_settings() -> Result<()> {
    let app = AppSession::start(&[]).await?;
    let data_dir = app.data_dir().to_path_buf();

    app.scenario("welcome", || async {
        // Nothing connected yet: the first launch asks who uses the app.
        let welcome = app.text_of("welcome").await?;
        ensure!(welcome.contains("Explore with demo data"), "{welcome}");
        ensure!(welcome.contains("Connect an account"), "{welcome}");
        app.click("welcome-role-instructor").await?;
        app.click("welcome-role-manager").await?;
        app.screenshots("welcome").await?;
        app.click("welcome-connect").await?;
        ensure!(app.text_of("accounts-title").await? == "Accounts");
        ensure!(app
            .text_of("accounts-none")
            .await?
            .contains("No account is connected yet"));
        app.screenshots("accounts-empty").await?;
        Ok(())
    })
    .await?;

    app.scenario("overview", || async {
        app.go("#/overview").await?;
        ensure!(app.client.title().await? == "FlightDesk", "window title");
        ensure!(app.text_of("overview-title").await? == "Overview");
        // Computed by Rust commands: the schema version and the data folder.
        let schema = format!(
            "version {}",
            flightdesk_store::Store::supported_schema_version()
        );
        ensure!(app.text_of("schema-version").await? == schema);
        ensure!(app.text_of("data-dir").await? == data_dir.display().to_string());
        ensure!(app.text_of("app-version").await? == format!("v{}", env!("CARGO_PKG_VERSION")));
        ensure!(app
            .text_of("accounts-empty")
            .await?
            .contains("No accounts connected yet"));
        // Nothing to sync yet: the sidebar says why rather than "not synced yet".
        ensure!(app.text_of("sync-indicator").await? == "No accounts connected");
        let providers = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=provider]"));
        ensure!(providers.await?.len() == 5, "the five providers are listed");
        app.screenshot("overview").await?;
        Ok(())
    })
    .await?;

    app.scenario("settings-rejects-an-unknown-zone", || async {
        app.click("nav-settings").await?;
        app.type_into("pref-time-zone", "Mars/Olympus").await?;
        app.click("settings-save").await?;
        let error = app.text_of("settings-error").await?;
        ensure!(
            error.contains("Mars/Olympus"),
            "error names the zone: {error}"
        );
        app.screenshot("settings-error").await?;
        Ok(())
    })
    .await?;

    app.scenario("settings-saved", || async {
        app.type_into("pref-time-zone", "Europe/Berlin").await?;
        app.select("pref-theme", "dark").await?;
        app.select("pref-role", "dispatcher").await?;
        app.click("settings-save").await?;
        ensure!(app.text_of("settings-saved").await? == "Saved.");
        app.screenshot("settings-dark").await?;
        Ok(())
    })
    .await?;

    app.scenario("settings-warns-about-a-network-address", || async {
        app.click("pref-webhooks-enabled").await?;
        app.type_into("pref-webhooks-bind", "0.0.0.0:0").await?;
        app.click("settings-save").await?;
        let warning = app
            .wait_for_text("webhooks-exposed", Duration::from_secs(20), |t| {
                t.contains("anyone on that network can then trigger syncs")
            })
            .await?;
        ensure!(warning.contains("Airbly posts are unsigned"), "{warning}");
        app.screenshot("settings-webhooks-exposed").await?;
        // Back to loopback: the warning goes.
        app.type_into("pref-webhooks-bind", "127.0.0.1:0").await?;
        app.click("settings-save").await?;
        app.wait_for_text("webhooks-listening", Duration::from_secs(20), |t| {
            t.starts_with("127.0.0.1:")
        })
        .await?;
        let exposed = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=webhooks-exposed]"))
            .await?;
        ensure!(exposed.is_empty(), "no warning on loopback");
        app.click("pref-webhooks-enabled").await?;
        app.click("settings-save").await?;
        Ok(())
    })
    .await?;

    let data_dir = app.finish().await?;
    let settings = std::fs::read_to_string(data_dir.path().join("settings.json"))?;
    ensure!(
        settings.contains("Europe/Berlin"),
        "preferences persisted: {settings}"
    );
    ensure!(settings.contains("dispatcher"));

    // A second launch on the same folder comes back with the saved theme and zone.
    let app = AppSession::start_in(data_dir, &[]).await?;
    app.scenario("settings-survive-a-restart", || async {
        // The role saved in Settings picks the home the app opens on: the dispatcher's board.
        ensure!(app.text_of("board-title").await? == "Dispatch board");
        app.go("#/overview").await?;
        ensure!(app.text_of("overview-title").await? == "Overview");
        let theme = app.client.execute(
            "return document.documentElement.dataset.theme ?? ''",
            vec![],
        );
        ensure!(theme.await? == "dark", "theme restored");
        app.click("nav-settings").await?;
        let zone = app.element("pref-time-zone").await?.prop("value").await?;
        ensure!(
            zone.as_deref() == Some("Europe/Berlin"),
            "zone restored: {zone:?}"
        );
        app.screenshot("settings-restored").await?;
        Ok(())
    })
    .await?;
    let data_dir = app.finish().await?;

    // Nothing the app wrote holds the workspace's data in plain text.
    let db = std::fs::read(data_dir.path().join("flightdesk.db"))?;
    ensure!(
        !String::from_utf8_lossy(&db).contains("SQLite format 3"),
        "database is encrypted"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn the_window_shows_while_the_workspace_opens_and_then_reaches_ready() -> Result<()> {
    // A debug build holds the open this long: a keyring waiting for its unlock prompt.
    let app = AppSession::start(&[("FLIGHTDESK_DEBUG_OPEN_DELAY_MS", "6000")]).await?;
    app.scenario("opening", || async {
        let opening = app.text_of("loading").await?;
        ensure!(opening.contains("Opening your workspace"), "{opening}");
        ensure!(
            opening.contains("unlock it"),
            "says what a locked keyring needs: {opening}"
        );
        app.screenshot("opening").await?;
        Ok(())
    })
    .await?;
    app.scenario("ready", || async {
        let welcome = app
            .wait_for_text("welcome", Duration::from_secs(30), |t| {
                t.contains("Welcome to FlightDesk")
            })
            .await?;
        ensure!(welcome.contains("I use FlightDesk as"), "{welcome}");
        ensure!(app.text_of("sync-indicator").await? == "No accounts connected");
        app.screenshot("ready").await?;
        Ok(())
    })
    .await?;
    app.finish().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn without_a_keyring_the_window_explains_instead_of_crashing() -> Result<()> {
    let app = AppSession::start(&[(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/flightdesk-bus",
    )])
    .await?;
    app.scenario("no-keyring", || async {
        let message = app.text_of("startup-error-message").await?;
        ensure!(message.contains("no OS keyring is available"), "{message}");
        let hint = app.text_of("startup-error-hint").await?;
        ensure!(
            hint.contains("Unlock or start it"),
            "says what to do: {hint}"
        );
        app.screenshot("no-keyring").await?;
        Ok(())
    })
    .await?;
    let data_dir = app.finish().await?;
    ensure!(
        !data_dir.path().join("flightdesk.db").exists(),
        "no database without a key"
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn the_demo_workspace_is_labelled_and_lists_its_accounts() -> Result<()> {
    // `flightdesk demo` prepares the workspace: sandbox, five accounts, a first sync.
    let data_dir = tempfile::tempdir()?;
    let demo = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir.path())
        .arg("demo")
        .output()?;
    ensure!(
        demo.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let app = AppSession::start_in(data_dir, &[]).await?;
    app.scenario("demo-workspace", || async {
        ensure!(app.text_of("demo-badge").await? == "Demo workspace");
        // The demo opens on the role's home; the workspace page lists the accounts.
        app.go("#/overview").await?;
        ensure!(app
            .text_of("workspace-kind")
            .await?
            .contains("built-in sandbox"));
        app.element("account").await?;
        let accounts = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=account]"));
        ensure!(accounts.await?.len() == 5, "one demo account per provider");
        app.screenshot("demo-overview").await?;
        Ok(())
    })
    .await?;

    app.scenario("demo-sync-now", || async {
        app.click("nav-sync").await?;
        // The first sync ran in `flightdesk demo`: its state is listed before any new one.
        app.element("sync-resource").await?;
        // The app started its own sandbox and re-pointed the accounts, so this works.
        let summary = sync_now_until(&app, "Synced").await?;
        ensure!(summary.contains("requests"), "{summary}");
        let states = app.texts_of_all("sync-resource-state").await?;
        ensure!(states.len() >= 10, "every resource is listed: {states:?}");
        let fine = ["Up to date", "No changes", "Not permitted"];
        ensure!(
            states.iter().all(|s| fine.contains(&s.as_str())),
            "every resource synced: {states:?}"
        );
        let indicator = app.text_of("sync-indicator").await?;
        ensure!(indicator.starts_with("Synced"), "{indicator}");
        app.screenshot("demo-sync").await?;
        Ok(())
    })
    .await?;

    app.scenario("demo-sync-skipped-rows", || async {
        // The sandbox's AviationAlley sends the first row of every list without its id:
        // the resources still sync, and the window shows what was set aside, as sent.
        let admin = demo_sandbox_admin(app.data_dir(), "demo-airbly")?;
        let http = reqwest::Client::new();
        let faults = |spec: &'static str| {
            http.put(format!("{admin}/faults"))
                .json(&serde_json::json!({ "spec": spec }))
                .send()
        };
        faults("aa:noid=1").await?.error_for_status()?;
        let summary = sync_now_until(&app, "Synced").await?;
        ensure!(summary.contains("requests"), "{summary}");
        let rows = app.texts_of_all("sync-skipped-row").await?;
        ensure!(
            !rows.is_empty() && rows.iter().all(|r| r.contains("demo-aviationalley")),
            "the skipped rows are listed: {rows:?}"
        );
        // A pass that set a row aside cannot tell it from a deleted record: it removes nothing.
        let resources = app.texts_of_all("sync-resource").await?;
        let skipping: Vec<_> = resources.iter().filter(|r| r.contains("skipped")).collect();
        ensure!(!skipping.is_empty(), "{resources:?}");
        ensure!(
            skipping.iter().all(|r| !r.contains("removed")),
            "{skipping:?}"
        );
        let panel = app.text_of("sync-skipped").await?;
        ensure!(panel.contains("could not be read"), "{panel}");
        // Open the first row as sent and bring the panel into view for the screenshot.
        app.client
            .execute(
                "const panel = document.querySelector('[data-testid=sync-skipped]');
                 panel.querySelector('details').open = true;
                 panel.scrollIntoView();",
                vec![],
            )
            .await?;
        app.screenshot("demo-sync-skipped").await?;
        faults("").await?.error_for_status()?;
        Ok(())
    })
    .await?;

    app.scenario("demo-webhook-push", || async {
        app.click("nav-settings").await?;
        ensure!(app.text_of("webhooks-off").await?.contains("off"));
        app.click("pref-webhooks-enabled").await?;
        app.type_into("pref-webhooks-bind", "127.0.0.1:0").await?;
        app.click("settings-save").await?;
        let listening = app.text_of("webhooks-listening").await?;
        ensure!(listening.starts_with("127.0.0.1:"), "{listening}");
        let url = app
            .client
            .find(fantoccini::Locator::Css(
                "[data-testid=webhooks-url][data-provider=airbly]",
            ))
            .await?
            .text()
            .await?;
        // The app's own demo sandbox pushes to the receiver, as Airbly would, when a
        // device records a flight.
        let admin = demo_sandbox_admin(app.data_dir(), "demo-airbly")?;
        let http = reqwest::Client::new();
        http.post(format!("{admin}/webhooks/endpoints"))
            .json(&serde_json::json!({"provider": "airbly", "url": url}))
            .send()
            .await?
            .error_for_status()?;
        let hour = chrono::Duration::hours(1);
        let landed = chrono::Utc::now() - hour;
        http.post(format!("{admin}/flights"))
            .json(&serde_json::json!({
                "aircraft": "N44API", "pic": 2, "student": 20, "by_device": true,
                "off_block": (landed - hour).to_rfc3339(), "on_block": landed.to_rfc3339(),
            }))
            .send()
            .await?
            .error_for_status()?;
        let line = app
            .wait_for_text("webhooks-activity", Duration::from_secs(60), |t| {
                t.starts_with("Synced assets of demo-airbly")
            })
            .await?;
        ensure!(line.contains("1 new") || line.contains("updated"), "{line}");
        app.screenshot("demo-webhooks").await?;
        Ok(())
    })
    .await?;
    app.finish().await?;
    Ok(())
}

/// Presses **Sync now** and waits for the sync summary to start with `prefix`.
async fn sync_now_until(app: &AppSession, prefix: &str) -> Result<String> {
    app.click("sync-now").await?;
    app.wait_for_text("sync-summary", Duration::from_secs(90), |t| {
        t.starts_with(prefix)
    })
    .await
}

/// The admin root of the sandbox the running app started for its demo workspace, from
/// the account it re-pointed (the base URL is `<root>/airbly/api/v3`).
fn demo_sandbox_admin(data_dir: &std::path::Path, account: &str) -> Result<String> {
    let out = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["accounts", "--json"])
        .output()?;
    ensure!(out.status.success(), "accounts --json failed");
    let accounts: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let base = accounts
        .as_array()
        .and_then(|list| list.iter().find(|a| a["name"] == account))
        .and_then(|a| a["base_url"].as_str())
        .ok_or_else(|| anyhow::anyhow!("no account {account}: {accounts}"))?;
    let root = base
        .split("/airbly/")
        .next()
        .expect("split yields at least one part");
    Ok(format!("{root}/_sandbox"))
}

/// Sets the faults of the sandbox the running app started (`flylogs:5xx=1`; empty for none).
async fn demo_faults(app: &AppSession, spec: &str) -> Result<()> {
    let admin = demo_sandbox_admin(app.data_dir(), "demo-airbly")?;
    let r = reqwest::Client::new()
        .put(format!("{admin}/faults"))
        .json(&serde_json::json!({ "spec": spec }))
        .send()
        .await?;
    ensure!(r.status().is_success(), "faults not set");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn a_sync_without_network_says_so_and_keeps_the_account() -> Result<()> {
    // An account whose server does not answer: nothing listens on the discard port.
    let data_dir = tempfile::tempdir()?;
    let mut connect = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir.path())
        .args([
            "connect",
            "pilotflows",
            "--base-url",
            "http://127.0.0.1:9/v1",
        ])
        .args(["--name", "Skyhaven", "--token-stdin", "--no-verify"])
        .args(["--set", "organization=101"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()?;
    use std::io::Write as _;
    connect
        .stdin
        .take()
        .expect("piped")
        .write_all(b"pf-offline-test-key\n")?;
    ensure!(connect.wait()?.success(), "connect --no-verify succeeds");

    let app = AppSession::start_in(data_dir, &[]).await?;
    app.scenario("sync-offline", || async {
        app.click("nav-sync").await?;
        let summary = sync_now_until(&app, "No resource could sync").await?;
        ensure!(summary.contains("retried at the next sync"), "{summary}");
        let states = app.texts_of_all("sync-resource-state").await?;
        ensure!(
            !states.is_empty() && states.iter().all(|s| s == "Failed"),
            "{states:?}"
        );
        let errors = app.texts_of_all("sync-resource-error").await?;
        ensure!(
            errors.iter().all(|e| !e.contains("pf-offline-test-key")),
            "the key never shows: {errors:?}"
        );
        ensure!(!errors.is_empty(), "each failure is explained");
        let indicator = app.text_of("sync-indicator").await?;
        ensure!(indicator.contains("failed"), "{indicator}");
        app.screenshot("sync-offline").await?;
        Ok(())
    })
    .await?;
    app.finish().await?;
    Ok(())
}

/// A demo workspace prepared by `flightdesk demo`, ready to open in the window.
fn demo_workspace() -> Result<tempfile::TempDir> {
    let data_dir = tempfile::tempdir()?;
    let demo = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir.path())
        .arg("demo")
        .output()?;
    ensure!(
        demo.status.success(),
        "demo failed: {}",
        String::from_utf8_lossy(&demo.stderr)
    );
    Ok(data_dir)
}

/// A registration of an aircraft the demo's PilotFlows account has cached.
fn pilotflows_aircraft(data_dir: &std::path::Path) -> Result<String> {
    let out = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("export")
        .output()?;
    ensure!(out.status.success(), "export failed");
    let cache: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    cache["aircraft"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["account"] == "demo-pilotflows" && a["category"] != "simulator")
        .find_map(|a| a["registration"].as_str().map(str::to_string))
        .context("an aircraft of the demo's PilotFlows account")
}

/// What `flightdesk calendar` says about the next two weeks: the CLI twin calls the same
/// read model as the window, so the window must show exactly this.
fn cli_calendar(data_dir: &std::path::Path) -> Result<Vec<serde_json::Value>> {
    let today = chrono::Utc::now().date_naive();
    let out = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["calendar", "--tz", "UTC", "--from"])
        .arg(today.to_string())
        .arg("--to")
        .arg((today + chrono::Days::new(13)).to_string())
        .output()?;
    ensure!(
        out.status.success(),
        "calendar failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(serde_json::from_slice(&out.stdout)?)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn the_calendar_and_search_show_every_system_with_conflicts_across_them() -> Result<()> {
    let data_dir = demo_workspace()?;
    let items = cli_calendar(data_dir.path())?;
    // A planted conflict between two systems (the demo world plants several a week).
    let conflicted = items
        .iter()
        .find(|i| {
            i["conflicts"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["source"] != i["source"]))
        })
        .ok_or_else(|| anyhow::anyhow!("no cross-system conflict in the demo fortnight"))?
        .clone();
    let day = &conflicted["local_start"].as_str().unwrap_or_default()[..10];
    let id = conflicted["id"].as_str().unwrap_or_default().to_string();
    let reason = conflicted["conflicts"][0]["reason"]
        .as_str()
        .unwrap_or_default()
        .to_string();

    // The person in most items of the fortnight: the user who asks for "my schedule".
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for person in items
        .iter()
        .flat_map(|i| i["people"].as_array().into_iter().flatten())
    {
        if let Some(id) = person["id"].as_str() {
            *counts.entry(id.to_string()).or_default() += 1;
        }
    }
    let me = counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(id, _)| id)
        .ok_or_else(|| anyhow::anyhow!("nobody takes part in the demo fortnight"))?;

    let app = AppSession::start_in(data_dir, &[]).await?;
    app.scenario("calendar-week", || async {
        app.element("demo-badge").await?;
        app.go(&format!("#/calendar?view=timeGridWeek&date={day}"))
            .await?;
        let summary = app
            .wait_for_text("calendar-summary", Duration::from_secs(20), |t| {
                t.contains("items in UTC")
            })
            .await?;
        ensure!(summary.contains("with a conflict"), "{summary}");
        ensure!(app.count("calendar-event").await? > 10, "the week is full");
        app.screenshots("calendar-week").await?;
        Ok(())
    })
    .await?;

    app.scenario("calendar-conflict", || async {
        // A deep link to the item opens its details, the conflict named in words.
        app.go(&format!(
            "#/calendar?view=timeGridWeek&date={day}&item={}",
            id.replace('/', "%2F")
        ))
        .await?;
        app.element("item-drawer").await?;
        let conflicts = app.texts_of_all("item-conflict").await?;
        ensure!(
            conflicts.iter().any(|c| c.contains(&reason)),
            "the window and the CLI name the same conflict: {conflicts:?} vs {reason}"
        );
        let fields = app.text_of("item-fields").await?;
        ensure!(
            fields.contains("source_id"),
            "every field is listed: {fields}"
        );
        app.screenshots("calendar-item").await?;
        app.click("item-close").await?;
        Ok(())
    })
    .await?;

    app.scenario("my-schedule", || async {
        // The user says who they are; "My schedule" then shows that person's items only.
        app.go("#/settings").await?;
        app.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(fantoccini::Locator::Css(&format!(
                "[data-testid=pref-me] option[value=\"{me}\"]"
            )))
            .await?;
        app.select("pref-me", &me).await?;
        app.click("settings-save").await?;
        ensure!(app.text_of("settings-saved").await? == "Saved.");
        app.go(&format!("#/calendar?view=timeGridWeek&date={day}"))
            .await?;
        let all = app
            .wait_for_text("calendar-summary", Duration::from_secs(20), |t| {
                t.contains("items in")
            })
            .await?;
        app.click("calendar-mine").await?;
        let mine = app
            .wait_for_text("calendar-summary", Duration::from_secs(20), |t| {
                t.contains("items in") && t != all
            })
            .await?;
        let count = |t: &str| t.split(' ').next().and_then(|n| n.parse::<usize>().ok());
        ensure!(
            matches!((count(&mine), count(&all)), (Some(m), Some(a)) if m > 0 && m < a),
            "my schedule is a part of the week: {mine} of {all}"
        );
        app.screenshots("calendar-mine").await?;
        Ok(())
    })
    .await?;

    app.scenario("calendar-resources", || async {
        app.go("#/overview").await?;
        app.go(&format!("#/calendar?view=resourceTimelineDay&date={day}"))
            .await?;
        app.wait_for_text("calendar-summary", Duration::from_secs(20), |t| {
            t.contains("items in UTC")
        })
        .await?;
        let rows = app.texts_of_all("calendar-row").await?;
        ensure!(
            rows.iter().any(|r| r == "Aircraft") && rows.iter().any(|r| r == "N44API"),
            "the unified aircraft are rows: {rows:?}"
        );
        app.screenshots("calendar-resources").await?;
        Ok(())
    })
    .await?;

    app.scenario("search-palette", || async {
        app.go("#/overview").await?;
        app.click("open-palette").await?;
        app.type_into("search-input", "N44").await?;
        let first = app
            .wait_for_text("search-hit", Duration::from_secs(20), |t| {
                t.contains("N44API")
            })
            .await?;
        ensure!(
            first.starts_with("Aircraft"),
            "the aircraft comes first: {first}"
        );
        app.screenshots("search-palette").await?;
        app.element("search-input")
            .await?
            .send_keys(fantoccini::key::Key::Enter.to_string().as_str())
            .await?;
        let title = app.text_of("entity-title").await?;
        ensure!(title == "N44API", "{title}");
        let sources = app.count("entity-source").await?;
        ensure!(
            sources >= 3,
            "N44API is known to several systems: {sources}"
        );
        app.screenshots("entity").await?;
        Ok(())
    })
    .await?;

    app.scenario("search-page", || async {
        app.go("#/search?q=weather").await?;
        let count = app.text_of("search-count").await?;
        ensure!(count.contains("matching records"), "{count}");
        ensure!(app.count("search-hit").await? > 0);
        app.screenshots("search").await?;
        Ok(())
    })
    .await?;

    app.scenario("trainings", || async {
        app.go("#/trainings").await?;
        app.element("training-student").await?;
        ensure!(
            app.count("training").await? > 0,
            "the Flylogs trainings show"
        );
        app.screenshots("trainings").await?;
        // A student's own page: enrolments with progress, exams and missions to sign.
        app.client
            .find(fantoccini::Locator::Css("[data-testid=training-student] a"))
            .await?
            .click()
            .await?;
        let title = app
            .wait_for_text("trainings-title", Duration::from_secs(20), |t| {
                t.starts_with("Trainings of")
            })
            .await?;
        app.element("training-progress").await?;
        ensure!(
            !title.ends_with("this student"),
            "the student is named: {title}"
        );
        app.screenshots("trainings-student").await?;
        // A student with a debrief to sign: the demo signs in as the school's manager, so
        // Flylogs refuses, in its words, and the password leaves the form at once.
        app.go("#/trainings").await?;
        app.element("training-student").await?;
        let rows = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=training-student]"))
            .await?;
        let mut opened = false;
        for row in rows {
            if row.text().await?.contains("unsigned") {
                row.find(fantoccini::Locator::Css("a"))
                    .await?
                    .click()
                    .await?;
                opened = true;
                break;
            }
        }
        ensure!(opened, "a student has a mission to sign");
        app.click("sign-open").await?;
        app.type_into("sign-password", "wrong-password-7").await?;
        app.click("sign-submit").await?;
        let said = app
            .wait_for_text("sign-error", Duration::from_secs(60), |t| !t.is_empty())
            .await?;
        ensure!(
            said.contains("Only the student who flew the mission can sign it"),
            "{said}"
        );
        ensure!(
            !said.contains("wrong-password-7"),
            "the password never shows"
        );
        let left = app.element("sign-password").await?.prop("value").await?;
        ensure!(left.as_deref() == Some(""), "the password left the form");
        app.screenshots("sign-refused").await?;

        // Flylogs failing is no refusal: sign later, with a reminder that shows once a
        // sync reaches Flylogs again.
        demo_faults(&app, "flylogs:5xx=1").await?;
        app.type_into("sign-password", "wrong-password-7").await?;
        app.click("sign-submit").await?;
        app.wait_for_text("sign-error", Duration::from_secs(60), |t| {
            t.contains("needs the network")
        })
        .await?;
        // The window's storage outlives a test's workspace, but reminders are kept per
        // workspace: this new one has none yet, whatever earlier runs left.
        app.click("sign-remind").await?;
        app.element("sign-reminder-set").await?;
        app.screenshots("sign-offline-reminder").await?;
        demo_faults(&app, "").await?;
        app.go("#/sync").await?;
        sync_now_until(&app, "").await?;
        let banner = app
            .wait_for_text("sign-reminder", Duration::from_secs(60), |t| !t.is_empty())
            .await
            .context("the reminder shows once Flylogs answers")?;
        ensure!(banner.contains("you wanted to sign"), "{banner}");
        app.screenshots("sign-reminder-due").await?;
        app.click("sign-reminder-dismiss").await?;
        app.wait_for_count("sign-reminder", Duration::from_secs(10), |n| n == 0)
            .await?;

        // A manager enrols a student not enrolled yet from a training's panel.
        app.go("#/trainings").await?;
        app.click("enrol-open").await?;
        app.wait_for_count("enrol-student", Duration::from_secs(30), |n| n > 0)
            .await?;
        app.click("enrol-student").await?;
        app.screenshots("trainings-enrol").await?;
        app.click("enrol-submit").await?;
        let queued = app
            .wait_for_text("enrol-queued", Duration::from_secs(20), |t| !t.is_empty())
            .await?;
        ensure!(
            queued.contains("Enrolment of 1 student or group queued"),
            "{queued}"
        );
        Ok(())
    })
    .await?;

    app.scenario("logbook", || async {
        app.go("#/logbook").await?;
        let first = app
            .wait_for_text("logbook-row", Duration::from_secs(60), |t| {
                !t.is_empty() && !t.contains("Loading")
            })
            .await?;
        ensure!(
            app.text_of("logbook-title")
                .await?
                .starts_with("Logbook of "),
            "a pilot's logbook opens"
        );
        let verdict = app
            .wait_for_text("verdict", Duration::from_secs(30), |t| t.contains("14 CFR"))
            .await?;
        ensure!(
            [
                "current",
                "not current",
                "expiring soon",
                "cannot verify",
                "not applicable",
                "in grace period",
                "IPC required"
            ]
            .iter()
            .any(|w| verdict.contains(w)),
            "each verdict says its status in words: {verdict}"
        );
        app.element("totals-panel").await?;
        app.screenshots("logbook").await?;
        // Cross-country by 61.1 (i) and over 50 NM (ii), for every period.
        if let Err(e) = app
            .wait_for_count("totals-xc50", Duration::from_secs(30), |n| n == 4)
            .await
        {
            let panel = app.text_of("totals-panel").await.unwrap_or_default();
            return Err(e.context(format!(
                "the totals show cross-country over 50 NM per period: {panel}"
            )));
        }
        ensure!(
            app.count("totals-xc").await? == 4,
            "the totals show cross-country per period"
        );
        app.client
            .execute(
                "document.querySelector('[data-testid=totals-panel]').scrollIntoView()",
                vec![],
            )
            .await?;
        app.screenshots("logbook-totals").await?;
        app.client
            .find(fantoccini::Locator::Css("[data-testid=logbook-row] button"))
            .await?
            .click()
            .await?;
        app.element("logbook-entry").await?;
        let places = app.text_of("logbook-places").await?;
        ensure!(
            places.contains("Departure") && places.contains("over 50 NM"),
            "the entry shows its places and cross-country over 50 NM: {places}"
        );
        ensure!(
            app.count("logbook-source").await? >= 1,
            "the entry lists its sources ({first})"
        );
        app.screenshots("logbook-entry").await?;
        // The pilot's own value, kept beside the sources': the row says it is annotated.
        let before = app.count("logbook-annotated").await?;
        app.type_into("annotate-approaches", "2").await?;
        app.client
            .find(fantoccini::Locator::Css(
                "[data-testid=annotate-approaches]",
            ))
            .await?
            .send_keys("\t")
            .await?;
        app.click("annotate-save").await?;
        app.wait_for_count("logbook-annotated", Duration::from_secs(20), |n| n > before)
            .await
            .context("the annotated entry is marked in the list")?;
        Ok(())
    })
    .await?;

    app.scenario("logbook-add-a-flight-log", || async {
        let aircraft = pilotflows_aircraft(app.data_dir())?;
        // Away and back: the entry's drawer closes.
        app.go("#/outbox").await?;
        app.go("#/logbook").await?;
        app.click("flight-log-add").await?;
        // A mistake is named on its field before anything is queued.
        app.type_into("flight-log-date", "12/31/2999").await?;
        app.type_into("flight-log-aircraft", &aircraft).await?;
        app.type_into("flight-log-duration", "1.3").await?;
        app.type_into("flight-log-remarks", "added in the window")
            .await?;
        app.click("flight-log-save").await?;
        let said = app.text_of("flight-log-field-error").await?;
        ensure!(said.contains("in the future"), "{said}");
        app.screenshots("logbook-add-refused").await?;
        let yesterday = chrono::Utc::now().date_naive() - chrono::Days::new(1);
        let typed = yesterday.format("%m/%d/%Y").to_string();
        app.type_into("flight-log-date", &typed).await?;
        // PilotFlows failing: the flight log waits, marked, above the logbook.
        demo_faults(&app, "pilotflows:5xx=1").await?;
        app.click("flight-log-save").await?;
        let waiting = app
            .wait_for_text("logbook-added-waiting", Duration::from_secs(20), |t| {
                t.contains("waiting to send")
            })
            .await?;
        ensure!(waiting.contains(&aircraft), "{waiting}");
        app.screenshots("logbook-added-waiting").await?;
        demo_faults(&app, "").await?;
        // Its failed try waits for its backoff: "Retry now", where offered, sends it at once.
        app.go("#/outbox").await?;
        app.click("outbox-show-sent").await?;
        let mut item = String::new();
        for _ in 0..90 {
            for row in app
                .client
                .find_all(fantoccini::Locator::Css("[data-testid=outbox-item]"))
                .await?
            {
                let text = row.text().await?;
                if !text.contains("Add a flight log") {
                    continue;
                }
                if let Ok(retry) = row
                    .find(fantoccini::Locator::Css("[data-testid=outbox-retry]"))
                    .await
                {
                    retry.click().await?;
                }
                item = text;
            }
            if item.contains("sent") {
                break;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        ensure!(
            item.contains("sent"),
            "the new flight log reaches PilotFlows: {item}"
        );
        ensure!(item.contains("PilotFlows"), "{item}");
        app.screenshots("outbox-flight-log").await?;
        Ok(())
    })
    .await?;
    app.finish().await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn an_account_connected_from_the_window_stays_readable_offline() -> Result<()> {
    let sandbox = flightdesk_e2e::SandboxProcess::start()?;
    let base_url = sandbox.base_url("aviationalley");
    let token = sandbox.token("aviationalley", "live_full");
    let app = AppSession::start(&[]).await?;

    app.scenario("connect-refuses-a-wrong-key", || async {
        app.element("welcome").await?;
        app.screenshots("welcome").await?;
        app.click("welcome-role-dispatcher").await?;
        app.click("welcome-connect").await?;
        app.select("connect-provider", "aviationalley").await?;
        app.type_into("connect-base-url", &base_url).await?;
        app.type_into("connect-secret", "aa_live_not-a-real-key")
            .await?;
        app.click("connect-test").await?;
        let said = app
            .wait_for_text("connect-outcome", Duration::from_secs(20), |t| {
                !t.is_empty()
            })
            .await?;
        ensure!(said.contains("did not accept the credential"), "{said}");
        ensure!(
            !said.contains("not-a-real-key"),
            "the key never shows: {said}"
        );
        ensure!(app.count("account-row").await? == 0, "nothing was saved");
        app.screenshots("accounts-refused").await?;
        Ok(())
    })
    .await?;

    app.scenario("connect-an-account", || async {
        app.type_into("connect-secret", &token).await?;
        app.click("connect-test").await?;
        app.wait_for_text("connect-outcome", Duration::from_secs(20), |t| {
            t.contains("accepted the credential")
        })
        .await?;
        app.type_into("connect-name", "Skyhaven centre").await?;
        app.click("connect-save").await?;
        let said = app
            .wait_for_text("connect-outcome", Duration::from_secs(20), |t| {
                t.starts_with("Connected")
            })
            .await?;
        ensure!(said.contains("Skyhaven centre"), "{said}");
        let secret = app.element("connect-secret").await?.prop("value").await?;
        ensure!(
            secret.as_deref() == Some(""),
            "the key leaves the form once sent"
        );
        ensure!(app.text_of("account-name").await? == "Skyhaven centre");
        // Its first sync starts by itself.
        app.wait_for_text("sync-indicator", Duration::from_secs(90), |t| {
            t.starts_with("Synced")
        })
        .await?;
        app.screenshots("accounts").await?;
        Ok(())
    })
    .await?;

    app.scenario("board-online", || async {
        app.go("#/board").await?;
        app.element("board-crew-member").await?;
        ensure!(app.count("board-crew-member").await? > 3);
        ensure!(app.count("board-aircraft").await? > 0);
        app.screenshots("board").await?;
        Ok(())
    })
    .await?;
    let data_dir = app.finish().await?;

    // The network goes; the app starts again and shows everything from its cache.
    sandbox.stop();
    let app = AppSession::start_in(data_dir, &[]).await?;
    app.scenario("offline-after-restart", || async {
        ensure!(app.text_of("board-title").await? == "Dispatch board");
        let crew = app.count("board-crew-member").await?;
        ensure!(crew > 3, "the crew is still on the board: {crew}");
        app.click("nav-sync").await?;
        sync_now_until(&app, "No resource could sync").await?;
        app.go("#/board").await?;
        let age = app
            .wait_for_text("data-age", Duration::from_secs(20), |t| {
                t.starts_with("Offline")
            })
            .await?;
        ensure!(age.contains("data as of"), "{age}");
        app.screenshots("board-offline").await?;
        app.go("#/calendar?view=timeGridWeek").await?;
        app.wait_for_text("calendar-summary", Duration::from_secs(20), |t| {
            t.contains("items in")
        })
        .await?;
        ensure!(
            app.count("calendar-event").await? > 0,
            "the simulator bookings show"
        );
        app.screenshots("calendar-offline").await?;
        Ok(())
    })
    .await?;
    app.finish().await?;
    Ok(())
}

/// The demo cache's first future Flylogs class with a teacher, and a subject.
fn a_future_class(data_dir: &std::path::Path) -> Result<(serde_json::Value, String)> {
    let out = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .arg("export")
        .output()?;
    ensure!(out.status.success(), "export failed");
    let cache: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let now = chrono::Utc::now().to_rfc3339();
    let class = cache["classes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["account"] == "demo-flylogs" && c["starts_at"].as_str() > Some(now.as_str()))
        .find(|c| c["instructor_id"].is_string())
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no future Flylogs class with a teacher"))?;
    let subject = cache["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["account"] == "demo-flylogs")
        .and_then(|s| s["source_id"].as_str())
        .ok_or_else(|| anyhow::anyhow!("no Flylogs subject"))?
        .to_string();
    Ok((class, subject))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn a_class_is_checked_across_systems_then_scheduled_in_a_free_slot_through_the_outbox(
) -> Result<()> {
    let data_dir = demo_workspace()?;
    let (taken, subject) = a_future_class(data_dir.path())?;
    // The window's zone is UTC here (the calendar scenario checks it).
    let start = taken["starts_at"].as_str().unwrap_or_default()[..16].to_string();
    let teacher = taken["instructor_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let app = AppSession::start_in(data_dir, &[]).await?;

    app.scenario("schedule-warns", || async {
        app.go(&format!("#/schedule?start={start}")).await?;
        app.element("schedule-form").await?;
        app.select("schedule-subject", &subject).await?;
        app.select("schedule-teacher", &teacher).await?;
        app.click("schedule-student").await?;
        app.wait_for_text("schedule-warning", Duration::from_secs(20), |t| {
            !t.is_empty()
        })
        .await?;
        let warnings = app.texts_of_all("schedule-warning").await?;
        ensure!(
            warnings.iter().any(|w| w.contains("Flylogs")),
            "a warning names the other class's system: {warnings:?}"
        );
        ensure!(
            app.text_of("schedule-save").await? == "Save anyway",
            "over a warning the button asks for a reason"
        );
        ensure!(
            app.element("schedule-save")
                .await?
                .prop("disabled")
                .await?
                .as_deref()
                == Some("true"),
            "no reason, no save"
        );
        ensure!(
            app.count("schedule-slot").await? > 0,
            "free slots are offered"
        );
        app.screenshots("schedule-warnings").await?;
        Ok(())
    })
    .await?;

    app.scenario("schedule-in-a-free-slot", || async {
        app.click("schedule-slot").await?;
        app.element("schedule-clear").await?;
        ensure!(app.count("schedule-warning").await? == 0);
        app.click("schedule-save").await?;
        let saved = app
            .wait_for_text("schedule-saved", Duration::from_secs(20), |t| !t.is_empty())
            .await?;
        ensure!(saved.contains("Schedule a class"), "{saved}");
        app.screenshots("schedule-saved").await?;
        Ok(())
    })
    .await?;

    app.scenario("outbox", || async {
        app.go("#/outbox").await?;
        app.element("outbox-title").await?;
        // Sent in the background to the demo's Flylogs: it leaves the waiting list.
        app.element("outbox-show-sent").await?;
        app.click("outbox-show-sent").await?;
        let state = app
            .wait_for_text("outbox-state", Duration::from_secs(90), |t| t == "sent")
            .await?;
        ensure!(state == "sent");
        // The badge follows once the run that sent it has ended.
        app.wait_for_count("outbox-badge", Duration::from_secs(60), |n| n == 0)
            .await
            .context("nothing waits any more")?;
        app.screenshots("outbox").await?;
        Ok(())
    })
    .await?;

    app.scenario("outbox-while-flylogs-fails", || async {
        // Flylogs answers every request with a server error: the class waits, the badge
        // says so, and it goes out once Flylogs is back and the user retries.
        demo_faults(&app, "flylogs:5xx=1").await?;
        app.go(&format!("#/schedule?start={start}")).await?;
        app.element("schedule-form").await?;
        app.select("schedule-subject", &subject).await?;
        app.select("schedule-teacher", &teacher).await?;
        app.click("schedule-student").await?;
        app.element("schedule-slot").await?;
        app.click("schedule-slot").await?;
        app.element("schedule-clear").await?;
        app.click("schedule-save").await?;
        app.wait_for_text("schedule-saved", Duration::from_secs(20), |t| !t.is_empty())
            .await?;
        // The calendar draws it at once, said in words.
        let day = app
            .element("schedule-date")
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        app.go(&format!("#/calendar?date={day}&view=timeGridDay"))
            .await?;
        let titles = app
            .wait_for_text("calendar-event", Duration::from_secs(20), |_| true)
            .await
            .map(|_| ());
        let shown = app.texts_of_all("calendar-event").await?;
        ensure!(
            shown.iter().any(|t| t.starts_with("Waiting to send")),
            "the waiting class is in the calendar: {shown:?} ({titles:?})"
        );
        app.screenshots("calendar-waiting").await?;
        app.go("#/outbox").await?;
        app.wait_for_text("outbox-state", Duration::from_secs(90), |t| {
            t == "will try again"
        })
        .await?;
        ensure!(
            app.text_of("outbox-badge").await? == "1",
            "the badge counts the waiting class"
        );
        app.element("outbox-error").await?;
        app.screenshots("outbox-failed").await?;
        demo_faults(&app, "").await?;
        app.click("outbox-retry").await?;
        app.wait_for_count("outbox-badge", Duration::from_secs(60), |n| n == 0)
            .await
            .context("sent once Flylogs is back")?;
        Ok(())
    })
    .await?;

    app.scenario("class-attendance", || async {
        // The teacher's roster of the taken class, from Flylogs: mark the first student,
        // evaluate them, and see both reach Flylogs.
        let id = taken["source_id"].as_str().unwrap_or_default();
        let day = &start[..10];
        app.go(&format!(
            "#/calendar?date={day}&view=timeGridDay&item=classes/demo-flylogs/{id}"
        ))
        .await?;
        app.element("class-roster").await?;
        let before = app
            .wait_for_text("roster-student", Duration::from_secs(30), |t| !t.is_empty())
            .await?;
        let now_shown = if before.contains("attended") {
            "absent"
        } else {
            "attended"
        };
        app.click("roster-present").await?;
        app.click("roster-save").await?;
        app.wait_for_text("roster-saved", Duration::from_secs(20), |t| {
            t.contains("Attendance queued")
        })
        .await?;
        app.screenshots("class-attendance-saved").await?;
        let line = app
            .wait_for_text("roster-student", Duration::from_secs(90), |t| {
                t.contains(now_shown) && !t.contains("waiting to send")
            })
            .await
            .context("the attendance is sent and read back from Flylogs")?;
        ensure!(line.contains(now_shown), "{line}");
        app.click("roster-evaluate").await?;
        app.type_into("roster-remarks", "Briefed well; revise the circuit")
            .await?;
        app.click("roster-evaluation-save").await?;
        app.wait_for_text("roster-student", Duration::from_secs(90), |t| {
            t.contains("Briefed well") && !t.contains("waiting to send")
        })
        .await
        .context("the evaluation is sent and read back")?;
        app.screenshots("class-roster").await?;
        Ok(())
    })
    .await?;
    app.finish().await?;
    Ok(())
}

/// Runs the CLI on `data_dir`, feeding `stdin`; fails with its words unless it succeeds.
fn cli(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> Result<()> {
    use std::io::Write as _;
    let mut child = std::process::Command::new(flightdesk_e2e::cli_binary()?)
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()?;
    child
        .stdin
        .take()
        .context("the CLI's stdin")?
        .write_all(stdin.as_bytes())?;
    let out = child.wait_with_output()?;
    ensure!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// The sandbox's Flylogs truth.
async fn flylogs_truth(sandbox: &flightdesk_sandbox::RunningSandbox) -> Result<serde_json::Value> {
    Ok(
        reqwest::get(format!("{}/truth/flylogs", sandbox.admin_url()))
            .await?
            .json()
            .await?,
    )
}

/// The sandbox's finished exam attempts (each with its answers).
async fn finished_attempts(
    sandbox: &flightdesk_sandbox::RunningSandbox,
) -> Result<Vec<serde_json::Value>> {
    let truth = flylogs_truth(sandbox).await?;
    Ok(truth["attempts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["finished"] == true)
        .cloned()
        .collect())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the built app, a display and tauri-driver: run tests/e2e.sh"]
async fn a_student_takes_a_whole_exam_while_the_network_drops_and_the_app_restarts() -> Result<()> {
    use flightdesk_sandbox::{link::Link, Provider};
    let sandbox = flightdesk_sandbox::start(Default::default()).await?;
    let link = Link::to(&format!("http://{}", sandbox.addr())).await;
    let student = sandbox
        .credential(Provider::Flylogs, "student")
        .context("the sandbox's student")?;
    let token = student["token"].as_str().unwrap_or_default().to_string();
    let email = student["email"].as_str().unwrap_or_default().to_lowercase();
    // The student's own Flylogs account, reached through a link the scenario cuts.
    let data_dir = tempfile::tempdir()?;
    let base = link.url(&sandbox.base_url(Provider::Flylogs));
    let connect = [
        "connect",
        "flylogs",
        "--base-url",
        &base,
        "--token-stdin",
        "--name",
        "me",
    ];
    cli(data_dir.path(), &connect, &format!("{token}\n"))?;
    cli(data_dir.path(), &["sync"], "")?;
    let before = finished_attempts(&sandbox).await?;
    let app = AppSession::start_in(data_dir, &[]).await?;
    let answered_online = 2;

    app.scenario("exam-preview-and-start", || async {
        app.go(&format!("#/trainings?person=person:{email}"))
            .await?;
        app.element("exam-take").await?;
        let links = app.attrs_of_all("exam-take", "href").await?;
        let mut startable = false;
        for href in links {
            // WebKit's driver answers with the resolved URL: keep its hash.
            let hash = href.split_once('#').map_or(href.as_str(), |(_, h)| h);
            app.go(&format!("#{hash}")).await?;
            app.element("exam-preview").await?;
            let start = app.element("exam-start").await?;
            if start.attr("disabled").await?.is_none() {
                startable = true;
                break;
            }
        }
        ensure!(startable, "one of the student's exams can be started");
        app.screenshots("exam-preview").await?;
        app.click("exam-start").await?;
        app.element("exam-question").await?;
        let progress = app.text_of("exam-progress").await?;
        ensure!(progress.starts_with("0 of "), "{progress}");
        for n in 0..answered_online {
            app.click_nth("exam-option", n % 2).await?;
            app.wait_for_text("exam-progress", Duration::from_secs(10), |t| {
                t.starts_with(&format!("{} of", n + 1))
            })
            .await?;
            app.click("exam-next").await?;
        }
        app.element("exam-all-sent").await?;
        Ok(())
    })
    .await?;

    app.scenario("exam-offline", || async {
        link.set_up(false);
        let total = app.count("exam-question-number").await?;
        for n in answered_online..total {
            app.click_nth("exam-option", n % 2).await?;
            app.wait_for_text("exam-progress", Duration::from_secs(10), |t| {
                t.starts_with(&format!("{} of", n + 1))
            })
            .await?;
            if n + 1 < total {
                app.click("exam-next").await?;
            }
        }
        let waiting = app
            .wait_for_text("exam-waiting", Duration::from_secs(20), |t| {
                t.contains("waiting to send")
            })
            .await?;
        ensure!(
            waiting.starts_with(&(total - answered_online).to_string()),
            "{waiting}"
        );
        let problem = app
            .wait_for_text("exam-problem", Duration::from_secs(20), |t| !t.is_empty())
            .await?;
        ensure!(
            problem.contains("saved on this computer") && problem.contains("cannot be reached"),
            "{problem}"
        );
        app.screenshots("exam-offline").await?;
        Ok(())
    })
    .await?;
    let data_dir = app.finish().await?;

    // The app restarts with the network still gone: the attempt reopens where it was.
    let app = AppSession::start_in(data_dir, &[]).await?;
    app.scenario("exam-reopened-offline", || async {
        app.go(&format!("#/trainings?person=person:{email}"))
            .await?;
        let open = app.text_of("exam-open").await?;
        ensure!(open.contains("not finished"), "{open}");
        app.client
            .find(fantoccini::Locator::Css("[data-testid=exam-open] a"))
            .await?
            .click()
            .await?;
        let total = {
            app.element("exam-question").await?;
            app.count("exam-question-number").await?
        };
        let title = app.text_of("exam-question").await?;
        ensure!(
            title.contains(&format!("Question {total} of {total}")),
            "reopens at the last question answered: {title}"
        );
        let progress = app.text_of("exam-progress").await?;
        ensure!(progress.starts_with(&format!("{total} of")), "{progress}");
        app.click("exam-finish").await?;
        let finishing = app.text_of("exam-finishing").await?;
        ensure!(finishing.contains("still to send"), "{finishing}");
        app.screenshots("exam-finishing-offline").await?;
        Ok(())
    })
    .await?;

    // Still offline, the student marks a lesson's slides done: it waits, marked, in the
    // outbox.
    let lesson = std::sync::Mutex::new((String::new(), String::new()));
    app.scenario("lesson-completed-offline", || async {
        app.go(&format!("#/trainings?person=person:{email}"))
            .await?;
        app.element("lesson").await?;
        app.client
            .execute(
                "document.querySelectorAll('details').forEach((d) => (d.open = true));",
                vec![],
            )
            .await?;
        let rows = app
            .client
            .find_all(fantoccini::Locator::Css("[data-testid=lesson]"))
            .await?;
        let mut picked = None;
        for row in rows {
            if let Ok(open) = row
                .find(fantoccini::Locator::Css(
                    "[data-testid=lesson-complete-open]",
                ))
                .await
            {
                let id = row.attr("data-lesson").await?.unwrap_or_default();
                let enrolment = row.attr("data-enrolment").await?.unwrap_or_default();
                open.click().await?;
                picked = Some((id, enrolment));
                break;
            }
        }
        let (id, enrolment) = picked.context("a lesson of an active training to mark done")?;
        let minutes = app.element("lesson-minutes").await?;
        minutes.clear().await?;
        minutes.send_keys("25").await?;
        app.click("lesson-complete-submit").await?;
        let css = format!("[data-lesson=\"{id}\"] [data-testid=waiting-mark]");
        let mark = app
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(fantoccini::Locator::Css(&css))
            .await
            .context("the lesson is marked waiting to send")?
            .text()
            .await?;
        ensure!(mark.contains("waiting to send"), "{mark}");
        app.screenshots("lesson-completed-offline").await?;
        *lesson.lock().unwrap() = (id, enrolment);
        // Back to the exam, still waiting to finish.
        app.client
            .find(fantoccini::Locator::Css("[data-testid=exam-open] a"))
            .await?
            .click()
            .await?;
        app.element("exam-finishing").await?;
        Ok(())
    })
    .await?;
    let (lesson, lesson_enrolment) = lesson.into_inner().unwrap();
    let lesson_seconds = |truth: &serde_json::Value| -> i64 {
        truth["completed_lessons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| {
                c["lesson"] == lesson.as_str() && c["enrollment"] == lesson_enrolment.as_str()
            })
            .filter_map(|c| c["seconds"].as_i64())
            .sum()
    };
    let seconds_before = lesson_seconds(&flylogs_truth(&sandbox).await?);

    app.scenario("exam-delivered-and-graded", || async {
        link.set_up(true);
        app.client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(fantoccini::Locator::Css("[data-testid=exam-score]"))
            .await
            .context("the result shows once every answer reached Flylogs")?;
        let verdict = app.text_of("exam-verdict").await?;
        ensure!(verdict == "passed" || verdict == "not passed", "{verdict}");
        ensure!(
            app.count("exam-review").await? > 0,
            "the right answers show"
        );
        app.screenshots("exam-result").await?;
        Ok(())
    })
    .await?;

    app.scenario("lesson-sent", || async {
        app.go("#/sync").await?;
        sync_now_until(&app, "").await?;
        app.go(&format!("#/trainings?person=person:{email}"))
            .await?;
        app.element("lesson").await?;
        let css = format!("[data-lesson=\"{lesson}\"] [data-testid=lesson-done]");
        app.client
            .wait()
            .at_most(Duration::from_secs(60))
            .for_element(fantoccini::Locator::Css(&css))
            .await
            .context("Flylogs' copy shows the lesson done")?;
        app.screenshots("lesson-sent").await?;
        Ok(())
    })
    .await?;
    app.finish().await?;
    ensure!(
        lesson_seconds(&flylogs_truth(&sandbox).await?) == seconds_before + 25 * 60,
        "the lesson's 25 minutes reached Flylogs once"
    );

    let after = finished_attempts(&sandbox).await?;
    ensure!(
        after.len() == before.len() + 1,
        "one more attempt graded: {after:?}"
    );
    let graded = after
        .iter()
        .find(|a| !before.contains(a))
        .context("the new attempt")?;
    let unanswered = graded["answers"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|d| d["option"].is_null()).count());
    ensure!(unanswered == 0, "every answer reached Flylogs: {graded}");
    Ok(())
}
