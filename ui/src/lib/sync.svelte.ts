// The window's view of syncing: the backend's status plus the live progress of the run
// under way, fed by the `sync-status` and `sync-progress` events.
import {
  asUiError,
  backend,
  events,
  type Counts,
  type Outcome,
  type ProgressEvent,
  type ResourceState,
  type SyncStatus,
  type UiError,
} from "./backend";

/** One resource's progress in the run under way. */
export interface LiveResource {
  pages: number;
  counts: Counts;
  /** Set when the resource finished in this run. */
  outcome: Outcome | null;
  error: string | null;
}

const key = (account: string, resource: string) => `${account}\u0000${resource}`;

class SyncModel {
  status: SyncStatus | null = $state(null);
  /** The status could not be read, or a sync-now request was refused. */
  error: UiError | null = $state(null);
  live: Record<string, LiveResource> = $state({});
  /** Another sync holds the lock: this app's own earlier one, or another FlightDesk
   * process (the CLI) named by its process id. */
  waitingFor: { holder: string; thisProcess: boolean } | null = $state(null);
  requested = $state(false);
  /** The clock relative times are shown against: ticks, and moves with every status. */
  now: Date = $state(new Date());
  #listening: Promise<void> | null = null;

  /** Subscribes to the backend once and reads the current status. */
  start(): Promise<void> {
    if (!this.#listening) {
      setInterval(() => (this.now = new Date()), 30_000);
      this.#listening = this.#listen();
    }
    return this.#listening;
  }

  /** Applies a status report unless it is older than the one shown: a `syncStatus()`
   * reply can arrive after a newer `sync-status` event. */
  #setStatus(status: SyncStatus) {
    if (!isNewer(status, this.status)) return;
    if (status.running && !this.status?.running) this.live = {};
    if (!status.running) this.waitingFor = null;
    this.status = status;
    this.now = new Date();
  }

  get running(): boolean {
    return this.requested || this.status?.running != null;
  }

  liveFor(r: Pick<ResourceState, "account" | "resource">): LiveResource | undefined {
    return this.live[key(r.account, r.resource)];
  }

  /** How the last run ended for this resource, when the last run reached it. */
  outcomeFor(r: Pick<ResourceState, "account" | "resource">): Outcome | null {
    const report = this.status?.last_run?.report;
    const found = report?.resources.find((s) => s.account === r.account && s.resource === r.resource);
    return found?.outcome ?? null;
  }

  async syncNow(): Promise<void> {
    this.requested = true;
    this.error = null;
    try {
      const run = await backend.syncNow();
      if (run.error) this.error = run.error;
      this.#setStatus(await backend.syncStatus());
    } catch (reason) {
      this.error = asUiError(reason);
    } finally {
      this.requested = false;
    }
  }

  async #listen(): Promise<void> {
    try {
      await events.onSyncStatus((status) => this.#setStatus(status));
      await events.onSyncProgress((event) => this.#progress(event));
      this.#setStatus(await backend.syncStatus());
    } catch (reason) {
      this.error = asUiError(reason);
    }
  }

  #progress(event: ProgressEvent) {
    switch (event.event) {
      case "waiting":
        this.waitingFor = { holder: event.holder, thisProcess: event.this_process };
        break;
      case "resource_started":
        this.waitingFor = null;
        this.live[key(event.account, event.resource)] = {
          pages: 0,
          counts: { new: 0, updated: 0, removed: 0, skipped: 0 },
          outcome: null,
          error: null,
        };
        break;
      case "page_written": {
        const entry = this.live[key(event.account, event.resource)];
        if (entry) {
          entry.pages = event.pages;
          entry.counts = event.counts;
        }
        break;
      }
      case "resource_finished":
        this.live[key(event.account, event.resource)] = {
          pages: event.pages,
          counts: { new: event.new, updated: event.updated, removed: event.removed, skipped: event.skipped },
          outcome: event.outcome,
          error: event.error,
        };
        break;
    }
  }
}

export const sync = new SyncModel();

/** Words for an outcome, and whether it needs the user's attention. */
export function describeOutcome(outcome: Outcome): { label: string; tone: "ok" | "muted" | "bad" } {
  switch (outcome) {
    case "synced":
      return { label: "Up to date", tone: "ok" };
    case "unchanged":
      return { label: "No changes", tone: "ok" };
    case "not_permitted":
      return { label: "Not permitted", tone: "muted" };
    case "needs_credential":
      return { label: "Needs a new key", tone: "bad" };
    case "failed":
      return { label: "Failed", tone: "bad" };
  }
}

/** Whether `incoming` may replace `shown`: the backend numbers its reports, and a reply
 * carries the number of the last report sent, so an equal one is as new. */
export function isNewer(incoming: SyncStatus, shown: SyncStatus | null): boolean {
  return shown === null || incoming.revision >= shown.revision;
}

export function sumCounts(list: Counts[]): Counts {
  return list.reduce(
    (a, c) => ({
      new: a.new + c.new,
      updated: a.updated + c.updated,
      removed: a.removed + c.removed,
      skipped: a.skipped + c.skipped,
    }),
    { new: 0, updated: 0, removed: 0, skipped: 0 },
  );
}
