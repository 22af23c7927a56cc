//! Remembers the main window's size and position across launches (a preference).

use std::path::Path;

use flightdesk_core::preferences::WindowState;
use tauri::{AppHandle, Manager, PhysicalPosition, PhysicalSize, Runtime, Window, WindowEvent};

use crate::preferences;
use crate::state::AppState;

/// Puts the main window back where the user left it.
pub fn restore<R: Runtime>(app: &AppHandle<R>, prefs_path: &Path) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let Ok(prefs) = preferences::load(app, prefs_path) else {
        return;
    };
    let Some(saved) = prefs.window else { return };
    let _ = window.set_size(PhysicalSize::new(saved.width, saved.height));
    let _ = window.set_position(PhysicalPosition::new(saved.x, saved.y));
    if saved.maximized {
        let _ = window.maximize();
    }
}

/// Saves the window's geometry when it is closed.
pub fn on_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    if !matches!(event, WindowEvent::CloseRequested { .. }) || window.label() != "main" {
        return;
    }
    let app = window.app_handle();
    let Ok(ready) = app.state::<AppState>().ready() else {
        return;
    };
    let path = ready.preferences_path();
    let (Ok(size), Ok(position)) = (window.outer_size(), window.outer_position()) else {
        return;
    };
    let Ok(mut prefs) = preferences::load(app, &path) else {
        return;
    };
    prefs.window = Some(WindowState {
        width: size.width,
        height: size.height,
        x: position.x,
        y: position.y,
        maximized: window.is_maximized().unwrap_or(false),
    });
    if let Err(error) = preferences::save(app, &path, &prefs) {
        tracing::warn!(%error, "could not save the window state");
    }
}
