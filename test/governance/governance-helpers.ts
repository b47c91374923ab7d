// Raw-document helpers for governance tests: people with keys who edit a festival replica as pandafest does
// (at the editing base, recording themselves, attesting), and founding a festival.
import * as A from "@automerge/automerge";
import {
  changeVisibly,
  createFestivalDoc,
  foundFestival,
  governanceChange,
  recordMember,
  withVisibleAttestation,
  type Festival,
  type GovernanceRecord,
  type Mode,
} from "../../engine/core/index.js";
import { generateKeyPair, toHex } from "../../engine/core/keys.js";

export interface Person {
  name: string;
  publicKey: string;
  secretKey: Uint8Array;
}

export function person(name: string): Person {
  const pair = generateKeyPair();
  return { name, publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
}

/** A new festival founded by `founder` in `mode`; returns the founder's replica and the id. */
export function founded(founder: Person, mode: Mode = "organised"): { doc: A.Doc<Festival>; id: string } {
  const start = createFestivalDoc({ name: "Summer Fest", startDate: "2027-07-01", endDate: "2027-07-03", timeZone: "Europe/Berlin" });
  const { doc, id } = foundFestival(start, mode, { also: (draft) => recordMember(draft, founder) });
  return { doc: withVisibleAttestation(doc, id, founder), id };
}

/** `who`'s replica of `doc`: a copy with an actor of its own (as a new process gets). */
export function replicaOf(doc: A.Doc<Festival>): A.Doc<Festival> {
  return A.clone(doc);
}

/** One edit by `who` on their replica, recorded and attested, as the store makes it. */
export function edit(doc: A.Doc<Festival>, id: string, who: Person, message: string, apply: (draft: Festival) => void): A.Doc<Festival> {
  const changed = changeVisibly(doc, id, message, (draft) => {
    apply(draft);
    recordMember(draft, who);
  });
  return withVisibleAttestation(changed, id, who);
}

/** A governance record written by `who`. */
export function record(doc: A.Doc<Festival>, id: string, who: Person, what: GovernanceRecord): A.Doc<Festival> {
  const { message, apply } = governanceChange(what);
  return edit(doc, id, who, message, apply);
}

export function merged(...docs: A.Doc<Festival>[]): A.Doc<Festival> {
  let result = A.clone(docs[0]);
  for (const other of docs.slice(1)) result = A.merge(result, other);
  return result;
}
