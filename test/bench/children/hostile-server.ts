// Benchmark child of the hostile-load bench: a pandafest node (startServer) on 127.0.0.1 serving DATA_DIR that
// reports its memory, CPU and repo handles over IPC when asked (messages in hostile-server-protocol.ts).
import { startServer, type RunningServer } from "../../../apps/server/server.js";
import type { FromHostileServer, ServerSample, ToHostileServer } from "./hostile-server-protocol.js";

/** how long the repo may take to connect its network adapter after the server started */
const ADAPTER_TIMEOUT_MS = 10_000;

function send(message: FromHostileServer): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function fail(error: unknown): Promise<never> {
  await send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}

if (!process.send) {
  process.stderr.write("hostile-server.js runs only as a child of the hostile-load bench (forked with an IPC channel)\n");
  process.exit(2);
}
const [dataDir] = process.argv.slice(2);
if (!dataDir) {
  process.stderr.write("usage: hostile-server.js DATA_DIR\n");
  process.exit(2);
}
process.on("uncaughtException", (error) => void fail(error));

function sample(server: RunningServer): ServerSample {
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rssBytes: memory.rss,
    maxRssBytes: process.resourceUsage().maxRSS * 1024, // maxRSS is in kilobytes
    heapUsedBytes: memory.heapUsed,
    arrayBuffersBytes: memory.arrayBuffers,
    cpuMicros: cpu.user + cpu.system,
    handles: Object.keys(server.store.repo.handles).length,
  };
}

let server: RunningServer;
try {
  server = await startServer({ dataDir, port: 0, host: "127.0.0.1", staticRoot: null });
  // the repo connects its network adapter shortly after start; a join before that goes unanswered
  const deadline = performance.now() + ADAPTER_TIMEOUT_MS;
  while (!server.store.repo.networkSubsystem.adapters.every((adapter) => adapter.peerId !== undefined)) {
    if (performance.now() > deadline) throw new Error(`the sync adapter was not connected within ${ADAPTER_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
} catch (error) {
  await fail(error);
  throw error; // not reached: fail exits
}

let stopping: Promise<void> | undefined;
const stop = () =>
  (stopping ??= server.close().then(
    async () => {
      await send({ type: "stopped" });
      process.exit(0);
    },
    (error: unknown) => fail(error),
  ));

process.on("disconnect", () => void stop());
process.on("message", (received) => {
  const message = received as ToHostileServer;
  if (message.type === "sample") {
    if (message.gc) globalThis.gc?.();
    void send({ type: "sample", sample: sample(server) });
  } else if (message.type === "stop") void stop();
});
await send({ type: "ready", sync: `${server.localUrl.replace(/^http/, "ws")}/sync` });
