// A lost stick reveals nothing of a private festival: its bundles and every stick file hold no name, venue,
// event text or festival id; the same search finds them in a public festival's bundles, so it is real.
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { exportFestivalBundle } from "../../bundles/datadir/export.js";
import { syncStick } from "../../bundles/stick/stick.js";
import { tempDir } from "../helpers/cli.js";
import { addEvent, addVenue, editFestival } from "../../engine/core/operations.js";
import { createFestival, dataDirWithIdentity, filesUnder, withStore } from "./bundle-helpers.js";

const SECRETS = {
  name: "Moonlit Orchard Gathering",
  venue: "Hidden Glade Stage",
  title: "Whispering Lanterns Workshop",
  description: "Bring a lantern and meet us by the old cider press at dusk",
};

function contains(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle, "utf8"));
}

/** A festival with the secrets in it, and its bundles: a full one, then an incremental one after a few edits. */
async function festivalWithSecrets(dataDir: string, out: string, visibility: "public" | "private") {
  const id = await createFestival(dataDir, { name: `${SECRETS.name} (draft)`, visibility, venues: [] });
  const full = await withStore(dataDir, (store) => exportFestivalBundle(store, id, { directory: out }));
  await withStore(dataDir, async (store) => {
    const { editor } = await store.editorFor(id);
    const venueId = addVenue(editor, { name: SECRETS.venue });
    addEvent(editor, { title: SECRETS.title, venueId, start: "2027-07-01T20:00:00+02:00", end: "2027-07-01T21:00:00+02:00" });
    editFestival(editor, { name: SECRETS.name, description: SECRETS.description });
  });
  const incremental = await withStore(dataDir, (store) => exportFestivalBundle(store, id, { directory: out, since: full.file ?? "" }));
  const bytes = await Promise.all([full, incremental].map(async (bundle) => new Uint8Array(await fs.readFile(bundle.file ?? ""))));
  return { id, full, incremental, bytes };
}

describe("private bundle bytes", () => {
  it("contain no festival name, venue name, event text or festival id; public ones contain them all", async () => {
    const { dataDir, identity } = await dataDirWithIdentity("Ada");
    const out = await tempDir();
    const hidden = await festivalWithSecrets(dataDir, out, "private");
    const shown = await festivalWithSecrets(dataDir, out, "public");
    const secret = hidden.id;
    expect(hidden.full.visibility).toBe("private");
    const searched = [...Object.values(SECRETS), secret, identity.name, identity.publicKey];
    for (const text of searched) expect(hidden.bytes.some((bytes) => contains(bytes, text)), text).toBe(false);
    for (const text of [...Object.values(SECRETS), shown.id, identity.publicKey]) {
      expect(shown.bytes.some((bytes) => contains(bytes, text)), text).toBe(true);
    }
    for (const bundle of [hidden.full, hidden.incremental]) expect(path.basename(bundle.file ?? "")).not.toContain(secret);

    // everything a stick sync leaves for the private festival alone
    const stick = await tempDir("pandafest-stick-");
    await withStore(dataDir, (store) => syncStick(store, stick, { festivals: [secret] }));
    const files = await filesUnder(stick);
    expect(files.some((file) => file.endsWith(".pfb"))).toBe(true);
    for (const file of files) {
      const bytes = new Uint8Array(await fs.readFile(path.join(stick, file)));
      for (const text of [...Object.values(SECRETS), secret]) expect(contains(bytes, text), `${file}: ${text}`).toBe(false);
      expect(file).not.toContain(secret);
    }
  });
});
