// Where a search hit opens: an entity's page, or the calendar on the item's day.
import type { SearchHit } from "./backend";
import { entityHref } from "./router.svelte";
import { zone } from "./zone.svelte";

export function hitHref(hit: SearchHit): string | null {
  if (hit.entity) return entityHref(hit.entity.id);
  if (hit.item) {
    const params = new URLSearchParams({ item: hit.item });
    if (hit.starts_at) params.set("date", zone.dayOf(hit.starts_at));
    return `#/calendar?${params.toString()}`;
  }
  return null;
}

/** "[N44API] Cessna" as text and marks, for highlighting without HTML. */
export function snippetParts(snippet: string): { text: string; hit: boolean }[] {
  return snippet
    .split(/(\[[^\]]*\])/)
    .filter((p) => p !== "")
    .map((p) => (p.startsWith("[") && p.endsWith("]") ? { text: p.slice(1, -1), hit: true } : { text: p, hit: false }));
}

export const KIND_NAMES: Record<string, string> = {
  aircraft: "Aircraft",
  people: "Person",
  bookings: "Booking",
  classes: "Class",
  flight_logs: "Flight log",
  work_orders: "Work order",
  compliance_items: "Compliance",
  trainings: "Training",
  subjects: "Subject",
  lessons: "Lesson",
  exams: "Exam",
  missions: "Mission",
  invoices: "Invoice",
  crew_duty: "Crew duty",
  locations: "Location",
};
