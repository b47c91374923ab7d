// History in words: each change described from its operations (never its message), with the names of the things
// it touched, signature writes folded into the change they sign, unverified changes explained, lost values found.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { ChangeDescriber, describeChange } from "../../engine/core/change-description.js";
import { lostValues, withAuthors } from "../../engine/core/conflict-notices.js";
import { findConflicts, pickConflictValue } from "../../engine/core/conflicts.js";
import { editorForDoc, type DocEditor } from "../../engine/core/editor.js";
import { fieldLabel, storedFieldLabel } from "../../engine/core/field-words.js";
import { foldSignatures, historyEntries, unverifiedWords } from "../../engine/core/history-entries.js";
import { addEvent, addPerson, addVenue, editEvent, editFestival, editVenue, removeVenue, restoreVenue } from "../../engine/core/operations.js";
import { verifyHistory, withAttestation } from "../../engine/core/provenance.js";
import { FESTIVAL_ID, actorId, newSigner } from "../provenance/festival-fixtures.js";
import { mergeInto, newFestival, peerOf } from "./helpers.js";

/** The words for the latest change of a peer (its only head). */
function lastWords(editor: DocEditor): string {
  const heads = A.getHeads(editor.doc);
  expect(heads).toHaveLength(1);
  return describeChange(editor.doc, heads[0]).text;
}

describe("describing a change", () => {
  it("names the thing changed and the change, by the names people know", () => {
    const editor = newFestival({ name: "Sommerfest" });
    expect(lastWords(editor)).toBe("created the festival “Sommerfest”");
    const venueId = addVenue(editor, { name: "Main Stage" });
    expect(lastWords(editor)).toBe("added venue “Main Stage”");
    const grace = addPerson(editor, { name: "Grace Hopper" });
    const ada = addPerson(editor, { name: "Ada" });
    const eventId = addEvent(editor, { title: "Opening", venueId, start: "2027-07-01T18:00:00+02:00", end: "2027-07-01T19:00:00+02:00", hostIds: [grace] });
    expect(lastWords(editor)).toBe("added event “Opening”");
    // a stored path, as revert reports it: an event's goes through its shard
    const shards = editor.doc.eventShards ?? {};
    const shard = Object.keys(shards).find((key) => eventId in shards[key]);
    expect(storedFieldLabel(editor.doc, ["eventShards", String(shard), eventId, "title"])).toBe("event “Opening”: title");
    expect(storedFieldLabel(editor.doc, ["venues", venueId, "removed"])).toBe("venue “Main Stage”: removed");
    expect(storedFieldLabel(editor.doc, ["startDate"])).toBe("festival: first day");
    editEvent(editor, eventId, { title: "Grand opening", start: "2027-07-01T18:30:00+02:00" });
    expect(lastWords(editor)).toBe("event “Opening”: title “Opening” → “Grand opening”; start 2027-07-01 18:00 → 2027-07-01 18:30");
    editEvent(editor, eventId, { hostIds: [grace, ada], language: "de" });
    expect(lastWords(editor)).toBe("event “Grand opening”: hosts Grace Hopper → Grace Hopper, Ada; language set to “de”");
    editEvent(editor, eventId, { language: null });
    expect(lastWords(editor)).toBe("event “Grand opening”: language “de” cleared");
    removeVenue(editor, venueId);
    expect(lastWords(editor)).toBe("removed venue “Main Stage”");
    restoreVenue(editor, venueId);
    expect(lastWords(editor)).toBe("restored venue “Main Stage”");
    editVenue(editor, venueId, { capacity: 500, geo: { lat: 52.52, lon: 13.405 } });
    expect(lastWords(editor)).toBe("venue “Main Stage”: location set to 52.52, 13.405; capacity set to 500");
    editFestival(editor, { name: "Lakeside", timeZone: "Europe/Paris" });
    expect(lastWords(editor)).toBe("festival: name “Sommerfest” → “Lakeside”; time zone “Europe/Berlin” → “Europe/Paris”");
  });

  it("reads what a change did from its operations, whatever its message says", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "Tent" });
    editor.change((doc) => {
      doc.venues[venueId].name = new A.ImmutableString("Big Tent");
    }, "add event e_harmless");
    expect(lastWords(editor)).toBe("venue “Tent”: name “Tent” → “Big Tent”");
  });

  it("says which value a pick kept (Automerge writes it as a delete of the others)", () => {
    const origin = newFestival({}, "0000");
    const venueId = addVenue(origin, { name: "Stage" });
    const alice = peerOf(origin, "aaaa");
    const bob = peerOf(origin, "bbbb");
    editVenue(alice, venueId, { name: "Big Stage" });
    editVenue(bob, venueId, { name: "Huge Stage" });
    const merged = mergeInto(alice, bob);
    pickConflictValue(merged, ["venues", venueId, "name"], "Huge Stage");
    expect(lastWords(merged)).toBe("venue “Huge Stage”: name: kept “Huge Stage” over “Big Stage”");
    expect(fieldLabel(merged.doc, ["venues", venueId, "name"])).toBe("venue “Huge Stage”: name");
  });

  it("describes each change of a long history in turn, the same as one at a time", () => {
    const editor = newFestival();
    const venueId = addVenue(editor, { name: "Stage 0" });
    for (let index = 1; index <= 30; index++) editVenue(editor, venueId, { name: `Stage ${index}` });
    const describer = new ChangeDescriber(editor.doc);
    const hashes = A.getChangesMetaSince(editor.doc, []).map((meta) => meta.hash);
    const words = hashes.map((hash) => describer.describe(hash).text);
    expect(words[words.length - 1]).toBe("venue “Stage 29”: name “Stage 29” → “Stage 30”");
    expect(words[5]).toBe("venue “Stage 3”: name “Stage 3” → “Stage 4”");
    expect(hashes.map((hash) => describeChange(editor.doc, hash).text)).toEqual(words);
  });
});

