// `pandafest bundle import` refuses damaged and forged bundles with a one-line reason, exit 1, and leaves
// the data directory byte for byte as it was; `bundle verify` says the same and exits 1.
import fs from "node:fs/promises";
import path from "node:path";
import nacl from "tweetnacl";
import { beforeAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, snapshotDir, tempDir } from "../helpers/cli.js";

interface BadFile {
  name: string;
  reason: RegExp;
  make(good: Uint8Array): Uint8Array;
}

function headerLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(14);
}

function flipped(position: (bytes: Uint8Array) => number): (good: Uint8Array) => Uint8Array {
  return (good) => {
    const bytes = new Uint8Array(good);
    bytes[position(bytes)] ^= 0x04;
    return bytes;
  };
}

const BAD_FILES: BadFile[] = [
  { name: "flipped-in-header.pfb", reason: /bundle header/, make: flipped(() => 40) },
  { name: "flipped-in-payload.pfb", reason: /payload hash mismatch/, make: flipped((bytes) => 26 + headerLength(bytes) + 20) },
  { name: "flipped-in-signature.pfb", reason: /signature does not match the carrier key/, make: flipped((bytes) => bytes.length - 3) },
  { name: "truncated.pfb", reason: /bundle is truncated: expected \d+ bytes, found \d+/, make: (good) => good.subarray(0, good.length - 100) },
  { name: "empty.pfb", reason: /empty file/, make: () => new Uint8Array(0) },
  {
    name: "picture.png",
    reason: /not a pandafest bundle \(wrong magic bytes\)/,
    make: () => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]),
  },
  {
    name: "re-signed.pfb",
    reason: /signature does not match the carrier key/,
    make: (good) => {
      // signed by another key over the same prelude and header, so the header still names the old carrier
      const bytes = new Uint8Array(good);
      const message = bytes.subarray(0, 18 + headerLength(bytes));
      const signedPart = new Uint8Array(14 + headerLength(bytes));
      signedPart.set(message.subarray(0, 14), 0);
      signedPart.set(message.subarray(18), 14);
      const other = nacl.sign.keyPair();
      bytes.set(nacl.sign.detached(signedPart, other.secretKey), bytes.length - 64);
      return bytes;
    },
  },
  {
    name: "future-version.pfb",
    reason: /bundle format version 2 is newer than this pandafest understands \(1\); update pandafest to read it/,
    make: (good) => {
      const bytes = new Uint8Array(good);
      new DataView(bytes.buffer).setUint16(8, 2);
      return bytes;
    },
  },
  {
    name: "huge-header.pfb",
    reason: /header claims 4294967295 bytes, more than the 65536-byte limit/,
    make: (good) => {
      const bytes = new Uint8Array(good);
      new DataView(bytes.buffer).setUint32(14, 0xffffffff);
      return bytes;
    },
  },
  {
    name: "huge-payload.pfb",
    reason: /payload claims \d+ bytes, more than the \d+-byte limit/,
    make: (good) => {
      const bytes = new Uint8Array(good);
      new DataView(bytes.buffer).setBigUint64(18 + headerLength(bytes), 1n << 62n);
      return bytes;
    },
  },
];

describe("bundle import refusals (CLI)", () => {
  let receiver = "";
  let files: Record<string, string> = {};
  let goodFile = "";

  beforeAll(async () => {
    const source = await festivalFixture("Refusal Fest");
    const out = await tempDir();
    goodFile = path.join(out, "good.pfb");
    await cliJson(source.dataDir, ["bundle", "export", source.festival, "-o", goodFile]);
    receiver = await tempDir();
    await cliJson(receiver, ["init", "--name", "Rae"]);
    await cliJson(receiver, ["festival", "list"]);
    const good = new Uint8Array(await fs.readFile(goodFile));
    files = {};
    for (const bad of BAD_FILES) {
      files[bad.name] = path.join(out, bad.name);
      await fs.writeFile(files[bad.name], bad.make(good));
    }
  });

  it("refuses each bad file with a one-line reason, exit 1, and the data directory unchanged", async () => {
    const before = await snapshotDir(receiver);
    const results = await Promise.all(BAD_FILES.map((bad) => runCli(receiver, ["bundle", "import", files[bad.name]])));
    for (const [index, bad] of BAD_FILES.entries()) {
      const result = results[index];
      expect(result.code, bad.name).toBe(1);
      expect(result.stdout, bad.name).toBe("");
      const lines = result.stderr.trimEnd().split("\n");
      expect(lines, bad.name).toHaveLength(1);
      expect(lines[0], bad.name).toMatch(bad.reason);
      expect(lines[0].startsWith(`pandafest: ${files[bad.name]}: `), bad.name).toBe(true);
      expect(lines[0], bad.name).toMatch(/nothing was imported$/);
    }
    expect(await snapshotDir(receiver)).toEqual(before);
  });

  it("bundle verify reports every bad file as invalid with its reason and exits 1", async () => {
    const before = await snapshotDir(receiver);
    const result = await runCli(receiver, ["--json", "bundle", "verify", goodFile, ...BAD_FILES.map((bad) => files[bad.name])]);
    expect(result.code).toBe(1);
    const reports = JSON.parse(result.stdout) as { file: string; valid: boolean; problem?: string; changeCount?: number }[];
    expect(reports[0]).toMatchObject({ file: goodFile, valid: true });
    expect(reports[0].changeCount).toBeGreaterThan(0);
    for (const [index, bad] of BAD_FILES.entries()) {
      expect(reports[index + 1].valid, bad.name).toBe(false);
      expect(reports[index + 1].problem, bad.name).toMatch(bad.reason);
    }
    expect(result.stderr).toMatch(/10 of 11 bundle file\(s\) are invalid/);
    expect(await snapshotDir(receiver)).toEqual(before);
  });
});
