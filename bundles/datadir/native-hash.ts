// SHA-256 through Node's crypto (OpenSSL) for the bundle codec: the same digests as @noble/hashes, many
// times faster on large payloads. Node only; the bundle commands install it, browsers keep @noble/hashes.
import { createHash } from "node:crypto";
import { useSha256Backend } from "../format/crypto.js";

export function useNativeSha256(): void {
  useSha256Backend((bytes) => {
    const digest = createHash("sha256").update(bytes).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  });
}
