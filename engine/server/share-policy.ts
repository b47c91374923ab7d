// Which festivals this node offers to which peer: public ones are announced to other pandafest nodes;
// a private one goes only to a peer that asks for it by id (the id is the capability) or has shown it knows it.
import type { DocumentId, PeerId, SharePolicy } from "@automerge/automerge-repo";
import type { Visibility } from "../schema.js";
import type { PeerRegistry } from "./peer-registry.js";

export class FestivalSharing {
  private readonly visibilities = new Map<string, Visibility>();
  /** private festivals a peer has shown it already knows: peerId -> festival ids */
  private readonly known = new Map<string, Set<string>>();

  constructor(private readonly registry: PeerRegistry) {}

  /**
   * automerge-repo's announce policy. Access stays open (a peer that sends the exact id gets the festival),
   * announcing is what this decides: clients (CLI runs, browser tabs) are never sent festivals unasked.
   */
  readonly announce: SharePolicy = async (peerId: PeerId, documentId?: DocumentId) => {
    if (documentId === undefined) return false;
    if (this.known.get(peerId)?.has(documentId)) return true;
    return this.visibilities.get(documentId) === "public" && this.registry.isServer(peerId);
  };

  /** Records a festival's visibility; true when it changed (the repo must then re-evaluate sharing). */
  setVisibility(festivalId: string, visibility: Visibility): boolean {
    if (this.visibilities.get(festivalId) === visibility) return false;
    this.visibilities.set(festivalId, visibility);
    return true;
  }

  visibilityOf(festivalId: string): Visibility | undefined {
    return this.visibilities.get(festivalId);
  }

  festivals(visibility: Visibility): string[] {
    return [...this.visibilities].filter(([, v]) => v === visibility).map(([id]) => id);
  }

  /** A peer proved it knows a private festival's id: it may be sent the festival from now on. */
  peerKnows(peerId: string, festivalId: string): boolean {
    let set = this.known.get(peerId);
    if (!set) this.known.set(peerId, (set = new Set()));
    if (set.has(festivalId)) return false;
    set.add(festivalId);
    return true;
  }

  forgetPeer(peerId: string): void {
    this.known.delete(peerId);
  }
}
