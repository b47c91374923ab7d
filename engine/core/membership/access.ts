// Who may receive a festival from a node, a bundle or a stick: anyone (public), whoever knows its id (a private
// festival still at epoch 0, as festivals made before member keys are), or only its members (member keys).
import type * as A from "@automerge/automerge";
import type { Festival } from "../schema.js";
import { governanceOf } from "../governance/standing.js";
import { visibleFestival } from "../governance/visible.js";
import { keyringOf } from "./keyring.js";

export type Audience = "public" | "knows-id" | "members";

/** Who the festival may go to, by what counts in `doc`. */
export function festivalAudience(doc: A.Doc<Festival>, festivalId: string): Audience {
  if (String(visibleFestival(doc, festivalId).visibility) !== "private") return "public";
  return keyringOf(doc, festivalId).current.length === 0 ? "knows-id" : "members";
}

/** Whether `publicKey` has a role in the festival (a member: manage or edit). */
export function isMember(doc: A.Doc<Festival>, festivalId: string, publicKey: string | undefined): boolean {
  return publicKey !== undefined && governanceOf(doc, festivalId).roles.has(publicKey);
}

/**
 * Whether a peer that proved `publicKey` (undefined: proved none) may receive the festival. For "knows-id" the
 * caller must also hold proof that the peer knows the id (asking for it by id, or a knowledge proof).
 */
export function mayReceiveFestival(doc: A.Doc<Festival>, festivalId: string, publicKey: string | undefined): boolean {
  const audience = festivalAudience(doc, festivalId);
  return audience !== "members" || isMember(doc, festivalId, publicKey);
}
