// The discovery key: a public, one-way name for a festival, used in bundle file names and LAN announcements.
// Browser-safe. Knowing a discovery key reveals neither the festival id nor the key that decrypts its bundles.
import { labelledHash, toHex } from "./crypto.js";

export const DISCOVERY_LABEL = "pandafest-discovery-v1";

/** Lower-case hex SHA-256 of "pandafest-discovery-v1" followed by the festival id (UTF-8). 64 characters. */
export function discoveryKey(festivalId: string): string {
  return toHex(labelledHash(DISCOVERY_LABEL, festivalId));
}
