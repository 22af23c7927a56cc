// The one time formatter: every time the window shows is in the user's chosen IANA zone
// (Settings; the computer's zone until chosen), whatever zone the provider used.
import { backend } from "./backend";

class Zone {
  /** The chosen zone; the computer's until preferences are read. */
  name: string = $state(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");

  async load(): Promise<void> {
    const prefs = await backend.getPreferences();
    this.name = prefs.time_zone;
  }

  #format(iso: string, options: Intl.DateTimeFormatOptions): string {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) return iso;
    return new Intl.DateTimeFormat(undefined, { ...options, timeZone: this.name }).format(date);
  }

  /** "14:05". */
  time(iso: string): string {
    return this.#format(iso, { hour: "2-digit", minute: "2-digit" });
  }

  /** "Mon 7 Dec". */
  day(iso: string): string {
    return this.#format(iso, { weekday: "short", day: "numeric", month: "short" });
  }

  /** "7 Dec 2026, 14:05". */
  dateTime(iso: string): string {
    return this.#format(iso, { dateStyle: "medium", timeStyle: "short" });
  }

  /** "14:05–15:30" (or with days when they differ). */
  range(from: string, to: string): string {
    const sameDay = this.#format(from, { dateStyle: "short" }) === this.#format(to, { dateStyle: "short" });
    return sameDay
      ? `${this.day(from)} ${this.time(from)}–${this.time(to)}`
      : `${this.dateTime(from)} – ${this.dateTime(to)}`;
  }

  /** The date of `iso` in the zone, `YYYY-MM-DD`. Built from parts: WebKitGTK's ICU does
   * not always format `en-CA` as ISO, and the calendar would misread "12/7/2026". */
  dayOf(iso: string): string {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: this.name,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).formatToParts(new Date(iso));
    const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? "";
    return `${part("year")}-${part("month")}-${part("day")}`;
  }

  /** Today's date in the zone, `YYYY-MM-DD`. */
  today(): string {
    return this.dayOf(new Date().toISOString());
  }
}

export const zone = new Zone();
