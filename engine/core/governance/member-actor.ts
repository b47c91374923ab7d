// The actor a session's member edits of an organised festival are written under: new to the festival and sorting
// after all of its actors, so that adding its first change to the replica and to the whole document is cheap.
import type * as A from "@automerge/automerge";
import { randomBytes, toHex } from "../keys.js";

/*
 * Automerge keeps a document's actors sorted and refers to them by position in its operation columns, so the first
 * change of an actor that does not sort last renumbers every actor column of the document: on the large bench
 * festival (800 actors) that is most of a first write's 10-15 ms, against about 4 ms for an actor that sorts last
 * (docs/upstream/automerge-first-writes-after-load.md). An organised edit writes into two documents (what members
 * see and the whole festival); a member's edit builds on what counts alone, so it needs no line of its own and can
 * be written under such an actor. Any actor new to the festival would do; this one keeps the first writes cheap.
 */

/** Per session (its document's own actor), the member actor chosen for it. Bounded, oldest dropped first. */
const chosen = new Map<string, string>();
const CHOSEN_LIMIT = 32;

/** The member actor chosen for the session whose document is under `ownActor`, if any. */
export function chosenMemberActor(ownActor: string): string | undefined {
  return chosen.get(ownActor);
}

/** Chooses a member actor for the session under `ownActor`: one that sorts after every actor in `metadata`. */
export function chooseMemberActor(ownActor: string, metadata: readonly A.ChangeMetadata[]): string {
  let last = "";
  for (const change of metadata) if (change.actor > last) last = change.actor;
  const actor = actorSortingAfter(last);
  chosen.delete(ownActor);
  chosen.set(ownActor, actor);
  if (chosen.size > CHOSEN_LIMIT) chosen.delete(chosen.keys().next().value as string);
  return actor;
}

/** The longest member actor made (hex digits, 64 bytes): past it, a random actor of the usual 16 bytes. */
const MAX_MEMBER_ACTOR_HEX = 128;

/**
 * A random actor id (hex) that sorts after `last`: `last`'s leading "f"s, its next digit one higher, then random
 * digits to 16 bytes; when `last` is all "f"s, `last` followed by 16 random bytes. Automerge orders actors by their
 * bytes, which for lowercase hex of whole bytes is the order of the strings. An actor anyone may write could be made
 * long to make every member change after it long too: past MAX_MEMBER_ACTOR_HEX digits the actor is a plain random
 * one (its first write then costs Automerge's renumbering of actor columns, and nothing else).
 */
export function actorSortingAfter(last: string): string {
  const random = toHex(randomBytes(16));
  const position = [...last].findIndex((digit) => digit !== "f");
  const sortingAfter = (): string => {
    if (position < 0) return last + random;
    const raised = (parseInt(last[position], 16) + 1).toString(16);
    const prefix = last.slice(0, position) + raised;
    if (prefix.length < random.length) return prefix + random.slice(prefix.length);
    return prefix + random + (prefix.length % 2 === 1 ? "0" : "");
  };
  const actor = sortingAfter();
  return actor.length <= MAX_MEMBER_ACTOR_HEX ? actor : random;
}
