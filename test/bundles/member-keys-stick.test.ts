// Member keys over sticks and bundle files, on real data directories: a removed member's stick sync and bundle
// import get nothing made after the removal while the remaining members converge; a newcomer joins by stick
// (invite, join, stick, a member records the request, a manager accepts, stick, the newcomer holds the festival).
import fs from "node:fs/promises";
import path from "node:path";
import * as A from "@automerge/automerge";
import { describe, expect, it } from "vitest";
import { exportFestivalBundle } from "../../bundles/datadir/export.js";
import { importBundleFiles } from "../../bundles/datadir/import.js";
import { decodeMemberKeysClearHeader } from "../../bundles/format/header.js";
import { readHeaderSection } from "../../bundles/format/layout.js";
import { encodeRequestFile, requestFileName } from "../../bundles/format/request-file.js";
import { syncStick, type StickSyncOptions } from "../../bundles/stick/stick.js";
import { accessRequestsOf, festivalKeyFor, isMember, makeAccessRequest, newInvitation } from "../../engine/core/membership/index.js";
import { decodeVisitRecord, visitedEntry } from "../../bundles/format/visit-record.js";
import { readPendingJoins } from "../../engine/node/pending-joins.js";
import { tempDir } from "../helpers/cli.js";
import { addVenues, createFestival, dataDirWithIdentity, festivalDoc, filesUnder, headsOf, withStore } from "./bundle-helpers.js";
import { accept, addMember, invite, removeFromFestival, requestToJoin } from "./member-keys-helpers.js";

function sync(dataDir: string, stick: string, options: StickSyncOptions = {}) {
  return withStore(dataDir, (store) => syncStick(store, stick, options));
}

function venueNames(doc: A.Doc<unknown> | undefined): string[] {
  const venues = (doc as { venues?: Record<string, { name: unknown }> } | undefined)?.venues ?? {};
  return Object.values(venues)
    .map((venue) => String(venue.name))
    .sort();
}

async function stickBundles(stick: string): Promise<string[]> {
  return (await filesUnder(stick)).filter((file) => file.endsWith(".pfb")).map((file) => path.join(stick, file));
}

