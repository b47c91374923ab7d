// Bookings over the LAN and a stick: two `pandafest serve` nodes on 127.0.0.1 and a third replica carried by stick.
// Two owners accept overlapping requests while apart; once merged, every replica lists the same bookings and clash.
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, runCli, tempDir } from "../helpers/cli.js";
import { killAllServers, serverHeads, startServe, waitFor, type ServeProcess } from "../lan/lan-helpers.js";
import { carry, threeMembers } from "./bookings-cli-helpers.js";

afterAll(() => killAllServers());

/** The heads every server holds of `festival`, once they are the same everywhere. */
async function sameHeads(servers: ServeProcess[], festival: string): Promise<string[] | undefined> {
  const all = await Promise.all(servers.map((server) => serverHeads(server.url, festival)));
  const first = JSON.stringify(all[0]);
  return all[0] !== undefined && all.every((heads) => JSON.stringify(heads) === first) ? all[0] : undefined;
}

describe("bookings across the LAN and a stick", () => {
  it("gives the same bookings and clash reports on three replicas after decisions made apart", { timeout: 240_000 }, async () => {
    const { ada, bo, cy, adaKey, boKey, cyKey } = await threeMembers("LAN Booked Fest", { open: true });
    const tent = await cliJson<{ id: string }>(ada.dataDir, ["venue", "add", ada.festival, "--name", "Tent"]);
    const opening = await cliJson<{ id: string }>(ada.dataDir, ["event", "add", ada.festival, "--title", "Opening", "--venue", ada.venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T20:00"]);
    const talk = await cliJson<{ id: string }>(ada.dataDir, ["event", "add", ada.festival, "--title", "Talk", "--venue", tent.id, "--start", "2027-07-01T19:00", "--end", "2027-07-01T21:00"]);
    const pa = await cliJson<{ id: string }>(ada.dataDir, ["resource", "add", ada.festival, "--name", "PA", "--owner", adaKey, "--owner", boKey]);
    const [r1] = (await cliJson<{ requests: string[] }>(ada.dataDir, ["book", ada.festival, opening.id, "--resource", pa.id])).requests;
    const [r2] = (await cliJson<{ requests: string[] }>(ada.dataDir, ["book", ada.festival, talk.id, "--resource", pa.id])).requests;
    await carry(ada.dataDir, cy, ada.festival);

    // Ada's and Bo's nodes sync over the LAN until Bo holds what Ada holds
    const serverA = await startServe(ada.dataDir);
    let serverB = await startServe(bo, ["--peer", serverA.sync]);
    await waitFor("the festival to reach Bo's node", () => sameHeads([serverA, serverB], ada.festival), 60_000);

    // apart (Bo's node stopped): the two owners each accept one of the overlapping requests; Cy, no owner, declines one
    expect(await serverB.stop()).toBe(0);
    expect(await cliJson(ada.dataDir, ["booking", "accept", ada.festival, r2])).toMatchObject({ counts: true, state: "accepted" });
    expect(await cliJson(bo, ["booking", "accept", ada.festival, r1])).toMatchObject({ counts: true });
    expect((await runCli(cy, ["booking", "decline", ada.festival, r1, "--reason", "clashes"])).code).toBe(0);
    const apart = await cliJson<{ bookings: { overbookings: unknown[] } }>(bo, ["check", ada.festival]);
    expect(apart.bookings.overbookings).toEqual([]);

    // together again: Bo's node syncs with Ada's over the LAN, Cy's replica meets Ada's on a stick
    serverB = await startServe(bo, ["--peer", serverA.sync]);
    const adaHeads = async () => (await cliJson<{ heads: string[] }>(ada.dataDir, ["festival", "show", ada.festival])).heads;
    await waitFor("Bo's decision to reach Ada's data directory over the LAN", async () => {
      const heads = await sameHeads([serverA, serverB], ada.festival);
      return heads !== undefined && heads.length > 0 && JSON.stringify([...heads].sort()) === JSON.stringify([...(await adaHeads())].sort()) && (await cliJson<{ bookings: { id: string; state: string }[] }>(ada.dataDir, ["bookings", ada.festival])).bookings.find((b) => b.id === r1)?.state === "accepted";
    }, 60_000, 250);
    const stick = await tempDir("pandafest-stick-");
    for (const dataDir of [cy, ada.dataDir, cy]) await cliJson(dataDir, ["stick", "sync", stick]);
    const cyHeads = async () => (await cliJson<{ heads: string[] }>(cy, ["festival", "show", ada.festival])).heads;
    await waitFor("Ada's and Bo's nodes to hold everything Cy holds", async () => {
      const heads = await sameHeads([serverA, serverB], ada.festival);
      return heads !== undefined && JSON.stringify([...heads].sort()) === JSON.stringify([...(await cyHeads())].sort());
    }, 60_000, 250);
    expect(await serverB.stop()).toBe(0);
    expect(await serverA.stop()).toBe(0);

    const listed = await Promise.all([ada.dataDir, bo, cy].map((dataDir) => cliJson<{ bookings: { id: string; state: string; decidedBy: string | null; proposals: { by: string | null }[] }[] }>(dataDir, ["bookings", ada.festival])));
    const checks = await Promise.all([ada.dataDir, bo, cy].map((dataDir) => cliJson<{ bookings: unknown }>(dataDir, ["check", ada.festival])));
    expect(listed[1]).toEqual(listed[0]);
    expect(listed[2]).toEqual(listed[0]);
    expect(checks[1].bookings).toEqual(checks[0].bookings);
    expect(checks[2].bookings).toEqual(checks[0].bookings);
    expect(checks[0].bookings).toMatchObject({ overbookings: [{ resourceId: pa.id, quantity: 1, peak: 2, involved: 2 }] });
    expect(listed[0].bookings.find((b) => b.id === r1)).toMatchObject({ state: "accepted", decidedBy: boKey, proposals: [{ by: cyKey }] });
    expect(listed[0].bookings.find((b) => b.id === r2)).toMatchObject({ state: "accepted", decidedBy: adaKey });
  });
});
