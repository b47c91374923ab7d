// Size bounds on what a bundle brings (engine/core/change-limits.ts, the same bounds as sync): a value, a text
// inserted in one change, a compressed change that inflates past the bound; refused whole, nothing stored.
import fs from "node:fs/promises";
import path from "node:path";
import zlib from "node:zlib";
import * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { packFestival } from "../../bundles/format/pack.js";
import { MAX_CHANGE_BYTES, MAX_VALUE_BYTES, changeSizeProblem } from "../../engine/core/change-limits.js";
import type { Festival } from "../../engine/core/schema.js";
import { cliJson, festivalFixture, runCli, snapshotDir, tempDir } from "../helpers/cli.js";
import { festivalDoc } from "./bundle-helpers.js";

function leb128(value: number): number[] {
  const bytes: number[] = [];
  for (let rest = value; ; ) {
    const byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
    bytes.push(rest > 0 ? byte | 0x80 : byte);
    if (rest === 0) return bytes;
  }
}

/** The same change as a compressed chunk (type 2): its body deflated, as another Automerge implementation may send it. */
function compressed(change: Uint8Array): Uint8Array {
  let length = 0;
  let index = 9;
  for (let scale = 1; ; scale *= 128) {
    const byte = change[index++];
    length += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) break;
  }
  const deflated = zlib.deflateRawSync(change.subarray(index, index + length));
  return Uint8Array.from([...change.subarray(0, 8), 2, ...leb128(deflated.length), ...deflated]);
}

function lastChange(doc: A.Doc<unknown>): Uint8Array {
  const change = A.getLastLocalChange(doc);
  if (change === undefined) throw new Error("no local change");
  return change;
}

describe("change size bounds", () => {
  it("refuse a long value, a long text inserted at once, and a compressed change that inflates past the bound", () => {
    const longValue = lastChange(A.change(A.init<Record<string, unknown>>(), (doc) => {
      doc.description = new A.ImmutableString("x".repeat(MAX_VALUE_BYTES + 1));
    }));
    expect(changeSizeProblem(longValue)).toMatch(/writing 65537 bytes to "description" in one value/);

    const longText = lastChange(A.change(A.init<Record<string, unknown>>(), (doc) => {
      doc.description = "y".repeat(MAX_VALUE_BYTES + 10);
    }));
    expect(changeSizeProblem(longText)).toMatch(/inserting more than 65536 bytes into one text/);
    // deflated, the same change is a few hundred bytes; it is decoded and refused all the same
    const small = compressed(longText);
    expect(small.byteLength).toBeLessThan(2000);
    expect(A.decodeChange(small).hash).toBe(A.decodeChange(longText).hash);
    expect(changeSizeProblem(small)).toMatch(/into one text/);

    const bomb = Uint8Array.from([0x85, 0x6f, 0x4a, 0x83, 0, 0, 0, 0, 2, ...leb128(0)]);
    const deflated = zlib.deflateRawSync(Buffer.alloc(MAX_CHANGE_BYTES + 1024));
    const chunk = new Uint8Array(9 + leb128(deflated.length).length + deflated.length);
    chunk.set(bomb.subarray(0, 9));
    chunk.set(leb128(deflated.length), 9);
    chunk.set(deflated, 9 + leb128(deflated.length).length);
    expect(changeSizeProblem(chunk)).toMatch(/compressed change that inflates to more than 8388608 bytes/);
  });

  it("let the longest texts pandafest writes through", () => {
    const doc = A.change(A.init<Record<string, unknown>>(), (draft) => {
      draft.description = new A.ImmutableString("é".repeat(20_000));
      draft.notes = "ü".repeat(20_000);
    });
    expect(changeSizeProblem(lastChange(doc))).toBeUndefined();
    expect(changeSizeProblem(compressed(lastChange(doc)))).toBeUndefined();
  });

  it("refuse a bundle carrying an oversized value: exit 1, the reason, the data directory unchanged", { timeout: 120_000 }, async () => {
    const ada = await festivalFixture("Bulk Fest");
    const bea = await tempDir();
    await cliJson(bea, ["init", "--name", "Bea"]);
    const files = await tempDir("pandafest-bulk-");
    const full = path.join(files, "full.pfb");
    await cliJson(ada.dataDir, ["bundle", "export", ada.festival, "-o", full]);
    await cliJson(bea, ["bundle", "import", full]);

    const held = await festivalDoc(bea, ada.festival);
    if (held === undefined) throw new Error("festival missing at Bea");
    const bulky = A.change(A.clone(held), (draft: Festival) => {
      draft.description = new A.ImmutableString("z".repeat(200_000));
    });
    for (const [name, since] of [["incremental.pfb", A.getHeads(held)], ["whole.pfb", []]] as const) {
      const packed = packFestival({ festivalId: ada.festival, doc: bulky, carrier: nacl.sign.keyPair(), since: [...since] });
      if (packed === null) throw new Error("nothing packed");
      const file = path.join(files, name);
      await fs.writeFile(file, packed.bytes);

      const before = await snapshotDir(bea);
      const imported = await runCli(bea, ["bundle", "import", file]);
      expect(imported.code, name).toBe(1);
      expect(imported.stderr).toContain(file);
      expect(imported.stderr).toMatch(/carries a change writing 200000 bytes to "description" in one value \(at most 65536 are accepted\)/);
      expect(await snapshotDir(bea)).toEqual(before);
      const verified = await runCli(bea, ["bundle", "verify", file]);
      expect(verified.code).not.toBe(0);
      expect(verified.stdout).toMatch(/INVALID: .*at most 65536/);
    }
  });
});
