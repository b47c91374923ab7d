// Bundle file names: discovery key prefix, a hash of the heads range, and the kind; never the festival id.
// Browser-safe. The same festival range always gets the same name, so writing it twice is a no-op.
import { labelledHash, toHex } from "./crypto.js";
import { discoveryKey } from "./discovery.js";
import { type BundleKind, bundleKind } from "./header.js";

export const BUNDLE_FILE_EXTENSION = ".pfb";
export const RANGE_LABEL = "pandafest-bundle-name-v1";

/** What a file name is made from: a bundle header, or the input it is packed from. */
export interface BundleRange {
  festivalId: string;
  prerequisites: readonly string[];
  heads: readonly string[];
}

const KIND_IN_NAME: Record<BundleKind, string> = { full: "full", incremental: "incr" };
const FILE_NAME_PATTERN = /^([0-9a-f]{16})-([0-9a-f]{12})-(full|incr)\.pfb$/;

/**
 * SHA-256 of RANGE_LABEL || festivalId || "\n" || sorted prerequisites joined by "," || "\n" || sorted heads
 * joined by ",", hex. Keyed by the festival id, so outsiders cannot link it to known heads.
 */
export function bundleRangeHash(header: BundleRange): string {
  const range = `${header.festivalId}\n${[...header.prerequisites].sort().join(",")}\n${[...header.heads].sort().join(",")}`;
  return toHex(labelledHash(RANGE_LABEL, range));
}

/** `<discovery key, 16 hex>-<range hash, 12 hex>-<full|incr>.pfb` */
export function bundleFileName(header: BundleRange): string {
  const prefix = discoveryKey(header.festivalId).slice(0, 16);
  return `${prefix}-${bundleRangeHash(header).slice(0, 12)}-${KIND_IN_NAME[bundleKind(header)]}${BUNDLE_FILE_EXTENSION}`;
}

export interface BundleFileNameParts {
  discoveryKeyPrefix: string;
  rangeHashPrefix: string;
  kind: BundleKind;
}

/** The parts of a name made by bundleFileName, or undefined for any other name. */
export function parseBundleFileName(name: string): BundleFileNameParts | undefined {
  const match = FILE_NAME_PATTERN.exec(name);
  if (match === null) return undefined;
  return {
    discoveryKeyPrefix: match[1],
    rangeHashPrefix: match[2],
    kind: match[3] === "full" ? "full" : "incremental",
  };
}
