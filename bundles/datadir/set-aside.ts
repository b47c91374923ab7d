// Recovery from a held forgery: the changes set aside (a forged change and everything built on it) are moved to
// DATA/quarantine/forgeries/<festival>/ as raw changes with a .reason.txt, and the festival is stored again without them. Node only.
import path from "node:path";
import * as A from "@automerge/automerge";
import { concatBytes } from "../../engine/internals/bytes.js";
import type { Festival } from "../../engine/core/schema.js";
import { writeFileAtomically } from "../../engine/node/storage/atomic-file.js";
import type { FestivalStore } from "../../engine/node/store.js";
import type { LocalFestival } from "./local-festivals.js";
import type { SetAsideChange } from "../format/plan.js";

/** Where the set-aside changes of a festival are kept. */
export function forgeriesDirectory(store: FestivalStore, festivalId: string): string {
  return path.join(store.quarantineDirectory, "forgeries", festivalId);
}

/**
 * Keeps the set-aside changes (never deleted: `A.loadIncremental` or `A.applyChanges` reads them back), then
 * replaces the festival's stored chunks with `after`, the festival rebuilt without them. Returns the file
 * the changes were written to.
 */
export async function setAsideForgeries(
  store: FestivalStore,
  festivalId: string,
  local: LocalFestival,
  after: A.Doc<Festival>,
  setAside: readonly SetAsideChange[],
): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.join(forgeriesDirectory(store, festivalId), `${stamp}.changes`);
  await writeFileAtomically(file, concatBytes(setAside.map((change) => change.bytes)));
  const reasons = [
    `Changes of festival ${festivalId} set aside on ${new Date().toISOString()}: a change signed by its author`,
    "arrived for an (actor, seq) that this data directory held as another, unsigned change.",
    `${file} holds them as raw Automerge changes, in this order:`,
    ...setAside.map((change) => `${change.hash}: ${change.reason}`),
    "",
  ];
  await writeFileAtomically(`${file}.reason.txt`, reasons.join("\n"));
  // The stored chunks hold the forgery: the rebuilt festival replaces them below the repo as one snapshot,
  // crash-safe (a journal; see engine/node/storage/chunk-replacement.ts). The open handle keeps the old document in
  // memory but is never saved again: its heads are those the repo saved last, so a flush finds nothing new (a
  // later open loads the rebuilt festival).
  await store.replaceStored(festivalId, after);
  local.doc = after;
  return file;
}
