import type { Theme } from "./bindings";

/** Applies a theme to the document; `system` follows the desktop's light or dark mode. */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === "system") {
    delete root.dataset.theme;
  } else {
    root.dataset.theme = theme;
  }
}
