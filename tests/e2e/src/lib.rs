//! A harness that drives the real FlightDesk window: it starts `tauri-driver` (which
//! starts WebKitWebDriver and the app) with a throwaway data directory, opens a WebDriver
//! session, and writes a screenshot of every scenario (and of every failure) to
//! `tests/artifacts/screenshots/`.
//!
//! It needs a display (run under `xvfb-run`), a keyring session and the built app:
//! `tests/e2e.sh` provides all three.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};

const DRIVER_PORT: u16 = 4444;
/// The port tauri-driver starts WebKitWebDriver on.
const WEBKIT_DRIVER_PORT: u16 = 4445;
const STARTUP_LIMIT: Duration = Duration::from_secs(60);

/// One running app under WebDriver, with its own data directory.
pub struct AppSession {
    pub client: Client,
    data_dir: Option<tempfile::TempDir>,
    driver: Option<Child>,
}

/// Extra environment for the app, such as a broken keyring address.
pub type Env<'a> = &'a [(&'a str, &'a str)];

impl AppSession {
    /// Starts tauri-driver and the app on a fresh data directory.
    pub async fn start(env: Env<'_>) -> Result<Self> {
        let data_dir = tempfile::tempdir()?;
        Self::start_in(data_dir, env).await
    }

    /// Starts the app on an existing data directory.
    pub async fn start_in(data_dir: tempfile::TempDir, env: Env<'_>) -> Result<Self> {
        let app = app_binary()?;
        // A driver left over from an earlier session would serve this one with its own
        // environment (another data directory): make sure both ports are free first.
        release_ports().await?;
        let mut command = Command::new(driver_binary());
        command.env("FLIGHTDESK_DATA_DIR", data_dir.path());
        for (key, value) in env {
            command.env(key, value);
        }
        let driver = command.spawn().context("starting tauri-driver")?;
        let mut session = PartialSession {
            driver: Some(driver),
        };
        wait_for_port(DRIVER_PORT).await?;

        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app.to_string_lossy() }),
        );
        // Already installed by an earlier session in this process: that is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = ClientBuilder::rustls()?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{DRIVER_PORT}"))
            .await
            .context("opening a WebDriver session on the app")?;
        let driver = session.driver.take();
        Ok(Self {
            client,
            data_dir: Some(data_dir),
            driver,
        })
    }

    /// Waits for an element by `data-testid` and returns its text.
    pub async fn text_of(&self, test_id: &str) -> Result<String> {
        let element = self
            .client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(&format!("[data-testid=\"{test_id}\"]")))
            .await
            .with_context(|| format!("waiting for [data-testid={test_id}]"))?;
        Ok(element.text().await?)
    }

    /// Waits until the element's text satisfies `ready` (for state that changes, such as
    /// a sync finishing) and returns it; fails with the last text seen.
    pub async fn wait_for_text(
        &self,
        test_id: &str,
        limit: Duration,
        ready: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let deadline = Instant::now() + limit;
        let mut last = String::new();
        while Instant::now() < deadline {
            let found = self
                .client
                .find(Locator::Css(&format!("[data-testid=\"{test_id}\"]")))
                .await;
            if let Ok(element) = found {
                // The element may be re-rendered between finding and reading it.
                if let Ok(text) = element.text().await {
                    if ready(&text) {
                        return Ok(text);
                    }
                    last = text;
                }
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("[data-testid={test_id}] never became ready; last text: {last:?}")
    }

    /// Waits until the number of elements with this `data-testid` satisfies `ready` and
    /// returns it; fails with the last count seen.
    pub async fn wait_for_count(
        &self,
        test_id: &str,
        limit: Duration,
        ready: impl Fn(usize) -> bool,
    ) -> Result<usize> {
        let deadline = Instant::now() + limit;
        let mut last = self.count(test_id).await?;
        while !ready(last) {
            if Instant::now() >= deadline {
                bail!("[data-testid={test_id}] count never became ready; last count: {last}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            last = self.count(test_id).await?;
        }
        Ok(last)
    }

    /// The texts of every element with this `data-testid`, in document order.
    pub async fn texts_of_all(&self, test_id: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let selector = format!("[data-testid=\"{test_id}\"]");
        for element in self.client.find_all(Locator::Css(&selector)).await? {
            out.push(element.text().await?);
        }
        Ok(out)
    }

    /// Clicks an element by `data-testid`.
    pub async fn click(&self, test_id: &str) -> Result<()> {
        self.element(test_id).await?.click().await?;
        Ok(())
    }

    /// Clicks the `n`th (0-based) element with this `data-testid`.
    pub async fn click_nth(&self, test_id: &str, n: usize) -> Result<()> {
        self.element(test_id).await?;
        let selector = format!("[data-testid=\"{test_id}\"]");
        let all = self.client.find_all(Locator::Css(&selector)).await?;
        let element = all
            .get(n)
            .with_context(|| format!("no element {n} of [data-testid={test_id}]"))?;
        element.click().await?;
        Ok(())
    }

    /// The `attr` of every element with this `data-testid`.
    pub async fn attrs_of_all(&self, test_id: &str, attr: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let selector = format!("[data-testid=\"{test_id}\"]");
        for element in self.client.find_all(Locator::Css(&selector)).await? {
            out.push(element.attr(attr).await?.unwrap_or_default());
        }
        Ok(out)
    }

    /// Replaces the text of an input by `data-testid`.
    pub async fn type_into(&self, test_id: &str, text: &str) -> Result<()> {
        let element = self.element(test_id).await?;
        element.clear().await?;
        element.send_keys(text).await?;
        Ok(())
    }

    /// Chooses an option of a select by `data-testid`.
    pub async fn select(&self, test_id: &str, value: &str) -> Result<()> {
        self.element(test_id).await?.select_by_value(value).await?;
        Ok(())
    }

    pub async fn element(&self, test_id: &str) -> Result<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(20))
            .for_element(Locator::Css(&format!("[data-testid=\"{test_id}\"]")))
            .await
            .with_context(|| format!("waiting for [data-testid={test_id}]"))
    }

    /// Goes to a deep link of the window (`#/calendar?date=…`), as a pasted link would.
    pub async fn go(&self, hash: &str) -> Result<()> {
        self.client
            .execute(
                "window.location.hash = arguments[0]",
                vec![serde_json::Value::String(hash.to_string())],
            )
            .await?;
        Ok(())
    }

    /// How many elements have this `data-testid` now.
    pub async fn count(&self, test_id: &str) -> Result<usize> {
        let selector = format!("[data-testid=\"{test_id}\"]");
        Ok(self.client.find_all(Locator::Css(&selector)).await?.len())
    }

    /// Shows the window in `light` or `dark`, as the theme preference does.
    pub async fn theme(&self, theme: &str) -> Result<()> {
        self.client
            .execute(
                "document.documentElement.dataset.theme = arguments[0]",
                vec![serde_json::Value::String(theme.to_string())],
            )
            .await?;
        Ok(())
    }

    /// A screenshot in the light and in the dark theme (`<name>-light`, `<name>-dark`).
    pub async fn screenshots(&self, name: &str) -> Result<()> {
        for theme in ["light", "dark"] {
            self.theme(theme).await?;
            self.screenshot(&format!("{name}-{theme}")).await?;
        }
        self.theme("light").await
    }

    /// Writes a PNG of the window to the screenshots folder.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // WebKit paints asynchronously: let two frames pass so the picture shows the DOM
        // the assertions just read, not the frame before it.
        let settle = "const done = arguments[arguments.length - 1];
            requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 300)));";
        self.client
            .execute_async(settle, vec![])
            .await
            .context("letting the window paint")?;
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot")?;
        let path = screenshot_dir()?.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Runs a scenario; on failure saves `failure-<name>.png` before passing the error on.
    pub async fn scenario<F, Fut>(&self, name: &str, body: F) -> Result<()>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        let result = tokio::time::timeout(Duration::from_secs(120), body())
            .await
            .unwrap_or_else(|_| Err(anyhow::anyhow!("scenario `{name}` timed out")));
        if result.is_err() {
            let _ = self.screenshot(&format!("failure-{name}")).await;
        }
        result.with_context(|| format!("scenario `{name}`"))
    }

    /// The session's data directory.
    pub fn data_dir(&self) -> &Path {
        self.data_dir.as_ref().expect("present until finish").path()
    }

    /// Closes the window and stops tauri-driver (with SIGTERM, so WebKitWebDriver exits too).
    pub async fn finish(mut self) -> Result<tempfile::TempDir> {
        let _ = self.client.clone().close().await;
        if let Some(mut driver) = self.driver.take() {
            stop_driver(&mut driver);
        }
        release_ports().await?;
        Ok(self.data_dir.take().expect("present until finish"))
    }
}

