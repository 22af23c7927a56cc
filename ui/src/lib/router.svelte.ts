// The window's routes live in the URL hash (`#/calendar?date=2026-12-07&item=…`), so a
// deep link to a view, an item, an entity or a date survives a reload and can be pasted.
// A hash router is a few lines over `hashchange`; a routing package would bring
// server-side concerns this single-window app does not have.

export type Route = { path: string; params: URLSearchParams };

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, "") || "/";
  const [path, query = ""] = raw.split("?", 2);
  return { path: path || "/", params: new URLSearchParams(query) };
}

class Router {
  route: Route = $state(parse(window.location.hash));

  constructor() {
    window.addEventListener("hashchange", () => (this.route = parse(window.location.hash)));
  }

  /** The first segment: `calendar` for `/calendar/…`. */
  get view(): string {
    return this.route.path.split("/")[1] ?? "";
  }

  /** The rest of the path, decoded: the entity id of `/entity/aircraft:N44API`. */
  get rest(): string {
    return decodeURIComponent(this.route.path.split("/").slice(2).join("/"));
  }

  param(name: string): string | null {
    return this.route.params.get(name);
  }

  /** Goes to `path` with `params` (empty values dropped). */
  go(path: string, params: Record<string, string | null | undefined> = {}): void {
    const text = Object.entries(params)
      .filter((entry): entry is [string, string] => Boolean(entry[1]))
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    window.location.hash = `#${path}${text ? `?${text}` : ""}`;
  }

  /** Changes some params of the current route, keeping the others. */
  set(params: Record<string, string | null | undefined>): void {
    const merged: Record<string, string | null | undefined> = Object.fromEntries(this.route.params);
    Object.assign(merged, params);
    this.go(this.route.path, merged);
  }
}

export const router = new Router();

/** The link to an entity's page. */
export const entityHref = (id: string): string => `#/entity/${encodeURIComponent(id)}`;
