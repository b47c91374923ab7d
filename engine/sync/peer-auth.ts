// The key handshake on /sync: both ends of a connection (two pandafest nodes, or a browser and its node) prove they
// hold their identity key by signing a transcript bound to this one connection. Browser-safe: node and web app share it.
import { fromHex, randomBytes, sign, toHex, verify } from "../core/keys.js";

export const NODE_HELLO_TYPE = "pandafest-hello";
export const NODE_AUTH_TYPE = "pandafest-auth";
/** Domain separation: these signatures can never be mistaken for a signature over anything else. */
export const NODE_AUTH_LABEL = "pandafest-node-auth-v1";
/** The label of a client's handshake (a browser proving its key to its node): never taken for a node's. */
export const CLIENT_AUTH_LABEL = "pandafest-client-auth-v1";
const NONCE_BYTES = 32;

/** The key pair a node authenticates with (its identity key). */
export interface NodeKey {
  publicKey: string;
  secretKey: Uint8Array;
}

/** "initiator": the end that dialled (sent join); "acceptor": the end that answered with peer. */
export type AuthRole = "initiator" | "acceptor";

/**
 * What the initiator proves itself as: "node" (another pandafest node: it is then offered festivals as a node) or
 * "client" (a browser: its key is recorded for its connection, and it stays a client). Bound into the transcript.
 */
export type AuthKind = "node" | "client";

export interface NodeHelloMessage {
  type: typeof NODE_HELLO_TYPE;
  senderId: string;
  targetId: string;
  publicKey: string;
  nonce: string;
  /** "client" in a client's hello (and in the node's answer to it); absent between nodes */
  kind?: "client";
}

export interface NodeAuthMessage {
  type: typeof NODE_AUTH_TYPE;
  senderId: string;
  targetId: string;
  signature: string;
}

/** A connection whose other end proved its key: what the knowledge proofs are bound to. */
export interface AuthenticatedLink {
  localRole: AuthRole;
  /** what the initiator proved itself as */
  kind: AuthKind;
  remotePublicKey: string;
  /** the bytes both ends signed; unique to this connection */
  transcript: Uint8Array;
}

export function otherRole(role: AuthRole): AuthRole {
  return role === "initiator" ? "acceptor" : "initiator";
}

/**
 * One side of the handshake on one connection. The initiator sends hello after the peer message; the acceptor
 * answers a hello with its own hello and its signature; the initiator then sends its signature. Each end
 * verifies the other's signature over the same transcript, with the signer's role appended.
 */
export class NodeHandshake {
  private readonly nonce = toHex(randomBytes(NONCE_BYTES));
  private remote: { publicKey: string; nonce: string } | undefined;
  private result: AuthenticatedLink | undefined;

  constructor(
    private readonly key: NodeKey,
    readonly role: AuthRole,
    readonly localPeerId: string,
    readonly remotePeerId: string,
    /** the initiator's kind; an acceptor takes it from the initiator's hello (see forHello) */
    readonly kind: AuthKind = "node",
  ) {}

  /** The acceptor's side of a handshake an initiator opened with `hello`. */
  static forHello(key: NodeKey, localPeerId: string, hello: NodeHelloMessage): NodeHandshake {
    return new NodeHandshake(key, "acceptor", localPeerId, hello.senderId, hello.kind === "client" ? "client" : "node");
  }

  get authenticated(): AuthenticatedLink | undefined {
    return this.result;
  }

  hello(): NodeHelloMessage {
    const hello: NodeHelloMessage = { type: NODE_HELLO_TYPE, senderId: this.localPeerId, targetId: this.remotePeerId, publicKey: this.key.publicKey, nonce: this.nonce };
    if (this.kind === "client") hello.kind = "client";
    return hello;
  }

  /** Takes the other end's hello; answers with this end's signature, or a reason to close the connection. */
  receiveHello(message: NodeHelloMessage): NodeAuthMessage | { problem: string } {
    if (this.remote) return { problem: "a second pandafest-hello on the same connection" };
    if (message.publicKey === this.key.publicKey && this.kind === "node") return { problem: "pandafest-hello with this node's own key" };
    if ((message.kind === "client") !== (this.kind === "client")) return { problem: `pandafest-hello of a ${message.kind === "client" ? "client" : "node"} on a ${this.kind}'s handshake` };
    this.remote = { publicKey: message.publicKey, nonce: message.nonce };
    const signature = sign(this.signedBy(this.role), this.key.secretKey);
    return { type: NODE_AUTH_TYPE, senderId: this.localPeerId, targetId: this.remotePeerId, signature: toHex(signature) };
  }

  /** Checks the other end's signature; undefined when it is good (the link is then authenticated). */
  receiveAuth(message: NodeAuthMessage): string | undefined {
    if (!this.remote) return "pandafest-auth before pandafest-hello";
    if (this.result) return "a second pandafest-auth on the same connection";
    const remoteRole = otherRole(this.role);
    if (!verify(this.signedBy(remoteRole), fromHex(message.signature, "signature"), fromHex(this.remote.publicKey, "public key"))) {
      return "pandafest-auth signature does not verify for this connection";
    }
    this.result = { localRole: this.role, kind: this.kind, remotePublicKey: this.remote.publicKey, transcript: this.transcript() };
    return undefined;
  }

  /** label (the node's or the client's), then initiator's and acceptor's peer id, public key and nonce, each field NUL-separated. */
  private transcript(): Uint8Array {
    const remote = this.remote;
    if (!remote) throw new Error("no transcript before both hellos");
    const local = { peerId: this.localPeerId, publicKey: this.key.publicKey, nonce: this.nonce };
    const other = { peerId: this.remotePeerId, publicKey: remote.publicKey, nonce: remote.nonce };
    const [initiator, acceptor] = this.role === "initiator" ? [local, other] : [other, local];
    const fields = [this.kind === "client" ? CLIENT_AUTH_LABEL : NODE_AUTH_LABEL, initiator.peerId, initiator.publicKey, initiator.nonce, acceptor.peerId, acceptor.publicKey, acceptor.nonce];
    return new TextEncoder().encode(fields.join("\0"));
  }

  private signedBy(role: AuthRole): Uint8Array {
    const transcript = this.transcript();
    const suffix = new TextEncoder().encode(`\0signed-by=${role}`);
    const bytes = new Uint8Array(transcript.byteLength + suffix.byteLength);
    bytes.set(transcript);
    bytes.set(suffix, transcript.byteLength);
    return bytes;
  }
}
