// Which festivals this node offers to which peer: public ones are announced to authenticated pandafest nodes; a private
// one at epoch 0 goes to a client that asks for its id or a node that proves it holds it; a members-only one to members.
import { createHash, createHmac } from "node:crypto";
import type { DocumentId, PeerId, SharePolicy } from "@automerge/automerge-repo";
import type { Visibility } from "../../engine/core/schema.js";
import { otherRole as otherRoleOf, type AuthRole, type AuthenticatedLink } from "./node-auth.js";
import type { FestivalAccess } from "./festival-access.js";
import type { PeerRegistry } from "./peer-registry.js";

export const KNOWLEDGE_PROOF_LABEL = "pandafest-knows-v2";
/** The most documents remembered as asked for by this node's clients. */
const MAX_ASKED = 1000;

/**
 * Proof that the end of an authenticated connection in role `prover` holds the festival: HMAC-SHA256 keyed by
 * SHA-256(label, festival id) over the connection's handshake transcript (both nonces, peer ids and keys) and
 * the prover's role. Whoever lacks the id cannot make it; it is worthless on any other connection or direction.
 */
export function knowledgeProof(festivalId: string, link: AuthenticatedLink, prover: AuthRole): string {
  const key = createHash("sha256").update(`${KNOWLEDGE_PROOF_LABEL}\0${festivalId}`).digest();
  return createHmac("sha256", key).update(link.transcript).update(`\0proved-by=${prover}`).digest("hex");
}

export class FestivalSharing {
  private readonly visibilities = new Map<string, Visibility>();
  /** private festivals a peer has proved it holds: peerId -> festival ids */
  private readonly known = new Map<string, Set<string>>();
  /** authenticated peer nodes: peerId -> the connection their proofs are bound to */
  private readonly links = new Map<string, AuthenticatedLink>();
  /** the last proofs each authenticated node sent, to check against ids this node does not hold yet */
  private readonly offered = new Map<string, Set<string>>();
  /** documents this node's clients asked for while this node did not hold them (asked of peer nodes in turn) */
  private readonly asked = new Set<string>();
  /** festivals this data directory asked to join (engine/node/pending-joins.ts): asked of peer nodes like `asked` */
  private wanted = new Set<string>();

  /**
   * `holds` tells whether this node holds a document (ready, with content); `access` who may have a members-only
   * festival (festival-access.ts).
   */
  constructor(
    private readonly registry: PeerRegistry,
    private readonly holds: (documentId: string) => boolean,
    private readonly festivalAccess?: FestivalAccess,
  ) {}

  /**
   * automerge-repo's announce policy. Clients (CLI runs, browser tabs, anything that did not authenticate as a
   * node) are never sent anything unasked, whatever they claim. An authenticated node is offered the public
   * festivals, the members-only ones when its key is a member's, the private ones at epoch 0 it proved it holds,
   * and a document our clients asked for (or this node wants to join) that we lack only when it proved it holds it.
   */
  readonly announce: SharePolicy = async (peerId: PeerId, documentId?: DocumentId) => {
    if (documentId === undefined || !this.registry.isServer(peerId) || !this.links.has(peerId)) return false;
    if (this.festivalAccess?.audience(documentId) === "members") return this.festivalAccess.mayExchange(peerId, documentId);
    if (this.mayReceive(peerId, documentId)) return true;
    if (this.wanted.has(documentId) && !this.holds(documentId)) return this.provedHolding(peerId, documentId);
    if (this.asked.has(documentId)) {
      if (!this.holds(documentId)) return this.provedHolding(peerId, documentId);
      this.asked.delete(documentId); // arrived: from now on it is shared like any festival of its visibility
    }
    return this.visibilities.get(documentId) === "public";
  };

  /**
   * automerge-repo's access policy: whether a peer that asks for a document (or sends it) may have it. A members-only
   * festival only a peer whose proved key is a member's; anything else anyone who knows the id (the old rule). A
   * peer refused is answered as if the document were unavailable, and what it sends of the document is dropped.
   */
  readonly access = async (peerId: PeerId, documentId: DocumentId): Promise<boolean> => this.festivalAccess?.mayExchange(peerId, documentId) ?? true;

  /** The festivals this data directory waits to join: asked of peer nodes that prove they hold them. */
  setWanted(festivalIds: readonly string[]): void {
    this.wanted = new Set(festivalIds);
  }

  /** A private festival at epoch 0 goes to a node that proved it holds it. */
  private mayReceive(peerId: string, festivalId: string): boolean {
    return this.known.get(peerId)?.has(festivalId) === true;
  }

  /** Whether an authenticated node's last proofs include one for this id (checked without holding the festival). */
  private provedHolding(peerId: string, festivalId: string): boolean {
    const link = this.links.get(peerId);
    const offered = this.offered.get(peerId);
    if (!link || !offered) return false;
    return offered.has(knowledgeProof(festivalId, link, otherRoleOf(link.localRole)));
  }

  /** Records a festival's visibility; true when it changed (the repo must then re-evaluate sharing). */
  setVisibility(festivalId: string, visibility: Visibility): boolean {
    if (this.visibilities.get(festivalId) === visibility) return false;
    this.visibilities.set(festivalId, visibility);
    return true;
  }

  festivals(visibility: Visibility): string[] {
    return [...this.visibilities].filter(([, v]) => v === visibility).map(([id]) => id);
  }

  /** A client of this node asked for a document; if this node lacks it, its peer nodes are asked too. */
  clientAsked(documentId: string): void {
    if (this.holds(documentId) || this.asked.has(documentId)) return;
    this.asked.add(documentId);
    if (this.asked.size > MAX_ASKED) {
      const oldest = this.asked.values().next().value;
      if (oldest !== undefined) this.asked.delete(oldest);
    }
  }

  /** A peer node completed the handshake on its connection: proofs to and from it are bound to that connection. */
  authenticated(peerId: string, link: AuthenticatedLink): void {
    this.links.set(peerId, link);
    this.known.delete(peerId);
    this.offered.delete(peerId);
  }

  /** The proofs of every private festival this node holds, for one authenticated peer node (none for anyone else). */
  proofsFor(remotePeerId: string): string[] {
    const link = this.links.get(remotePeerId);
    if (!link) return [];
    return this.festivals("private").map((id) => knowledgeProof(id, link, link.localRole));
  }

  /**
   * Checks an authenticated peer's proofs against the private festivals held here; returns the festivals newly
   * shared with it. Proofs from a peer that did not authenticate are ignored.
   */
  acceptProofs(remotePeerId: string, proofs: readonly string[]): string[] {
    const link = this.links.get(remotePeerId);
    if (!link) return [];
    const offered = new Set(proofs);
    this.offered.set(remotePeerId, offered);
    const granted: string[] = [];
    for (const id of this.festivals("private")) {
      if (!offered.has(knowledgeProof(id, link, otherRoleOf(link.localRole)))) continue;
      let set = this.known.get(remotePeerId);
      if (!set) this.known.set(remotePeerId, (set = new Set()));
      if (!set.has(id)) {
        set.add(id);
        granted.push(id);
      }
    }
    return granted;
  }

  forgetPeer(peerId: string): void {
    this.known.delete(peerId);
    this.links.delete(peerId);
    this.offered.delete(peerId);
  }
}
