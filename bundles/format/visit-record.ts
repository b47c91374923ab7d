// Visit records: a small signed JSON file a machine leaves on a stick at each sync, saying who synced, when,
// and which heads each festival had, without tying the person to a private festival. Browser-safe.
import * as v from "valibot";
import { PandafestError } from "../../engine/core/errors.js";
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, fromHex, sign, toHex, verify } from "../../engine/core/keys.js";
import type { Visibility } from "../../engine/core/schema.js";
import { festivalSecretKey, fromHex as hexBytes, openSealed, seal } from "./crypto.js";
import { discoveryKey } from "./discovery.js";

export const VISIT_RECORD_FORMAT = "pandafest-visit";
/** Version 2 (written): one signed entry per festival, private ones sealed whole. Version 1 is still read. */
export const VISIT_RECORD_VERSION = 2;
/** Domain separation: a visit signature can never pass for any other pandafest signature. */
export const VISIT_LABEL = "pandafest-visit-v1";
export const VISIT_ENTRY_LABEL = "pandafest-visit-v2";
/** Far above a real record (about 250 bytes per festival); larger files are not read. */
export const MAX_VISIT_RECORD_BYTES = 1024 * 1024;

const HEX64 = /^[0-9a-f]{64}$/;

/** One festival of a version 1 record. */
export interface VisitedFestivalV1 {
  discoveryKey: string;
  /** heads after the sync, for a public festival */
  heads?: string[];
  /** for a private festival: the heads as JSON, sealed with the festival key (hex) */
  sealedHeads?: string;
}

/** Version 1: the visitor's key in clear, every festival's discovery key in clear (private ones too). */
export interface VisitRecordV1 {
  format: typeof VISIT_RECORD_FORMAT;
  version: 1;
  visitor: string;
  visitedAt: number;
  festivals: VisitedFestivalV1[];
  signature: string;
}

/** One festival of a version 2 record, signed on its own by the visitor. */
export interface VisitEntry {
  discoveryKey: string;
  /** heads after the sync */
  heads: string[];
  /** public key (hex) of the identity that synced */
  visitor: string;
  /** ed25519 signature (hex) of VISIT_ENTRY_LABEL and the canonical entry (visitedAt included) */
  signature: string;
}

/**
 * Version 2: public festivals as signed entries in clear; each private festival's entry sealed whole with
 * its festival key, so neither its discovery key nor the visitor shows next to it. No visitor key at the top.
 */
export interface VisitRecordV2 {
  format: typeof VISIT_RECORD_FORMAT;
  version: 2;
  /** milliseconds since 1970 (UTC) */
  visitedAt: number;
  festivals: VisitEntry[];
  /** sealed entries (hex), sorted, one per private festival */
  sealed: string[];
}

export type VisitRecord = VisitRecordV1 | VisitRecordV2;

export interface VisitInput {
  visitor: { publicKey: string; secretKey: Uint8Array };
  visitedAt: number;
  /** `sealKey`: a private festival with member keys seals its entry under its current member key (else the id-derived key) */
  festivals: ReadonlyArray<{ festivalId: string; visibility: Visibility; heads: readonly string[]; sealKey?: Uint8Array }>;
}

