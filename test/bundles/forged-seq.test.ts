// A forged (actor, seq) on a stick or in a bundle: someone reuses Ada's actor id and the seq of her newest
// change with other content. It must wait unsigned, never take the genuine change's place; held forgeries are set aside.
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { discoveryKey } from "../../bundles/format/discovery.js";
import { bundleFileName } from "../../bundles/format/naming.js";
import { packFestival } from "../../bundles/format/pack.js";
import { festivalFolder, stickPaths } from "../../bundles/stick/stick-layout.js";
import { findLocalFestival } from "../../bundles/datadir/local-festivals.js";
import type { Festival } from "../../engine/core/schema.js";
import { cliJson, festivalFixture, runCli, tempDir } from "../helpers/cli.js";
import { decodeFile, festivalDoc, filesUnder, withStore } from "./bundle-helpers.js";

interface HistoryRecord {
  hash: string;
  actor: string;
  seq: number;
  verified: boolean;
  author: { key: string; name: string } | null;
}

interface ImportRow {
  file: string;
  new: number;
  waiting: number;
  unsigned: number;
}

/**
 * Ada's festival reached Bea as a full bundle; then Ada added a venue (one process: an actor whose change 1
 * is the edit and change 2 its attestation) and exported it. Mallory, holding both bundles, writes change 2
 * of that actor herself with other content and packs it with the genuine change 1, signed by her own key.
 */
async function poisonedScene() {
  const ada = await festivalFixture("Poison Fest");
  const bea = await tempDir();
  await cliJson(bea, ["init", "--name", "Bea"]);
  const files = await tempDir("pandafest-forged-");
  const full = path.join(files, "full.pfb");
  await cliJson(ada.dataDir, ["bundle", "export", ada.festival, "-o", full]);
  await cliJson(bea, ["bundle", "import", full]);
  await cliJson(ada.dataDir, ["venue", "add", ada.festival, "--name", "Ada's Tent"]);
  const genuine = path.join(files, "genuine.pfb");
  await cliJson(ada.dataDir, ["bundle", "export", ada.festival, "--since", full, "-o", genuine]);

  const atBea = await festivalDoc(bea, ada.festival);
  if (atBea === undefined) throw new Error("festival missing at Bea");
  const brought = A.getChangesMetaSince(A.loadIncremental(A.clone(atBea), (await decodeFile(genuine, [ada.festival])).payload), A.getHeads(atBea));
  const [edit, attestation] = brought.sort((left, right) => left.seq - right.seq);
  expect([edit.seq, attestation.seq, edit.actor === attestation.actor]).toEqual([1, 2, true]);
  const genuineDoc = A.loadIncremental(A.clone(atBea), (await decodeFile(genuine, [ada.festival])).payload);
  const [withEdit] = A.applyChanges(A.clone(atBea), [A.getBackend(genuineDoc).getChangeByHash(edit.hash) as Uint8Array]);
  const forgedDoc = A.change(A.clone(withEdit, { actor: edit.actor }), (draft: Festival) => {
    draft.name = new A.ImmutableString("Mallory's Fest");
    draft.description = new A.ImmutableString("taken over");
  });
  const forgedChange = A.decodeChange(A.getLastLocalChange(forgedDoc) as Uint8Array);
  expect([forgedChange.actor, forgedChange.seq]).toEqual([edit.actor, 2]);
  const packed = packFestival({ festivalId: ada.festival, doc: forgedDoc, carrier: nacl.sign.keyPair(), since: A.getHeads(atBea) });
  if (packed === null) throw new Error("nothing packed");
  const forged = path.join(files, "forged.pfb");
  await fs.writeFile(forged, packed.bytes);
  return { ada, bea, genuine, forged, edit, attestation, forgedChange, forgedDoc };
}

