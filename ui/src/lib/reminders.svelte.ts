// Reminders to sign once the network is back. A signature needs Flylogs online (the
// password is never kept, so it cannot wait in the outbox); when one fails offline the
// user may ask to be reminded. A reminder holds no password: what to sign, its label and
// where to do it. It is kept in this window's local storage and falls due when a sync
// that finished after it reached Flylogs.
import type { SignKind, SyncStatus } from "./backend";

export interface SignReminder {
  kind: SignKind;
  id: string;
  label: string;
  /** The page to sign it from (`#/trainings?person=…`). */
  href: string;
  /** When the user asked. */
  at: string;
}

const STORE_KEY = "flightdesk.sign-reminders";

function load(): SignReminder[] {
  try {
    const raw = JSON.parse(localStorage.getItem(STORE_KEY) ?? "[]") as unknown;
    return Array.isArray(raw) ? (raw as SignReminder[]) : [];
  } catch {
    return [];
  }
}

class Reminders {
  items: SignReminder[] = $state(load());

  #save(): void {
    localStorage.setItem(STORE_KEY, JSON.stringify(this.items));
  }

  add(r: Omit<SignReminder, "at">): void {
    this.items = [...this.items.filter((x) => !(x.kind === r.kind && x.id === r.id)), { ...r, at: new Date().toISOString() }];
    this.#save();
  }

  remove(kind: SignKind, id: string): void {
    this.items = this.items.filter((x) => !(x.kind === kind && x.id === id));
    this.#save();
  }

  has(kind: SignKind, id: string): boolean {
    return this.items.some((x) => x.kind === kind && x.id === id);
  }

  /** The reminders a sync that reached Flylogs has made due. */
  due(status: SyncStatus | null): SignReminder[] {
    const run = status?.last_run;
    const reached = run?.report?.resources.some((r) => r.provider === "flylogs" && r.outcome !== "failed") ?? false;
    if (!run || !reached) return [];
    return this.items.filter((x) => Date.parse(run.finished_at) > Date.parse(x.at));
  }
}

export const reminders = new Reminders();
