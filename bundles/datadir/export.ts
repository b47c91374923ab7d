// `bundle export`: packs a festival of a data directory into a bundle file signed by its identity, full or
// incremental (after given heads, or after the heads of a bundle sent earlier), written atomically. Node only.
import path from "node:path";
import * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import type { Identity } from "../../engine/node/identity.js";
import { fromHex } from "../../engine/core/keys.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { visibilityOf } from "../../engine/core/views.js";
import { readBundleFile, writeBundleFile } from "./bundle-file.js";
import { type CarrierKeyPair, decodeBundle } from "../format/codec.js";
import type { BundleKind } from "../format/header.js";
import { knownFestivals } from "./known-festivals.js";
import { ReaderKeys } from "./reader-keys.js";
import { packFestival } from "../format/pack.js";
import { useNativeSha256 } from "./native-hash.js";

export interface ExportOptions {
  /** Output file; default: the bundle's standard name in `directory`. */
  output?: string;
  /** Comma-separated change hashes, or a bundle file whose heads the receiver has. */
  since?: string;
  /** Where a default-named file goes; default: the current directory. */
  directory?: string;
  createdAt?: number;
}

export interface ExportResult {
  festival: string;
  /** the file written, or null when there was nothing after --since */
  file: string | null;
  kind: BundleKind | null;
  visibility: "public" | "private";
  changeCount: number;
  bytes: number;
  prerequisites: string[];
  heads: string[];
}

const HEADS_LIST_PATTERN = /^\s*[0-9a-fA-F]{64}\s*(,\s*[0-9a-fA-F]{64}\s*)*,?\s*$/;

export function carrierOf(identity: Identity): CarrierKeyPair {
  return { publicKey: fromHex(identity.publicKey, "public key", 32), secretKey: identity.secretKey };
}

/** The heads --since names: a list of change hashes, or the heads of a bundle file of the same festival. */
async function sinceHeads(store: FestivalStore, festivalId: string, since: string, directory: string): Promise<string[]> {
  if (HEADS_LIST_PATTERN.test(since)) return since.split(",").map((head) => head.trim()).filter((head) => head.length > 0);
  let bytes: Uint8Array;
  try {
    bytes = await readBundleFile(path.resolve(directory, since));
  } catch (error) {
    throw new PandafestError(
      `--since "${since}" is neither a list of change hashes (64 hex digits, comma separated) nor a readable bundle file: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { code: "usage", cause: error },
    );
  }
  const known = await knownFestivals(store);
  const reader = await ReaderKeys.open(store, known.lookup);
  let header;
  try {
    await reader.prepare([bytes]);
    header = decodeBundle(bytes, reader.options).header;
  } catch (error) {
    throw new PandafestError(`--since ${since}: ${error instanceof Error ? error.message : String(error)}`, { code: "input", cause: error });
  }
  if (header.festivalId !== festivalId) {
    throw new PandafestError(`--since ${since} is a bundle of another festival (${header.festivalId})`, { code: "input" });
  }
  return header.heads;
}

export async function exportFestivalBundle(store: FestivalStore, reference: string, options: ExportOptions = {}): Promise<ExportResult> {
  useNativeSha256();
  const identity = await store.requireIdentity();
  const handle = await store.resolve(reference);
  const festivalId = handle.documentId;
  const since = options.since === undefined ? [] : await sinceHeads(store, festivalId, options.since, options.directory ?? process.cwd());
  const doc = handle.doc();
  const packed = packFestival({ festivalId, doc, carrier: carrierOf(identity), since, createdAt: options.createdAt });
  if (packed === null) {
    return {
      festival: festivalId,
      file: null,
      kind: null,
      visibility: visibilityOf(doc.visibility),
      changeCount: 0,
      bytes: 0,
      prerequisites: [...since].sort(),
      heads: [...A.getHeads(doc)].sort(),
    };
  }
  const file = path.resolve(options.directory ?? process.cwd(), options.output ?? packed.fileName);
  await writeBundleFile(file, packed.bytes);
  return {
    festival: festivalId,
    file,
    kind: packed.kind,
    visibility: packed.visibility,
    changeCount: packed.changeCount,
    bytes: packed.bytes.length,
    prerequisites: packed.prerequisites,
    heads: packed.heads,
  };
}
