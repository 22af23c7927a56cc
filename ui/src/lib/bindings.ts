// Generated from the Rust types by `cargo test -p flightdesk-ipc` with
// UPDATE_BINDINGS=1. Do not edit: CI fails when this file is stale.
import { invoke } from "@tauri-apps/api/core";

export type Provider = "aviationalley" | "pilotflows" | "airbly" | "flightschoolbooking" | "flylogs";

export type Theme = "system" | "light" | "dark";

export type UserRole = "instructor" | "student" | "dispatcher";

export type WindowState = { width: number, height: number, x: number, y: number, maximized: boolean, };

export type Preferences = { theme: Theme, 
/**
 * IANA time-zone name the calendar and logbook show times in.
 */
time_zone: string, role: UserRole, 
/**
 * Minutes between background syncs; 0 turns background sync off.
 */
sync_interval_minutes: number, window: WindowState | null, };

export type WorkspaceKind = "real" | "demo";

export type Account = { id: number, provider: Provider, name: string, base_url: string, 
/**
 * Provider-specific options, e.g. `{"organisation": "42"}`.
 */
options: Record<string, unknown>, created_at: string, updated_at: string, };

export type ProviderInfo = { id: Provider, name: string, };

export type AppInfo = { version: string, data_dir: string, workspace_id: string, workspace_kind: WorkspaceKind, schema_version: number, providers: Array<ProviderInfo>, accounts: Array<Account>, };

export type UiError = { code: string, message: string, };

/** Typed calls into the Rust backend; they reject with a `UiError`. */
export const commands = {
  /** The app version and the open workspace. */
  appInfo: (): Promise<AppInfo> => invoke("app_info"),
  /** The saved preferences, or the defaults. */
  getPreferences: (): Promise<Preferences> => invoke("get_preferences"),
  /** Validates and saves preferences; rejects unknown time zones. */
  setPreferences: (preferences: Preferences): Promise<Preferences> => invoke("set_preferences", { preferences }),
};
