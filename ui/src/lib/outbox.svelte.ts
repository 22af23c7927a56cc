// The outbox as the window shows it: the sidebar badge's counts, and the writes not yet
// accepted, which the views mark "waiting to send" on the rows they touch. Read once,
// then kept by the `outbox-changed` event (a write queued, sent, refused or discarded)
// and every sync status (a sync sends what waits before it reads).
import { backend, events, type OutboxCounts, type OutboxItem } from "./backend";

class OutboxModel {
  counts: OutboxCounts = $state({ waiting: 0, needs_you: 0 });
  /** Writes not accepted yet, oldest first. */
  unsent: OutboxItem[] = $state([]);
  #started = false;

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await events.onOutboxChanged((c) => {
      this.counts = c;
      void this.#readUnsent();
    });
    await events.onSyncStatus(() => void this.refresh());
    await this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.counts = await backend.outboxCounts();
    } catch {
      // The badge keeps its last counts; the Outbox view shows the error itself.
    }
    await this.#readUnsent();
  }

  async #readUnsent(): Promise<void> {
    try {
      this.unsent = (await backend.outboxUnsent()).reverse();
    } catch {
      // The marks keep their last state, like the badge.
    }
  }

  /** The unsent writes of record `target` of `account` (by id, or the id a create got). */
  waitingFor(account: string, target: string, operation?: (op: string) => boolean): OutboxItem[] {
    return this.unsent.filter(
      (i) =>
        i.account === account &&
        (i.target_id === target || i.remote_id === target) &&
        (operation === undefined || operation(i.operation)),
    );
  }
}

export const outbox = new OutboxModel();