describe("history for people", () => {
  it("folds each signature into the change it signs and explains a change nobody signed", () => {
    const ada = newSigner();
    const editor = newFestival({}, actorId("aa"));
    addVenue(editor, { name: "Stage" });
    let doc = withAttestation(editor.doc, FESTIVAL_ID, ada);
    const signed = A.getChangesMetaSince(doc, []);
    expect(signed).toHaveLength(3);
    // another program writes without signing
    const stranger = editorForDoc(A.clone(doc, { actor: actorId("bb") }));
    addVenue(stranger, { name: "Tent" });
    doc = A.merge(doc, stranger.doc);

    const records = verifyHistory(doc, FESTIVAL_ID);
    const entries = foldSignatures(doc, records);
    expect(entries.map((entry) => [entry.record.verified, new ChangeDescriber(doc).describe(entry.record.hash).text])).toEqual([
      [true, "created the festival “Test festival”"],
      [true, "added venue “Stage”"],
      [false, "added venue “Tent”"],
    ]);
    expect(entries[1].signatures).toEqual([signed[2].hash]);
    expect(describeChange(doc, signed[2].hash)).toMatchObject({ kind: "signature", signs: { actor: actorId("aa"), seq: 2 } });
    expect(historyEntries(doc, FESTIVAL_ID).map((entry) => entry.record.hash).sort()).toEqual(entries.map((entry) => entry.record.hash).sort());
    const why = unverifiedWords(entries[2].record.reason);
    expect(why).toMatch(/^Nobody's key has signed this change, so who made it is not known/);
    expect(unverifiedWords("the attestation signature does not verify (forged, or made for another festival or actor)")).toMatch(/not valid/);
  });
});

describe("lost values", () => {
  it("names the value a person wrote that the festival does not show, and the one it shows", () => {
    const ada = newSigner();
    const bob = newSigner();
    const origin = newFestival({}, actorId("00"));
    const venueId = addVenue(origin, { name: "Stage" });
    const adaPeer = editorForDoc(withAttestation(A.clone(origin.doc, { actor: actorId("aa") }), FESTIVAL_ID, ada));
    editVenue(adaPeer, venueId, { name: "Big Stage" });
    const bobPeer = editorForDoc(A.clone(origin.doc, { actor: actorId("bb") }));
    editVenue(bobPeer, venueId, { name: "Huge Stage" });
    const merged = A.merge(withAttestation(adaPeer.doc, FESTIVAL_ID, ada), withAttestation(bobPeer.doc, FESTIVAL_ID, bob));

    const conflicts = withAuthors(findConflicts(merged), merged, FESTIVAL_ID);
    expect(conflicts).toHaveLength(1);
    const shownName = String(merged.venues[venueId].name);
    const [winner, loser] = shownName === "Big Stage" ? [ada, bob] : [bob, ada];
    expect(lostValues(conflicts, winner.publicKey)).toEqual([]);
    const lost = lostValues(conflicts, loser.publicKey);
    expect(lost).toHaveLength(1);
    expect(lost[0].yours.value).toBe(shownName === "Big Stage" ? "Huge Stage" : "Big Stage");
    expect(lost[0].shown).toMatchObject({ value: shownName, author: { key: winner.publicKey } });
    expect(lostValues(conflicts, newSigner().publicKey)).toEqual([]);
  });
});