describe("a forged (actor, seq)", () => {
  it("waits unsigned when it arrives first, so the genuine change still applies; arriving after it, it is refused", { timeout: 240_000 }, async () => {
    const { ada, bea, genuine, forged, edit, attestation, forgedChange } = await poisonedScene();

    const first = await runCli(bea, ["--json", "bundle", "import", forged]);
    expect(first.code).toBe(0);
    const [forgedRow] = JSON.parse(first.stdout) as ImportRow[];
    expect(forgedRow).toMatchObject({ new: 0, waiting: 2, unsigned: 2 });
    expect(first.stderr).toMatch(/wait for their author's signature/);
    const text = await runCli(bea, ["bundle", "verify", forged]);
    expect(text.stdout).toMatch(/unverified authorship: 2 change\(s\)/);
    expect(text.stdout).toMatch(/not signed by its author/);

    const second = await runCli(bea, ["--json", "bundle", "import", genuine]);
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as ImportRow[])[0]).toMatchObject({ new: 2, waiting: 0 });
    // the forged bundle that waited in pending/ is moved to quarantine, never deleted
    expect(second.stderr).toMatch(/a waiting bundle brings a forged change and was moved to .*quarantine/);
    expect(await filesUnder(path.join(bea, "pending"))).toEqual([]);
    expect((await filesUnder(path.join(bea, "quarantine", "pending"))).map((file) => path.extname(file)).sort()).toEqual([".pfb", ".txt"]);
    const history = await cliJson<HistoryRecord[]>(bea, ["history", ada.festival]);
    const hashes = new Set(history.map((record) => record.hash));
    expect(hashes.has(edit.hash) && hashes.has(attestation.hash)).toBe(true);
    expect(hashes.has(forgedChange.hash)).toBe(false);
    expect(history.every((record) => record.verified && record.author?.name === "Ada")).toBe(true);
    const venues = await cliJson<{ name: string }[]>(bea, ["venue", "list", ada.festival]);
    expect(venues.map((venue) => venue.name)).toContain("Ada's Tent");

    const again = await runCli(bea, ["bundle", "import", forged]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(forged);
    expect(again.stderr).toMatch(new RegExp(`claims actor ${edit.actor} seq 2, which its author signed as change ${attestation.hash.slice(0, 12)}.*forgery or a duplicate`));
    const verified = await runCli(bea, ["bundle", "verify", forged]);
    expect(verified.code).not.toBe(0);
    expect(verified.stdout).toMatch(/INVALID: .*forgery or a duplicate/);
  });

  it("on a stick, waits when it arrives first and is refused, exit 1, once the genuine change is held", { timeout: 240_000 }, async () => {
    const { ada, bea, genuine, forged, forgedChange, attestation } = await poisonedScene();
    const stick = await tempDir("pandafest-stick-");
    const folder = festivalFolder(stickPaths(stick), discoveryKey(ada.festival));
    await fs.mkdir(folder, { recursive: true });
    const onStick = path.join(folder, bundleFileName((await decodeFile(forged, [ada.festival])).header));
    await fs.copyFile(forged, onStick);

    const first = await runCli(bea, ["stick", "sync", stick, "--festival", ada.festival]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/2 waiting/);
    await cliJson(bea, ["bundle", "import", genuine]);
    const second = await runCli(bea, ["stick", "sync", stick, "--festival", ada.festival]);
    expect(second.code).not.toBe(0);
    expect(second.stdout).toMatch(new RegExp(`refused .*${path.basename(onStick)}: change ${forgedChange.hash.slice(0, 12)} claims actor ${forgedChange.actor} seq 2, which its author signed as change ${attestation.hash.slice(0, 12)}`));
    expect(second.stderr).toMatch(/1 bundle file\(s\) on .* were refused/);
    const history = await cliJson<HistoryRecord[]>(bea, ["history", ada.festival]);
    expect(history.some((record) => record.hash === forgedChange.hash)).toBe(false);
  });

  it("held already (as an older version or LAN sync stored it), it is set aside when the genuine change arrives", { timeout: 240_000 }, async () => {
    const { ada, bea, genuine, forgedDoc, forgedChange, attestation } = await poisonedScene();
    // Bea's data directory takes the forgery straight into storage, as a peer without the import rule did.
    await withStore(bea, async (store) => {
      const local = await findLocalFestival(store, ada.festival);
      if (local === undefined) throw new Error("festival missing at Bea");
      local.handle.update((doc) => A.merge(doc, A.clone(forgedDoc)));
    });
    const poisoned = await cliJson<HistoryRecord[]>(bea, ["history", ada.festival]);
    expect(poisoned.some((record) => record.hash === forgedChange.hash)).toBe(true);

    const result = await runCli(bea, ["--json", "bundle", "import", genuine]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/1 held change\(s\) of .* were forgeries \(or built on one\) and were set aside in .*quarantine/);
    const history = await cliJson<HistoryRecord[]>(bea, ["history", ada.festival]);
    const hashes = new Set(history.map((record) => record.hash));
    expect(hashes.has(attestation.hash)).toBe(true);
    expect(hashes.has(forgedChange.hash)).toBe(false);
    expect(history.every((record) => record.verified)).toBe(true);
    const show = await cliJson<{ name: string }>(bea, ["festival", "show", ada.festival]);
    expect(show.name).toBe("Poison Fest");

    const kept = (await filesUnder(path.join(bea, "quarantine"))).filter((file) => file.startsWith(`forgeries${path.sep}${ada.festival}`));
    expect(kept.map((file) => path.extname(file)).sort()).toEqual([".changes", ".txt"]);
    const changesFile = path.join(bea, "quarantine", kept.find((file) => file.endsWith(".changes")) as string);
    const reason = await fs.readFile(`${changesFile}.reason.txt`, "utf8");
    expect(reason).toContain(`${forgedChange.hash}: claims actor ${forgedChange.actor} seq 2, which its author signed as change ${attestation.hash}: a forgery`);
    const [restored] = A.applyChanges(A.init<Festival>(), [new Uint8Array(await fs.readFile(changesFile))]);
    expect(A.getMissingDeps(restored, [])).not.toHaveLength(0); // the forged change, kept whole, still names what it built on
  });

  it.each(["replace:journal-written", "replace:snapshot-written", "replace:removing"])(
    "held already, recovery killed (SIGKILL) at %s loses nothing, and finishes at the next run",
    async (crashAt) => {
      const { ada, bea, genuine, forgedDoc, forgedChange, attestation } = await poisonedScene();
      await withStore(bea, async (store) => {
        const local = await findLocalFestival(store, ada.festival);
        if (local === undefined) throw new Error("festival missing at Bea");
        local.handle.update((doc) => A.merge(doc, A.clone(forgedDoc)));
      });

      const killed = await runCli(bea, ["bundle", "import", genuine], { PANDAFEST_CRASH_AT: crashAt });
      expect(killed.code, killed.stderr).toBe(128); // killed by the signal, as a power cut would
      // whatever the point, the festival opens: before the new snapshot it still holds the forgery, after it the genuine change
      const between = await cliJson<HistoryRecord[]>(bea, ["history", ada.festival]);
      const held = new Set(between.map((record) => record.hash));
      const replaced = crashAt !== "replace:journal-written";
      expect(held.has(attestation.hash)).toBe(replaced);
      expect(held.has(forgedChange.hash)).toBe(!replaced);
      expect(await filesUnder(path.join(bea, "replacing"))).toEqual([]);

      // the genuine bundle again: recovery completes (or finds nothing left to do), and nothing was lost
      const again = await runCli(bea, ["--json", "bundle", "import", genuine]);
      expect(again.code, again.stderr).toBe(0);
      const history = await cliJson<HistoryRecord[]>(bea, ["history", ada.festival]);
      const hashes = new Set(history.map((record) => record.hash));
      expect(hashes.has(attestation.hash) && !hashes.has(forgedChange.hash)).toBe(true);
      expect(history.every((record) => record.verified && record.author?.name === "Ada")).toBe(true);
      const venues = await cliJson<{ name: string }[]>(bea, ["venue", "list", ada.festival]);
      expect(venues.map((venue) => venue.name).sort()).toEqual(["Ada's Tent", "Main Stage"]);
      // the forged change is kept in quarantine, never deleted
      const kept = (await filesUnder(path.join(bea, "quarantine"))).filter((file) => file.startsWith(`forgeries${path.sep}${ada.festival}`) && file.endsWith(".changes"));
      expect(kept.length).toBeGreaterThanOrEqual(1);
    },
    240_000,
  );
});
