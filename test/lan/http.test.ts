// The HTTP layer: the route table, the built web app served from its folder and never from outside it
// (.., encoded separators, symlinks), bounded URLs, and the fallback page when there is no web app.
import fs from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createRequestHandler, resolveStaticPath, RouteTable, sendJson, sendText } from "../../apps/server/http.js";
import { addApiRoutes } from "../../apps/server/api-routes.js";
import { FestivalCatalog } from "../../apps/server/festival-catalog.js";
import type { StatusReport } from "../../apps/server/status.js";
import { FestivalStore } from "../../engine/node/store.js";
import { tempDir } from "../helpers/cli.js";

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function serve(routes: RouteTable, staticRoot?: string): Promise<string> {
  const server = createServer(createRequestHandler({ routes, staticRoot, fallbackPage: ({ response }) => sendText(response, 200, "fallback") }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise it). */
async function rawGet(base: string, rawPath: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(`GET ${rawPath} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = "";
    socket.on("data", (chunk) => (text += chunk));
    socket.on("error", reject);
    socket.on("end", () => resolve({ status: Number(text.split(" ")[1]), body: text.split("\r\n\r\n").slice(1).join("\r\n\r\n") }));
  });
}

describe("RouteTable", () => {
  it("matches by method and pattern, decodes parameters, and tells 405 from 404", async () => {
    const routes = new RouteTable()
      .get("/api/status", ({ response }) => sendJson(response, 200, { ok: true }))
      .get("/festivals/:id/schedule.xml", ({ response, params }) => sendText(response, 200, `schedule of ${params.id}`));
    const base = await serve(routes);
    expect(await (await fetch(`${base}/api/status`)).json()).toEqual({ ok: true });
    expect(await (await fetch(`${base}/festivals/F%20one/schedule.xml`)).text()).toBe("schedule of F one");
    expect((await fetch(`${base}/api/status`, { method: "POST" })).status).toBe(405);
    expect((await fetch(`${base}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/festivals/a%2Fb/schedule.xml`)).status).toBe(404); // an encoded "/" is no parameter
    expect((await fetch(`${base}/${"x".repeat(3000)}`)).status).toBe(414);
    expect(await (await fetch(`${base}/`)).text()).toBe("fallback");
  });
});

describe("/api/status", () => {
  it("answers the heartbeat's HEAD without building the report, and GET with it", async () => {
    const store = await FestivalStore.open(await tempDir());
    try {
      let built = 0;
      const report = { node: "pandafest", instanceId: "i1" } as StatusReport;
      const routes = new RouteTable();
      addApiRoutes(routes, { store, catalog: new FestivalCatalog(store), status: () => (built++, report) });
      const base = await serve(routes);
      for (let i = 0; i < 3; i++) {
        const head = await fetch(`${base}/api/status`, { method: "HEAD" });
        expect(head.status).toBe(200);
        expect(head.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(head.headers.get("cache-control")).toBe("no-store");
        expect(await head.text()).toBe("");
      }
      expect(built).toBe(0);
      expect(await (await fetch(`${base}/api/status`)).json()).toEqual(report);
      expect(built).toBe(1);
    } finally {
      await store.close();
    }
  });
});

describe("the web app folder", () => {
  it("serves files under it, falls back to index.html for app routes, and nothing outside it", async () => {
    const outside = await tempDir();
    await fs.writeFile(path.join(outside, "secret.txt"), "do not serve");
    const root = path.join(outside, "dist");
    await fs.mkdir(path.join(root, "assets"), { recursive: true });
    await fs.writeFile(path.join(root, "index.html"), "<h1>app</h1>");
    await fs.writeFile(path.join(root, "assets", "app.js"), "console.log(1)");
    await fs.symlink(path.join(outside, "secret.txt"), path.join(root, "link.txt"));
    const base = await serve(new RouteTable(), root);

    const app = await fetch(`${base}/assets/app.js`);
    expect(app.headers.get("content-type")).toMatch(/javascript/);
    expect(await app.text()).toBe("console.log(1)");
    expect(await (await fetch(`${base}/`)).text()).toBe("<h1>app</h1>");
    expect(await (await fetch(`${base}/festival/abc`)).text()).toBe("<h1>app</h1>"); // a client-side route
    expect((await fetch(`${base}/missing.js`)).status).toBe(404);

    for (const attempt of ["/../secret.txt", "/assets/../../secret.txt", "/..%2fsecret.txt", "/%2e%2e/secret.txt", "/assets%2f..%2f..%2fsecret.txt", "/link.txt", "/%00", "/..\\secret.txt"]) {
      const { status, body } = await rawGet(base, attempt);
      expect({ attempt, leaked: body.includes("do not serve") }).toEqual({ attempt, leaked: false });
      expect([400, 404, 200]).toContain(status);
    }
    expect(resolveStaticPath(root, "/..%2fsecret.txt")).toBeUndefined();
    expect(resolveStaticPath(root, "/link.txt")).toBeUndefined();
    expect(resolveStaticPath(root, "/assets/app.js")).toBe(path.join(await fs.realpath(root), "assets", "app.js"));
  });
});
