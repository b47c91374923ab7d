// The node handshake on its own: honest ends authenticate each other; a signature or knowledge proof taken
// from one connection is refused on any other (another nonce, another peer, the other direction).
import { describe, expect, it } from "vitest";
import { generateKeyPair, toHex } from "../../engine/core/keys.js";
import { NodeHandshake, type NodeAuthMessage, type NodeKey } from "../../apps/server/node-auth.js";
import { knowledgeProof } from "../../apps/server/share-policy.js";

function nodeKey(): NodeKey {
  const pair = generateKeyPair();
  return { publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
}

/** Runs the handshake between two ends; returns both, and the auth messages each sent. */
function connect(initiatorKey: NodeKey, acceptorKey: NodeKey, initiatorId = "peer-a", acceptorId = "peer-b") {
  const initiator = new NodeHandshake(initiatorKey, "initiator", initiatorId, acceptorId);
  const acceptor = new NodeHandshake(acceptorKey, "acceptor", acceptorId, initiatorId);
  const acceptorAuth = acceptor.receiveHello(initiator.hello()) as NodeAuthMessage;
  const initiatorAuth = initiator.receiveHello(acceptor.hello()) as NodeAuthMessage;
  return { initiator, acceptor, acceptorAuth, initiatorAuth };
}

describe("node handshake", () => {
  it("authenticates two honest ends to each other, with the same transcript", () => {
    const a = nodeKey();
    const b = nodeKey();
    const link = connect(a, b);
    expect(link.initiator.receiveAuth(link.acceptorAuth)).toBeUndefined();
    expect(link.acceptor.receiveAuth(link.initiatorAuth)).toBeUndefined();
    expect(link.initiator.authenticated?.remotePublicKey).toBe(b.publicKey);
    expect(link.acceptor.authenticated?.remotePublicKey).toBe(a.publicKey);
    expect(link.initiator.authenticated?.transcript).toEqual(link.acceptor.authenticated?.transcript);
  });

  it("refuses a signature replayed from another connection, relayed to a third node, or reflected back", () => {
    const a = nodeKey();
    const b = nodeKey();
    const c = nodeKey();
    const first = connect(a, b);
    const second = connect(a, b);
    // same keys and peer ids, fresh nonces: the first connection's signature is worthless on the second
    expect(second.acceptor.receiveAuth({ ...first.initiatorAuth })).toMatch(/does not verify/);
    // A's signature made for B, relayed to C by someone claiming to be A
    const relayed = new NodeHandshake(c, "acceptor", "peer-c", "peer-a");
    relayed.receiveHello({ ...first.initiator.hello(), targetId: "peer-c" });
    expect(relayed.receiveAuth(first.initiatorAuth)).toMatch(/does not verify/);
    // the acceptor's own signature sent back to it as the initiator's
    const third = connect(a, b);
    expect(third.acceptor.receiveAuth(third.acceptorAuth)).toMatch(/does not verify/);
    expect(third.acceptor.authenticated).toBeUndefined();
  });

  it("authenticates a client (a browser) as a client, and never takes a client's proof for a node's", () => {
    const browser = nodeKey();
    const node = nodeKey();
    const initiator = new NodeHandshake(browser, "initiator", "tab", "node", "client");
    const hello = initiator.hello();
    expect(hello.kind).toBe("client");
    const acceptor = NodeHandshake.forHello(node, "node", hello);
    const acceptorAuth = acceptor.receiveHello(hello) as NodeAuthMessage;
    const initiatorAuth = initiator.receiveHello(acceptor.hello()) as NodeAuthMessage;
    expect(initiator.receiveAuth(acceptorAuth)).toBeUndefined();
    expect(acceptor.receiveAuth(initiatorAuth)).toBeUndefined();
    expect(acceptor.authenticated).toMatchObject({ kind: "client", remotePublicKey: browser.publicKey });
    // the same hello with the kind stripped opens a node's handshake, where the client's signature does not verify
    const asNode = NodeHandshake.forHello(node, "node", { ...hello, kind: undefined });
    asNode.receiveHello({ ...hello, kind: undefined });
    expect(asNode.receiveAuth(initiatorAuth)).toMatch(/does not verify/);
    // a node's handshake refuses a client's hello outright
    expect(new NodeHandshake(node, "acceptor", "node", "tab").receiveHello(hello)).toEqual({ problem: expect.stringMatching(/client/) });
  });

  it("binds knowledge proofs to the connection and the prover's role", () => {
    const a = nodeKey();
    const b = nodeKey();
    const first = connect(a, b);
    const second = connect(a, b);
    for (const link of [first, second]) {
      link.initiator.receiveAuth(link.acceptorAuth);
      link.acceptor.receiveAuth(link.initiatorAuth);
    }
    const festival = "2xZ3exampleFestivalId";
    const onFirst = knowledgeProof(festival, first.initiator.authenticated!, "initiator");
    expect(knowledgeProof(festival, first.acceptor.authenticated!, "initiator")).toBe(onFirst);
    expect(knowledgeProof(festival, second.initiator.authenticated!, "initiator")).not.toBe(onFirst);
    expect(knowledgeProof(festival, first.initiator.authenticated!, "acceptor")).not.toBe(onFirst);
    expect(knowledgeProof("another festival", first.initiator.authenticated!, "initiator")).not.toBe(onFirst);
  });
});