impl Drop for AppSession {
    /// A failed scenario returns early: stop the driver anyway, so the next test can open
    /// its own session instead of meeting "Maximum number of active sessions".
    fn drop(&mut self) {
        if let Some(driver) = self.driver.as_mut() {
            stop_driver(driver);
        }
    }
}

/// Stops the driver if session set-up fails half-way.
struct PartialSession {
    driver: Option<Child>,
}

impl Drop for PartialSession {
    fn drop(&mut self) {
        if let Some(driver) = self.driver.as_mut() {
            stop_driver(driver);
        }
    }
}

fn stop_driver(driver: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(driver.id().to_string())
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = driver.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = driver.kill();
}

/// The app binary under test, built by `tests/e2e.sh`.
fn app_binary() -> Result<PathBuf> {
    let path = std::env::var_os("FLIGHTDESK_APP")
        .map(PathBuf::from)
        .context("set FLIGHTDESK_APP to the built app binary (tests/e2e.sh does)")?;
    if !path.is_absolute() || !path.exists() {
        bail!(
            "FLIGHTDESK_APP must be an existing absolute path, got {}",
            path.display()
        );
    }
    Ok(path)
}

/// The `flightdesk` CLI built beside the app, for preparing workspaces.
pub fn cli_binary() -> Result<PathBuf> {
    let cli = app_binary()?.with_file_name("flightdesk");
    if !cli.exists() {
        bail!(
            "the flightdesk CLI is not built beside the app ({})",
            cli.display()
        );
    }
    Ok(cli)
}

