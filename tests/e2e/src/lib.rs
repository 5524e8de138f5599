//! # maillage-e2e
//!
//! Drives the real Maillage window: `tauri-driver` (in front of Debian's `WebKitWebDriver`)
//! launches the built `maillage-desktop` binary under Xvfb, and [`App`] talks to it through
//! WebDriver with `fantoccini`. Every test gets its own store (`MAILLAGE_DB` in a temporary
//! folder), handed to the application through tauri-driver's environment.
//!
//! Run everything with `scripts/e2e.sh` (builds the UI and the app, starts Xvfb). By hand:
//!
//! ```sh
//! cargo build -p maillage-desktop
//! xvfb-run -a cargo test -p maillage-e2e
//! ```
//!
//! Elements are found by their `data-testid` (listed in `ui/TESTIDS.md`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long to wait for something to appear before failing (never a measured time).
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The workspace's `target/` folder (honours `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"),
    }
}

/// The application under test: `$MAILLAGE_E2E_APP`, else the debug build.
pub fn app_binary() -> PathBuf {
    std::env::var_os("MAILLAGE_E2E_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/maillage-desktop"))
}

/// Where the end-to-end run writes its screenshots.
pub fn screenshot_dir() -> PathBuf {
    target_dir().join("screenshots")
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        return Some(PathBuf::from(program));
    }
    let home_bin = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin"));
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(home_bin)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// A running `tauri-driver`, serving one store. Stopped with SIGTERM on drop, so that it stops
/// its WebKitWebDriver child too (SIGKILL would leave that one behind).
pub struct Driver {
    child: Child,
    port: u16,
    store: PathBuf,
    /// Held while the driver lives: one application at a time, whatever the test threads (two
    /// windows on a 2-core machine make each other's timings flaky). Dropped last.
    _one_at_a_time: std::sync::MutexGuard<'static, ()>,
}

static ONE_APP_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl Driver {
    /// Starts tauri-driver; the applications it launches use the store at `store`.
    pub fn start(store: &Path) -> Result<Driver> {
        Driver::launch_with(store, true)
    }

    /// Starts tauri-driver for an application run as it ships: WebKit's accelerated compositing
    /// left as the app sets it (off on Linux). For measurements; screenshots hang without it.
    pub fn start_as_shipped(store: &Path) -> Result<Driver> {
        Driver::launch_with(store, false)
    }

    fn launch_with(store: &Path, compositing: bool) -> Result<Driver> {
        // A test that failed while holding the lock poisons it; the next one may still run.
        let serial = ONE_APP_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
            return Err("no display: run the end-to-end tests under Xvfb (make test, or scripts/e2e.sh)".into());
        }
        let port = free_port()?;
        let native_port = free_port()?;
        let driver = which("tauri-driver").ok_or("tauri-driver is not installed: run scripts/install-deps.sh e2e")?;
        let mut command = Command::new(driver);
        if compositing {
            // WebDriver screenshots hang without WebKit's accelerated compositing, which the app
            // otherwise turns off.
            command.env("WEBKIT_DISABLE_COMPOSITING_MODE", "0");
        } else {
            command.env_remove("WEBKIT_DISABLE_COMPOSITING_MODE");
        }
        let child = command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
            .env("MAILLAGE_DB", store)
            // No accessibility bus under Xvfb (it only slows the start).
            .env("NO_AT_BRIDGE", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let driver = Driver { child, port, store: store.to_path_buf(), _one_at_a_time: serial };
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("tauri-driver did not start listening".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(driver)
    }

    pub fn store(&self) -> &Path {
        &self.store
    }

    /// The process id of tauri-driver (its descendants are WebKitWebDriver and the app).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Launches the application (a new WebDriver session) and waits until its page has loaded.
    pub async fn launch(&self) -> Result<App> {
        let app = app_binary();
        if !app.is_file() {
            return Err(format!("{} is missing: build it with `cargo build -p maillage-desktop`", app.display()).into());
        }
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), json!({ "application": app }));
        caps.insert("browserName".into(), json!("wry"));
        let url = format!("http://127.0.0.1:{}", self.port);
        // One retry: tauri-driver sometimes drops the very first connection while its
        // WebKitWebDriver child is still starting (hyper's IncompleteMessage).
        let client = match ClientBuilder::new(HttpConnector::new()).capabilities(caps.clone()).connect(&url).await {
            Ok(client) => client,
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(500)).await;
                ClientBuilder::new(HttpConnector::new())
                    .capabilities(caps)
                    .connect(&url)
                    .await
                    .map_err(|e| format!("launching the app through tauri-driver: {e}"))?
            }
        };
        let app = App { client };
        app.wait_ready().await.map_err(|e| format!("waiting for the first screen: {e}"))?;
        Ok(app)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Maillage window, through WebDriver.