describe("member keys on sticks and bundle files", () => {
  it("a removed member gets nothing made after the removal, by stick or bundle; the remaining members converge", async () => {
    const ada = await dataDirWithIdentity("Ada");
    const bo = await dataDirWithIdentity("Bo");
    const cy = await dataDirWithIdentity("Cy");
    const stick = await tempDir("pandafest-stick-keys-");
    const festival = await createFestival(ada.dataDir, { name: "Keyed Fest", visibility: "private", venues: ["Dock"] });
    // a private festival starts its own key epoch at once (epoch 1, sealed to its founder)
    await addMember(ada.dataDir, festival, bo.identity.publicKey);
    await addMember(ada.dataDir, festival, cy.identity.publicKey);

    await sync(ada.dataDir, stick);
    const [first] = await stickBundles(stick);
    const clear = decodeMemberKeysClearHeader(readHeaderSection(new Uint8Array(await fs.readFile(first))));
    expect(clear.envelopes).toHaveLength(3);
    // Bo and Cy are members: naming the festival's id, their envelopes open the bundle
    expect((await sync(bo.dataDir, stick, { festivals: [festival] })).festivals[0]).toMatchObject({ festival, locked: 0, followed: true });
    expect((await sync(cy.dataDir, stick, { festivals: [festival] })).festivals[0]).toMatchObject({ festival, locked: 0, followed: true });
    expect(venueNames(await festivalDoc(cy.dataDir, festival))).toEqual(["Dock"]);

    expect((await removeFromFestival(ada.dataDir, festival, cy.identity.publicKey)).rekeyed).toBe(2);
    await addVenues(ada.dataDir, festival, ["After The Removal"]);
    const exported = await withStore(ada.dataDir, (store) => exportFestivalBundle(store, festival, { directory: ada.dataDir }));
    await sync(ada.dataDir, stick);

    // Ada's visit record: her entry is sealed under the member key, so knowing the id (Cy) opens nothing
    const visits = path.join(stick, "pandafest", "visits");
    const records = await Promise.all((await fs.readdir(visits)).map(async (name) => decodeVisitRecord(new Uint8Array(await fs.readFile(path.join(visits, name))))));
    expect(records.filter((visit) => visitedEntry(visit, festival) !== undefined)).toEqual([]);
    const adaKey = festivalKeyFor((await festivalDoc(ada.dataDir, festival)) as A.Doc<never>, festival, ada.identity);
    const opened = records.map((visit) => visitedEntry(visit, festival, [adaKey?.key as Uint8Array])).filter((entry) => entry !== undefined);
    expect(opened.map((entry) => entry.visitor)).toEqual([ada.identity.publicKey]);

    // Cy: the new bundles are sealed under epoch 2's key; the sync says so, carries them sealed and imports nothing
    const cyHeads = await headsOf(cy.dataDir, festival);
    const atCy = await sync(cy.dataDir, stick);
    const cyEntry = atCy.festivals.find((entry) => entry.festival === festival);
    expect(cyEntry).toMatchObject({ in: 0 });
    expect(cyEntry?.locked).toBeGreaterThan(0);
    expect(atCy.refused).toEqual([]);
    expect(await headsOf(cy.dataDir, festival)).toEqual(cyHeads);
    expect(venueNames(await festivalDoc(cy.dataDir, festival))).toEqual(["Dock"]);
    // by hand: the bundle is kept waiting for a key Cy will never get, and nothing is imported
    const byHand = await withStore(cy.dataDir, (store) => importBundleFiles(store, [exported.file as string], { follow: true }));
    expect(byHand.files).toEqual([]);
    expect(byHand.locked).toEqual([expect.objectContaining({ festival, reason: expect.stringMatching(/does not hold .*removed from the festival/) })]);
    expect(await headsOf(cy.dataDir, festival)).toEqual(cyHeads);
    expect(venueNames(await festivalDoc(cy.dataDir, festival))).toEqual(["Dock"]);

    // Bo holds epoch 1 and opens epoch 2 through his envelope; his edit goes back to Ada; both converge
    const atBo = await sync(bo.dataDir, stick);
    expect(atBo.festivals.find((entry) => entry.festival === festival)?.in).toBeGreaterThan(0);
    expect(venueNames(await festivalDoc(bo.dataDir, festival))).toEqual(["After The Removal", "Dock"]);
    await addVenues(bo.dataDir, festival, ["Bo's Tent"]);
    await sync(bo.dataDir, stick);
    await sync(ada.dataDir, stick);
    expect(await headsOf(ada.dataDir, festival)).toEqual(await headsOf(bo.dataDir, festival));
    expect(venueNames(await festivalDoc(ada.dataDir, festival))).toEqual(["After The Removal", "Bo's Tent", "Dock"]);
    // and Cy still gets none of it
    await sync(cy.dataDir, stick);
    expect(venueNames(await festivalDoc(cy.dataDir, festival))).toEqual(["Dock"]);
  });

  it("a newcomer joins by stick: invite, join, stick, a member records the request, a manager accepts, stick", async () => {
    const ada = await dataDirWithIdentity("Ada");
    const bo = await dataDirWithIdentity("Bo");
    const jo = await dataDirWithIdentity("Jo");
    const stick = await tempDir("pandafest-stick-join-");
    const festival = await createFestival(ada.dataDir, { name: "Join Fest", visibility: "private", venues: ["Gate"] });
    await addMember(ada.dataDir, festival, bo.identity.publicKey);
    const invitation = await invite(ada.dataDir, festival);
    await sync(ada.dataDir, stick);
    await sync(bo.dataDir, stick, { festivals: [festival] });

    // Jo asked to join: the stick gets the request (sealed, named by discovery key); the festival stays locked to Jo
    await requestToJoin(jo.dataDir, jo.identity, invitation, "Jo");
    const atJo = await sync(jo.dataDir, stick);
    expect(atJo.requests.written).toBe(1);
    expect(atJo.festivals.find((entry) => entry.festival === festival)?.locked).toBeGreaterThan(0);
    expect(await festivalDoc(jo.dataDir, festival)).toBeUndefined();
    const requestFiles = (await filesUnder(stick)).filter((file) => file.endsWith(".pfr"));
    expect(requestFiles).toEqual([path.join("pandafest", "requests", requestFileName(festival, jo.identity.publicKey))]);
    const onStick = await fs.readFile(path.join(stick, requestFiles[0]), "utf8");
    for (const secret of [festival, jo.identity.publicKey, "Jo\""]) expect(onStick).not.toContain(secret);

    // Bo (a member) records it; a forged request beside it is not recorded
    const forged = makeAccessRequest(newInvitation(festival), { publicKey: bo.identity.publicKey, secretKey: bo.identity.secretKey }, "Mallory");
    await fs.writeFile(path.join(stick, "pandafest", "requests", requestFileName(festival, "f".repeat(64))), encodeRequestFile(festival, { ...forged, key: "f".repeat(64) }));
    const atBo = await sync(bo.dataDir, stick);
    expect(atBo.requests.recorded).toEqual([{ festival, key: jo.identity.publicKey, name: "Jo" }]);
    expect(atBo.requests.refused).toEqual([expect.objectContaining({ festival, reason: expect.stringMatching(/signatures do not hold/) })]);
    expect(atBo.requests.removed).toBe(1);

    // Ada (a manager) sees it, accepts, and the next bundle carries an envelope for Jo
    await sync(ada.dataDir, stick);
    const adaDoc = await festivalDoc(ada.dataDir, festival);
    const pending = accessRequestsOf(adaDoc as A.Doc<never>, festival, Date.now()).requests;
    expect(pending).toEqual([expect.objectContaining({ key: jo.identity.publicKey, name: "Jo", status: "pending" })]);
    await accept(ada.dataDir, festival, jo.identity.publicKey);
    await addVenues(ada.dataDir, festival, ["Welcome Tent"]);
    await sync(ada.dataDir, stick);

    const joined = await sync(jo.dataDir, stick);
    const entry = joined.festivals.find((candidate) => candidate.festival === festival);
    expect(entry).toMatchObject({ joined: true, followed: true, locked: 0, name: "Join Fest" });
    const joDoc = await festivalDoc(jo.dataDir, festival);
    expect(venueNames(joDoc)).toEqual(["Gate", "Welcome Tent"]);
    expect(isMember(joDoc as A.Doc<never>, festival, jo.identity.publicKey)).toBe(true);
    expect(await readPendingJoins(jo.dataDir)).toEqual([]);
    expect(await headsOf(jo.dataDir, festival)).toEqual(await headsOf(ada.dataDir, festival));
    const listed = await withStore(jo.dataDir, (store) => store.list());
    expect(listed.map((festivalEntry) => festivalEntry.id)).toContain(festival);
  });
});
