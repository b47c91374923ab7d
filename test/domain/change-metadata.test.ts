// The change metadata listed once per document version: the same list Automerge gives, and a new one for a new version.
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { allChangeMetadata } from "../../engine/core/change-metadata.js";
import { addVenue, editFestival } from "../../engine/core/operations.js";
import { newFestival } from "./helpers.js";

describe("allChangeMetadata", () => {
  it("lists what Automerge lists, once per version of the document", () => {
    const editor = newFestival();
    addVenue(editor, { name: "Stage" });
    const before = editor.doc;
    const listed = allChangeMetadata(before);
    expect(listed).toEqual(A.getChangesMetaSince(before, []));
    expect(allChangeMetadata(before)).toBe(listed);

    editFestival(editor, { name: "Renamed" });
    const after = allChangeMetadata(editor.doc);
    expect(after).toEqual(A.getChangesMetaSince(editor.doc, []));
    expect(after.length).toBe(listed.length + 1);
    // an empty change makes a new version without a visible patch: still listed anew
    const empty = A.emptyChange(editor.doc);
    expect(allChangeMetadata(empty).length).toBe(after.length + 1);
  });
});
