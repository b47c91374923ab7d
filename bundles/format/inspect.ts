// Inspecting a bundle file for `bundle inspect`: shows what can be read even when verification fails.
// Browser-safe. Never throws for bad input: the reason verification failed is part of the answer.
import { isPandafestError } from "../../engine/core/errors.js";
import { type BundleReading, type DecodeOptions, readBundle } from "./codec.js";
import { type BundleKind, bundleKind } from "./header.js";
import { FestivalKeyNotHeld } from "./member-keys.js";

export interface BundleInspection extends BundleReading {
  /** True when decodeBundle accepts the file (signature, payload hash and lengths all check out). */
  verified: boolean;
  /** The one-line reason when not verified. */
  problem?: string;
  /** Full or incremental, when the header could be read. */
  kind?: BundleKind;
  /** Sealed under a member key this reader does not hold (it is not known to be bad): the festival it belongs to. */
  lockedFestival?: string;
}

export function inspectBundle(bytes: Uint8Array, options: DecodeOptions = {}): BundleInspection {
  const reading: BundleReading = { byteLength: bytes.length };
  try {
    readBundle(bytes, options, reading);
    return { ...reading, verified: true, kind: kindOf(reading) };
  } catch (error) {
    if (!isPandafestError(error)) throw error;
    const locked = error instanceof FestivalKeyNotHeld ? { lockedFestival: error.festivalId } : {};
    return { ...reading, verified: false, problem: error.message, kind: kindOf(reading), ...locked };
  }
}

function kindOf(reading: BundleReading): BundleKind | undefined {
  return reading.header === undefined ? undefined : bundleKind(reading.header);
}
