// SafeFileStorageAdapter on real files: layout, unsafe keys, temporary files, quarantine of damaged chunks, no cache.
// Complements the acceptance suite (acceptance.test.ts) and the Repo-level torn-chunk tests.
import * as A from "@automerge/automerge";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { STALE_TEMPORARY_FILE_AGE_MS, SafeFileStorageAdapter } from "../../engine/node/storage/safe-file-storage.js";

const DOC = "3xuJ5sVKdBaYS6uGgGJH1cGhBLiC";

let root: string;
let data: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pandafest-safe-storage-"));
  data = path.join(root, "data");
});
afterEach(() => rm(root, { recursive: true, force: true }));

function changeBytes(value: number): Uint8Array {
  const doc = A.from({ value });
  return A.saveSince(doc, []);
}

function incrementalKey(bytes: Uint8Array): string[] {
  return [DOC, "incremental", createHash("sha256").update(bytes).digest("hex")];
}

async function listAll(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}

describe("layout", () => {
  it("stores a chunk as raw Automerge bytes under the fan-out path the nodefs adapter uses", async () => {
    const bytes = changeBytes(1);
    const key = incrementalKey(bytes);
    await new SafeFileStorageAdapter(data).save(key, bytes);
    const file = path.join(data, DOC.slice(0, 2), DOC.slice(2), "incremental", key[2]);
    expect(new Uint8Array(await readFile(file))).toEqual(bytes);
    expect(await listAll(data)).toEqual([path.relative(data, file).split(path.sep).join("/")]);
  });

  it("reads what automerge-repo's NodeFSStorageAdapter wrote", async () => {
    const bytes = changeBytes(2);
    const nodefs = new NodeFSStorageAdapter(data);
    await nodefs.save(incrementalKey(bytes), bytes);
    await nodefs.save([DOC, "sync-state", "peer"], Uint8Array.of(9, 9));
    const chunks = await new SafeFileStorageAdapter(data).loadRange([DOC]);
    expect(chunks).toEqual([
      { key: incrementalKey(bytes), data: bytes },
      { key: [DOC, "sync-state", "peer"], data: Uint8Array.of(9, 9) },
    ]);
  });

  it("matches whole key parts in ranges, not string prefixes", async () => {
    const adapter = new SafeFileStorageAdapter(data);
    await adapter.save(["abc", "x"], Uint8Array.of(1));
    await adapter.save(["abcd", "x"], Uint8Array.of(2));
    await adapter.save(["abc", "xy", "z"], Uint8Array.of(3));
    expect(await adapter.loadRange(["abc"])).toEqual([
      { key: ["abc", "x"], data: Uint8Array.of(1) },
      { key: ["abc", "xy", "z"], data: Uint8Array.of(3) },
    ]);
    expect(await adapter.loadRange(["abc", "x"])).toEqual([{ key: ["abc", "x"], data: Uint8Array.of(1) }]);
    expect((await adapter.loadRange([])).map((chunk) => chunk.key)).toEqual([["abc", "x"], ["abcd", "x"], ["abc", "xy", "z"]]);
  });

  it("keeps no cache: the files are the truth", async () => {
    const reader = new SafeFileStorageAdapter(data);
    const writer = new SafeFileStorageAdapter(data);
    await reader.save([DOC, "sync-state", "peer"], Uint8Array.of(1));
    await writer.save([DOC, "sync-state", "peer"], Uint8Array.of(2));
    expect(await reader.load([DOC, "sync-state", "peer"])).toEqual(Uint8Array.of(2));
    await writer.remove([DOC, "sync-state", "peer"]);
    expect(await reader.load([DOC, "sync-state", "peer"])).toBeUndefined();
    await writer.remove([DOC, "sync-state", "peer"]); // removing what is gone is fine
  });
});

describe("unsafe keys", () => {
  const unsafe: string[][] = [
    [".."],
    [DOC, ".."],
    [DOC, "..", "..", "escape"],
    [DOC, "snapshot", "../../escape"],
    [DOC, "a/b"],
    [DOC, "a\\b"],
    [DOC, "nul\0byte"],
    [DOC, ""],
    [DOC, ".hidden"],
    ["ab"],
    ["ab.cd"],
    [],
  ];

  it.each(unsafe.map((key) => ({ key, label: JSON.stringify(key) })))("refuses $label everywhere", async ({ key }) => {
    const adapter = new SafeFileStorageAdapter(data);
    const calls: Array<() => Promise<unknown>> = [
      () => adapter.save(key, Uint8Array.of(1)),
      () => adapter.load(key),
      () => adapter.remove(key),
    ];
    if (key.length > 0) calls.push(() => adapter.loadRange(key), () => adapter.removeRange(key));
    for (const call of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PandafestError);
      expect(error).toMatchObject({ code: "input" });
    }
    expect(await listAll(root)).toEqual([]);
  });

  it("refuses a quarantine directory inside the storage directory", () => {
    expect(() => new SafeFileStorageAdapter(data, { quarantineDirectory: path.join(data, "bad") })).toThrow(PandafestError);
    expect(() => new SafeFileStorageAdapter(data, { quarantineDirectory: data })).toThrow(/outside/);
  });
});

