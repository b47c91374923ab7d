// The public face of the bundle format (see bundles/FORMAT.md): encode, decode, inspect, name.
// Browser-safe; import bundle functions from here rather than from the modules behind it.
export {
  encodeBundle,
  decodeBundle,
  type BundleInput,
  type CarrierKeyPair,
  type DecodedBundle,
  type DecodeOptions,
  type FestivalIdLookup,
  type BundleReading,
} from "./codec.js";
export { inspectBundle, type BundleInspection } from "./inspect.js";
export { discoveryKey, DISCOVERY_LABEL } from "./discovery.js";
export { bundleKind, type BundleHeader, type BundleKind } from "./header.js";
export {
  BUNDLE_FILE_EXTENSION,
  bundleFileName,
  bundleRangeHash,
  parseBundleFileName,
  type BundleFileNameParts,
  type BundleRange,
} from "./naming.js";
export {
  BUNDLE_MAGIC,
  BUNDLE_FORMAT_VERSION,
  FLAG_ENCRYPTED,
  MAX_HEADER_LENGTH,
  MAX_PAYLOAD_SECTION_LENGTH,
} from "./layout.js";
