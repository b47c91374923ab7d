// Frame validation: real protocol messages pass, malformed ones are refused with a reason, the guard enforces
// join-first and one peer id per connection, and the token bucket bounds messages per second.
import * as A from "@automerge/automerge";
import { cbor, Repo } from "@automerge/automerge-repo";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FrameGuard } from "../../apps/server/frame-guard.js";
import { TokenBucket } from "../../apps/server/rate-limit.js";
import { decodeSyncFrame } from "../../apps/server/sync-messages.js";

const documentId = new Repo({ network: [] }).create().documentId;
const syncData = A.generateSyncMessage(A.from({ a: 1 }), A.initSyncState())[1] as Uint8Array;
const join = { type: "join", senderId: "client-1", peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["1"] };
const sync = { type: "sync", senderId: "client-1", targetId: "server-1", documentId, data: syncData };
const frame = (value: unknown) => cbor.encode(value);

describe("decodeSyncFrame", () => {
  it("accepts the protocol's messages", () => {
    const messages = [
      join,
      sync,
      { ...sync, type: "request" },
      { type: "doc-unavailable", senderId: "a", targetId: "b", documentId },
      { type: "ephemeral", senderId: "a", targetId: "b", documentId, data: cbor.encode({ cursor: 3 }), count: 4, sessionId: "s" },
      { type: "peer", senderId: "server-1", targetId: "client-1", peerMetadata: { storageId: "x" }, selectedProtocolVersion: "1" },
      { type: "remote-subscription-change", senderId: "a", targetId: "b", add: ["s1"], remove: [] },
      { type: "remote-heads-changed", senderId: "a", targetId: "b", documentId, newHeads: { s1: { heads: ["h"], timestamp: 5 } } },
    ];
    for (const message of messages) {
      const decoded = decodeSyncFrame(frame(message));
      expect(decoded.ok ? decoded.message.type : decoded.reason).toBe(message.type);
    }
  });

  it("refuses malformed frames with a reason saying what is wrong", () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [new Uint8Array(), /empty/],
      [frame(null), /not a message object \(null\)/],
      [frame([1, 2]), /not a message object \(array\)/],
      [frame("join"), /not a message object \(string\)/],
      [frame({ type: "nope" }), /unknown message type "nope"/],
      [frame({ type: "join" }), /malformed join message at senderId/],
      [frame({ ...join, supportedProtocolVersions: "1" }), /malformed join message at supportedProtocolVersions/],
      [frame({ ...join, peerMetadata: 3 }), /malformed join message at peerMetadata/],
      [frame({ ...sync, data: "text" }), /malformed sync message at data/],
      [frame({ ...sync, data: new Uint8Array() }), /data is empty/],
      [frame({ ...sync, data: new Uint8Array([9, 9, 9]) }), /not an Automerge sync message/],
      [frame({ ...sync, documentId: "not-an-id" }), /documentId is not a valid document id/],
      [frame({ ...sync, senderId: 12 }), /at senderId/],
      [frame({ ...sync, targetId: "x".repeat(300) }), /at targetId/],
      [frame({ type: "ephemeral", senderId: "a", targetId: "b", documentId, data: new Uint8Array([0xff]), count: 1, sessionId: "s" }), /data is not CBOR/],
      [frame({ type: "ephemeral", senderId: "a", targetId: "b", documentId, data: cbor.encode(1), count: -1, sessionId: "s" }), /at count/],
      [frame(sync).subarray(0, 20), /not CBOR/],
    ];
    for (const [bytes, reason] of cases) {
      const decoded = decodeSyncFrame(bytes);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.reason).toMatch(reason);
    }
  });

  it("never throws on arbitrary bytes or arbitrary CBOR values", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        decodeSyncFrame(bytes);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.anything({ withTypedArray: true, withNullPrototype: true, withMap: true, withSet: true }), (value) => {
        let bytes: Uint8Array;
        try {
          bytes = cbor.encode(value);
        } catch {
          return; // not encodable: nothing to send
        }
        decodeSyncFrame(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

describe("FrameGuard", () => {
  const inspect = (guard: FrameGuard, value: unknown, isBinary = true) => {
    const verdict = guard.inspect(Buffer.from(frame(value)), isBinary);
    return verdict.accept ? "accepted" : verdict.reason;
  };

  it("on the server side: join first, once; then only messages from that peer to this server", () => {
    const guard = new FrameGuard({ role: "server", localPeerId: () => "server-1" });
    expect(inspect(guard, sync)).toMatch(/expected a join message first/);
    const fresh = new FrameGuard({ role: "server", localPeerId: () => "server-1" });
    expect(inspect(fresh, join)).toBe("accepted");
    expect(inspect(fresh, sync)).toBe("accepted");
    expect(inspect(fresh, { ...sync, senderId: "someone-else" })).toMatch(/senderId differs/);
    expect(inspect(fresh, { ...sync, targetId: "another-server" })).toMatch(/addressed to another peer/);
    expect(inspect(fresh, { ...join, senderId: "client-2" })).toMatch(/second join/);
    expect(inspect(fresh, { type: "peer", senderId: "client-1", targetId: "server-1", selectedProtocolVersion: "1" })).toMatch(/may not send peer/);
    expect(inspect(fresh, join, false)).toMatch(/text frame/);
  });

  it("on the client side: the server answers with peer first", () => {
    const guard = new FrameGuard({ role: "client", localPeerId: () => "client-1" });
    expect(inspect(guard, { ...sync, senderId: "server-1", targetId: "client-1" })).toMatch(/expected a peer message first/);
    const fresh = new FrameGuard({ role: "client", localPeerId: () => "client-1" });
    expect(inspect(fresh, { type: "peer", senderId: "server-1", targetId: "client-1", selectedProtocolVersion: "1" })).toBe("accepted");
    expect(inspect(fresh, { ...sync, senderId: "server-1", targetId: "client-1" })).toBe("accepted");
    expect(inspect(fresh, join)).toMatch(/may not send join/);
  });

  it("bounds messages per second per connection", () => {
    const guard = new FrameGuard({ role: "server", localPeerId: () => "server-1", limits: { messagesPerSecond: 1, messageBurst: 5 } });
    const verdicts = Array.from({ length: 8 }, (_, i) => inspect(guard, i === 0 ? join : sync));
    expect(verdicts.slice(0, 5)).toEqual(Array(5).fill("accepted"));
    expect(verdicts.slice(5)).toEqual(Array(3).fill("too many messages per second"));
  });
});

describe("TokenBucket", () => {
  it("allows a burst, then refills at the given rate", () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 10, burst: 3, now: () => now });
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 100; // one token back
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 10_000; // never more than the burst
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});
