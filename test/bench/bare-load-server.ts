// Bare automerge-repo as a sync server process (its NodeFS storage and websocket server adapter), the baseline of
// the LAN load test: `node bare-load-server.js DATA_DIR DOCUMENT_ID SAVED_FILE` prints one JSON line {sync}.
import { Repo, type DocumentId } from "@automerge/automerge-repo";
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket";
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { WebSocketServer } from "ws";

const [dataDir, documentId, savedFile] = process.argv.slice(2);
if (!dataDir || !documentId || !savedFile) {
  process.stderr.write("usage: bare-load-server DATA_DIR DOCUMENT_ID SAVED_FILE\n");
  process.exit(2);
}
const http = createServer();
const wss = new WebSocketServer({ noServer: true });
http.on("upgrade", (request, socket, head) => wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request)));
const adapter = new WebSocketServerAdapter(wss as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0]);
const repo = new Repo({ storage: new NodeFSStorageAdapter(path.join(dataDir, "bare-repo")), network: [adapter], sharePolicy: async () => false });
repo.import(readFileSync(savedFile), { docId: documentId as DocumentId });
await repo.flush();
await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
process.stdout.write(`${JSON.stringify({ sync: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/sync` })}\n`);
const stop = () => {
  void repo.flush().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
