// The node seen from hostile pages in real Chromium: a page of another local origin, and a page whose host name
// resolves to the node (DNS rebinding), get nothing; the node's own web app still loads and syncs under its CSP.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FestivalStore } from "../../engine/node/store.js";
import { cliJson, tempDir } from "../helpers/cli.js";
import { browserTestsRun, createFestival, eventually, launchBrowser, openApp, startServe, watchPage, type ServeProcess } from "./harness.js";

const REBIND_HOST = "rebind.test";
const FESTIVAL = { timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-02" };

interface Attempts {
  socket: string;
  status: string;
  festivals: string;
  heads: string;
  schedule: string;
}

/** From inside `page`: opens the node's /sync and reads its API and a private schedule; says what came back. */
function attempt(page: Page, nodeUrl: string, secretId: string): Promise<Attempts> {
  return page.evaluate(
    async ({ nodeUrl, secretId }) => {
      const socket = await new Promise<string>((resolve) => {
        const ws = new WebSocket(nodeUrl.replace(/^http/, "ws") + "/sync");
        const timer = setTimeout(() => resolve("no answer"), 5000);
        ws.onopen = () => {
          clearTimeout(timer);
          ws.close();
          resolve("open");
        };
        ws.onclose = () => {
          clearTimeout(timer);
          resolve("refused");
        };
      });
      const read = async (path: string) => {
        try {
          const response = await fetch(nodeUrl + path);
          return `${response.status} ${await response.text()}`;
        } catch {
          return "blocked";
        }
      };
      return {
        socket,
        status: await read("/api/status"),
        festivals: await read("/api/festivals"),
        heads: await read(`/api/heads/${secretId}`),
        schedule: await read(`/festivals/${secretId}/schedule.json`),
      };
    },
    { nodeUrl, secretId },
  );
}

describe.skipIf(!browserTestsRun("web-origin.test.ts"))("hostile pages in the browser", { timeout: 90_000 }, () => {
  let browser: Browser;
  let node: ServeProcess;
  let elsewhere: Server;
  let elsewhereUrl: string;
  let secretId: string;
  let headsBefore: string;

  beforeAll(async () => {
    const dataDir = await tempDir("pandafest-ui-origin-");
    await cliJson(dataDir, ["init", "--name", "Ana"]);
    const store = await FestivalStore.open(dataDir);
    await store.create({ name: "Open Air", ...FESTIVAL, visibility: "public" });
    secretId = (await store.create({ name: "Secret Garden", ...FESTIVAL, visibility: "private" })).id;
    await store.close();
    node = await startServe(dataDir);
    headsBefore = await (await fetch(`${node.url}/api/heads/${secretId}`)).text();
    // another local web site, with a frame that tries to show the node's app inside it
    elsewhere = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(`<!doctype html><title>elsewhere</title><iframe id="node" src="${node.url}/"></iframe>`);
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/`;
    browser = await launchBrowser([`--host-resolver-rules=MAP ${REBIND_HOST} 127.0.0.1`]);
  });

  afterAll(async () => {
    await browser?.close();
    await node?.stop();
    await new Promise<void>((resolve) => (elsewhere ? elsewhere.close(() => resolve()) : resolve()));
  });

  it("a page of another local origin cannot open /sync, read /api or a private schedule, or frame the app", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(elsewhereUrl);
    const tried = await attempt(page, node.url, secretId);
    expect(tried.socket).toBe("refused");
    for (const read of [tried.status, tried.festivals, tried.heads, tried.schedule]) {
      expect(read).toBe("blocked");
    }
    // even the opaque answers a no-cors request would get are withheld (Cross-Origin-Resource-Policy)
    const paths = ["/api/status", "/api/festivals", `/api/heads/${secretId}`, `/festivals/${secretId}/schedule.json`];
    const opaque = await page.evaluate<string[]>(
      `Promise.allSettled(${JSON.stringify(paths.map((p) => node.url + p))}.map((url) => fetch(url, { mode: "no-cors" }))).then((all) => all.map((one) => one.status))`,
    );
    expect(opaque).toEqual(paths.map(() => "rejected"));

    const framed = page.frames().find((frame) => frame !== page.mainFrame());
    const appInFrame = framed ? await framed.evaluate<boolean>("document.querySelector('pf-app') !== null").catch(() => false) : false;
    expect(appInFrame).toBe(false);

    await context.close();
    // nothing changed on the node
    expect(await (await fetch(`${node.url}/api/heads/${secretId}`)).text()).toBe(headsBefore);
  });

  it("a page whose host name resolves to the node (DNS rebinding) is refused by the Host check", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const rebound = `http://${REBIND_HOST}:${node.port}`;
    const first = await page.goto(`${rebound}/`);
    expect(first?.status()).toBe(421);
    expect(await first?.text()).toContain("--allow-host");
    // now the page's own origin is rebind.test:PORT, so reads are same-origin for the browser: the node says no
    const tried = await attempt(page, rebound, secretId);
    expect(tried.socket).toBe("refused");
    for (const read of [tried.status, tried.festivals, tried.heads, tried.schedule]) {
      expect(read).toMatch(/^421 /);
      expect(read).not.toContain("Secret Garden");
      expect(read).not.toContain("Open Air");
    }
    await context.close();
    expect(await (await fetch(`${node.url}/api/heads/${secretId}`)).text()).toBe(headsBefore);
  });

  it("the node's own web app loads under its content security policy and syncs", async () => {
    const context = await browser.newContext();
    const violations: string[] = [];
    context.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    const page = await openApp(context, node.url, "Ana");
    const seen = watchPage(page);
    const response = await page.goto(node.url);
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    const festivalId = await createFestival(page, { name: "Under Policy", ...FESTIVAL });
    // the festival reached the node over /sync
    await eventually("the node to hold the festival made in the page", async () => ((await fetch(`${node.url}/api/heads/${festivalId}`)).ok ? true : undefined));
    expect(violations).toEqual([]);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