pub struct App {
    pub client: Client,
}

/// A CSS selector for a `data-testid`.
pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

impl App {
    /// Waits for the first screen the UI shows, whichever it is (an encrypted store: the unlock screen).
    pub async fn wait_ready(&self) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let ready: Value = self
                .client
                .execute(
                    "return document.readyState === 'complete' && \
                     !!document.querySelector('[data-testid=\"first-launch\"],[data-testid=\"app-shell\"],[data-testid=\"app-notice\"],[data-testid=\"error-message\"],[data-testid=\"placeholder\"],[data-testid=\"unlock-screen\"]');",
                    vec![],
                )
                .await
                .unwrap_or(Value::Bool(false));
            if ready == Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("the window never showed a first screen".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Goes to a screen by its address (`/ateliers/nouveau`), as a link would.
    pub async fn go(&self, path: &str) -> Result<()> {
        self.client.execute("location.hash = arguments[0];", vec![json!(format!("#{path}"))]).await?;
        Ok(())
    }

    /// The element with this `data-testid`, once it exists.
    pub async fn el(&self, id: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&tid(id)))
            .await
            .map_err(|e| format!("no element [data-testid={id}] after {PATIENCE:?}: {e}").into())
    }

    /// Whether an element with this `data-testid` exists right now.
    pub async fn has(&self, id: &str) -> bool {
        self.client.find(Locator::Css(&tid(id))).await.is_ok()
    }

    pub async fn click(&self, id: &str) -> Result<()> {
        let el = self.el(id).await?;
        // Scrolled into view first: WebKit refuses clicks on elements outside the viewport.
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&el)?])
            .await
            .map_err(|e| format!("scrolling to [data-testid={id}]: {e}"))?;
        el.click().await.map_err(|e| format!("clicking [data-testid={id}]: {e}"))?;
        Ok(())
    }

    /// Types `text` at the end of the field's content, key by key, as a person would.
    pub async fn type_into(&self, id: &str, text: &str) -> Result<()> {
        let el = self.el(id).await?;
        el.send_keys(text).await.map_err(|e| format!("typing into [data-testid={id}]: {e}"))?;
        Ok(())
    }

    /// Empties a field, then types `text`.
    pub async fn fill(&self, id: &str, text: &str) -> Result<()> {
        let el = self.el(id).await?;
        // A field that has just appeared may not take input yet (it is being laid out, or is
        // below the fold): bring it into view and try again for a moment, as a person would.
        let _ = self
            .client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&el)?])
            .await;
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            match el.clear().await {
                Ok(()) => break,
                Err(e) if Instant::now() > deadline => return Err(format!("clearing [data-testid={id}]: {e}").into()),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        el.send_keys(text).await.map_err(|e| format!("typing into [data-testid={id}]: {e}"))?;
        Ok(())
    }

    pub async fn select(&self, id: &str, value: &str) -> Result<()> {
        self.el(id)
            .await?
            .select_by_value(value)
            .await
            .map_err(|e| format!("choosing {value} in [data-testid={id}]: {e}"))?;
        Ok(())
    }

    /// Scrolls the element into the middle of the window (before a screenshot).
    pub async fn show(&self, id: &str) -> Result<()> {
        let el = self.el(id).await?;
        self.client
            .execute("arguments[0].scrollIntoView({block: 'center'});", vec![serde_json::to_value(&el)?])
            .await?;
        Ok(())
    }

    pub async fn text(&self, id: &str) -> Result<String> {
        Ok(self.el(id).await?.text().await?)
    }

    /// The current value of an input, textarea or select.
    pub async fn value(&self, id: &str) -> Result<String> {
        Ok(self.el(id).await?.prop("value").await?.unwrap_or_default())
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_text(&self, id: &str, needle: &str) -> Result<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(el) = self.client.find(Locator::Css(&tid(id))).await {
                if let Ok(text) = el.text().await {
                    if text.contains(needle) {
                        return Ok(text);
                    }
                    if Instant::now() > deadline {
                        return Err(format!("[data-testid={id}] says {text:?}, never {needle:?}").into());
                    }
                }
            } else if Instant::now() > deadline {
                return Err(format!("no element [data-testid={id}] (waiting for {needle:?})").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until an element with this `data-testid` exists.
    pub async fn wait_for(&self, id: &str) -> Result<()> {
        self.el(id).await.map(|_| ())
    }

    /// Waits until no element with this `data-testid` exists.
    pub async fn wait_gone(&self, id: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        while self.has(id).await {
            if Instant::now() > deadline {
                return Err(format!("[data-testid={id}] never went away").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Ok(())
    }

    /// The `data-testid`s present on the page that start with `prefix`, in page order.
    pub async fn testids(&self, prefix: &str) -> Result<Vec<String>> {
        let v = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll('[data-testid]')).map(e => e.dataset.testid).filter(t => t.startsWith(arguments[0]));",
                vec![json!(prefix)],
            )
            .await?;
        Ok(serde_json::from_value(v)?)
    }

    /// Waits until at least one element whose `data-testid` starts with `prefix` is on the page
    /// (a list that fills once its records are read), then returns them all, in page order.
    /// After the patience is spent, returns what is there (possibly nothing): the caller asserts.
    pub async fn wait_testids(&self, prefix: &str) -> Result<Vec<String>> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self.testids(prefix).await?;
            if !found.is_empty() || Instant::now() > deadline {
                return Ok(found);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Presses a key combination on the focused element (e.g. Ctrl+K).
    pub async fn press_ctrl(&self, key: char) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let ctrl: char = Key::Control.into();
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: ctrl })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: ctrl });
        self.client.perform_actions(keys).await?;
        self.client.release_actions().await?;
        Ok(())
    }

    /// Saves a PNG of the window as `target/screenshots/<name>.png`.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        // Two animation frames: what the page last changed is painted before the picture.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done()));",
                vec![],
            )
            .await;
        let png = tokio::time::timeout(PATIENCE, self.client.screenshot())
            .await
            .map_err(|_| "the screenshot never came (WEBKIT_DISABLE_COMPOSITING_MODE must be 0 for screenshots)")??;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Closes the window as a person does with its close button: the window manager's
    /// `WM_DELETE_WINDOW` request, which the UI may hold while it saves. (WebDriver's own "close
    /// window" destroys the web view at once, which no person can do.) Waits until the
    /// application has quit, then ends the WebDriver session.
    pub async fn close_window(self, driver: &Driver) -> Result<()> {
        let pid = app_pid(driver).ok_or("the application's process was not found")?;
        request_close(pid)?;
        let deadline = Instant::now() + PATIENCE;
        let mut again = Instant::now() + Duration::from_secs(8);
        while Path::new(&format!("/proc/{pid}")).exists() && !is_zombie(pid) {
            if Instant::now() > deadline {
                return Err("the application did not quit after its window was closed".into());
            }
            // On a loaded machine the window manager's message can arrive before the window
            // listens for it: a person clicks the close button again, so does the test.
            if Instant::now() > again {
                let _ = request_close(pid);
                again = Instant::now() + Duration::from_secs(8);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.client.close().await;
        Ok(())
    }

    /// The first launch of a new store as a territory's facilitator: named, then « Bienvenue ».
    pub async fn first_launch(&self, facilitator: &str) -> Result<()> {
        self.wait_for("first-launch").await?;
        self.fill("facilitator-input", facilitator).await?;
        self.click("init-submit").await?;
        self.wait_for("welcome").await
    }

    /// From « Bienvenue », the first territory: its name, kind and, when given, département.
    pub async fn first_territory(&self, name: &str, kind: &str, departement: Option<&str>) -> Result<()> {
        self.click("welcome-territory-new").await?;
        self.wait_for("territory-form").await?;
        self.fill("territory-name", name).await?;
        self.select("territory-kind", kind).await?;
        if let Some(code) = departement {
            self.fill("territory-departement", code).await?;
        }
        self.click("territory-save").await?;
        self.wait_gone("territory-form").await
    }

    /// Ends the WebDriver session (the application quits).
    pub async fn quit(self) -> Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

/// Every descendant of `pid` (children, grandchildren…), read from `/proc`.
pub fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(p) = entry.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else { continue };
            if let Ok(stat) = std::fs::read_to_string(format!("/proc/{p}/stat")) {
                // "pid (comm) state ppid …": comm may hold spaces, so split after the last ')'.
                if let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) {
                    if let Some(ppid) = rest.split_whitespace().nth(1).and_then(|s| s.parse::<u32>().ok()) {
                        parent_of.push((p, ppid));
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut frontier = vec![pid];
    while let Some(p) = frontier.pop() {
        for &(child, parent) in &parent_of {
            if parent == p && !out.contains(&child) {
                out.push(child);
                frontier.push(child);
            }
        }
    }
    out
}

/// The command name of a process (`/proc/PID/comm`).
pub fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).map(|s| s.trim().to_string()).unwrap_or_default()
}

/// Proportional set size of a process in KiB (`Pss:` of `/proc/PID/smaps_rollup`).
pub fn pss_kib(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    text.lines().find(|l| l.starts_with("Pss:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok())
}

/// The application's process (a child of WebKitWebDriver, under `driver`), once it runs.
pub fn app_pid(driver: &Driver) -> Option<u32> {
    let name = app_binary().file_name()?.to_string_lossy().chars().take(15).collect::<String>();
    descendants(driver.pid()).into_iter().find(|&p| comm(p) == name)
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|s| s.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
        .unwrap_or(true)
}

/// Sends `WM_DELETE_WINDOW` to every visible top-level window of process `pid`, as a window
/// manager does when a person clicks the close button.
pub fn request_close(pid: u32) -> Result<()> {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt, EventMask, CLIENT_MESSAGE_EVENT};
    let (conn, screen) = x11rb::connect(None)?;
    let root = conn.setup().roots[screen].root;
    let atom = |name: &[u8]| -> Result<u32> { Ok(conn.intern_atom(false, name)?.reply()?.atom) };
    let (protocols, delete) = (atom(b"WM_PROTOCOLS")?, atom(b"WM_DELETE_WINDOW")?);
    let mut sent = 0;
    for window in visible_windows_of(&conn, root, pid)? {
        let event = ClientMessageEvent {
            response_type: CLIENT_MESSAGE_EVENT,
            format: 32,
            sequence: 0,
            window,
            type_: protocols,
            data: [delete, 0, 0, 0, 0].into(),
        };
        conn.send_event(false, window, EventMask::NO_EVENT, event)?;
        sent += 1;
    }
    conn.flush()?;
    if sent == 0 {
        return Err(format!("no visible window of process {pid}").into());
    }
    Ok(())
}

/// The visible top-level windows of process `pid` (by `_NET_WM_PID`).
fn visible_windows_of(conn: &impl x11rb::connection::Connection, root: u32, pid: u32) -> Result<Vec<u32>> {
    use x11rb::protocol::xproto::{AtomEnum, ConnectionExt, MapState};
    let net_wm_pid = conn.intern_atom(false, b"_NET_WM_PID")?.reply()?.atom;
    let mut found = Vec::new();
    for window in conn.query_tree(root)?.reply()?.children {
        let owner = conn.get_property(false, window, net_wm_pid, AtomEnum::CARDINAL, 0, 1)?.reply()?;
        if owner.value32().and_then(|mut v| v.next()) != Some(pid) {
            continue;
        }
        if conn.get_window_attributes(window)?.reply()?.map_state != MapState::VIEWABLE {
            continue;
        }
        found.push(window);
    }
    Ok(found)
}

/// A person at the keyboard and mouse: real key presses and clicks sent to the X server through
/// its XTEST extension. They reach the window exactly as typing does — through GTK, then
/// WebKit's queue of input events — so a page slower than the typist falls behind and a click
/// can overtake keys still queued, as it does for a person. (WebDriver's keys cannot show
/// this: each one waits until the page has handled the previous one.)
///
/// Plain ASCII only (the characters of Xvfb's default US keymap).
pub struct Typist {
    conn: x11rb::rust_connection::RustConnection,
    root: u32,
    window: u32,
    /// The keycode of each character, and whether Shift is needed.
    keys: std::collections::HashMap<char, (u8, bool)>,
    shift: u8,
}

impl Typist {
    /// Takes the keyboard and mouse of the display, aimed at the application's window.
    pub fn attach(driver: &Driver) -> Result<Typist> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{ConnectionExt, InputFocus};
        use x11rb::protocol::xtest::ConnectionExt as _;
        let pid = app_pid(driver).ok_or("the application's process was not found")?;
        let (conn, screen) = x11rb::connect(None)?;
        let root = conn.setup().roots[screen].root;
        conn.xtest_get_version(2, 2)?.reply().map_err(|e| format!("the X server has no XTEST extension: {e}"))?;
        let window = *visible_windows_of(&conn, root, pid)?.first().ok_or("the application has no visible window")?;
        // No window manager under Xvfb: the window is given the keyboard focus as one would.
        conn.set_input_focus(InputFocus::PARENT, window, x11rb::CURRENT_TIME)?;
        let (min, max) = (conn.setup().min_keycode, conn.setup().max_keycode);
        let map = conn.get_keyboard_mapping(min, max - min + 1)?.reply()?;
        let per = map.keysyms_per_keycode as usize;
        let mut keys = std::collections::HashMap::new();
        let mut shift = 0;
        for (i, syms) in map.keysyms.chunks(per.max(1)).enumerate() {
            let code = min + i as u8;
            // Latin-1 keysyms are the characters' own code points.
            for (level, &sym) in syms.iter().take(2).enumerate() {
                if sym == 0xffe1 && shift == 0 {
                    shift = code; // Shift_L
                }
                if (0x20..0x7f).contains(&sym) {
                    keys.entry(char::from(sym as u8)).or_insert((code, level == 1));
                }
            }
        }
        if shift == 0 {
            return Err("the X keymap has no Shift key".into());
        }
        conn.flush()?;
        Ok(Typist { conn, root, window, keys, shift })
    }

    /// Where elements are on the screen (a point inside each, near its left end, where a person
    /// clicks), after scrolling the first one into the middle of the window if it was not in
    /// sight. Fails when one of them is then out of sight.
    pub async fn locate(&self, app: &App, ids: &[&str]) -> Result<Vec<(i16, i16)>> {
        use x11rb::protocol::xproto::ConnectionExt;
        let v = app
            .client
            .execute(
                "const els = arguments[0].map((id) => document.querySelector(`[data-testid=\"${id}\"]`)); \
                 if (els.some((e) => !e)) return null; \
                 const r = els[0].getBoundingClientRect(); \
                 if (r.top < 80 || r.bottom > window.innerHeight - 20) els[0].scrollIntoView({block: 'center'}); \
                 return [window.innerHeight, ...els.map((e) => { \
                   const r = e.getBoundingClientRect(); return [r.left + Math.min(r.width / 2, 40), r.top + r.height / 2]; })];",
                vec![json!(ids)],
            )
            .await?;
        if v.is_null() {
            return Err(format!("one of {ids:?} is not on the page").into());
        }
        let answer = v.as_array().ok_or("unexpected answer from the page")?;
        let inner_height = answer[0].as_f64().unwrap_or(0.0);
        let points: Vec<(f64, f64)> =
            answer[1..].iter().map(|p| serde_json::from_value(p.clone())).collect::<Result<_, _>>()?;
        let geometry = self.conn.get_geometry(self.window)?.reply()?;
        let origin = self.conn.translate_coordinates(self.window, self.root, 0, 0)?.reply()?;
        // The page fills the bottom of the window (anything above it would be a title bar).
        let top = geometry.height as f64 - inner_height;
        let mut out = Vec::new();
        for (id, (x, y)) in ids.iter().zip(points) {
            if y < 0.0 || y > inner_height {
                return Err(format!("[data-testid={id}] is out of sight").into());
            }
            out.push(((origin.dst_x as f64 + x).round() as i16, (origin.dst_y as f64 + top + y).round() as i16));
        }
        Ok(out)
    }

    /// Moves the pointer to an element and clicks it, as a person does.
    pub async fn click(&self, app: &App, id: &str) -> Result<()> {
        let at = self.locate(app, &[id]).await?;
        self.click_at(at[0])
    }

    /// A left click at a point of the screen.
    pub fn click_at(&self, (x, y): (i16, i16)) -> Result<()> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{BUTTON_PRESS_EVENT, BUTTON_RELEASE_EVENT, MOTION_NOTIFY_EVENT};
        use x11rb::protocol::xtest::ConnectionExt as _;
        self.conn.xtest_fake_input(MOTION_NOTIFY_EVENT, 0, 0, self.root, x, y, 0)?;
        self.conn.xtest_fake_input(BUTTON_PRESS_EVENT, 1, 0, self.root, 0, 0, 0)?;
        self.conn.xtest_fake_input(BUTTON_RELEASE_EVENT, 1, 0, self.root, 0, 0, 0)?;
        self.conn.flush()?;
        Ok(())
    }

    /// Types `text` at one character every `pace`, whatever the page does meanwhile; returns
    /// when each key was sent (milliseconds since the Unix epoch, the clock of `Date.now()` in
    /// the page).
    pub async fn type_text(&self, text: &str, pace: Duration) -> Result<Vec<f64>> {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{KEY_PRESS_EVENT, KEY_RELEASE_EVENT};
        use x11rb::protocol::xtest::ConnectionExt as _;
        let start = tokio::time::Instant::now();
        let mut sent = Vec::with_capacity(text.len());
        for (i, c) in text.chars().enumerate() {
            tokio::time::sleep_until(start + pace * i as u32).await;
            let &(code, shifted) = self.keys.get(&c).ok_or_else(|| format!("no key types {c:?} on this keymap"))?;
            let key = |kind: u8, code: u8| self.conn.xtest_fake_input(kind, code, 0, self.root, 0, 0, 0).map(|_| ());
            if shifted {
                key(KEY_PRESS_EVENT, self.shift)?;
            }
            key(KEY_PRESS_EVENT, code)?;
            key(KEY_RELEASE_EVENT, code)?;
            if shifted {
                key(KEY_RELEASE_EVENT, self.shift)?;
            }
            self.conn.flush()?;
            sent.push(epoch_ms());
        }
        Ok(sent)
    }
}

/// Now, in milliseconds since the Unix epoch.
pub fn epoch_ms() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// The `maillage` command line of this workspace (`$MAILLAGE_E2E_CLI`, else the debug build),
/// built with cargo when it is missing.
pub fn cli_binary() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("MAILLAGE_E2E_CLI") {
        return Ok(PathBuf::from(path));
    }
    let path = target_dir().join("debug/maillage");
    if !path.is_file() {
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["build", "--locked", "-p", "maillage-cli"])
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
            .status()?;
        if !status.success() {
            return Err("building the maillage command line failed".into());
        }
    }
    Ok(path)
}

/// Runs `maillage --db STORE ARGS…` and returns its standard output; fails with its stderr.
pub fn cli(store: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new(cli_binary()?).arg("--db").arg(store).args(args).output()?;
    if !out.status.success() {
        return Err(format!("maillage {args:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}
