// Who the node answers over HTTP and /sync: only its own Host names (loopback, its addresses, --allow-host), only
// its own origin for /api, /sync and private schedules, security headers everywhere, no peer ids, no prototype keys.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { PandafestError } from "../../engine/core/errors.js";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { WebOrigin } from "../../apps/server/web-origin.js";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, runCli, tempDir } from "../helpers/cli.js";
import { killAllServers, startServe, waitFor } from "./lan-helpers.js";

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A GET with exactly these headers (fetch would not let a test set Host). */
function get(port: number, pathname: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: "127.0.0.1", port, path: pathname, headers, agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    outgoing.on("error", reject);
    outgoing.setTimeout(5000, () => outgoing.destroy(new Error(`GET ${pathname} timed out`)));
    outgoing.end();
  });
}

/** Opens /sync with these headers: "open", or the HTTP status the upgrade was refused with. */
function upgrade(port: number, headers: Record<string, string>): Promise<number | "open"> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/sync`, { headers, handshakeTimeout: 5000 });
    socket.on("open", () => {
      socket.close();
      resolve("open");
    });
    socket.on("unexpected-response", (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on("error", reject);
  });
}

let server: RunningServer;
let port: number;
let openId: string;
let secretId: string;
let appRoot: string;

beforeAll(async () => {
  const dataDir = await tempDir();
  await cliJson(dataDir, ["init", "--name", "Ana"]);
  const store = await FestivalStore.open(dataDir);
  openId = (await store.create({ name: "Open Air", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "public" })).id;
  secretId = (await store.create({ name: "Secret Garden", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02", visibility: "private" })).id;
  await store.close();
  appRoot = await tempDir();
  await fs.mkdir(path.join(appRoot, "assets"));
  await fs.writeFile(path.join(appRoot, "index.html"), "<!doctype html><title>app</title>");
  await fs.writeFile(path.join(appRoot, "assets", "app.js"), "console.log(1)");
  await fs.writeFile(path.join(appRoot, "assets", "app.js.map"), '{"version":3,"sources":["../../engine/secret.ts"]}');
  server = await startServer({ dataDir, port: 0, host: "127.0.0.1", staticRoot: appRoot, allowHosts: ["festival.example", "proxy.example:443"] });
  port = server.port;
});

afterAll(async () => {
  await server?.close();
  killAllServers();
});

describe("the Host allowlist", () => {
  it("answers the loopback names, the bound address and --allow-host names on its own port", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `127.0.0.2:${port}`, `LocalHost.:${port}`, `festival.example:${port}`, "proxy.example:443"]) {
      const answer = await get(port, "/api/festivals", { host });
      expect({ host, status: answer.status }).toEqual({ host, status: 200 });
    }
  });

  it("refuses any other Host, on every path and on /sync, with 421 and the flag to use", async () => {
    for (const host of [`rebind.test:${port}`, `127.0.0.1:${port + 1}`, "127.0.0.1", `festival.example:${port + 1}`, `evil.festival.example:${port}`, `192.0.2.7:${port}`, "proxy.example", `proxy.example:${port}`]) {
      for (const pathname of ["/", "/api/status", "/api/festivals", `/festivals/${secretId}/schedule.json`, "/assets/app.js"]) {
        const answer = await get(port, pathname, { host });
        expect({ host, pathname, status: answer.status }).toEqual({ host, pathname, status: 421 });
        expect(answer.body).toMatch(/--allow-host/);
        expect(answer.body).not.toContain("Secret Garden");
        expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
      }
      expect(await upgrade(port, { host })).toBe(421);
    }
  });

  it("with --lan or a wildcard bind accepts the machine's addresses and <hostname>.local, nothing else", () => {
    const lan = new WebOrigin({ port: () => 4321, boundHost: "0.0.0.0", lan: true, interfaceAddresses: () => ["192.168.1.20", "fe80::1"], hostname: () => "Stage" });
    const asked = (host: string) => lan.hostRefusal({ headers: { host } } as never)?.status ?? 200;
    expect(asked("192.168.1.20:4321")).toBe(200);
    expect(asked("[fe80::1]:4321")).toBe(200);
    expect(asked("stage.local:4321")).toBe(200);
    expect(asked("192.168.1.21:4321")).toBe(421);
    expect(asked("192.168.1.20:80")).toBe(421);
    expect(asked("stage.evil.test:4321")).toBe(421);
    const local = new WebOrigin({ port: () => 4321, boundHost: "127.0.0.1", lan: false, interfaceAddresses: () => ["192.168.1.20"] });
    expect(local.hostRefusal({ headers: { host: "192.168.1.20:4321" } } as never)?.status).toBe(421);
  });

  it("takes a bad --allow-host value as a usage error before serving anything", async () => {
    const dataDir = await tempDir();
    for (const value of ["http://festival.example", "festival.example:99999", "a b", "fe80::1"]) {
      const attempt = startServer({ dataDir, port: 0, staticRoot: null, allowHosts: [value] });
      await expect(attempt).rejects.toThrow(PandafestError);
      await expect(attempt).rejects.toThrow(/--allow-host/);
    }
  });
});

describe("pandafest serve --allow-host", () => {
  it("adds a name the node answers to, and refuses a malformed one with exit code 2", async () => {
    const dataDir = await tempDir();
    const bad = await runCli(dataDir, ["serve", "--port", "0", "--allow-host", "http://festival.example/"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--allow-host "http:\/\/festival.example\/": expected a host name or address/);
    const served = await startServe(dataDir, ["--allow-host", "stage.example"]);
    try {
      expect((await get(served.port, "/api/festivals", { host: `stage.example:${served.port}` })).status).toBe(200);
      expect((await get(served.port, "/api/festivals", { host: `other.example:${served.port}` })).status).toBe(421);
    } finally {
      await served.stop();
    }
  });
});

describe("the same-origin rule", () => {
  const own = () => ({ host: `127.0.0.1:${port}` });

  it("refuses /api to a page of another origin or site, and answers the node's own page, nodes and the CLI", async () => {
    const foreigners: Array<Record<string, string>> = [
      { origin: `http://127.0.0.1:${port + 1}` },
      { origin: `http://localhost:${port}` }, // an allowed Host name, but not the origin the request was sent to
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ];
    for (const foreign of foreigners) {
      for (const pathname of ["/api/status", "/api/festivals", `/api/heads/${secretId}`]) {
        const answer = await get(port, pathname, { ...own(), ...foreign });
        expect({ foreign, pathname, status: answer.status }).toEqual({ foreign, pathname, status: 403 });
        expect(answer.body).toMatch(/another (origin|site)/);
        expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
      }
    }
    expect((await get(port, "/api/status", { ...own(), origin: `http://127.0.0.1:${port}`, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await get(port, "/api/status", own())).status).toBe(200);
  });

  it("refuses a /sync upgrade from another origin; the node's own page and Origin-less nodes connect", async () => {
    expect(await upgrade(port, { origin: `http://127.0.0.1:${port + 1}` })).toBe(403);
    expect(await upgrade(port, { origin: "http://rebind.test" })).toBe(403);
    expect(await upgrade(port, { "sec-fetch-site": "cross-site" })).toBe(403);
    expect(await upgrade(port, { origin: `http://127.0.0.1:${port}` })).toBe("open");
    expect(await upgrade(port, {})).toBe("open");
  });

  it("gives a private festival's schedule to no other origin; public schedules to anyone", async () => {
    for (const file of ["schedule.xml", "schedule.json", "calendar.ics"]) {
      const foreign = await get(port, `/festivals/${secretId}/${file}`, { ...own(), origin: "http://evil.test" });
      expect({ file, status: foreign.status }).toEqual({ file, status: 403 });
      expect(foreign.body).not.toContain("Secret Garden");
      const crossSite = await get(port, `/festivals/${secretId}/${file}`, { ...own(), "sec-fetch-site": "cross-site" });
      expect(crossSite.status).toBe(403);
      // an unknown id gets the same answer: the refusal does not tell which private ids exist
      expect((await get(port, `/festivals/2kMXQ7rUp1mGXCPCTw1bvxhP9xZ/${file}`, { ...own(), origin: "http://evil.test" })).status).toBe(403);
      const direct = await get(port, `/festivals/${secretId}/${file}`, { ...own(), "sec-fetch-site": "none" });
      expect(direct.status).toBe(200);
      expect(direct.body).toContain("Secret Garden");
      const published = await get(port, `/festivals/${openId}/${file}`, { ...own(), origin: "http://calendar.example", "sec-fetch-site": "cross-site" });
      expect(published.status).toBe(200);
      expect(published.body).toContain("Open Air");
      expect(published.headers["cross-origin-resource-policy"]).toBe("cross-origin");
      expect(published.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });
});

