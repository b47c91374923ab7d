// The festivals this browser follows: a small list in localStorage (the documents live in IndexedDB).
// Shared by this origin's tabs; a change in one tab is announced to the others by the storage event.
export interface DeviceFestival {
  id: string;
  /** the name when last seen; the document is the truth */
  name: string;
  visibility: "public" | "private";
  /** when this browser last opened it (ms since 1970) */
  openedAt: number;
}

const STORAGE_KEY = "pandafest:festivals";
const MAX_ENTRIES = 500;

function isEntry(value: unknown): value is DeviceFestival {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry.id === "string" && typeof entry.name === "string" && typeof entry.openedAt === "number";
}

export function listDeviceFestivals(): DeviceFestival[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter(isEntry)
    .map((entry) => ({ ...entry, visibility: entry.visibility === "public" ? "public" : "private" }) as DeviceFestival)
    .sort((a, b) => b.openedAt - a.openedAt);
}

function save(entries: DeviceFestival[]): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(entries.slice(0, MAX_ENTRIES)));
}

/** Adds the festival or refreshes its name, visibility and (when opened) the time it was opened. */
export function rememberFestival(entry: { id: string; name: string; visibility: "public" | "private" }, opened = true): void {
  const entries = listDeviceFestivals();
  const existing = entries.find((e) => e.id === entry.id);
  if (existing && existing.name === entry.name && existing.visibility === entry.visibility && !opened) return;
  const updated: DeviceFestival = {
    id: entry.id,
    name: entry.name,
    visibility: entry.visibility,
    openedAt: opened || !existing ? Date.now() : existing.openedAt,
  };
  save([updated, ...entries.filter((e) => e.id !== entry.id)]);
}

export function forgetFestival(id: string): void {
  save(listDeviceFestivals().filter((e) => e.id !== id));
}

export function isDeviceFestival(id: string): boolean {
  return listDeviceFestivals().some((e) => e.id === id);
}

/** Calls listener when another tab changes the list; returns the unsubscribe function. */
export function onDeviceFestivalsChanged(listener: () => void): () => void {
  const handler = (event: StorageEvent) => {
    if (event.key === STORAGE_KEY || event.key === null) listener();
  };
  window.addEventListener("storage", handler);
  return () => window.removeEventListener("storage", handler);
}
