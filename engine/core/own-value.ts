// Lookups by name in plain objects (automerge-repo's handle table, Automerge maps) that see only the object's own
// entries: an id such as "__proto__", "constructor" or "toString" from a URL, a frame or a document finds nothing.
export function ownValue<K extends string, T>(record: Readonly<Record<K, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key as K] : undefined;
}
