// A TCP relay on 127.0.0.1 that can go silent: connections stay open but nothing passes either way, as when a cable
// is pulled or a laptop sleeps (no FIN, no RST reaches the browser). The browser tests use it for the page's heartbeat.
import net from "node:net";

export interface StallingProxy {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Relays to this port of 127.0.0.1 from now on (a node's, known once it runs). */
  target(port: number): void;
  /** Nothing passes any more: open connections hang, new ones are accepted and never answered. */
  stall(): void;
  /** New connections pass again; the hung ones are dropped. */
  resume(): void;
  close(): Promise<void>;
}

export async function startStallingProxy(): Promise<StallingProxy> {
  let targetPort = 0;
  let stalled = false;
  const live = new Set<{ client: net.Socket; upstream: net.Socket }>();
  const hung = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.on("error", () => client.destroy());
    if (stalled) {
      client.pause();
      hung.add(client);
      return;
    }
    const upstream = net.connect(targetPort, "127.0.0.1");
    const pair = { client, upstream };
    live.add(pair);
    upstream.on("error", () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
    // while stalled, an end on one side is not passed on: the other side must see nothing at all
    const endBoth = () => {
      live.delete(pair);
      if (hung.has(client)) return;
      client.destroy();
      upstream.destroy();
    };
    client.on("close", endBoth);
    upstream.on("close", endBoth);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the proxy has no port");
  const proxy: StallingProxy = {
    port: address.port,
    url: `http://127.0.0.1:${address.port}`,
    target(port: number) {
      targetPort = port;
    },
    stall() {
      stalled = true;
      for (const { client, upstream } of live) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
        hung.add(client);
        hung.add(upstream);
      }
      live.clear();
    },
    resume() {
      stalled = false;
      for (const socket of hung) socket.destroy();
      hung.clear();
    },
    async close() {
      proxy.resume();
      for (const { client, upstream } of live) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
