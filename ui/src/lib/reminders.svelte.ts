// Reminders to sign once the network is back. A signature needs Flylogs online (the
// password is never kept, so it cannot wait in the outbox); when one fails offline the
// user may ask to be reminded. A reminder holds no password: what to sign, its label and
// where to do it. It is kept in this window's local storage under the workspace it
// belongs to (the demo's reminders never show in a real workspace, nor one school's in
// another's) and falls due when a sync that finished after it reached Flylogs.
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

/** Before reminders were kept per workspace: adopted by the first workspace opened. */
const LEGACY_KEY = "flightdesk.sign-reminders";
const keyOf = (workspace: string) => `${LEGACY_KEY}.${workspace}`;

function load(key: string): SignReminder[] {
  try {
    const raw = JSON.parse(localStorage.getItem(key) ?? "[]") as unknown;
    return Array.isArray(raw) ? (raw as SignReminder[]) : [];
  } catch {
    return [];
  }
}

class Reminders {
  items: SignReminder[] = $state([]);
  #key: string | null = null;

  /** Shows the reminders of workspace `id` (the one open). */
  use(id: string): void {
    const key = keyOf(id);
    if (key === this.#key) return;
    this.#key = key;
    const own = load(key);
    const legacy = load(LEGACY_KEY).filter((r) => !own.some((x) => x.kind === r.kind && x.id === r.id));
    this.items = [...own, ...legacy];
    if (localStorage.getItem(LEGACY_KEY) !== null) {
      this.#save();
      localStorage.removeItem(LEGACY_KEY);
    }
  }

  #save(): void {
    if (this.#key) localStorage.setItem(this.#key, JSON.stringify(this.items));
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
