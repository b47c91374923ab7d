// The app's screens as hash routes (#/f/ID/programme, #/f/ID/event/EID, #/join/CODE, ...): parsing and writing them.
// Hash routes keep every screen a shareable link that works on any node serving the app.
export type FestivalScreen =
  | { screen: "programme" }
  | { screen: "venues" }
  | { screen: "people" }
  | { screen: "event"; id: string | "new" }
  | { screen: "venue"; id: string | "new" }
  | { screen: "person"; id: string | "new" }
  | { screen: "conflicts" }
  | { screen: "history" }
  | { screen: "proposals" }
  | { screen: "bookings" }
  | { screen: "members" }
  | { screen: "sync" }
  | { screen: "settings" };

/** `join`: an invitation opened in the page (its code as the link carries it, checked by the join screen). */
export type Route = { screen: "festivals" } | { screen: "join"; code: string } | ({ festivalId: string } & FestivalScreen);

const SIMPLE_SCREENS = ["programme", "venues", "people", "conflicts", "proposals", "bookings", "members", "history", "sync", "settings"] as const;
/** An invitation code's characters (festival id, a dot, hex); the join screen says what is wrong with one. */
const CODE_PATTERN = /^[A-Za-z0-9._-]{1,200}$/;
const ITEM_SCREENS = ["event", "venue", "person"] as const;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

function isSimpleScreen(value: string): value is (typeof SIMPLE_SCREENS)[number] {
  return (SIMPLE_SCREENS as readonly string[]).includes(value);
}

function isItemScreen(value: string): value is (typeof ITEM_SCREENS)[number] {
  return (ITEM_SCREENS as readonly string[]).includes(value);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return ""; // malformed escapes name nothing
  }
}

/** The route a location hash names; anything unknown is the festivals screen. */
export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, "").split("/").filter((part) => part.length > 0).map(safeDecode);
  if (parts[0] === "join") return { screen: "join", code: CODE_PATTERN.test(parts[1] ?? "") ? (parts[1] as string) : "" };
  if (parts[0] !== "f" || parts[1] === undefined || !ID_PATTERN.test(parts[1])) return { screen: "festivals" };
  const festivalId = parts[1];
  const screen = parts[2] ?? "programme";
  if (isSimpleScreen(screen)) return { festivalId, screen };
  if (isItemScreen(screen) && parts[3] !== undefined && (parts[3] === "new" || ID_PATTERN.test(parts[3]))) {
    return { festivalId, screen, id: parts[3] };
  }
  return { festivalId, screen: "programme" };
}

/** The hash of a route, e.g. "#/f/2xyz/event/new". */
export function routeHash(route: Route): string {
  if (route.screen === "festivals") return "#/";
  if (route.screen === "join") return `#/join/${encodeURIComponent(route.code)}`;
  const base = `#/f/${encodeURIComponent(route.festivalId)}/${route.screen}`;
  return "id" in route ? `${base}/${encodeURIComponent(route.id)}` : base;
}

/** The hash of a festival screen. */
export function festivalHash(festivalId: string, screen: FestivalScreen): string {
  return routeHash({ festivalId, ...screen });
}
