// An attendee's favourite events of one festival, kept on this device only (localStorage), never sent anywhere.
// Shared by this origin's tabs; the list is bounded so a long festival season cannot fill the storage.
const KEY_PREFIX = "pandafest:favourites:";
const MAX_FAVOURITES = 2000;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

function storageKey(festivalId: string): string {
  return `${KEY_PREFIX}${festivalId}`;
}

/** The ids of the festival's events marked as favourites on this device. */
export function loadFavourites(festivalId: string): Set<string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey(festivalId)) ?? "[]");
    if (!Array.isArray(parsed)) return new Set();
    return new Set(parsed.filter((id): id is string => typeof id === "string" && ID_PATTERN.test(id)).slice(0, MAX_FAVOURITES));
  } catch {
    return new Set();
  }
}

/** Marks or unmarks one event; returns the new set. A full storage leaves the list as it was (and says so). */
export function toggleFavourite(festivalId: string, eventId: string): { favourites: Set<string>; saved: boolean } {
  const favourites = loadFavourites(festivalId);
  if (favourites.has(eventId)) favourites.delete(eventId);
  else if (favourites.size < MAX_FAVOURITES && ID_PATTERN.test(eventId)) favourites.add(eventId);
  try {
    localStorage.setItem(storageKey(festivalId), JSON.stringify([...favourites]));
    return { favourites, saved: true };
  } catch {
    return { favourites: loadFavourites(festivalId), saved: false };
  }
}
