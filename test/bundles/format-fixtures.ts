// Shared fixtures for the bundle format tests: real Automerge festival bytes, real document ids, carriers.
// Recognisable marker strings let privacy tests search raw bundle bytes for leaks.
import * as Automerge from "@automerge/automerge";
import { generateAutomergeUrl, parseAutomergeUrl } from "@automerge/automerge-repo";
import nacl from "tweetnacl";
import type { BundleInput } from "../../bundles/format/format.js";

export const FESTIVAL_NAME = "Zuckerwatte Sommerfest";
export const PAYLOAD_MARKER = "MARSHMALLOW-STAGE-SECRET";

export interface FestivalFixture {
  festivalId: string;
  doc: Automerge.Doc<Record<string, unknown>>;
  /** The festival after its first (skeleton) change only. */
  base: Automerge.Doc<Record<string, unknown>>;
  baseHeads: string[];
}

export function newFestivalId(): string {
  return parseAutomergeUrl(generateAutomergeUrl()).documentId;
}

/** A festival with a skeleton change, then one more change carrying the payload marker. */
export function makeFestival(): FestivalFixture {
  let doc = Automerge.from<Record<string, unknown>>({
    schema: 1,
    name: new Automerge.ImmutableString(FESTIVAL_NAME),
    venues: {},
    events: {},
  });
  const base = doc;
  const baseHeads = Automerge.getHeads(doc);
  doc = Automerge.change(Automerge.clone(doc), (draft) => {
    (draft.events as Record<string, unknown>)["ev1"] = {
      title: new Automerge.ImmutableString("Late show"),
      description: new Automerge.ImmutableString(PAYLOAD_MARKER),
    };
  });
  return { festivalId: newFestivalId(), doc, base, baseHeads };
}

export function fullBundleInput(
  fixture: FestivalFixture,
  visibility: "public" | "private",
  carrier = nacl.sign.keyPair(),
): BundleInput {
  return {
    festivalId: fixture.festivalId,
    visibility,
    carrier,
    prerequisites: [],
    heads: Automerge.getHeads(fixture.doc),
    changeCount: Automerge.getAllChanges(fixture.doc).length,
    payload: Automerge.save(fixture.doc),
    createdAt: 1_780_000_000_000,
  };
}

export function incrementalBundleInput(
  fixture: FestivalFixture,
  visibility: "public" | "private",
  carrier = nacl.sign.keyPair(),
): BundleInput {
  return {
    festivalId: fixture.festivalId,
    visibility,
    carrier,
    prerequisites: fixture.baseHeads,
    heads: Automerge.getHeads(fixture.doc),
    changeCount: Automerge.getChanges(Automerge.view(fixture.doc, fixture.baseHeads), fixture.doc).length,
    payload: Automerge.saveSince(fixture.doc, fixture.baseHeads),
  };
}

/** Every index in [0, length) when small, else an even sample of `count` indices plus both ends. */
export function samplePositions(start: number, end: number, count: number): number[] {
  if (end - start <= count) return Array.from({ length: end - start }, (_, index) => start + index);
  const step = (end - start - 1) / (count - 1);
  return [...new Set(Array.from({ length: count }, (_, index) => start + Math.round(index * step)))];
}
