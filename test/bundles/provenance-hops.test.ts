// Authorship across hops (A -> stick -> B -> stick -> C): C's history shows A's changes as A's and B's as B's;
// changes under forged and beyond-seq attestations wait unsigned (never applied), and `bundle verify` says so beforehand.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { packFestival } from "../../bundles/format/pack.js";
import { toHex } from "../../engine/core/keys.js";
import { signAttestation } from "../../engine/core/provenance.js";
import { cliJson, festivalFixture, runCli, tempDir } from "../helpers/cli.js";
import { festivalDoc } from "./bundle-helpers.js";

interface HistoryRecord {
  hash: string;
  actor: string;
  seq: number;
  verified: boolean;
  author: { key: string; name: string } | null;
  reason?: string;
}

async function publicKeyOf(dataDir: string): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(dataDir, "identity.json"), "utf8")) as { publicKey: string }).publicKey;
}

describe("provenance across hops (CLI)", () => {
  it("C verifies A's changes as A's and B's as B's; forged and beyond-seq changes wait, unapplied", async () => {
    const a = await festivalFixture("Hop Fest");
    const festival = a.festival;
    const stick = await tempDir("pandafest-stick-");
    const b = await tempDir();
    const c = await tempDir();
    await Promise.all([cliJson(b, ["init", "--name", "Bea"]), cliJson(c, ["init", "--name", "Cas"])]);
    await cliJson(a.dataDir, ["stick", "sync", stick]);
    await cliJson(b, ["stick", "sync", stick]);
    await cliJson(b, ["venue", "add", festival, "--name", "Bea's Barn"]);
    await cliJson(b, ["stick", "sync", stick]);
    await cliJson(c, ["stick", "sync", stick]);

    const [aKey, bKey] = await Promise.all([publicKeyOf(a.dataDir), publicKeyOf(b)]);
    const [atA, atC] = await Promise.all([
      cliJson<HistoryRecord[]>(a.dataDir, ["history", festival]),
      cliJson<HistoryRecord[]>(c, ["history", festival]),
    ]);
    const fromA = new Set(atA.map((record) => record.hash));
    const fromB = atC.filter((record) => !fromA.has(record.hash));
    expect(fromB.length).toBeGreaterThan(0);
    for (const record of atC) {
      expect(record.verified, record.hash).toBe(true);
      expect(record.author, record.hash).toEqual(fromA.has(record.hash) ? { key: aKey, name: "Ada" } : { key: bKey, name: "Bea" });
    }

    // Mallory builds a bundle on C's state: one actor attested with a signature that is not the claimed
    // key's, and one change under one of A's actors beyond what A attested.
    const doc = await festivalDoc(c, festival);
    if (doc === undefined) throw new Error("festival missing at C");
    const mallory = nacl.sign.keyPair();
    const forger = toHex(nacl.randomBytes(16));
    let forged = A.change(A.clone(doc, forger), (draft) => {
      draft.name = new A.ImmutableString("Mallory's Fest");
    });
    const forgedChange = A.decodeChange(A.getLastLocalChange(forged) ?? new Uint8Array());
    const attestation = signAttestation(festival, forger, forgedChange.seq, forgedChange.hash, { publicKey: aKey, secretKey: mallory.secretKey });
    forged = A.change(forged, (draft) => {
      draft.authors[forger] = new A.ImmutableString(attestation);
    });
    const aActor = atA[0].actor;
    forged = A.change(A.clone(forged, aActor), (draft) => {
      draft.description = new A.ImmutableString("written as A, never attested");
    });
    const packed = packFestival({ festivalId: festival, doc: forged, carrier: mallory, since: A.getHeads(doc) });
    if (packed === null) throw new Error("nothing packed");
    const forgedFile = path.join(await tempDir(), packed.fileName);
    await fs.writeFile(forgedFile, packed.bytes);

    const verified = await cliJson<{ valid: boolean; unverified: { hash: string; actor: string; reason: string }[] }[]>(c, ["bundle", "verify", forgedFile]);
    expect(verified[0].valid).toBe(true);
    const unverified = verified[0].unverified;
    expect(unverified).toHaveLength(3);
    expect(unverified.filter((change) => change.actor === forger).map((change) => change.reason)).toEqual([
      expect.stringMatching(/signature does not verify/),
      expect.stringMatching(/signature does not verify/),
    ]);
    expect(unverified.find((change) => change.actor === aActor)?.reason).toMatch(/after the latest change its author signed/);
    const text = await runCli(c, ["bundle", "verify", forgedFile]);
    expect(text.stdout).toMatch(/unverified authorship: 3 change\(s\)/);

    const imported = await cliJson<{ new: number; waiting: number; unsigned: number }[]>(c, ["bundle", "import", forgedFile]);
    expect(imported[0]).toMatchObject({ new: 0, waiting: 3, unsigned: 3 });
    const after = await cliJson<HistoryRecord[]>(c, ["history", festival]);
    const forgedHashes = new Set(unverified.map((change) => change.hash));
    for (const record of after) {
      expect(forgedHashes.has(record.hash), record.hash).toBe(false);
      expect(record.author?.key, record.hash).toBe(fromA.has(record.hash) ? aKey : bKey);
    }
    expect(after.filter((record) => !record.verified)).toHaveLength(0);
  });
});
