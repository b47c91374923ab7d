// `--peer` links survive every network failure: a host that does not resolve, a closed port, a port that
// resets connections, and a server that disappears mid-sync; the process keeps running and reconnects when it returns.
import * as A from "@automerge/automerge";
import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { freePort, getJson, killAllServers, serverHeads, startServe, waitFor } from "./lan-helpers.js";

interface PeerView {
  direction: string;
  address: string;
  state: string;
  lastError?: string;
}

afterAll(() => killAllServers());

/** A data directory holding one public festival with enough venues that its first sync takes a while. */
async function largeFestival(venues: number): Promise<{ dataDir: string; id: string }> {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", "Bea"]);
  const store = await FestivalStore.open(dataDir);
  const { id, handle } = await store.create({ name: "Big Fest", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-05" }, { mode: "open" });
  handle.change((doc) => {
    for (let i = 0; i < venues; i++) {
      doc.venues[`v_${i}`] = {
        name: new A.ImmutableString(`Venue ${i}`),
        description: new A.ImmutableString(`A place for things, number ${i}, with a longer description to add weight`),
        address: new A.ImmutableString(`Field ${i % 17}, row ${i}`),
        accessibility: new A.ImmutableString("step-free"),
        tags: [new A.ImmutableString("outdoor")],
      };
    }
  });
  await store.close();
  return { dataDir, id };
}

describe("--peer resilience", () => {
  it("keeps running through unresolvable, closed, resetting and vanishing peers, and reconnects", async () => {
    const big = await largeFestival(4000);
    const portT = await freePort();
    const closedPort = await freePort();
    const resetting = net.createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => resetting.listen(0, "127.0.0.1", resolve));
    const resetPort = (resetting.address() as net.AddressInfo).port;

    let target = await startServe(big.dataDir, [], portT);
    const expectedHeads = await serverHeads(target.url, big.id);
    const dirS = await tempDir();
    const peers = {
      unresolvable: "ws://no-such-node.invalid:4321/sync",
      closed: `ws://127.0.0.1:${closedPort}/sync`,
      resetting: `ws://127.0.0.1:${resetPort}/sync`,
      target: target.sync,
    };
    const server = await startServe(dirS, Object.values(peers).flatMap((url) => ["--peer", url]));
    const peerStates = async () => {
      const status = await getJson<{ peers: PeerView[] }>(`${server.url}/api/status`);
      return new Map(status.peers.filter((p) => p.direction === "outbound").map((p) => [p.address, p]));
    };

    // the target disappears (killed, no goodbye) as soon as the link is up, while the big festival is syncing
    await waitFor("the link to the target", async () => (await peerStates()).get(peers.target)?.state === "connected", 15_000, 5);
    target.child.kill("SIGKILL");
    await target.stop();
    await waitFor("the link to notice the target is gone", async () => (await peerStates()).get(peers.target)?.state === "waiting");

    // every failing link is retrying with a reason, and the process is still here
    const states = await waitFor("every failing link to report its error", async () => {
      const all = await peerStates();
      const failing = [peers.unresolvable, peers.closed, peers.resetting].map((url) => all.get(url));
      return failing.every((p) => p?.lastError) ? all : undefined;
    });
    expect(states.get(peers.unresolvable)?.lastError).toMatch(/ENOTFOUND|EAI_AGAIN|getaddrinfo/);
    expect(states.get(peers.closed)?.lastError).toMatch(/ECONNREFUSED/);
    expect(states.get(peers.resetting)?.lastError).toMatch(/ECONNRESET|socket hang up/);
    expect(server.child.exitCode).toBeNull();

    // the target comes back on the same address: the link reconnects and the festival arrives whole
    target = await startServe(big.dataDir, [], portT);
    await waitFor("the link to reconnect", async () => (await peerStates()).get(peers.target)?.state === "connected", 20_000);
    await waitFor("the festival to arrive whole", async () => JSON.stringify(await serverHeads(server.url, big.id)) === JSON.stringify(expectedHeads), 20_000);
    const directory = await getJson<Array<{ id: string; name: string }>>(`${server.url}/api/festivals`);
    expect(directory).toEqual([expect.objectContaining({ id: big.id, name: "Big Fest" })]);

    expect(server.child.exitCode).toBeNull();
    expect(await server.stop()).toBe(0);
    expect(await target.stop()).toBe(0);
    await new Promise<void>((resolve) => resetting.close(() => resolve()));
    const venues = await cliJson<{ venues: Record<string, unknown> }>(dirS, ["festival", "show", big.id]);
    expect(Object.keys(venues.venues)).toHaveLength(4000);
  });
});
