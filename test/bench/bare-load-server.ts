// Bare automerge-repo as a sync server (its NodeFS storage and websocket server adapter), the baseline of the LAN
// benchmarks: in process (startBareSyncServer), or as its own process: `node bare-load-server.js DATA_DIR DOCUMENT_ID SAVED_FILE` prints one JSON line {sync}.
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { WebSocketServer } from "ws";

export interface BareSyncServer {
  /** ws://127.0.0.1:PORT/sync */
  url: string;
  /** flushes the repo's storage */
  flush(): Promise<void>;
  /** drops every client, stops listening and shuts the repo down */
  close(): Promise<void>;
}

/** Bare automerge-repo holding one document (saved bytes) in NodeFS storage under `storageDirectory`, on 127.0.0.1. */
export async function startBareSyncServer(storageDirectory: string, documentId: string, bytes: Uint8Array): Promise<BareSyncServer> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  http.on("upgrade", (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request)));
  const adapter = new WebSocketServerAdapter(wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0]);
  const repo = new Repo({ storage: new NodeFSStorageAdapter(storageDirectory), network: [adapter], sharePolicy: async () => false });
  repo.import(bytes, { docId: documentId as DocumentId });
  await repo.flush();
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/sync`,
    flush: () => repo.flush(),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await repo.shutdown();
    },
  };
}

async function main(args: string[]): Promise<void> {
  const [dataDir, documentId, savedFile] = args;
  if (!dataDir || !documentId || !savedFile) {
    process.stderr.write("usage: bare-load-server DATA_DIR DOCUMENT_ID SAVED_FILE\n");
    process.exit(2);
  }
  const server = await startBareSyncServer(path.join(dataDir, "bare-repo"), documentId, new Uint8Array(readFileSync(savedFile)));
  process.stdout.write(`${JSON.stringify({ sync: server.url })}\n`);
  const stop = () => {
    void server.flush().finally(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
