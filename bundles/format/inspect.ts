// Inspecting a bundle file for `bundle inspect`: shows what can be read even when verification fails.
// Browser-safe. Never throws for bad input: the reason verification failed is part of the answer.
import { isPandafestError } from "../../engine/core/errors.js";
import { type BundleReading, type DecodeOptions, readBundle } from "./codec.js";
import { type BundleKind, bundleKind } from "./header.js";

export interface BundleInspection extends BundleReading {
  /** True when decodeBundle accepts the file (signature, payload hash and lengths all check out). */
  verified: boolean;
  /** The one-line reason when not verified. */
  problem?: string;
  /** Full or incremental, when the header could be read. */
  kind?: BundleKind;
}

export function inspectBundle(bytes: Uint8Array, options: DecodeOptions = {}): BundleInspection {
  const reading: BundleReading = { byteLength: bytes.length };
  try {
    readBundle(bytes, options, reading);
    return { ...reading, verified: true, kind: kindOf(reading) };
  } catch (error) {
    if (!isPandafestError(error)) throw error;
    return { ...reading, verified: false, problem: error.message, kind: kindOf(reading) };
  }
}

function kindOf(reading: BundleReading): BundleKind | undefined {
  return reading.header === undefined ? undefined : bundleKind(reading.header);
}
