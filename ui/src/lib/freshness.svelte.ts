// How fresh the cached data is, said the same way on every view: "syncing now", "as of
// 10:42", or "offline since 09:15" when the last sync could reach no provider.
import { sync } from "./sync.svelte";
import { zone } from "./zone.svelte";

const OFFLINE_CODES = new Set(["network", "timeout"]);

export type Freshness = { state: "syncing" | "online" | "offline" | "never"; text: string; since: string | null };

/** The newest successful sync of any resource. */
function lastSuccess(): string | null {
  return (
    (sync.status?.resources ?? [])
      .map((r) => r.last_success_at)
      .filter((t): t is string => t !== null)
      .sort()
      .at(-1) ?? null
  );
}

/** Offline: every resource the last run tried failed for want of a network. */
function offline(): boolean {
  const tried = sync.status?.last_run?.report?.resources ?? [];
  return tried.length > 0 && tried.every((r) => r.outcome === "failed" && OFFLINE_CODES.has(r.error_code ?? ""));
}

export function freshness(): Freshness {
  const since = lastSuccess();
  if (sync.running) return { state: "syncing", text: "Syncing now", since };
  if (offline()) {
    const attempt = sync.status?.last_run?.finished_at ?? null;
    const text = since ? `Offline · data as of ${zone.dateTime(since)}` : "Offline · nothing synced yet";
    return { state: "offline", text: attempt ? `${text} (last try ${zone.time(attempt)})` : text, since };
  }
  if (since) return { state: "online", text: `As of ${zone.dateTime(since)}`, since };
  return { state: "never", text: "Not synced yet", since: null };
}
