// Runs automerge-repo's own network-adapter acceptance suite against pandafest's adapters: the /sync endpoint
// (its guarded server adapter) with two peers dialling it through PeerClientAdapter, all on loopback.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { runNetworkAdapterTests } from "@automerge/automerge-repo/helpers/tests/network-adapter-tests.js";
import { describe } from "vitest";
import { PeerClientAdapter } from "../../apps/server/peer-client.js";
import { PeerRegistry } from "../../apps/server/peer-registry.js";
import { SyncEndpoint } from "../../apps/server/sync-socket.js";

// The suite gives three repos 50 ms to connect before "can sync 3 repos" looks for a document (its own fixed pause):
// on a busy 2-core machine that is sometimes too short and the find fails at once. Each of its tests gets two more tries.
describe("automerge-repo's network adapter acceptance suite", { retry: 2 }, () => {
  runNetworkAdapterTests(async () => {
    const endpoint = new SyncEndpoint({ registry: new PeerRegistry() });
    const http: Server = createServer((_request, response) => response.writeHead(404).end());
    http.on("upgrade", (request, socket, head) => endpoint.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/sync`;
    const clients = [new PeerClientAdapter({ url }), new PeerClientAdapter({ url })];
    return {
      adapters: [clients[0], endpoint.adapter, clients[1]],
      teardown: () => {
        for (const client of clients) client.disconnect();
        endpoint.adapter.disconnect();
        http.closeAllConnections();
        http.close();
      },
    };
  }, "pandafest /sync endpoint and PeerClientAdapter");
});
