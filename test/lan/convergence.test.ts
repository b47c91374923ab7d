// Convergence property: 3 to 5 nodes (repos behind our /sync endpoint, linked by our peer client) make random
// edits while links are cut and restored at random and some changes travel as signed bundles; in the end every node holds the same heads.
import * as A from "@automerge/automerge";
import { Repo, type DocHandle, type DocumentId } from "@automerge/automerge-repo";
import fc from "fast-check";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { decodeBundle, encodeBundle } from "../../bundles/format/codec.js";
import { PeerClientAdapter } from "../../apps/server/peer-client.js";
import { PeerRegistry } from "../../apps/server/peer-registry.js";
import { syncOnEveryHeadsChange } from "../../engine/sync/sync-nudge.js";
import { SyncEndpoint } from "../../apps/server/sync-socket.js";
import { waitFor } from "./lan-helpers.js";
import { pace } from "../helpers/pace.js";

interface Doc {
  items: Record<string, string>;
}

interface Node {
  repo: Repo;
  handle: DocHandle<Doc>;
  url: string;
  close: () => Promise<void>;
}

type Action =
  | { kind: "edit"; node: number; key: string; value: string }
  | { kind: "cut"; link: number }
  | { kind: "restore"; link: number }
  | { kind: "bundle"; from: number; to: number }
  | { kind: "pause"; ms: number };

async function startNode(repo: Repo, handle: DocHandle<Doc>): Promise<Node> {
  syncOnEveryHeadsChange(handle); // as the server does for every document it holds
  const endpoint = new SyncEndpoint({ registry: new PeerRegistry() });
  repo.networkSubsystem.addNetworkAdapter(endpoint.adapter);
  const http: Server = createServer();
  http.on("upgrade", (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/sync`;
  return {
    repo,
    handle,
    url,
    close: async () => {
      await endpoint.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** One signed bundle from one node's copy to another's, as a USB stick would carry it: packed, verified, applied. */
function carryBundle(from: Node, to: Node, carrier: nacl.SignKeyPair): void {
  const doc = from.handle.doc();
  const bytes = encodeBundle({
    festivalId: from.handle.documentId,
    visibility: "public",
    carrier,
    prerequisites: [],
    heads: A.getHeads(doc),
    changeCount: A.getAllChanges(doc).length,
    payload: A.save(doc),
  });
  const { payload } = decodeBundle(bytes);
  to.handle.update((current) => A.loadIncremental(current, payload));
}

const actionArbitrary = (nodes: number, links: number): fc.Arbitrary<Action> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant("edit" as const), node: fc.nat(nodes - 1), key: fc.constantFrom("a", "b", "c", "d"), value: fc.string({ maxLength: 6 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("cut" as const), link: fc.nat(links - 1) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("restore" as const), link: fc.nat(links - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("bundle" as const), from: fc.nat(nodes - 1), to: fc.nat(nodes - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("pause" as const), ms: fc.integer({ min: 1, max: 40 }) }) },
  );

const scenario = fc.integer({ min: 3, max: 5 }).chain((nodes) =>
  fc.record({
    nodes: fc.constant(nodes),
    // a chain 0-1-2-...; sometimes closed into a ring
    ring: fc.boolean(),
    actions: fc.array(actionArbitrary(nodes, nodes), { minLength: 5, maxLength: 30 }),
  }),
);

describe("convergence", () => {
  it("ends with equal heads on every node whatever the edits, cuts, reconnections and bundles", async () => {
    const carrier = nacl.sign.keyPair();
    await fc.assert(
      fc.asyncProperty(scenario, async ({ nodes: count, ring, actions }) => {
        const origin = new Repo({ network: [], sharePolicy: async () => true });
        const first = origin.create<Doc>({ items: {} });
        const saved = A.save(first.doc());
        const nodes: Node[] = [await startNode(origin, first)];
        for (let i = 1; i < count; i++) {
          const repo = new Repo({ network: [], sharePolicy: async () => true });
          const handle = repo.import<Doc>(saved, { docId: first.documentId as DocumentId });
          nodes.push(await startNode(repo, handle));
        }
        const pairs = Array.from({ length: count - 1 }, (_, i) => [i, i + 1] as const).concat(ring ? [[count - 1, 0] as const] : []);
        const adapters: Array<PeerClientAdapter | undefined> = pairs.map(() => undefined);
        const connect = (link: number) => {
          if (link >= pairs.length || adapters[link]) return;
          const [client, server] = pairs[link];
          const adapter = new PeerClientAdapter({ url: nodes[server].url, introduceAs: "server", backoff: { initialMs: 20, maxMs: 100 } });
          adapters[link] = adapter;
          nodes[client].repo.networkSubsystem.addNetworkAdapter(adapter);
        };
        const cut = (link: number) => {
          adapters[link]?.disconnect();
          adapters[link] = undefined;
        };
        pairs.forEach((_, link) => connect(link));
        try {
          for (const action of actions) {
            if (action.kind === "edit") nodes[action.node].handle.change((doc) => void (doc.items[action.key] = action.value));
            else if (action.kind === "cut") cut(action.link);
            else if (action.kind === "restore") connect(action.link);
            else if (action.kind === "bundle" && action.from !== action.to) carryBundle(nodes[action.from], nodes[action.to], carrier);
            else if (action.kind === "pause") await pace(action.ms);
          }
          pairs.forEach((_, link) => connect(link));
          const headsOf = (node: Node) => JSON.stringify(A.getHeads(node.handle.doc()).slice().sort());
          await waitFor("every node to hold the same heads", () => nodes.every((node) => headsOf(node) === headsOf(nodes[0])), 15_000, 20);
          const docs = nodes.map((node) => JSON.stringify(Object.entries(node.handle.doc().items).sort()));
          expect(new Set(docs).size).toBe(1);
        } finally {
          adapters.forEach((_, link) => cut(link));
          for (const node of nodes) await node.close();
        }
      }),
      { numRuns: 10 },
    );
  });
});
