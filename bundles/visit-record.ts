// Visit records: a small signed JSON file a machine leaves on a stick at each sync, saying who synced,
// when, and which heads each festival had. Private festivals' heads are sealed. Browser-safe.
import * as v from "valibot";
import { PandafestError } from "../engine/errors.js";
import { PUBLIC_KEY_BYTES, SIGNATURE_BYTES, fromHex, sign, toHex, verify } from "../engine/keys.js";
import type { Visibility } from "../engine/schema.js";
import { festivalSecretKey, fromHex as hexBytes, openSealed, seal } from "./crypto.js";
import { discoveryKey } from "./discovery.js";

export const VISIT_RECORD_FORMAT = "pandafest-visit";
export const VISIT_RECORD_VERSION = 1;
/** Domain separation: a visit signature can never pass for any other pandafest signature. */
export const VISIT_LABEL = "pandafest-visit-v1";
/** Far above a real record (about 150 bytes per festival); larger files are not read. */
export const MAX_VISIT_RECORD_BYTES = 1024 * 1024;

const HEX64 = /^[0-9a-f]{64}$/;

export interface VisitedFestival {
  discoveryKey: string;
  /** heads after the sync, for a public festival */
  heads?: string[];
  /** for a private festival: the heads as JSON, sealed with the festival key (hex) */
  sealedHeads?: string;
}

export interface VisitRecord {
  format: typeof VISIT_RECORD_FORMAT;
  version: typeof VISIT_RECORD_VERSION;
  /** public key (hex) of the machine's identity that synced */
  visitor: string;
  /** milliseconds since 1970 (UTC) */
  visitedAt: number;
  festivals: VisitedFestival[];
  /** ed25519 signature (hex) of the label and the canonical record without this field */
  signature: string;
}

export interface VisitInput {
  visitor: { publicKey: string; secretKey: Uint8Array };
  visitedAt: number;
  festivals: ReadonlyArray<{ festivalId: string; visibility: Visibility; heads: readonly string[] } | { discoveryKey: string }>;
}

const FestivalSchema = v.strictObject({
  discoveryKey: v.pipe(v.string(), v.regex(HEX64)),
  heads: v.optional(v.pipe(v.array(v.pipe(v.string(), v.regex(HEX64))), v.maxLength(10_000))),
  sealedHeads: v.optional(v.pipe(v.string(), v.maxLength(2 * MAX_VISIT_RECORD_BYTES), v.regex(/^(?:[0-9a-f]{2})+$/))),
});

const RecordSchema = v.strictObject({
  format: v.literal(VISIT_RECORD_FORMAT),
  version: v.literal(VISIT_RECORD_VERSION),
  visitor: v.pipe(v.string(), v.regex(HEX64)),
  visitedAt: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER)),
  festivals: v.pipe(v.array(FestivalSchema), v.maxLength(100_000)),
  signature: v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${SIGNATURE_BYTES * 2}}$`))),
});

/** The signed bytes: label, newline, then the record without its signature as JSON with keys in a fixed order. */
function signedBytes(record: Omit<VisitRecord, "signature">): Uint8Array {
  const festivals = record.festivals.map((festival) => ({
    discoveryKey: festival.discoveryKey,
    ...(festival.heads === undefined ? {} : { heads: festival.heads }),
    ...(festival.sealedHeads === undefined ? {} : { sealedHeads: festival.sealedHeads }),
  }));
  const canonical = { format: record.format, version: record.version, visitor: record.visitor, visitedAt: record.visitedAt, festivals };
  return new TextEncoder().encode(`${VISIT_LABEL}\n${JSON.stringify(canonical)}`);
}

export function signVisitRecord(input: VisitInput): VisitRecord {
  const festivals: VisitedFestival[] = input.festivals.map((festival) => {
    if (!("festivalId" in festival)) return { discoveryKey: festival.discoveryKey };
    const heads = [...festival.heads].sort();
    const key = discoveryKey(festival.festivalId);
    if (festival.visibility === "public") return { discoveryKey: key, heads };
    const sealed = seal(new TextEncoder().encode(JSON.stringify(heads)), festivalSecretKey(festival.festivalId));
    return { discoveryKey: key, sealedHeads: toHex(sealed) };
  });
  const unsigned = { format: VISIT_RECORD_FORMAT, version: VISIT_RECORD_VERSION, visitor: input.visitor.publicKey, visitedAt: input.visitedAt, festivals } as const;
  return { ...unsigned, signature: toHex(sign(signedBytes(unsigned), input.visitor.secretKey)) };
}

export function encodeVisitRecord(record: VisitRecord): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(record, null, 1)}\n`);
}

/** Parses and checks a visit record (shape and signature); throws PandafestError with a one-line reason. */
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
  const valid = verify(signedBytes(record), fromHex(record.signature, "signature", SIGNATURE_BYTES), fromHex(record.visitor, "visitor", PUBLIC_KEY_BYTES));
  if (!valid) throw new PandafestError("visit record signature does not match its visitor key", { code: "input" });
  return record;
}

/** The heads a record names for a festival, opening sealed ones with the festival id; undefined when absent. */
export function visitedHeads(record: VisitRecord, festivalId: string): string[] | undefined {
  const key = discoveryKey(festivalId);
  const festival = record.festivals.find((entry) => entry.discoveryKey === key);
  if (festival === undefined) return undefined;
  if (festival.heads !== undefined) return festival.heads;
  const sealed = festival.sealedHeads === undefined ? undefined : hexBytes(festival.sealedHeads);
  const opened = sealed === undefined ? undefined : openSealed(sealed, festivalSecretKey(festivalId));
  if (opened === undefined) return undefined;
  try {
    const heads: unknown = JSON.parse(new TextDecoder().decode(opened));
    return Array.isArray(heads) && heads.every((head) => typeof head === "string" && HEX64.test(head)) ? (heads as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** `<UTC time>-<visitor key, 16 hex>-<random, 8 hex>.json`: sorts by time, never collides. */
export function visitRecordFileName(record: VisitRecord, random: string): string {
  const time = new Date(record.visitedAt).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
  return `${time}-${record.visitor.slice(0, 16)}-${random}.json`;
}
