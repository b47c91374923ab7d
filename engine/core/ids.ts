// Identifiers of venues, events and people: 128 random bits, so peers that never meet never collide.
// Browser-safe (globalThis.crypto only); ids are lowercase base32 with a short prefix per kind.

export type EntityKind = "venue" | "event" | "person";

export const ID_PREFIXES: Readonly<Record<EntityKind, string>> = {
  venue: "v_",
  event: "e_",
  person: "p_",
};

const RANDOM_BYTES = 16;
const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
/** 16 bytes = 128 bits = 26 base32 characters (the last one carries 3 bits). */
const ENCODED_LENGTH = Math.ceil((RANDOM_BYTES * 8) / 5);

/** RFC 4648 base32, lowercase, without padding. */
export function encodeBase32(bytes: Uint8Array): string {
  let output = "";
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      output += BASE32_ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) output += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return output;
}

/** A new random id for a venue, event or person, e.g. "v_k3j5…" (28 characters). */
export function newId(kind: EntityKind): string {
  const bytes = new Uint8Array(RANDOM_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  return ID_PREFIXES[kind] + encodeBase32(bytes);
}

const ID_BODY = new RegExp(`^[a-z2-7]{${ENCODED_LENGTH}}$`);

/** True when value has the shape of an id this engine generates for that kind. */
export function looksLikeId(value: string, kind: EntityKind): boolean {
  const prefix = ID_PREFIXES[kind];
  return value.startsWith(prefix) && ID_BODY.test(value.slice(prefix.length));
}