describe("temporary files", () => {
  it("leaves no temporary file behind after saving", async () => {
    const adapter = new SafeFileStorageAdapter(data);
    for (let i = 0; i < 5; i++) await adapter.save([DOC, "sync-state", "peer"], Uint8Array.of(i));
    expect(await listAll(data)).toEqual([`${DOC.slice(0, 2)}/${DOC.slice(2)}/sync-state/peer`]);
  });

  it("never loads leftover temporary files, and clears stale ones", async () => {
    const adapter = new SafeFileStorageAdapter(data);
    const good = changeBytes(3);
    await adapter.save(incrementalKey(good), good);
    const directory = path.join(data, DOC.slice(0, 2), DOC.slice(2), "incremental");
    const leftover = changeBytes(4); // complete, valid bytes: still never a chunk
    const fresh = path.join(directory, `.${incrementalKey(leftover)[2]}.0a1b2c3d4e5f.tmp`);
    const stale = path.join(directory, `.${incrementalKey(leftover)[2]}.f5e4d3c2b1a0.tmp`);
    await writeFile(fresh, leftover);
    await writeFile(stale, leftover.subarray(0, 10));
    const longAgo = new Date(Date.now() - STALE_TEMPORARY_FILE_AGE_MS - 60_000);
    await utimes(stale, longAgo, longAgo);

    expect(await adapter.loadRange([DOC, "incremental"])).toEqual([{ key: incrementalKey(good), data: good }]);
    expect(await adapter.loadRange([DOC])).toHaveLength(1);
    expect(await stat(fresh)).toBeTruthy(); // may belong to a write in progress
    await expect(stat(stale)).rejects.toMatchObject({ code: "ENOENT" });
    expect(adapter.badChunks()).toEqual([]);
  });

  it("lets a concurrent reader see only whole versions of a value being replaced", async () => {
    const adapter = new SafeFileStorageAdapter(data);
    const key = [DOC, "sync-state", "peer"];
    const versions = [new Uint8Array(1 << 20).fill(1), new Uint8Array(1 << 20).fill(2)];
    await adapter.save(key, versions[0]);
    let writing = true;
    const writes = (async () => {
      for (let i = 0; i < 8; i++) await adapter.save(key, versions[i % 2]);
      writing = false;
    })();
    let reads = 0;
    while (writing && reads < 200) {
      const seen = await adapter.load(key);
      reads++;
      expect(seen?.length).toBe(1 << 20);
      expect(seen !== undefined && seen.every((byte) => byte === seen[0])).toBe(true);
    }
    await writes;
    expect(reads).toBeGreaterThan(0);
  });
});

