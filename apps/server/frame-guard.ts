// The checks every websocket frame passes before automerge-repo sees it: binary only, rate-limited,
// a valid protocol message within the size bounds, and consistent with the connection (join first, one peer id per socket).
import type { RawData } from "ws";
import { syncMessageSizes } from "../../engine/core/change-limits.js";
import { TokenBucket } from "./rate-limit.js";
import { decodeSyncFrame, type SyncProtocolMessage } from "./sync-messages.js";

/** Close codes: 1008 policy violation (bad or unexpected frame, over the rate), 1009 too big (ws enforces). */
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;

export interface FrameLimits {
  /** sustained messages per second per connection */
  messagesPerSecond: number;
  /** messages a connection may send in one burst */
  messageBurst: number;
}

/**
 * The first message of a connection (join, or the server's peer answer) carries ids and a little metadata: a
 * larger one is refused before it is decoded, so no peer can make this node keep megabytes of "metadata".
 */
export const MAX_HANDSHAKE_BYTES = 8 * 1024;

export const DEFAULT_FRAME_LIMITS: FrameLimits = { messagesPerSecond: 1000, messageBurst: 4000 };

export type FrameVerdict =
  | { accept: true; message: SyncProtocolMessage; bytes: Uint8Array }
  | { accept: false; reason: string };

export interface FrameGuardOptions {
  /** "server": the other end is a client that must join first; "client": the other end must answer with peer */
  role: "server" | "client";
  /** this repo's peer id, once known */
  localPeerId: () => string | undefined;
  limits?: FrameLimits;
  /** counts a sync message's change bytes toward its festival's size, or says why they are refused (festival-size.ts) */
  festivalGrowth?: (documentId: string, changeBytes: number) => string | undefined;
}

export class FrameGuard {
  private readonly bucket: TokenBucket;
  /** the other end's peer id, fixed by its first message */
  remotePeerId: string | undefined;

  constructor(private readonly options: FrameGuardOptions) {
    const limits = options.limits ?? DEFAULT_FRAME_LIMITS;
    this.bucket = new TokenBucket({ perSecond: limits.messagesPerSecond, burst: limits.messageBurst });
  }

  inspect(data: RawData, isBinary: boolean): FrameVerdict {
    if (!this.bucket.take()) return { accept: false, reason: "too many messages per second" };
    if (!isBinary) return { accept: false, reason: "text frame (the sync protocol is binary CBOR)" };
    const bytes = rawDataBytes(data);
    if (this.remotePeerId === undefined && bytes.byteLength > MAX_HANDSHAKE_BYTES) {
      return { accept: false, reason: `first message of ${bytes.byteLength} bytes; a join or peer message may have at most ${MAX_HANDSHAKE_BYTES}` };
    }
    const decoded = decodeSyncFrame(bytes);
    if (!decoded.ok) return { accept: false, reason: decoded.reason };
    const message = decoded.message;
    const problem = this.options.role === "server" ? this.checkFromClient(message) : this.checkFromServer(message);
    if (problem) return { accept: false, reason: problem };
    if ((message.type === "sync" || message.type === "request") && message.data) {
      const sizes = syncMessageSizes(message.data);
      const tooBig = sizes.problem ?? (message.documentId === undefined ? undefined : this.options.festivalGrowth?.(message.documentId, sizes.changeBytes));
      if (tooBig) return { accept: false, reason: `sync message for ${message.documentId} refused: ${tooBig}` };
    }
    return { accept: true, message: decoded.message, bytes };
  }

  private checkFromClient(message: SyncProtocolMessage): string | undefined {
    if (this.remotePeerId === undefined) {
      if (message.type !== "join") return `expected a join message first, got ${message.type}`;
      this.remotePeerId = message.senderId;
      return undefined;
    }
    if (message.type === "join") return "a second join on the same connection";
    if (message.type === "peer" || message.type === "error" || message.type === "leave") return `a client may not send ${message.type}`;
    return this.checkAddressing(message);
  }

  private checkFromServer(message: SyncProtocolMessage): string | undefined {
    if (this.remotePeerId === undefined) {
      if (message.type === "error") return undefined;
      if (message.type !== "peer") return `expected a peer message first, got ${message.type}`;
      const local = this.options.localPeerId();
      if (local !== undefined && message.targetId !== local) return "peer message addressed to another peer";
      this.remotePeerId = message.senderId;
      return undefined;
    }
    if (message.type === "join" || message.type === "peer" || message.type === "leave") return `a server may not send ${message.type} now`;
    if (message.type === "error") return undefined;
    // a server relays other peers' ephemeral messages (presence) under their sender ids, as automerge-repo does;
    // they never touch a document. Everything else must come from the peer this connection joined.
    return this.checkAddressing(message, message.type === "ephemeral");
  }

  private checkAddressing(message: SyncProtocolMessage, relayed = false): string | undefined {
    if (!relayed && message.senderId !== this.remotePeerId) return "senderId differs from the peer id this connection joined with";
    const local = this.options.localPeerId();
    if (local !== undefined && message.targetId !== local) return "message addressed to another peer";
    return undefined;
  }
}

/** ws hands over a Buffer, an ArrayBuffer or a list of fragments depending on binaryType. */
export function rawDataBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
