// The automerge-repo websocket protocol's messages, decoded from CBOR and checked field by field.
// A frame that fails here never reaches automerge-repo: its adapter crashes or misbehaves on malformed input.
import * as A from "@automerge/automerge";
import { cbor, isValidDocumentId, type Message } from "@automerge/automerge-repo";
import * as v from "valibot";
import { NODE_AUTH_TYPE, NODE_HELLO_TYPE } from "./node-auth.js";

/** Proofs of held private festivals, exchanged between pandafest nodes. */
export interface KnowsMessage {
  type: typeof KNOWS_MESSAGE_TYPE;
  senderId: string;
  targetId: string;
  proofs: string[];
}

/** A frame is either a protocol message or the reason it was refused. */
export type DecodedFrame =
  | { ok: true; message: SyncProtocolMessage }
  | { ok: false; reason: string };

/**
 * pandafest's own message between two authenticated nodes, never passed to automerge-repo: proofs that the sender
 * holds private festivals, each bound to the festival id and to this connection's handshake (see share-policy.ts).
 */
export const KNOWS_MESSAGE_TYPE = "pandafest-knows";
export const MAX_KNOWLEDGE_PROOFS = 4096;

/** The message types a frame may carry; anything else is refused. */
export const SYNC_MESSAGE_TYPES = [
  "join",
  "peer",
  "error",
  "leave",
  "sync",
  "request",
  "ephemeral",
  "doc-unavailable",
  "remote-subscription-change",
  "remote-heads-changed",
  KNOWS_MESSAGE_TYPE,
  NODE_HELLO_TYPE,
  NODE_AUTH_TYPE,
] as const;

export type SyncMessageType = (typeof SYNC_MESSAGE_TYPES)[number];

/** A protocol message after validation; `type` is known and the fields it needs are there with the right types. */
export type SyncProtocolMessage = Message & { type: SyncMessageType };

const MAX_ID_LENGTH = 256;
const MAX_LIST_LENGTH = 1024;
const MAX_TEXT_LENGTH = 4096;

const peerIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_ID_LENGTH));
const documentIdSchema = v.pipe(
  v.string(),
  v.maxLength(MAX_ID_LENGTH),
  v.check((value) => isValidDocumentId(value), "documentId is not a valid document id"),
);
const bytesSchema = v.pipe(
  v.instance(Uint8Array),
  v.check((bytes) => bytes.byteLength > 0, "data is empty"),
);
const shortStringList = v.pipe(v.array(v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH))), v.maxLength(MAX_LIST_LENGTH));
const peerMetadataSchema = v.looseObject({
  storageId: v.optional(v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH))),
  isEphemeral: v.optional(v.boolean()),
});
/** Lower-case hex of exactly `bytes` bytes (keys, nonces, signatures of the node handshake). */
function hexSchema(bytes: number) {
  return v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`)));
}
const addressed = {
  senderId: peerIdSchema,
  targetId: peerIdSchema,
};

const messageSchema = v.variant("type", [
  v.looseObject({
    type: v.literal("join"),
    senderId: peerIdSchema,
    peerMetadata: v.optional(peerMetadataSchema),
    supportedProtocolVersions: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(32))), v.maxLength(32))),
  }),
  v.looseObject({
    type: v.literal("peer"),
    ...addressed,
    peerMetadata: v.optional(peerMetadataSchema),
    selectedProtocolVersion: v.pipe(v.string(), v.maxLength(32)),
  }),
  v.looseObject({ type: v.literal("error"), ...addressed, message: v.pipe(v.string(), v.maxLength(MAX_TEXT_LENGTH)) }),
  v.looseObject({ type: v.literal("leave"), senderId: peerIdSchema }),
  v.looseObject({ type: v.literal("sync"), ...addressed, documentId: documentIdSchema, data: bytesSchema }),
  v.looseObject({ type: v.literal("request"), ...addressed, documentId: documentIdSchema, data: bytesSchema }),
  v.looseObject({
    type: v.literal("ephemeral"),
    ...addressed,
    documentId: documentIdSchema,
    data: bytesSchema,
    count: v.pipe(v.number(), v.integer(), v.minValue(0)),
    sessionId: v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH)),
  }),
  v.looseObject({ type: v.literal("doc-unavailable"), ...addressed, documentId: documentIdSchema }),
  v.looseObject({
    type: v.literal("remote-subscription-change"),
    ...addressed,
    add: v.optional(shortStringList),
    remove: v.optional(shortStringList),
  }),
  v.looseObject({
    type: v.literal("remote-heads-changed"),
    ...addressed,
    documentId: documentIdSchema,
    newHeads: v.pipe(
      v.record(
        v.pipe(v.string(), v.maxLength(MAX_ID_LENGTH)),
        v.looseObject({ heads: shortStringList, timestamp: v.number() }),
      ),
      v.check((record) => Object.keys(record).length <= MAX_LIST_LENGTH, "newHeads has too many entries"),
    ),
  }),
  v.looseObject({
    type: v.literal(KNOWS_MESSAGE_TYPE),
    ...addressed,
    proofs: v.pipe(v.array(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))), v.maxLength(MAX_KNOWLEDGE_PROOFS)),
  }),
  v.looseObject({ type: v.literal(NODE_HELLO_TYPE), ...addressed, publicKey: hexSchema(32), nonce: hexSchema(32), kind: v.optional(v.literal("client")) }),
  v.looseObject({ type: v.literal(NODE_AUTH_TYPE), ...addressed, signature: hexSchema(64) }),
]);

/** Decodes one binary frame and checks it is a well-formed protocol message. Never throws. */
export function decodeSyncFrame(bytes: Uint8Array): DecodedFrame {
  if (bytes.byteLength === 0) return { ok: false, reason: "empty frame" };
  let decoded: unknown;
  try {
    decoded = cbor.decode(bytes);
  } catch (error) {
    return { ok: false, reason: `not CBOR (${error instanceof Error ? error.message : String(error)})` };
  }
  return validateSyncMessage(decoded);
}

/** Checks a decoded value is a well-formed protocol message, including that its payload bytes decode. */
export function validateSyncMessage(value: unknown): DecodedFrame {
  if (value === null || typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) {
    return { ok: false, reason: `not a message object (${describe(value)})` };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string" || !(SYNC_MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `unknown message type ${JSON.stringify(typeof type === "string" ? type.slice(0, 40) : describe(type))}` };
  }
  const parsed = v.safeParse(messageSchema, value);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((item) => String(item.key)).join(".") ?? "";
    return { ok: false, reason: `malformed ${type} message${where ? ` at ${where}` : ""}: ${issue.message}` };
  }
  const message = value as SyncProtocolMessage;
  const payloadProblem = checkPayload(message);
  if (payloadProblem) return { ok: false, reason: `malformed ${type} message: ${payloadProblem}` };
  return { ok: true, message };
}

/** Payload bytes must decode as what they claim to be, or automerge-repo throws later, outside any handler. */
function checkPayload(message: SyncProtocolMessage): string | undefined {
  if ((message.type === "sync" || message.type === "request") && message.data) {
    try {
      A.decodeSyncMessage(message.data);
    } catch {
      return "data is not an Automerge sync message";
    }
  }
  if (message.type === "ephemeral" && message.data) {
    try {
      cbor.decode(message.data);
    } catch {
      return "data is not CBOR";
    }
  }
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (value instanceof Uint8Array) return "bytes";
  return typeof value;
}
