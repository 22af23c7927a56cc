// The outbox's counts for the sidebar badge: read once, then kept by the `outbox-changed`
// event (a write queued, sent, refused or discarded) and every sync status (a sync sends
// what waits before it reads).
import { backend, events, type OutboxCounts } from "./backend";

class OutboxModel {
  counts: OutboxCounts = $state({ waiting: 0, needs_you: 0 });
  #started = false;

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await events.onOutboxChanged((c) => (this.counts = c));
    await events.onSyncStatus(() => void this.refresh());
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.counts = await backend.outboxCounts();
    } catch {
      // The badge keeps its last counts; the Outbox view shows the error itself.
    }
  }
}

export const outbox = new OutboxModel();
