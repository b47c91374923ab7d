// Bundles in the browser: pack a festival into a signed bundle file (a download) and import bundle files,
// verifying everything (signature, hashes, Automerge data, festival schema) before anything is stored.
import * as A from "@automerge/automerge/slim";
import type { DocHandle, DocumentId } from "@automerge/automerge-repo/slim";
import { decodeBundle, encodeBundle, type DecodedBundle } from "../../../bundles/codec.js";
import { discoveryKey } from "../../../bundles/discovery.js";
import { bundleFileName } from "../../../bundles/naming.js";
import type { BrowserIdentity } from "../../../engine/browser-identity.js";
import { PandafestError } from "../../../engine/errors.js";
import { fromHex } from "../../../engine/keys.js";
import { checkSchema } from "../../../engine/migrate.js";
import type { Festival } from "../../../engine/schema.js";
import { textOf } from "../../../engine/views.js";
import type { AppServices } from "./app-services.js";
import { listDeviceFestivals, rememberFestival } from "./device-festivals.js";

export interface PackedBundle {
  fileName: string;
  bytes: Uint8Array;
  changeCount: number;
}

export interface ImportReport {
  fileName: string;
  festivalId: string;
  festivalName: string;
  /** changes this browser did not have before */
  newChanges: number;
  /** changes the bundle builds on that have not arrived yet (kept, applied once they do) */
  waitingFor: number;
  carrierPublicKey: string;
  /** one line for the user, like the CLI's */
  message: string;
}

/** Largest bundle file the page reads into memory. */
export const MAX_BUNDLE_FILE_BYTES = 256 * 1024 * 1024;

/** A full bundle of the festival as this browser has it, signed by this browser's identity. */
export function packFestival(handle: DocHandle<Festival>, identity: BrowserIdentity): PackedBundle {
  const doc = handle.doc();
  const heads = A.getHeads(doc);
  const changeCount = A.getChangesMetaSince(doc, []).length;
  const festivalId = handle.documentId;
  const bytes = encodeBundle({
    festivalId,
    visibility: textOf(doc.visibility) === "public" ? "public" : "private",
    carrier: { publicKey: fromHex(identity.publicKey, "public key", 32), secretKey: identity.secretKey },
    prerequisites: [],
    heads,
    changeCount,
    payload: A.save(doc),
  });
  return { fileName: bundleFileName({ festivalId, prerequisites: [], heads }), bytes, changeCount };
}

/** Offers bytes as a file download. */
export function downloadFile(fileName: string, bytes: Uint8Array, type = "application/octet-stream"): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The festival of a private bundle's discovery key, among the festivals this browser follows. */
function festivalIdFor(key: string): string | undefined {
  return listDeviceFestivals().find((festival) => discoveryKey(festival.id) === key)?.id;
}

/** Checks that the payload is Automerge data (and, for a full bundle, a festival) without storing anything. */
function checkPayload(fileName: string, bundle: DecodedBundle): void {
  let doc: A.Doc<unknown>;
  try {
    doc = bundle.kind === "full" ? A.load(bundle.payload) : A.loadIncremental(A.init(), bundle.payload);
  } catch (cause) {
    throw new PandafestError(`${fileName}: the payload is not valid Automerge data (${cause instanceof Error ? cause.message : String(cause)}); nothing was imported`, { cause });
  }
  if (bundle.kind === "full") {
    try {
      checkSchema(doc);
    } catch (cause) {
      throw new PandafestError(`${fileName}: ${cause instanceof Error ? cause.message : String(cause)}; nothing was imported`, { cause });
    }
  }
}

const FIND_TIMEOUT_MS = 5000;

async function handleFor(services: AppServices, festivalId: string): Promise<DocHandle<Festival>> {
  const signal = AbortSignal.timeout(FIND_TIMEOUT_MS);
  try {
    return await services.repo.find<Festival>(festivalId as DocumentId, { allowableStates: ["ready", "unavailable"], signal });
  } catch {
    // Not found anywhere in time: the bundle's changes start the festival here.
    return services.repo.import<Festival>(new Uint8Array(0), { docId: festivalId as DocumentId });
  }
}

/**
 * Verifies a bundle file and merges its changes into this browser's copy of the festival (which the
 * repo then shares with the node). Throws a PandafestError naming the file and the problem; a refused
 * file changes nothing. Importing the same file twice is a no-op.
 */
export async function importBundle(services: AppServices, fileName: string, bytes: Uint8Array): Promise<ImportReport> {
  if (bytes.length > MAX_BUNDLE_FILE_BYTES) {
    throw new PandafestError(`${fileName} is ${bytes.length} bytes, over the ${MAX_BUNDLE_FILE_BYTES}-byte limit for a bundle; nothing was imported`);
  }
  let bundle: DecodedBundle;
  try {
    bundle = decodeBundle(bytes, { festivalIdFor });
  } catch (cause) {
    throw new PandafestError(`${fileName} is not a valid bundle: ${cause instanceof Error ? cause.message : String(cause)}; nothing was imported`, { cause });
  }
  checkPayload(fileName, bundle);
  const { festivalId, heads } = bundle.header;
  const handle = await handleFor(services, festivalId);
  const before = handle.doc();
  handle.update((doc) => A.loadIncremental(doc, bundle.payload));
  if (!handle.isReady()) handle.doneLoading();
  const after = handle.doc();
  const newChanges = A.getChanges(before, after).length;
  const waitingFor = A.getMissingDeps(after, heads).length;
  const festivalName = textOf((after as Partial<Festival>).name) || festivalId;
  if (Object.keys(after).length > 0) {
    rememberFestival({ id: festivalId, name: festivalName, visibility: bundle.visibility }, false);
  }
  const parts = [
    newChanges === 0 && waitingFor === 0
      ? `${fileName}: nothing new, this browser already had every change of "${festivalName}"`
      : `${fileName}: imported ${newChanges} new change(s) of "${festivalName}"`,
  ];
  if (waitingFor > 0) parts.push(`waiting for ${waitingFor} earlier change(s) that have not arrived yet; they are kept and applied when they do`);
  return {
    fileName,
    festivalId,
    festivalName,
    newChanges,
    waitingFor,
    carrierPublicKey: bundle.header.carrierPublicKey,
    message: parts.join("; "),
  };
}