const Hex64 = v.pipe(v.string(), v.regex(HEX64));
const Heads = v.pipe(v.array(Hex64), v.maxLength(10_000));
const Signature = v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${SIGNATURE_BYTES * 2}}$`)));
const VisitedAt = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));
const SealedHex = v.pipe(v.string(), v.maxLength(2 * MAX_VISIT_RECORD_BYTES), v.regex(/^(?:[0-9a-f]{2})+$/));

const RecordV1Schema = v.strictObject({
  format: v.literal(VISIT_RECORD_FORMAT),
  version: v.literal(1),
  visitor: Hex64,
  visitedAt: VisitedAt,
  festivals: v.pipe(
    v.array(v.strictObject({ discoveryKey: Hex64, heads: v.optional(Heads), sealedHeads: v.optional(SealedHex) })),
    v.maxLength(100_000),
  ),
  signature: Signature,
});

const EntrySchema = v.strictObject({ discoveryKey: Hex64, heads: Heads, visitor: Hex64, signature: Signature });

const RecordV2Schema = v.strictObject({
  format: v.literal(VISIT_RECORD_FORMAT),
  version: v.literal(2),
  visitedAt: VisitedAt,
  festivals: v.pipe(v.array(EntrySchema), v.maxLength(100_000)),
  sealed: v.pipe(v.array(SealedHex), v.maxLength(100_000)),
});

const RecordSchema = v.variant("version", [RecordV1Schema, RecordV2Schema]);

const utf8 = new TextEncoder();

/** Version 1's signed bytes: label, newline, then the record without its signature, keys in a fixed order. */
function signedBytesV1(record: Omit<VisitRecordV1, "signature">): Uint8Array {
  const festivals = record.festivals.map((festival) => ({
    discoveryKey: festival.discoveryKey,
    ...(festival.heads === undefined ? {} : { heads: festival.heads }),
    ...(festival.sealedHeads === undefined ? {} : { sealedHeads: festival.sealedHeads }),
  }));
  const canonical = { format: record.format, version: record.version, visitor: record.visitor, visitedAt: record.visitedAt, festivals };
  return utf8.encode(`${VISIT_LABEL}\n${JSON.stringify(canonical)}`);
}

/** An entry's signed bytes: label, newline, then visit time, discovery key, heads and visitor as JSON. */
function entrySignedBytes(visitedAt: number, entry: Omit<VisitEntry, "signature">): Uint8Array {
  const canonical = { visitedAt, discoveryKey: entry.discoveryKey, heads: entry.heads, visitor: entry.visitor };
  return utf8.encode(`${VISIT_ENTRY_LABEL}\n${JSON.stringify(canonical)}`);
}

function entryVerifies(visitedAt: number, entry: VisitEntry): boolean {
  return verify(entrySignedBytes(visitedAt, entry), fromHex(entry.signature, "signature", SIGNATURE_BYTES), fromHex(entry.visitor, "visitor", PUBLIC_KEY_BYTES));
}

export function signVisitRecord(input: VisitInput): VisitRecordV2 {
  const festivals: VisitEntry[] = [];
  const sealed: string[] = [];
  for (const festival of input.festivals) {
    const unsigned = { discoveryKey: discoveryKey(festival.festivalId), heads: [...festival.heads].sort(), visitor: input.visitor.publicKey };
    const entry: VisitEntry = { ...unsigned, signature: toHex(sign(entrySignedBytes(input.visitedAt, unsigned), input.visitor.secretKey)) };
    if (festival.visibility === "public") festivals.push(entry);
    else sealed.push(toHex(seal(utf8.encode(JSON.stringify(entry)), festival.sealKey ?? festivalSecretKey(festival.festivalId))));
  }
  festivals.sort((left, right) => left.discoveryKey.localeCompare(right.discoveryKey));
  // sealed entries are random bytes to an outsider; sorted, their order says nothing about the festivals
  sealed.sort();
  return { format: VISIT_RECORD_FORMAT, version: VISIT_RECORD_VERSION, visitedAt: input.visitedAt, festivals, sealed };
}

export function encodeVisitRecord(record: VisitRecord): Uint8Array {
  return utf8.encode(`${JSON.stringify(record, null, 1)}\n`);
}

/** Parses and checks a visit record (shape and signatures in clear); throws PandafestError with a one-line reason. */
export function decodeVisitRecord(bytes: Uint8Array): VisitRecord {
  if (bytes.length > MAX_VISIT_RECORD_BYTES) throw new PandafestError(`visit record of ${bytes.length} bytes is too large`, { code: "input" });
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new PandafestError("visit record is not valid JSON", { code: "input", cause });
  }
  const result = v.safeParse(RecordSchema, parsed);
  if (!result.success) {
    const issue = result.issues[0];
    const where = issue.path?.map((item) => String(item.key)).join(".") ?? "";
    throw new PandafestError(`visit record is malformed${where ? ` at ${where}` : ""}: ${issue.message}`, { code: "input" });
  }
  const record = result.output as VisitRecord;
  const valid =
    record.version === 1
      ? verify(signedBytesV1(record), fromHex(record.signature, "signature", SIGNATURE_BYTES), fromHex(record.visitor, "visitor", PUBLIC_KEY_BYTES))
      : record.festivals.every((entry) => entryVerifies(record.visitedAt, entry));
  if (!valid) throw new PandafestError("visit record signature does not match its visitor key", { code: "input" });
  return record;
}

function parseHeads(bytes: Uint8Array): string[] | undefined {
  try {
    const heads: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return Array.isArray(heads) && heads.every((head) => typeof head === "string" && HEX64.test(head)) ? (heads as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Who synced a festival and the heads it had, opening sealed entries with the festival id (or, for a festival with
 * member keys, with one of `memberKeys`); undefined when absent.
 */
export function visitedEntry(record: VisitRecord, festivalId: string, memberKeys: readonly Uint8Array[] = []): { visitor: string; heads: string[] } | undefined {
  const key = discoveryKey(festivalId);
  if (record.version === 1) {
    const festival = record.festivals.find((entry) => entry.discoveryKey === key);
    if (festival === undefined) return undefined;
    if (festival.heads !== undefined) return { visitor: record.visitor, heads: festival.heads };
    const sealed = festival.sealedHeads === undefined ? undefined : hexBytes(festival.sealedHeads);
    const opened = sealed === undefined ? undefined : openSealed(sealed, festivalSecretKey(festivalId));
    const heads = opened === undefined ? undefined : parseHeads(opened);
    return heads === undefined ? undefined : { visitor: record.visitor, heads };
  }
  const clear = record.festivals.find((entry) => entry.discoveryKey === key);
  if (clear !== undefined) return { visitor: clear.visitor, heads: clear.heads };
  const keys = [festivalSecretKey(festivalId), ...memberKeys];
  for (const sealed of record.sealed) {
    const bytes = hexBytes(sealed);
    let opened: Uint8Array | undefined;
    for (const key of keys) opened ??= bytes === undefined ? undefined : openSealed(bytes, key);
    if (opened === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(opened));
    } catch {
      continue;
    }
    const entry = v.safeParse(EntrySchema, parsed);
    if (entry.success && entry.output.discoveryKey === key && entryVerifies(record.visitedAt, entry.output)) {
      return { visitor: entry.output.visitor, heads: entry.output.heads };
    }
  }
  return undefined;
}

/** The heads a record names for a festival (sealed ones opened with the festival id); undefined when absent. */
export function visitedHeads(record: VisitRecord, festivalId: string, memberKeys: readonly Uint8Array[] = []): string[] | undefined {
  return visitedEntry(record, festivalId, memberKeys)?.heads;
}

/** `<UTC time>-<random, 16 hex>.json`: sorts by time, never collides, and names nobody. */
export function visitRecordFileName(record: VisitRecord, random: string): string {
  const time = new Date(record.visitedAt).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `${time}-${random}.json`;
}
