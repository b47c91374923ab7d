// Which festivals this node offers to which peer: public ones are announced to other pandafest nodes; a private
// one goes only to a peer that asks for its id (the id is the capability) or proves it holds it already.
import { createHash } from "node:crypto";
import type { DocumentId, PeerId, SharePolicy } from "@automerge/automerge-repo";
import type { Visibility } from "../schema.js";
import type { PeerRegistry } from "./peer-registry.js";

export const KNOWLEDGE_PROOF_LABEL = "pandafest-knows-v1";
/** The most documents remembered as asked for by this node's clients. */
const MAX_ASKED = 1000;

/**
 * Proof that `fromPeerId` holds the festival, for `toPeerId` only: SHA-256 over a label, the festival id and
 * both peer ids. Whoever lacks the id cannot make it, and it is worthless to any other recipient.
 */
export function knowledgeProof(festivalId: string, fromPeerId: string, toPeerId: string): string {
  return createHash("sha256").update(`${KNOWLEDGE_PROOF_LABEL}\0${festivalId}\0${fromPeerId}\0${toPeerId}`).digest("hex");
}

export class FestivalSharing {
  private readonly visibilities = new Map<string, Visibility>();
  /** private festivals a peer has proved it holds: peerId -> festival ids */
  private readonly known = new Map<string, Set<string>>();
  /** documents this node's clients asked for while this node did not hold them (asked of peer nodes in turn) */
  private readonly asked = new Set<string>();

  /** `holds` tells whether this node holds a document (ready, with content). */
  constructor(
    private readonly registry: PeerRegistry,
    private readonly holds: (documentId: string) => boolean,
  ) {}

  /**
   * automerge-repo's announce policy (access stays open: a peer that sends the exact id gets the festival).
   * Clients (CLI runs, browser tabs) are never sent anything unasked. Another node is offered the public
   * festivals, the private ones it proved it holds, and the documents our clients asked for that we lack.
   */
  readonly announce: SharePolicy = async (peerId: PeerId, documentId?: DocumentId) => {
    if (documentId === undefined || !this.registry.isServer(peerId)) return false;
    if (this.known.get(peerId)?.has(documentId)) return true;
    if (this.asked.has(documentId)) {
      if (!this.holds(documentId)) return true;
      this.asked.delete(documentId); // arrived: from now on it is shared like any festival of its visibility
    }
    return this.visibilities.get(documentId) === "public";
  };

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

  /** The proofs of every private festival this node holds, for one peer. */
  proofsFor(localPeerId: string, remotePeerId: string): string[] {
    return this.festivals("private").map((id) => knowledgeProof(id, localPeerId, remotePeerId));
  }

  /** Checks a peer's proofs against the private festivals held here; returns the festivals newly shared with it. */
  acceptProofs(remotePeerId: string, localPeerId: string, proofs: readonly string[]): string[] {
    const offered = new Set(proofs);
    const granted: string[] = [];
    for (const id of this.festivals("private")) {
      if (!offered.has(knowledgeProof(id, remotePeerId, localPeerId))) continue;
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
  }
}
