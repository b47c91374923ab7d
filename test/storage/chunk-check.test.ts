// The chunk check against bytes Automerge itself writes: every chunk type passes, every tear or flipped byte fails.
// Also the on-disk chunk file form (raw Automerge bytes, or an envelope for other bytes).
import * as A from "@automerge/automerge";
import { createHash } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { checkAutomergeChunks, isFramedAsAutomergeChunks } from "../../engine/node/storage/chunk-check.js";
import { decodeChunkFile, encodeChunkFile } from "../../engine/node/storage/chunk-file.js";

type Note = {
  title: string;
  body?: string;
  tags?: string[];
};

const base = A.from<Note>({ title: "line-up" });
const baseHeads = A.getHeads(base);
const edited = A.change(A.clone(base), (d) => {
  d.body = "doors open at eight ".repeat(40);
});
const editedHeads = A.getHeads(edited);
const twiceEdited = A.change(A.clone(edited), (d) => {
  d.tags = ["music", "night"];
});

const snapshot = A.save(twiceEdited);
const oneChange = A.saveSince(edited, baseHeads);
const twoChanges = A.saveSince(twiceEdited, baseHeads);
const compressedChange = compressChangeChunk(oneChange);
const bundle = A.saveBundle(twiceEdited, A.getChanges(base, twiceEdited).map((c) => A.decodeChange(c).hash));

describe("checkAutomergeChunks", () => {
  it.each([
    { name: "a snapshot (document chunk)", bytes: snapshot, types: [0] },
    { name: "one change", bytes: oneChange, types: [1] },
    { name: "two changes in a row", bytes: twoChanges, types: [1, 1] },
    { name: "a compressed change", bytes: compressedChange, types: [2] },
    { name: "a bundle", bytes: bundle, types: [3] },
  ])("accepts $name written by Automerge", async ({ bytes, types }) => {
    const result = await checkAutomergeChunks(bytes);
    expect(result.ok && result.chunks.map((c) => c.type)).toEqual(types);
    expect(isFramedAsAutomergeChunks(bytes)).toBe(true);
  });

  it("agrees with Automerge that the hand-compressed change is the same change", () => {
    const fromCompressed = A.loadIncremental(A.clone(base), compressedChange);
    expect(A.getHeads(fromCompressed)).toEqual(editedHeads);
  });

  it("refuses an empty file", async () => {
    expect(await checkAutomergeChunks(new Uint8Array())).toMatchObject({ ok: false, reason: "the file is empty" });
  });

  it.each([
    { name: "snapshot", bytes: snapshot },
    { name: "two changes", bytes: twoChanges },
    { name: "compressed change", bytes: compressedChange },
  ])("refuses the $name cut at every length except between two chunks", async ({ bytes }) => {
    const whole = await checkAutomergeChunks(bytes);
    if (!whole.ok) throw new Error(whole.reason);
    const boundaries = whole.chunks.map((chunk) => chunk.offset).filter((offset) => offset > 0);
    const accepted: number[] = [];
    for (let length = 1; length < bytes.length; length++) {
      if ((await checkAutomergeChunks(bytes.subarray(0, length))).ok) accepted.push(length);
    }
    // A cut exactly between chunks leaves well-formed chunks; the content hash catches that (below).
    expect(accepted).toEqual(boundaries);
  });

  it.each([
    { name: "change", bytes: oneChange },
    { name: "compressed change", bytes: compressedChange },
    { name: "snapshot", bytes: snapshot },
  ])("refuses the $name with any single byte flipped", async ({ bytes }) => {
    for (let position = 0; position < bytes.length; position++) {
      const damaged = bytes.slice();
      damaged[position] ^= 0x01;
      const result = await checkAutomergeChunks(damaged);
      if (result.ok) throw new Error(`accepted a flipped byte at ${position} of ${bytes.length}`);
    }
  });

  it("refuses trailing bytes and a zero-filled tail, naming the offset", async () => {
    const trailing = await checkAutomergeChunks(concat(oneChange, Uint8Array.of(0x85, 0x6f)));
    expect(trailing).toMatchObject({ ok: false, offset: oneChange.length });
    const zeroTail = concat(twoChanges.subarray(0, twoChanges.length - 20), new Uint8Array(20));
    expect(await checkAutomergeChunks(zeroTail)).toMatchObject({ ok: false, reason: expect.stringMatching(/checksum/) });
  });

  it("refuses a compressed change that inflates beyond the limit", async () => {
    const result = await checkAutomergeChunks(compressedChange, { maxInflatedBytes: 100 });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/more than 100 bytes/) });
  });
});

describe("chunk files", () => {
  it("stores Automerge bytes as they are", async () => {
    expect(await encodeChunkFile(twoChanges)).toEqual(twoChanges);
    expect(await decodeChunkFile(twoChanges)).toEqual({ ok: true, data: twoChanges });
  });

  it("wraps other bytes in a checksummed envelope and gives them back", async () => {
    const other = Uint8Array.of(1, 76, 160, 53, 57, 10, 230);
    const file = await encodeChunkFile(other);
    expect(file).not.toEqual(other);
    expect(await decodeChunkFile(file)).toEqual({ ok: true, data: other });
    for (let length = 0; length < file.length; length++) {
      expect((await decodeChunkFile(file.subarray(0, length))).ok).toBe(false);
    }
    const flipped = file.slice();
    flipped[file.length - 1] ^= 0x40;
    expect(await decodeChunkFile(flipped)).toMatchObject({ ok: false, reason: "envelope checksum mismatch" });
  });

  it("refuses a file cut between two chunks when the key names its content hash", async () => {
    const contentHash = createHash("sha256").update(twoChanges).digest("hex");
    expect(await decodeChunkFile(twoChanges, contentHash)).toEqual({ ok: true, data: twoChanges });
    const firstChunkOnly = twoChanges.subarray(0, oneChunkLength(twoChanges));
    expect((await decodeChunkFile(firstChunkOnly)).ok).toBe(true);
    expect(await decodeChunkFile(firstChunkOnly, contentHash)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/differs from the hash/),
    });
  });

  it("refuses an all-zero file", async () => {
    expect((await decodeChunkFile(new Uint8Array(64))).ok).toBe(false);
  });
});

function oneChunkLength(bytes: Uint8Array): number {
  const { index, length } = readBodyLength(bytes);
  return index + length;
}

/** The body length of the first chunk and where its body starts. */
function readBodyLength(chunk: Uint8Array): { index: number; length: number } {
  let length = 0;
  let scale = 1;
  let index = 9;
  for (;;) {
    const byte = chunk[index++];
    length += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return { index, length };
  }
}

/** Turns a single uncompressed change chunk into the compressed form (type 2) Automerge reads. */
function compressChangeChunk(chunk: Uint8Array): Uint8Array {
  const { index, length } = readBodyLength(chunk);
  if (index + length !== chunk.length) throw new Error("expected exactly one change chunk");
  const deflated = new Uint8Array(deflateRawSync(chunk.subarray(index)));
  const header = [...chunk.subarray(0, 8), 2];
  for (let rest = deflated.length; ; ) {
    const byte = rest % 128;
    rest = Math.floor(rest / 128);
    header.push(rest > 0 ? byte | 0x80 : byte);
    if (rest === 0) break;
  }
  return concat(Uint8Array.from(header), deflated);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
