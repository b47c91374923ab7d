// A bare automerge-repo client cannot plant festivals: a document it writes is not listed, not indexed and not
// announced by the node, while a festival made by pandafest (every change signed) that arrives the same way is.
import * as A from "@automerge/automerge";
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";
import { afterAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { waitFor } from "./lan-helpers.js";

const running: RunningServer[] = [];
const repos: Repo[] = [];
afterAll(async () => {
  for (const repo of repos) await repo.shutdown().catch(() => undefined);
  for (const server of running) await server.close();
});

async function listed(server: RunningServer): Promise<string[]> {
  const response = await fetch(`${server.localUrl}/api/festivals`);
  return ((await response.json()) as Array<{ id: string }>).map((entry) => entry.id);
}

describe("documents a client writes", { timeout: 120_000 }, () => {
  it("are followed only when pandafest made them; a planted document is neither listed nor indexed", async () => {
    const dataDir = await tempDir();
    const server = await startServer({ dataDir, port: 0, host: "127.0.0.1", staticRoot: null });
    running.push(server);
    const client = new Repo({ network: [new WebSocketClientAdapter(`${server.localUrl.replace("http", "ws")}/sync`)], sharePolicy: async () => true });
    repos.push(client);

    // planted: festival-shaped, public, written by a bare client with nobody's signature
    const planted = client.create({ schema: 2, name: "Planted", description: "", visibility: "public", venues: {}, events: {}, people: {}, members: {}, authors: {} });
    // made by pandafest elsewhere (every change signed), then handed to the node by the same kind of client
    const otherDir = await tempDir();
    await cliJson(otherDir, ["init", "--name", "Bea"]);
    const store = await FestivalStore.open(otherDir);
    const signed = await store.create({ name: "Signed Fest", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "public" });
    const bytes = A.save(signed.handle.doc());
    await store.close();
    const imported = client.import(bytes, { docId: signed.id as DocumentId });
    imported.change(() => undefined); // nudges the repo to sync it

    await waitFor("the node to hold both documents", () =>
      [planted.documentId, signed.id].every((id) => server.store.repo.handles[id as DocumentId]?.isReady() === true),
    );
    await waitFor("the signed festival to be listed", async () => (await listed(server)).includes(signed.id));
    await waitFor("the planted document to be turned down", () => server.catalog.unfollowedCount === 1);
    expect(await listed(server)).not.toContain(planted.documentId);
    expect(server.catalog.get(planted.documentId)).toBeUndefined();
    expect(await server.store.index.has(planted.documentId)).toBe(false);
    await waitFor("the signed festival to be recorded in the index", () => server.store.index.has(signed.id));
  });
});
