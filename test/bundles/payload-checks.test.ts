// What a payload must be before Automerge sees it: bounded expansion (no decompression bomb, measured in a child
// process), and what its header says (heads, change count) even when the receiver already holds those heads.
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";
import * as A from "@automerge/automerge";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeBundle } from "../../bundles/format/codec.js";
import { inflatedLength } from "../../engine/core/deflate-length.js";
import { carrierOf, exportFestivalBundle } from "../../bundles/datadir/export.js";
import { importBundleFiles } from "../../bundles/datadir/import.js";
import { checkPayloadExpansion, expansionBound } from "../../bundles/format/payload-expansion.js";
import { verifyBundleFiles } from "../../bundles/datadir/verify.js";
import { randomBytes, toHex } from "../../engine/core/keys.js";
import { repoRoot, tempDir } from "../helpers/cli.js";
import { addVenues, createFestival, dataDirWithIdentity, festivalDoc, withStore } from "./bundle-helpers.js";

const MIB = 1024 * 1024;

/** An Automerge compressed-change chunk around `deflated` (its checksum is never reached). */
function compressedChangeChunk(deflated: Uint8Array): Uint8Array {
  const length: number[] = [];
  for (let rest = deflated.length; ; ) {
    const byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    length.push(rest > 0 ? byte | 0x80 : byte);
    if (rest === 0) break;
  }
  const prefix = Uint8Array.from([0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2, ...length]);
  const chunk = new Uint8Array(prefix.length + deflated.length);
  chunk.set(prefix);
  chunk.set(deflated, prefix.length);
  return chunk;
}

function runChild(args: string[]): Promise<{ growthBytes: number; valid: boolean; problem: string | null }> {
  const script = path.join(repoRoot, "dist", "test", "bundles", "children", "verify-memory.js");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(stdout.trim().split("\n").pop() ?? "{}"));
      else reject(new Error(`child exited ${code}: ${stderr}`));
    });
  });
}

describe("bundle payload checks", () => {
  it("counts inflated lengths exactly as zlib inflates them, and stops at the bound", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20_000 }), fc.integer({ min: 0, max: 9 }), fc.boolean(), (data, level, repeat) => {
        const input = repeat ? new Uint8Array(data.length * 8).map((_, index) => data[index % Math.max(1, data.length)] ?? 0) : data;
        const deflated = zlib.deflateRawSync(input, { level });
        expect(inflatedLength(deflated, 10 * MIB)).toEqual({ ok: true, length: input.length });
        if (input.length > 0) expect(inflatedLength(deflated, input.length - 1).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
    expect(inflatedLength(Uint8Array.of(0xff, 0xff), MIB)).toMatchObject({ ok: false, reason: expect.stringMatching(/not valid deflate data/) });
  });

  it("refuses a bomb bundle before Automerge inflates it, with peak memory far below what it inflates to", async () => {
    const a = await dataDirWithIdentity("Ada");
    const festival = await createFestival(a.dataDir, { name: "Bomb Fest" });
    const out = await tempDir();
    const harmless = await withStore(a.dataDir, (store) => exportFestivalBundle(store, festival, { directory: out }));
    const inflatesTo = 64 * MIB;
    const payload = compressedChangeChunk(new Uint8Array(zlib.deflateRawSync(new Uint8Array(inflatesTo), { level: 9 })));
    expect(payload.length).toBeLessThan(MIB / 8);
    expect(expansionBound(payload.length)).toBeLessThan(inflatesTo);
    expect(() => checkPayloadExpansion(payload)).toThrow(/compressed change: it inflates to more than \d+ bytes/);

    const bomb = encodeBundle({
      festivalId: festival,
      visibility: "public",
      carrier: carrierOf(a.identity),
      prerequisites: [toHex(randomBytes(32))],
      heads: [toHex(randomBytes(32))],
      changeCount: 1,
      payload,
    });
    const bombFile = path.join(out, "bomb.pfb");
    await fs.writeFile(bombFile, bomb);
    const measured = await runChild([a.dataDir, harmless.file ?? "", bombFile]);
    console.log(`bomb of ${bomb.length} bytes: peak memory grew by ${measured.growthBytes} bytes`);
    expect(measured.valid).toBe(false);
    expect(measured.problem).toMatch(/inflates to more than/);
    // a small multiple of the real payload, and far below the 64 MiB it would have inflated to
    expect(measured.growthBytes).toBeLessThan(16 * MIB);
  });

  it("checks heads and change count of a bundle whose heads are already held here", async () => {
    const a = await dataDirWithIdentity("Ada");
    const b = await dataDirWithIdentity("Bo");
    const festival = await createFestival(a.dataDir, { name: "Known Fest" });
    const out = await tempDir();
    const early = await festivalDoc(a.dataDir, festival);
    await addVenues(a.dataDir, festival, ["Late Stage"]);
    const current = await withStore(a.dataDir, (store) => exportFestivalBundle(store, festival, { directory: out }));
    await withStore(b.dataDir, (store) => importBundleFiles(store, [current.file ?? ""], { follow: true }));
    const held = await festivalDoc(b.dataDir, festival);
    if (early === undefined || held === undefined) throw new Error("festival missing");

    // names the heads B holds, but carries an older save: nothing in it leads there
    const lying = encodeBundle({
      festivalId: festival,
      visibility: "public",
      carrier: carrierOf(b.identity),
      prerequisites: [],
      heads: current.heads,
      changeCount: current.changeCount,
      payload: A.save(early),
    });
    const wrongCount = encodeBundle({
      festivalId: festival,
      visibility: "public",
      carrier: carrierOf(b.identity),
      prerequisites: [],
      heads: current.heads,
      changeCount: current.changeCount + 5,
      payload: A.save(held),
    });
    await fs.writeFile(path.join(out, "lying.pfb"), lying);
    await fs.writeFile(path.join(out, "count.pfb"), wrongCount);
    const [heads, count, honest] = await withStore(b.dataDir, (store) =>
      verifyBundleFiles(store, [path.join(out, "lying.pfb"), path.join(out, "count.pfb"), current.file ?? ""]),
    );
    expect(heads).toMatchObject({ valid: false, problem: expect.stringMatching(/does not end at the heads its header names/) });
    expect(count).toMatchObject({ valid: false, problem: expect.stringMatching(/holds \d+ changes but its header says/) });
    expect(honest).toMatchObject({ valid: true, present: current.changeCount, new: 0 });
  });
});
