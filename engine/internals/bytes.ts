// Byte-array helpers shared by storage, loading and bundle code. Browser-safe (Uint8Array only), in the lowest layer
// so the stored-document reader here uses it too: one place for joining chunks, so every reader joins them the same way.

/** The parts joined into one array (the part itself when there is only one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const joined = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
