// Bundles in the browser, on the same browser-safe codec, packer and import planner as the CLI: export a
// festival as a signed bundle (a download); import bundle files, verifying every one (signature, payload
// against its header, festival schema) in memory before anything is stored; all-or-nothing like the CLI.
import * as A from "@automerge/automerge/slim";
import type { DocHandle, DocumentId } from "@automerge/automerge-repo/slim";
import { discoveryKey } from "../../../bundles/format/discovery.js";
import { type BundleImportReport, applyPlanned, decodeAndPlan, planFestival, plannedState, reportFiles } from "../../../bundles/format/import-steps.js";
import { BundleKeys, memberKeysFront } from "../../../bundles/format/member-keys.js";
import { packFestival, type PackedFestival } from "../../../bundles/format/pack.js";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { fromHex } from "../../../engine/core/keys.js";
import type { Festival } from "../../../engine/core/schema.js";
import { festivalSettingsOf } from "../../../engine/core/views.js";
import type { AppServices } from "./app-services.js";
import { listDeviceFestivals, rememberFestival } from "./device-festivals.js";
import { PendingBundleStore } from "./pending-bundles.js";

/** One imported file, as the CLI's `bundle import` reports it. */
export interface FileImportReport extends BundleImportReport {
  /** the festival's name, or its id when it has none */
  festivalName: string;
  /** one line for people */
  message: string;
}

/** Largest bundle file the page reads into memory. */
export const MAX_BUNDLE_FILE_BYTES = 256 * 1024 * 1024;
const FIND_TIMEOUT_MS = 5000;

/** A full bundle of the festival as this browser has it, signed by this browser's identity. */
export function packFullBundle(handle: DocHandle<Festival>, identity: BrowserIdentity): PackedFestival {
  const packed = packFestival({
    festivalId: handle.documentId,
    doc: handle.doc(),
    carrier: { publicKey: fromHex(identity.publicKey, "public key", 32), secretKey: identity.secretKey },
  });
  if (packed === null) throw new PandafestError("this festival has no changes to pack");
  return packed;
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

/**
 * The festival of a private bundle's discovery key, among those this browser follows or holds bundles for,
 * and those the user names to join (the id of a private festival is what opens its bundles).
 */
async function festivalLookup(pending: PendingBundleStore, join: readonly string[]): Promise<(key: string) => string | undefined> {
  const ids = new Set([...listDeviceFestivals().map((festival) => festival.id), ...(await pending.festivalIds()), ...join]);
  const byKey = new Map([...ids].map((id) => [discoveryKey(id), id]));
  return (key) => byKey.get(key);
}

/**
 * The member keys this browser's identity reads the files with: envelopes sealed to it (opened while decoding),
 * and the keys it holds in the festivals it has here that member-keys bundles among the files name.
 */
async function readerKeys(services: AppServices, sources: ReadonlyArray<{ bytes: Uint8Array }>, lookup: (key: string) => string | undefined): Promise<BundleKeys> {
  const keys = new BundleKeys((await services.identities.load()) ?? undefined);
  const named = new Set<string>();
  for (const source of sources) {
    const front = memberKeysFront(source.bytes);
    const festivalId = front === undefined ? undefined : lookup(front.discoveryKey);
    if (festivalId !== undefined) named.add(festivalId);
  }
  for (const festivalId of named) {
    const handle = await handleFor(services, festivalId);
    if (handle.isReady() && hasChanges(handle.doc())) keys.addFromFestival(handle.doc(), festivalId);
  }
  return keys;
}

/** The festival's handle here (this browser, other tabs, or the node), or a new empty one. */
async function handleFor(services: AppServices, festivalId: string): Promise<DocHandle<Festival>> {
  try {
    return await services.repo.find<Festival>(festivalId as DocumentId, {
      allowableStates: ["ready", "unavailable"],
      signal: AbortSignal.timeout(FIND_TIMEOUT_MS),
    });
  } catch {
    return services.repo.import<Festival>(new Uint8Array(0), { docId: festivalId as DocumentId });
  }
}

function hasChanges(doc: A.Doc<Festival>): boolean {
  return A.getHeads(doc).length > 0;
}

/** One line for people, as the CLI's `bundle import` prints it. */
function reportMessage(report: BundleImportReport, name: string): string {
  const carrier = `carried by ${report.carrierName ?? "an unnamed key"} (${report.carrier.slice(0, 12)}…)`;
  if (report.new === 0 && report.waiting === 0) {
    return `${report.file}: "${name}", nothing new: this browser already had everything in this bundle (${report.present} change(s)); ${carrier}`;
  }
  const parts = [`${report.new} new change(s)`, `${report.present} already here`];
  if (report.waiting > report.unsigned) parts.push(`${report.waiting - report.unsigned} waiting for earlier changes that have not arrived yet (kept, applied when they do)`);
  if (report.unsigned > 0) parts.push(`${report.unsigned} waiting for their author's signature (kept, applied once a change signed by their author covers them)`);
  return `${report.file}: "${name}", ${parts.join(", ")}; ${carrier}`;
}

/**
 * Imports bundle files into this browser's copy of their festivals (which the repo then shares with the
 * node). Every file is decoded and verified, and every festival planned in memory, before anything is
 * written; one bad file refuses them all, naming it. Importing the same files again changes nothing.
 * `join`: ids of private festivals to read bundles of (like the CLI's --join).
 */
export async function importBundleFiles(
  services: AppServices,
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  join: readonly string[] = [],
): Promise<FileImportReport[]> {
  const pending = new PendingBundleStore();
  const lookup = await festivalLookup(pending, join);
  const sources = files.map((file) => ({ label: file.name, bytes: file.bytes }));
  const planned = await decodeAndPlan(
    sources,
    { festivalIdFor: lookup, keys: await readerKeys(services, sources, lookup) },
    async (id, inputs) => {
      const handle = await handleFor(services, id);
      const current = handle.isReady() ? handle.doc() : undefined;
      const before = current !== undefined && hasChanges(current) ? current : undefined;
      return { handle, ...(await planFestival(id, before, inputs, pending, { lookup, waitingLabel: "waiting/" })) };
    },
    { maxBytes: MAX_BUNDLE_FILE_BYTES },
  );

  // the browser cannot set forged changes aside: refused before anything is written
  for (const { id, plan } of planned) {
    if (plan.setAside.length > 0) {
      throw new PandafestError(
        `this browser holds ${plan.setAside.length} change(s) of festival ${id} that a bundle shows to be forged; import the bundle with the pandafest command line, which sets them aside, then open the festival from there`,
      );
    }
  }
  for (const festival of planned) {
    const { id, handle, plan } = festival;
    await applyPlanned(festival, pending, ({ before, after, changed }) => {
      if (!changed || after === undefined) return;
      handle.update((doc) => plannedState(doc, before, after));
      if (!handle.isReady()) handle.doneLoading();
    });
    const doc = plan.after ?? plan.before;
    if (doc) {
      const { name, visibility } = festivalSettingsOf(doc);
      rememberFestival({ id, name, visibility }, false);
    }
  }
  const reports: FileImportReport[] = reportFiles(planned).map((report) => {
    const name = report.festivalName || report.festival;
    return { ...report, festivalName: name, message: reportMessage(report, name) };
  });
  return reports;
}
