// Bundles in the browser, on the same browser-safe codec, packer and import planner as the CLI: export a
// festival as a signed bundle (a download); import bundle files, verifying every one (signature, payload
// against its header, festival schema) in memory before anything is stored; all-or-nothing like the CLI.
import * as A from "@automerge/automerge/slim";
import type { DocHandle, DocumentId } from "@automerge/automerge-repo/slim";
import { decodeBundle } from "../../../bundles/format/codec.js";
import { discoveryKey } from "../../../bundles/format/discovery.js";
import { bundleFileName } from "../../../bundles/format/naming.js";
import { festivalVisibility, packFestival, type PackedFestival } from "../../../bundles/format/pack.js";
import { BundleRefusal, planFestivalImport, type BundleToApply, type FestivalImportPlan } from "../../../bundles/format/plan.js";
import type { BrowserIdentity } from "../../../engine/browser/browser-identity.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { fromHex } from "../../../engine/core/keys.js";
import { memberNames } from "../../../engine/core/provenance.js";
import type { Festival } from "../../../engine/core/schema.js";
import { textOf } from "../../../engine/core/views.js";
import type { AppServices } from "./app-services.js";
import { listDeviceFestivals, rememberFestival } from "./device-festivals.js";
import { PendingBundleStore } from "./pending-bundles.js";

/** One imported file, as the CLI's `bundle import` reports it. */
export interface FileImportReport {
  file: string;
  festival: string;
  festivalName: string;
  carrier: string;
  carrierName: string | null;
  new: number;
  present: number;
  waiting: number;
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

function refuseAll(refused: readonly BundleRefusal[]): never {
  const lines = refused.map((refusal) => refusal.message);
  throw new PandafestError(refused.length === 1 ? `${lines[0]}; nothing was imported` : `${lines.join("\n")}\nnothing was imported`);
}

function memberName(doc: A.Doc<Festival> | undefined, festivalId: string, key: string): string | null {
  return doc === undefined ? null : (memberNames(doc, festivalId).get(key) ?? null);
}

interface Input extends BundleToApply {
  bytes: Uint8Array;
  /** set for bundles kept from an earlier import that were waiting for history */
  pendingName?: string;
}

/** Plans one festival with its waiting bundles; a waiting bundle that no longer applies is dropped from the plan. */
function planWithPending(id: string, before: A.Doc<Festival> | undefined, candidates: Input[]): { plan: FestivalImportPlan; inputs: Input[] } {
  let inputs = candidates;
  for (;;) {
    try {
      return { plan: planFestivalImport(id, before, inputs), inputs };
    } catch (error) {
      const failing = error instanceof BundleRefusal ? inputs.find((input) => input.label === error.label) : undefined;
      if (failing?.pendingName === undefined) throw error;
      inputs = inputs.filter((input) => input !== failing);
    }
  }
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
  const refused: BundleRefusal[] = [];
  const decoded: Input[] = [];
  for (const file of files) {
    if (file.bytes.length > MAX_BUNDLE_FILE_BYTES) {
      refused.push(new BundleRefusal(file.name, `${file.bytes.length} bytes is over the ${MAX_BUNDLE_FILE_BYTES}-byte limit for a bundle`));
      continue;
    }
    try {
      decoded.push({ label: file.name, bytes: file.bytes, bundle: decodeBundle(file.bytes, { festivalIdFor: lookup }) });
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
      refused.push(new BundleRefusal(file.name, error.message, error));
    }
  }
  if (refused.length > 0) refuseAll(refused);

  const groups = new Map<string, Input[]>();
  for (const input of decoded) {
    const id = input.bundle.header.festivalId;
    groups.set(id, [...(groups.get(id) ?? []), input]);
  }
  const prepared: Array<{ id: string; handle: DocHandle<Festival>; before: A.Doc<Festival> | undefined; plan: FestivalImportPlan; inputs: Input[] }> = [];
  for (const [id, inputs] of groups) {
    const handle = await handleFor(services, id);
    const current = handle.isReady() ? handle.doc() : undefined;
    const before = current !== undefined && hasChanges(current) ? current : undefined;
    const given = new Set(inputs.map((input) => bundleFileName(input.bundle.header)));
    const earlier: Input[] = [];
    for (const kept of await pending.list(id)) {
      if (given.has(kept.name)) continue;
      try {
        const bundle = decodeBundle(kept.bytes, { festivalIdFor: lookup });
        if (bundle.header.festivalId === id) earlier.push({ label: `waiting/${kept.name}`, bytes: kept.bytes, bundle, pendingName: kept.name });
      } catch {
        // a damaged waiting bundle never blocks an import
      }
    }
    try {
      prepared.push({ id, handle, before, ...planWithPending(id, before, [...inputs, ...earlier]) });
    } catch (error) {
      if (error instanceof BundleRefusal) refuseAll([error]);
      throw error;
    }
  }

  const reports: FileImportReport[] = [];
  for (const { id, handle, before, plan, inputs } of prepared) {
    const byLabel = new Map(inputs.map((input) => [input.label, input]));
    for (const outcome of plan.outcomes) {
      const input = byLabel.get(outcome.label);
      if (input && outcome.waiting > 0 && input.pendingName === undefined) await pending.keep(id, bundleFileName(outcome.header), input.bytes);
    }
    if (plan.setAside.length > 0) {
      throw new PandafestError(
        `this browser holds ${plan.setAside.length} change(s) of festival ${id} that a bundle shows to be forged; import the bundle with the pandafest command line, which sets them aside, then open the festival from there`,
      );
    }
    const after = plan.after;
    if (plan.changed && after !== undefined) {
      const planned = before === undefined ? "" : A.getHeads(before).join(",");
      handle.update((doc) => (A.getHeads(doc).join(",") === planned && before !== undefined ? after : A.merge(doc, A.clone(after))));
      if (!handle.isReady()) handle.doneLoading();
    }
    for (const outcome of plan.outcomes) {
      const input = byLabel.get(outcome.label);
      if (input?.pendingName !== undefined && outcome.waiting === 0) await pending.remove(id, input.pendingName);
    }
    const doc = after ?? before;
    const name = doc ? textOf(doc.name) : "";
    if (doc) rememberFestival({ id, name, visibility: festivalVisibility(doc) }, false);
    for (const outcome of plan.outcomes) {
      if (byLabel.get(outcome.label)?.pendingName !== undefined) continue;
      const carrierName = memberName(doc, id, outcome.header.carrierPublicKey);
      const parts = [`${outcome.new} new change(s)`, `${outcome.present} already here`];
      if (outcome.waiting > outcome.unsigned) parts.push(`${outcome.waiting - outcome.unsigned} waiting for earlier changes that have not arrived yet (kept, applied when they do)`);
      if (outcome.unsigned > 0) parts.push(`${outcome.unsigned} waiting for their author's signature (kept, applied once a change signed by their author covers them)`);
      reports.push({
        file: outcome.label,
        festival: id,
        festivalName: name || id,
        carrier: outcome.header.carrierPublicKey,
        carrierName,
        new: outcome.new,
        present: outcome.present,
        waiting: outcome.waiting,
        message: `${outcome.label}: "${name || id}", ${parts.join(", ")}; carried by ${carrierName ?? "an unnamed key"} (${outcome.header.carrierPublicKey.slice(0, 12)}…)`,
      });
    }
  }
  return reports;
}
