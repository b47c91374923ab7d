// How far a bundle payload expands once Automerge inflates its compressed parts (compressed changes, deflated
// columns of a document), counted before Automerge sees it and refused beyond a bound set by the payload's size;
// and the heads a document chunk names, read from its layout. Browser-safe, synchronous, nothing inflated.
import { PandafestError } from "../../engine/core/errors.js";
import {
  type AutomergeChunk,
  CHUNK_TYPE_CHANGE,
  CHUNK_TYPE_COMPRESSED_CHANGE,
  CHUNK_TYPE_DOCUMENT,
  splitAutomergeChunks,
} from "./automerge-payload.js";
import { inflatedLength } from "../../engine/core/deflate-length.js";
import { MAX_PAYLOAD_SECTION_LENGTH } from "./layout.js";

/** A payload may expand to this many times its own size (real festivals stay far below; see FORMAT.md). */
export const MAX_EXPANSION_RATIO = 64;
/** A small payload may always expand to this much. */
export const MIN_EXPANSION_ALLOWANCE = 16 * 1024 * 1024;
/** No payload expands beyond this, whatever its size: the largest payload the format allows. */
export const MAX_EXPANDED_BYTES = MAX_PAYLOAD_SECTION_LENGTH;

/** A column whose spec has this bit set is deflated (Automerge's column layout). */
const DEFLATE_BIT = 0b1000;

/** The most a payload of `length` bytes may expand to. */
export function expansionBound(length: number): number {
  return Math.min(MAX_EXPANDED_BYTES, Math.max(MIN_EXPANSION_ALLOWANCE, MAX_EXPANSION_RATIO * length));
}

function refuse(detail: string): never {
  throw new PandafestError(`bundle payload is refused: ${detail}`, { code: "input" });
}

/** Reads Automerge's uLEB128 numbers from a chunk body, refusing one that runs past its end. */
class BodyReader {
  position = 0;
  constructor(private readonly body: Uint8Array) {}

  uleb(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (this.position >= this.body.length) refuse("a document chunk ends inside a number");
      const byte = this.body[this.position++];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    return refuse("a document chunk holds a number that is too long");
  }

  skip(bytes: number): void {
    if (bytes > this.body.length - this.position) refuse("a document chunk claims more bytes than it holds");
    this.position += bytes;
  }

  columns(): { spec: number; length: number }[] {
    const count = this.uleb();
    const columns: { spec: number; length: number }[] = [];
    for (let index = 0; index < count; index++) {
      const spec = this.uleb();
      columns.push({ spec, length: this.uleb() });
      if (columns.length > this.body.length) refuse("a document chunk claims more columns than it can hold");
    }
    return columns;
  }
}

const HASH_BYTES = 32;

/**
 * The heads a full payload's document chunk names (read from its layout, nothing loaded), sorted; undefined
 * when the payload is not exactly one document chunk.
 */
export function documentHeads(payload: Uint8Array): string[] | undefined {
  const chunks = splitAutomergeChunks(payload);
  if (chunks.length !== 1 || chunks[0].type !== CHUNK_TYPE_DOCUMENT) return undefined;
  const reader = new BodyReader(chunks[0].body);
  const actors = reader.uleb();
  for (let index = 0; index < actors; index++) reader.skip(reader.uleb());
  const count = reader.uleb();
  const start = reader.position;
  reader.skip(HASH_BYTES * count);
  const heads: string[] = [];
  for (let index = 0; index < count; index++) {
    const hash = chunks[0].body.subarray(start + index * HASH_BYTES, start + (index + 1) * HASH_BYTES);
    heads.push(Array.from(hash, (byte) => byte.toString(16).padStart(2, "0")).join(""));
  }
  return heads.sort();
}

/** The bytes a document chunk's columns take once inflated: actors, heads, then change and operation columns. */
function documentExpansion(chunk: AutomergeChunk, budget: number): number {
  const body = chunk.body;
  const reader = new BodyReader(body);
  const actors = reader.uleb();
  for (let index = 0; index < actors; index++) reader.skip(reader.uleb());
  reader.skip(HASH_BYTES * reader.uleb());
  const columns = [...reader.columns(), ...reader.columns()];
  let expanded = body.length;
  for (const column of columns) {
    const data = body.subarray(reader.position, reader.position + column.length);
    reader.skip(column.length);
    if ((column.spec & DEFLATE_BIT) === 0) continue;
    const inflated = inflatedLength(data, Math.max(0, budget - expanded));
    if (!inflated.ok) refuse(`a compressed column of a document: ${inflated.reason}`);
    expanded += inflated.length;
  }
  return expanded;
}

/** The bytes a payload takes once every compressed part is inflated; refuses beyond `bound` (counting stops there). */
export function payloadExpansion(payload: Uint8Array, bound: number): number {
  let expanded = 0;
  for (const chunk of splitAutomergeChunks(payload)) {
    const budget = bound - expanded;
    if (chunk.type === CHUNK_TYPE_COMPRESSED_CHANGE) {
      const inflated = inflatedLength(chunk.body, budget);
      if (!inflated.ok) refuse(`a compressed change: ${inflated.reason}`);
      expanded += inflated.length;
    } else if (chunk.type === CHUNK_TYPE_DOCUMENT) expanded += documentExpansion(chunk, budget);
    else if (chunk.type === CHUNK_TYPE_CHANGE) expanded += chunk.bytes.length;
    else refuse(`unknown chunk type ${chunk.type}`);
    if (expanded > bound) refuse(`it would expand to more than ${bound} bytes`);
  }
  return expanded;
}

/**
 * Refuses a payload that would expand beyond expansionBound(its length) once inflated, or that holds a
 * compressed part that is not valid deflate data. Counts without inflating; stops at the bound.
 */
export function checkPayloadExpansion(payload: Uint8Array): void {
  payloadExpansion(payload, expansionBound(payload.length));
}
