// `bundle verify`: the dry run of an import. Checks each file on its own against this data directory
// (signature, payload, header) and tells what importing it would do, writing nothing. Node only.
import * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import { memberNames } from "../../engine/core/provenance.js";
import type { FestivalStore } from "../../engine/node/store.js";
import { textOf } from "../../engine/core/views.js";
import { readBundleFile } from "./bundle-file.js";
import { type DecodeOptions, decodeBundle } from "../format/codec.js";
import { FestivalKeyNotHeld } from "../format/member-keys.js";
import { ReaderKeys } from "./reader-keys.js";
import type { BundleKind } from "../format/header.js";
import { knownFestivals } from "./known-festivals.js";
import { findLocalFestival } from "./local-festivals.js";
import { type UnverifiedChange, planFestivalImport, unverifiedChangesBrought } from "../format/plan.js";
import { useNativeSha256 } from "./native-hash.js";

export interface BundleVerification {
  file: string;
  valid: boolean;
  /** the one-line reason when not valid */
  problem?: string;
  /** sealed under a member key this identity does not hold: it cannot be checked here (not necessarily bad) */
  locked?: boolean;
  festival?: string;
  festivalName?: string | null;
  visibility?: "public" | "private";
  kind?: BundleKind;
  carrier?: string;
  carrierName?: string | null;
  changeCount?: number;
  /** prerequisites this data directory does not have */
  missingPrerequisites?: string[];
  new?: number;
  present?: number;
  waiting?: number;
  /** of those waiting, the changes that wait for their author's signature */
  unsigned?: number;
  /** changes it brings whose authorship would not verify here */
  unverified?: UnverifiedChange[];
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function verifyOne(store: FestivalStore, file: string, reader: ReaderKeys): Promise<BundleVerification> {
  let bytes: Uint8Array;
  try {
    bytes = await readBundleFile(file);
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return { file, valid: false, problem: error.message.startsWith(`${file}: `) ? error.message.slice(file.length + 2) : error.message };
  }
  let bundle;
  try {
    await reader.prepare([bytes]);
    const options: DecodeOptions = reader.options;
    bundle = decodeBundle(bytes, options);
  } catch (error) {
    if (!(error instanceof PandafestError)) throw error;
    return { file, valid: false, problem: error.message, ...(error instanceof FestivalKeyNotHeld ? { locked: true, festival: error.festivalId } : {}) };
  }
  const { header } = bundle;
  const result: BundleVerification = {
    file,
    valid: true,
    festival: header.festivalId,
    visibility: bundle.visibility,
    kind: bundle.kind,
    carrier: header.carrierPublicKey,
    changeCount: header.changeCount,
  };
  const local = await findLocalFestival(store, header.festivalId);
  result.missingPrerequisites = header.prerequisites.filter((head) => local === undefined || !A.hasHeads(local.doc, [head]));
  try {
    const plan = planFestivalImport(header.festivalId, local?.doc, [{ label: file, bundle }]);
    const [outcome] = plan.outcomes;
    const doc = plan.after ?? local?.doc;
    result.festivalName = doc === undefined ? null : textOf(doc.name);
    result.carrierName = doc === undefined ? null : memberNames(doc, header.festivalId).get(header.carrierPublicKey) ?? null;
    result.new = outcome.new;
    result.present = outcome.present;
    result.waiting = outcome.waiting;
    result.unsigned = outcome.unsigned;
    result.unverified = unverifiedChangesBrought(plan);
  } catch (error) {
    result.valid = false;
    result.problem = reasonOf(error).startsWith(`${file}: `) ? reasonOf(error).slice(file.length + 2) : reasonOf(error);
  }
  return result;
}

/** Verifies each file independently against this data directory; writes nothing. */
export async function verifyBundleFiles(store: FestivalStore, files: readonly string[]): Promise<BundleVerification[]> {
  useNativeSha256();
  if (files.length === 0) throw new PandafestError("no bundle files given: pandafest bundle verify FILE...", { code: "usage" });
  const known = await knownFestivals(store);
  const reader = await ReaderKeys.open(store, known.lookup);
  const results: BundleVerification[] = [];
  for (const file of files) results.push(await verifyOne(store, file, reader));
  return results;
}