describe("damaged chunks", () => {
  async function storeDamaged(bytes: Uint8Array, damage: (bytes: Uint8Array) => Uint8Array) {
    const adapter = new SafeFileStorageAdapter(data);
    const key = incrementalKey(bytes);
    await adapter.save(key, bytes);
    const file = path.join(data, DOC.slice(0, 2), DOC.slice(2), "incremental", key[2]);
    await writeFile(file, damage(bytes));
    return { key, file };
  }

  it.each([
    { name: "empty", damage: () => new Uint8Array() },
    { name: "zero-filled", damage: (b: Uint8Array) => new Uint8Array(b.length) },
    { name: "byte flipped", damage: (b: Uint8Array) => b.map((x, i) => (i === b.length - 3 ? x ^ 0x20 : x)) },
    { name: "truncated", damage: (b: Uint8Array) => b.subarray(0, b.length - 1) },
  ])("moves an $name chunk to the quarantine through load()", async ({ damage }) => {
    const { key, file } = await storeDamaged(changeBytes(5), damage);
    const damagedBytes = new Uint8Array(await readFile(file));
    const seen: unknown[] = [];
    const adapter = new SafeFileStorageAdapter(data, { onBadChunk: (report) => seen.push(report) });
    expect(await adapter.load(key)).toBeUndefined();
    const [report] = adapter.badChunks();
    expect(seen).toEqual([report]);
    expect(report).toMatchObject({ key, file });
    expect(path.dirname(report.movedTo)).toBe(path.join(root, "quarantine", DOC.slice(0, 2), DOC.slice(2), "incremental"));
    expect(new Uint8Array(await readFile(report.movedTo))).toEqual(damagedBytes);
    expect(await readFile(`${report.movedTo}.reason.txt`, "utf8")).toContain(report.reason);
    expect(await adapter.load(key)).toBeUndefined(); // gone from storage, reported once
    expect(adapter.badChunks()).toHaveLength(1);
  });

  it("loads every other chunk of the range, and keeps going when the listener throws", async () => {
    const adapter = new SafeFileStorageAdapter(data, {
      quarantineDirectory: path.join(root, "elsewhere"),
      onBadChunk: () => {
        throw new Error("listener failure");
      },
    });
    const chunks = [changeBytes(6), changeBytes(7), changeBytes(8)];
    for (const bytes of chunks) await adapter.save(incrementalKey(bytes), bytes);
    const tornFile = path.join(data, DOC.slice(0, 2), DOC.slice(2), "incremental", incrementalKey(chunks[1])[2]);
    await writeFile(tornFile, chunks[1].subarray(0, 20));
    await adapter.save([DOC, "sync-state", "peer"], Uint8Array.of(0, 0, 0)); // not a chunk: returned as stored

    const loaded = await adapter.loadRange([DOC]);
    expect(loaded.map((c) => c.key).sort()).toEqual(
      [incrementalKey(chunks[0]), incrementalKey(chunks[2]), [DOC, "sync-state", "peer"]].sort(),
    );
    expect(adapter.badChunks().map((r) => r.key)).toEqual([incrementalKey(chunks[1])]);
    expect(adapter.badChunks()[0].movedTo.startsWith(path.join(root, "elsewhere") + path.sep)).toBe(true);
  });

  it("catches a chunk file cut exactly between two changes", async () => {
    const doc1 = A.from({ a: 1 });
    const doc2 = A.change(A.clone(doc1), (d) => {
      d.a = 2;
    });
    const twoChanges = A.saveSince(doc2, []);
    const firstOnly = A.saveSince(doc1, []);
    expect(twoChanges.subarray(0, firstOnly.length)).toEqual(firstOnly);
    const { key } = await storeDamaged(twoChanges, () => firstOnly);
    const adapter = new SafeFileStorageAdapter(data);
    expect(await adapter.loadRange([DOC, "incremental"])).toEqual([]);
    expect(adapter.badChunks()[0]).toMatchObject({ key, reason: expect.stringMatching(/content hash/) });
  });

  it("stores and checks bytes that are not Automerge under a chunk key too", async () => {
    const adapter = new SafeFileStorageAdapter(data);
    const key = [DOC, "snapshot", "not-automerge"];
    await adapter.save(key, Uint8Array.of(1, 2, 3));
    expect(await adapter.load(key)).toEqual(Uint8Array.of(1, 2, 3));
    const file = path.join(data, DOC.slice(0, 2), DOC.slice(2), "snapshot", "not-automerge");
    const stored = new Uint8Array(await readFile(file));
    await writeFile(file, stored.subarray(0, stored.length - 1));
    expect(await adapter.load(key)).toBeUndefined();
    expect(adapter.badChunks().map((r) => r.key)).toEqual([key]);
  });

  it("leaves a damaged chunk in place, out of the result, when the quarantine cannot be written", async () => {
    const { key, file } = await storeDamaged(changeBytes(10), () => new Uint8Array());
    const blocked = path.join(root, "not-a-directory");
    await writeFile(blocked, "a file where the quarantine directory should be");
    const adapter = new SafeFileStorageAdapter(data, { quarantineDirectory: blocked });
    expect(await adapter.loadRange([DOC])).toEqual([]);
    expect(adapter.badChunks()).toEqual([{ key, file, movedTo: file, reason: expect.stringMatching(/left in place/) }]);
    expect((await stat(file)).isFile()).toBe(true);
  });

  it("does not report a chunk another loader already moved", async () => {
    const { key } = await storeDamaged(changeBytes(9), () => new Uint8Array());
    const first = new SafeFileStorageAdapter(data);
    const second = new SafeFileStorageAdapter(data);
    const results = await Promise.all([first.load(key), second.load(key)]);
    expect(results).toEqual([undefined, undefined]);
    expect(first.badChunks().length + second.badChunks().length).toBe(1);
    const quarantined = (await listAll(path.join(root, "quarantine"))).filter((f) => !f.endsWith(".reason.txt"));
    expect(quarantined).toHaveLength(1);
  });
});
