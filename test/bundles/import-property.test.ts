// Property: thousands of mutated bundles (file bytes, and re-signed Automerge payloads) fed to the in-process
// import: none crashes (every refusal is a PandafestError), none is applied in part.
import * as A from "@automerge/automerge";
import fc from "fast-check";
import nacl from "tweetnacl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DecodedBundle, decodeBundle, encodeBundle } from "../../bundles/format/codec.js";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { importBundles } from "../../bundles/datadir/import.js";
import { findLocalFestival } from "../../bundles/datadir/local-festivals.js";
import { packFestival } from "../../bundles/format/pack.js";
import { PandafestError } from "../../engine/core/errors.js";
import { FestivalStore } from "../../engine/node/store.js";
import { snapshotDir } from "../helpers/cli.js";
import { addVenues, createFestival, dataDirWithIdentity, festivalDoc } from "./bundle-helpers.js";

type Mutation =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "truncate"; at: number }
  | { kind: "insert"; at: number; bytes: number[] }
  | { kind: "delete"; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
);

function mutate(original: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = new Uint8Array(original);
  for (const change of mutations) {
    const at = bytes.length === 0 ? 0 : change.at % bytes.length;
    if (change.kind === "flip" && bytes.length > 0) bytes[at] ^= 1 << change.bit;
    else if (change.kind === "set" && bytes.length > 0) bytes[at] = change.value;
    else if (change.kind === "truncate") bytes = bytes.slice(0, at);
    else if (change.kind === "insert") bytes = new Uint8Array([...bytes.subarray(0, at), ...change.bytes, ...bytes.subarray(at)]);
    else if (change.kind === "delete") bytes = new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + change.length)]);
  }
  return bytes;
}

function sameBytes(left: Uint8Array, right: Uint8Array): boolean {
  return left.length === right.length && left.every((byte, index) => byte === right[index]);
}

describe("import of mutated bundles (property)", () => {
  let receiver = "";
  let store: FestivalStore;
  const festivals: string[] = [];
  const valid: { bytes: Uint8Array; bundle: DecodedBundle }[] = [];
  const carrier = nacl.sign.keyPair();
  let before: Record<string, string> = {};
  const baseline = new Map<string, string>();
  let accepted = 0;

  async function headsHere(id: string): Promise<string> {
    const local = await findLocalFestival(store, id);
    return local === undefined ? "" : [...A.getHeads(local.doc)].sort().join(",");
  }

  /** Imports one candidate; checks it was refused cleanly or applied completely. */
  async function importOne(bytes: Uint8Array): Promise<void> {
    try {
      const result = await importBundles(store, [{ label: "mutated.pfb", bytes }], { follow: true });
      accepted += 1;
      for (const report of result.files) {
        const local = await findLocalFestival(store, report.festival);
        const header = decodeBundle(bytes, { festivalIdFor: (key) => festivals.find((id) => discoveryKey(id) === key) }).header;
        expect(report.waiting === 0 ? A.hasHeads(local?.doc ?? A.init(), header.heads) : true).toBe(true);
        baseline.set(report.festival, await headsHere(report.festival));
      }
    } catch (error) {
      if (!(error instanceof PandafestError)) throw error;
      expect(error.message.length).toBeGreaterThan(0);
      for (const id of festivals) expect(await headsHere(id)).toBe(baseline.get(id));
    }
  }

  beforeAll(async () => {
    const source = await dataDirWithIdentity("Ada");
    festivals.push(await createFestival(source.dataDir, { name: "Open Mutant Fest", venues: ["Hall"] }));
    festivals.push(await createFestival(source.dataDir, { name: "Closed Mutant Fest", visibility: "private", epochZero: true, venues: ["Crypt"] }));
    receiver = (await dataDirWithIdentity("Rae")).dataDir;
    const early = await Promise.all(festivals.map((id) => festivalDoc(source.dataDir, id)));
    store = await FestivalStore.open(receiver);
    for (const [index, id] of festivals.entries()) {
      const doc = early[index];
      if (doc === undefined) throw new Error("festival missing");
      const packed = packFestival({ festivalId: id, doc, carrier });
      await importBundles(store, [{ label: "early.pfb", bytes: packed?.bytes ?? new Uint8Array() }], { follow: true, join: [id] });
      await addVenues(source.dataDir, id, ["Annex", "Garden"]);
      const now = await festivalDoc(source.dataDir, id);
      if (now === undefined) throw new Error("festival missing");
      for (const since of [A.getHeads(doc), []]) {
        const bundle = packFestival({ festivalId: id, doc: now, carrier, since });
        if (bundle === null) throw new Error("nothing packed");
        valid.push({ bytes: bundle.bytes, bundle: decodeBundle(bundle.bytes, { festivalIdFor: () => id }) });
      }
    }
    for (const id of festivals) baseline.set(id, await headsHere(id));
    before = await snapshotDir(receiver);
  });

  afterAll(async () => {
    await store?.close();
  });

  it("mutated bundle files are refused cleanly or applied completely", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, mutations) => {
        const bytes = mutate(valid[which].bytes, mutations);
        fc.pre(!sameBytes(bytes, valid[which].bytes));
        await importOne(bytes);
      }),
      { numRuns: 1500, seed: 4242 },
    );
  });

  it("mutated Automerge payloads, re-signed so they pass the signature, are refused cleanly or applied completely", async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 3 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
        const { bundle } = valid[which];
        const payload = mutate(bundle.payload, mutations);
        fc.pre(!sameBytes(payload, bundle.payload));
        const bytes = encodeBundle({
          festivalId: bundle.header.festivalId,
          visibility: bundle.visibility,
          carrier,
          prerequisites: bundle.header.prerequisites,
          heads: bundle.header.heads,
          changeCount: bundle.header.changeCount,
          payload,
        });
        await importOne(bytes);
      }),
      { numRuns: 500, seed: 2424 },
    );
  });

  it("left the data directory byte for byte unchanged (nothing mutated was accepted)", async () => {
    expect(accepted).toBe(0);
    await store.repo.flush();
    expect(await snapshotDir(receiver)).toEqual(before);
  });
});