describe("what every response carries", () => {
  it("the app: a content security policy, no framing, no sniffing, no referrer, same-origin resources, no CORS", async () => {
    for (const pathname of ["/", "/assets/app.js", "/api/status", `/festivals/${secretId}/schedule.json`]) {
      const answer = await get(port, pathname, { host: `localhost:${port}` });
      expect(answer.status).toBe(200);
      const policy = String(answer.headers["content-security-policy"]);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(policy).toContain(`connect-src 'self' ws://localhost:${port} wss://localhost:${port}`);
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain("base-uri 'none'");
      expect(answer.headers["x-frame-options"]).toBe("DENY");
      expect(answer.headers["x-content-type-options"]).toBe("nosniff");
      expect(answer.headers["referrer-policy"]).toBe("no-referrer");
      expect(answer.headers["cross-origin-resource-policy"]).toBe("same-origin");
      expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });

  it("no source maps, even when the web app folder has them", async () => {
    const map = await get(port, "/assets/app.js.map", { host: `127.0.0.1:${port}` });
    expect(map.status).toBe(404);
    expect(map.body).not.toContain("sources");
    expect((await get(port, "/assets/app.js", { host: `127.0.0.1:${port}` })).status).toBe(200);
  });
});

describe("lookups by name", () => {
  it("/api/heads of __proto__, constructor, toString and friends is 404, not an internal error", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"]) {
      const answer = await get(port, `/api/heads/${name}`, { host: `127.0.0.1:${port}` });
      expect({ name, status: answer.status }).toEqual({ name, status: 404 });
    }
    const held = await get(port, `/api/heads/${openId}`, { host: `127.0.0.1:${port}` });
    expect(held.status).toBe(200);
  });
});

describe("/api/status", () => {
  it("describes connected peers by a label, transport, address and role, never by their peer id", async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/sync`);
    const peerId = "peer-that-must-not-be-published";
    await new Promise<void>((resolve, reject) => {
      socket.on("open", () => resolve());
      socket.on("error", reject);
    });
    const { cbor } = await import("@automerge/automerge-repo");
    socket.send(cbor.encode({ type: "join", senderId: peerId, peerMetadata: { isEphemeral: true }, supportedProtocolVersions: ["1"] }));
    try {
      const status = await waitFor("the peer to have joined", async () => {
        const answer = await get(port, "/api/status", { host: `127.0.0.1:${port}` });
        const report = JSON.parse(answer.body) as { peers: Array<Record<string, unknown>> };
        return report.peers.some((peer) => peer.state === "connected") ? { answer, report } : undefined;
      });
      expect(status.answer.body).not.toContain(peerId);
      const peer = status.report.peers.find((entry) => entry.state === "connected");
      expect(peer).toMatchObject({ transport: "websocket", direction: "inbound", role: "client", label: expect.stringMatching(/^peer \d+$/) });
      expect(peer).not.toHaveProperty("peerId");
    } finally {
      socket.close();
    }
  });
});