fn driver_binary() -> PathBuf {
    std::env::var_os("TAURI_DRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| "tauri-driver".into())
}

/// `tests/artifacts/screenshots/` in the repository (the README points there).
pub fn screenshot_dir() -> Result<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../artifacts/screenshots");
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn port_open(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

/// Waits until nothing listens on the driver ports; a WebKitWebDriver that outlived its
/// tauri-driver is asked to stop.
async fn release_ports() -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while port_open(DRIVER_PORT) || port_open(WEBKIT_DRIVER_PORT) {
        if Instant::now() > deadline {
            bail!("ports {DRIVER_PORT}/{WEBKIT_DRIVER_PORT} are still in use by another driver");
        }
        if !port_open(DRIVER_PORT) {
            let _ = Command::new("pkill")
                .args(["-TERM", "-x", "WebKitWebDriver"])
                .status();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

async fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + STARTUP_LIMIT;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("tauri-driver did not listen on port {port} within {STARTUP_LIMIT:?}")
}

/// A provider sandbox in a process of its own (`flightdesk sandbox`), so a scenario can
/// take the network away by stopping it. Stopped when dropped.
pub struct SandboxProcess {
    child: Child,
    /// What `--json` printed: each provider's `base_url` and `credentials`.
    pub manifest: serde_json::Value,
}

impl SandboxProcess {
    pub fn start() -> Result<Self> {
        use std::io::BufRead as _;
        let mut child = Command::new(cli_binary()?)
            .args(["sandbox", "--port", "0", "--json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting the sandbox")?;
        let stdout = child.stdout.take().context("the sandbox's stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let manifest = serde_json::from_str(&line)
            .with_context(|| format!("the sandbox's manifest line: {line:?}"))?;
        Ok(Self { child, manifest })
    }

    /// A provider's base URL in this sandbox.
    pub fn base_url(&self, provider: &str) -> String {
        self.manifest[provider]["base_url"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The token of the provider's credential with this role.
    pub fn token(&self, provider: &str, role: &str) -> String {
        self.manifest[provider]["credentials"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["role"] == role)
            .and_then(|c| c["token"].as_str())
            .unwrap_or_default()
            .to_string()
    }

    /// Stops the sandbox: every provider becomes unreachable.
    pub fn stop(mut self) {
        self.kill();
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SandboxProcess {
    fn drop(&mut self) {
        self.kill();
    }
}
