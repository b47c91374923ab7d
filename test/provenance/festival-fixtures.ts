// Test fixtures for provenance: raw Automerge festival documents with chosen actor ids, and signers.
// Each "peer" is a document with its own actor id, as separate pandafest processes would have.
import * as A from "@automerge/automerge";
import { TWEETNACL_SIGNATURES, generateKeyPair, toHex, useSignatureBackend } from "../../engine/core/keys.js";
import type { AttestationSigner } from "../../engine/core/provenance.js";
import type { Festival } from "../../engine/core/schema.js";

export const FESTIVAL_ID = "4NMNnkMhL8jXrdJ9jamS58PAVdXu";

/** A 16-byte actor id whose hex is `byte` repeated, e.g. actorId("aa"). */
export function actorId(byte: string): string {
  return byte.repeat(16);
}

export function newSigner(): AttestationSigner {
  const pair = generateKeyPair();
  return { publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
}

const text = (value: string) => new A.ImmutableString(value);

/** A new festival skeleton made by `actor` in one change (as pandafest creates festivals). */
export function newFestival(actor: string): A.Doc<Festival> {
  return A.change(A.init<Festival>({ actor }), { message: "create festival" }, (doc) => {
    Object.assign(doc, {
      schema: 1,
      name: text("Test Fest"),
      description: text(""),
      timeZone: text("Europe/Berlin"),
      startDate: text("2027-07-01"),
      endDate: text("2027-07-03"),
      dayStartsAt: text("04:00"),
      visibility: text("public"),
      venues: {},
      events: {},
      people: {},
      members: {},
      authors: {},
    });
  });
}

/** What another process holding these bytes would have: the same document under its own actor id. */
export function openAs(doc: A.Doc<Festival>, actor: string): A.Doc<Festival> {
  return A.load<Festival>(A.save(doc), { actor });
}

/** A user edit: add or rename a venue, and declare the member's name. */
export function editVenue(doc: A.Doc<Festival>, venueId: string, name: string, member?: { signer: AttestationSigner; name: string }): A.Doc<Festival> {
  return A.change(doc, { message: `venue ${name}` }, (draft) => {
    const venue = draft.venues[venueId];
    if (venue) venue.name = text(name);
    else draft.venues[venueId] = { name: text(name), description: text(""), address: text(""), accessibility: text(""), tags: [] };
    if (member && !draft.members[member.signer.publicKey]) draft.members[member.signer.publicKey] = { name: text(member.name) };
  });
}

/** Installs tweetnacl with a counter of its verifications (reset with useSignatureBackend(null) after the test). */
export function countVerifications(): { count: number } {
  const counter = { count: 0 };
  useSignatureBackend({
    sign: TWEETNACL_SIGNATURES.sign,
    verify: (message, signature, key) => {
      counter.count += 1;
      return TWEETNACL_SIGNATURES.verify(message, signature, key);
    },
  });
  return counter;
}
