// The node's HTTP server: routes and the web app through the request handler, websocket upgrades of /sync (after
// the Host and origin checks), timeouts, and listening with errors a person can act on; plus the node's URLs.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import os from "node:os";
import { PandafestError } from "../../engine/core/errors.js";
import { SYNC_PATH } from "./endpoints.js";
import { createRequestHandler, MAX_URL_LENGTH, type RouteContext, type RouteTable } from "./http.js";
import type { Refusal, WebOrigin } from "./web-origin.js";

export interface NodeHttpInputs {
  routes: RouteTable;
  staticRoot: string | undefined;
  webOrigin: WebOrigin;
  /** the page for any other path when no web app is served */
  fallbackPage: (context: Pick<RouteContext, "response">) => void;
  /** takes a websocket upgrade of /sync that passed the checks */
  upgradeSync: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
  warn: (message: string) => void;
}

export function createNodeHttpServer(inputs: NodeHttpInputs): Server {
  const server = createServer(
    createRequestHandler({
      routes: inputs.routes,
      staticRoot: inputs.staticRoot,
      webOrigin: inputs.webOrigin,
      fallbackPage: inputs.fallbackPage,
      onError: (error) => inputs.warn(`http: ${error instanceof Error ? error.message : String(error)}`),
    }),
  );
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.on("clientError", (_error, socket) => socket.destroy());
  server.on("upgrade", (request, socket, head) => {
    const refusal = inputs.webOrigin.refusal(request);
    if (refusal) {
      socket.end(rawResponse(refusal));
      socket.destroy();
      return;
    }
    const path = (request.url ?? "").length <= MAX_URL_LENGTH ? (request.url ?? "").split("?")[0] : "";
    if (path !== SYNC_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      socket.destroy();
      return;
    }
    inputs.upgradeSync(request, socket, head);
  });
  return server;
}

/** Listens on host:port and resolves with the port; a failure is a PandafestError that says what to do. */
export async function listenOrExplain(server: Server, port: number, host: string): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      server.once("error", onError);
      server.listen(port, host, () => {
        server.off("error", onError);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new PandafestError(`port ${port} on ${host} is in use; choose another with --port (0 picks a free one)`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new PandafestError(`cannot listen on ${host}: no such local address; check --host`);
    if (code === "EACCES") throw new PandafestError(`not allowed to listen on port ${port}; ports below 1024 need privileges, choose another with --port`);
    throw error;
  }
  return (server.address() as AddressInfo).port;
}

/** The URL people open (a LAN address when bound to all interfaces) and the one processes on this machine use. */
export function nodeUrls(host: string, port: number): { publicUrl: string; localUrl: string } {
  const wildcard = host === "0.0.0.0" || host === "::";
  const loopbackHost = wildcard ? "127.0.0.1" : host;
  return {
    localUrl: `http://${urlHost(loopbackHost)}:${port}`,
    publicUrl: `http://${urlHost(wildcard ? (lanAddress() ?? "127.0.0.1") : host)}:${port}`,
  };
}

/** A refusal written straight to a socket that asked for an upgrade (there is no response object yet). */
function rawResponse(refusal: Refusal): string {
  const reason = refusal.status === 421 ? "Misdirected Request" : "Forbidden";
  const length = Buffer.byteLength(refusal.message);
  return `HTTP/1.1 ${refusal.status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${length}\r\n\r\n${refusal.message}`;
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** A LAN address of this machine to print, if it has one. */
function lanAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === "IPv4" && !address.internal) return address.address;
    }
  }
  return undefined;
}
