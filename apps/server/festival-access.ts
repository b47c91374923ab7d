// Who may exchange a festival with a peer of this node: a members-only festival (engine/core/membership/access.ts)
// only a peer whose proved key is a member in this node's copy; every other document as before (share-policy.ts).
import type * as A from "@automerge/automerge";
import { governanceOf } from "../../engine/core/governance/standing.js";
import { festivalAudience, type Audience } from "../../engine/core/membership/access.js";
import type { Festival } from "../../engine/core/schema.js";

/** A festival's audience and, when only members may have it, who they are (decided once per document version). */
export interface FestivalAccessSummary {
  audience: Audience;
  /** keys with a role (only for audience "members"; empty otherwise) */
  members: ReadonlySet<string>;
}

const NOBODY: ReadonlySet<string> = new Set();

/** The access summary of a festival's document as it is now. */
export function accessSummary(doc: unknown, festivalId: string): FestivalAccessSummary {
  let audience: Audience;
  try {
    audience = festivalAudience(doc as A.Doc<Festival>, festivalId);
  } catch {
    // a festival whose founding change has not arrived cannot be decided: the id stays the capability until it has
    return { audience: "knows-id", members: NOBODY };
  }
  if (audience !== "members") return { audience, members: NOBODY };
  return { audience, members: new Set(governanceOf(doc as A.Doc<Festival>, festivalId).roles.keys()) };
}

export class FestivalAccess {
  private readonly summaries = new WeakMap<object, FestivalAccessSummary>();
  /** the summary each festival had when last noted (noteChange), as text */
  private readonly noted = new Map<string, string>();

  /**
   * `docOf`: a document this node holds (ready), or undefined; `keyOf`: the identity key a connected peer proved on
   * its connection (a node's, or a browser's), or undefined.
   */
  constructor(
    private readonly docOf: (documentId: string) => unknown,
    private readonly keyOf: (peerId: string) => string | undefined,
  ) {}

  /** The festival's access now, or undefined when this node does not hold the document. */
  summary(documentId: string): FestivalAccessSummary | undefined {
    const doc = this.docOf(documentId);
    if (doc === undefined || doc === null || typeof doc !== "object") return undefined;
    let summary = this.summaries.get(doc);
    if (summary === undefined) {
      summary = accessSummary(doc, documentId);
      this.summaries.set(doc, summary);
    }
    return summary;
  }

  audience(documentId: string): Audience | undefined {
    return this.summary(documentId)?.audience;
  }

  /**
   * Whether this node may send a peer anything of the document, or take anything of it from the peer. A document
   * this node does not hold, a public one and one still at epoch 0 ("knows-id") keep the old rules; a members-only
   * festival needs the peer's proved key to be a member's in this node's copy.
   */
  mayExchange(peerId: string, documentId: string): boolean {
    const summary = this.summary(documentId);
    if (summary === undefined || summary.audience !== "members") return true;
    const key = this.keyOf(peerId);
    return key !== undefined && summary.members.has(key);
  }

  /** Notes a festival's document as it changed; true when who may have it changed since it was last noted. */
  noteChange(documentId: string, doc: unknown): boolean {
    if (doc === null || typeof doc !== "object") return false;
    let summary = this.summaries.get(doc);
    if (summary === undefined) {
      summary = accessSummary(doc, documentId);
      this.summaries.set(doc, summary);
    }
    const text = `${summary.audience}:${[...summary.members].sort().join(",")}`;
    const before = this.noted.get(documentId);
    this.noted.set(documentId, text);
    return before !== undefined && before !== text;
  }
}
