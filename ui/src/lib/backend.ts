// The one place the UI talks to Rust. Components import from here, never `invoke`.
import { commands, type UiError } from "./bindings";

export * from "./bindings";

/** Turns whatever a command rejected with into a `UiError` the views can show. */
export function asUiError(reason: unknown): UiError {
  if (typeof reason === "object" && reason !== null && "code" in reason && "message" in reason) {
    return reason as UiError;
  }
  return { code: "unexpected", message: String(reason) };
}

export const backend = commands;
