// Packing a festival into a bundle: a full one (save) or an incremental one holding only the changes
// after given heads (saveSince), signed by the carrier. Browser-safe: works on a raw Automerge document.
import * as A from "@automerge/automerge";
import { PandafestError } from "../../engine/core/errors.js";
import type { Festival, Visibility } from "../../engine/core/schema.js";
import { visibilityOf } from "../../engine/core/views.js";
import { type CarrierKeyPair, encodeBundle } from "./codec.js";
import type { BundleKind } from "./header.js";
import { bundleFileName } from "./naming.js";
import { memberSealingFor } from "./member-keys.js";
import { toHex } from "./crypto.js";

const HEAD_PATTERN = /^[0-9a-f]{64}$/;

export interface PackRequest {
  festivalId: string;
  doc: A.Doc<Festival>;
  carrier: CarrierKeyPair;
  /** Heads the receiver already has: only the changes after them are packed. Empty or absent: a full bundle. */
  since?: readonly string[];
  createdAt?: number;
}

export interface PackedFestival {
  bytes: Uint8Array;
  fileName: string;
  kind: BundleKind;
  visibility: Visibility;
  prerequisites: string[];
  heads: string[];
  changeCount: number;
  /** member-keys bundles: the id of the festival key it is sealed under */
  keyId?: string;
}

/** Checks heads typed by a person or read from a file: 64 hex each, all present in the document. */
export function checkSinceHeads(doc: A.Doc<Festival>, since: readonly string[], what = "--since"): string[] {
  const heads = [...new Set(since.map((head) => head.trim().toLowerCase()))].sort();
  const bad = heads.find((head) => !HEAD_PATTERN.test(head));
  if (bad !== undefined) {
    throw new PandafestError(`${what}: "${bad.slice(0, 80)}" is not a change hash (64 hex digits)`, { code: "usage" });
  }
  const unknown = heads.filter((head) => !A.hasHeads(doc, [head]));
  if (unknown.length > 0) {
    throw new PandafestError(
      `${what}: ${unknown.length} of the heads (${unknown[0].slice(0, 12)}…) are not in this festival here; export a full bundle instead`,
      { code: "input" },
    );
  }
  return heads;
}

/** A festival with at most this many changes saves whole in a few milliseconds: both sizes are compared. */
const ALWAYS_COMPARE_UP_TO_CHANGES = 1000;

/**
 * Whether a full save could be smaller than the incremental payload, so that it is worth making: on a
 * small festival, or when the changes after `since` are a quarter of all or more. Elsewhere saveSince
 * holds a few changes of many, always far smaller than the whole document.
 */
function fullMayBeSmaller(changeCount: number, totalChanges: number): boolean {
  return totalChanges <= ALWAYS_COMPARE_UP_TO_CHANGES || changeCount * 4 >= totalChanges;
}

/**
 * The bundle of `doc` after `since`, or null when there is nothing after those heads. When a full bundle
 * would be smaller than the incremental one, it is the full one (the receiver needs nothing before it).
 */
export function packFestival(request: PackRequest): PackedFestival | null {
  const { doc, festivalId } = request;
  let prerequisites = checkSinceHeads(doc, request.since ?? []);
  const heads = [...A.getHeads(doc)].sort();
  const totalChanges = A.stats(doc).numChanges;
  // A.stats counts applied changes as getChangesMetaSince does, without listing them (a large festival has tens of thousands)
  let changeCount = prerequisites.length > 0 ? A.getChangesMetaSince(doc, prerequisites).length : totalChanges;
  if (prerequisites.length > 0 && changeCount === 0) return null;
  let payload = prerequisites.length > 0 ? A.saveSince(doc, prerequisites) : A.save(doc);
  if (prerequisites.length > 0 && fullMayBeSmaller(changeCount, totalChanges)) {
    const full = A.save(doc);
    if (full.length <= payload.length) {
      payload = full;
      prerequisites = [];
      changeCount = totalChanges;
    }
  }
  const incremental = prerequisites.length > 0;
  const visibility = visibilityOf(doc.visibility); // private unless the festival says "public": never left readable by mistake
  // a private festival whose audience is its members is sealed under its current key, with an envelope per member
  const sealing =
    visibility === "private" ? memberSealingFor(doc, festivalId, { publicKey: toHex(request.carrier.publicKey), secretKey: request.carrier.secretKey }) : undefined;
  const bytes = encodeBundle({
    festivalId,
    visibility,
    carrier: request.carrier,
    prerequisites,
    heads,
    changeCount,
    payload,
    createdAt: request.createdAt,
    sealing,
  });
  return {
    bytes,
    fileName: bundleFileName({ festivalId, prerequisites, heads }),
    kind: incremental ? "incremental" : "full",
    visibility,
    prerequisites,
    heads,
    changeCount,
    ...(sealing === undefined ? {} : { keyId: sealing.keyId }),
  };
}
