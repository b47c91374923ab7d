// The web app starts offline in real Chromium: loaded once from `pandafest serve`, it reloads with the node stopped
// (from its service worker's cache), edits, and the edit reaches the node once it is back; a new build replaces the cache.
// An attendee's visit keeps only the attendee view (no organiser's app, no wasm) and opens offline.
import fs from "node:fs/promises";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../apps/server/server.js";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";
import {
  addEvent,
  addVenue,
  browserTestsRun,
  createFestival,
  eventually,
  eventuallyShownWithEvent,
  festivalUrl,
  launchBrowser,
  openApp,
  programmeTitles,
  repoRoot,
  startServe,
  watchPage,
  type ServeProcess,
} from "./harness.js";

interface ShownFestival {
  events: Record<string, { title: string }>;
}

const FESTIVAL = { startDate: "2027-10-01", endDate: "2027-10-02", timeZone: "Europe/Vienna" };

/** Waits until the service worker controls the page; returns the names of the app's caches. */
async function controlledByServiceWorker(page: Page): Promise<string[]> {
  await eventually("the service worker to control the page", async () =>
    (await page.evaluate<boolean>("navigator.serviceWorker.controller !== null")) ? true : undefined,
  );
  return page.evaluate<string[]>(`caches.keys().then((names) => names.filter((name) => name.startsWith("pandafest-app-")))`);
}

/** The files a cache holds, as paths of the page's origin. */
function cachedPaths(page: Page, cacheName: string): Promise<string[]> {
  return page.evaluate<string[]>(
    `caches.open(${JSON.stringify(cacheName)}).then((cache) => cache.keys()).then((requests) => requests.map((request) => new URL(request.url).pathname).sort())`,
  );
}

describe.skipIf(!browserTestsRun("offline.test.ts"))("the web app offline", { timeout: 120_000 }, () => {
  let browser: Browser;
  const servers: ServeProcess[] = [];
  const inProcess: RunningServer[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
    for (const server of inProcess) await server.close();
  });

  async function serve(dataDir: string, options: { port?: number } = {}): Promise<ServeProcess> {
    const server = await startServe(dataDir, options);
    servers.push(server);
    return server;
  }

  it("reloads with the node stopped, edits, and the edit reaches the node when it is back", async () => {
    const dataDir = await tempDir("pandafest-ui-swoffline-");
    await cliJson(dataDir, ["init", "--name", "Node keeper"]);
    let server = await serve(dataDir);
    const port = server.port;
    const worker = await fetch(`${server.url}/sw.js`);
    expect(worker.headers.get("cache-control")).toBe("no-cache");
    expect(worker.headers.get("content-type")).toMatch(/^text\/javascript/);

    const context = await browser.newContext();
    const page = await openApp(context, server.url, "Cache Cleo");
    const seen = watchPage(page);
    const festivalId = await createFestival(page, { name: "Cached Fest", ...FESTIVAL });
    await addVenue(page, festivalId, "Cellar");
    await eventually("the node to store the festival", async () => ((await fetch(`${server.url}/api/heads/${festivalId}`)).ok ? true : undefined), 10_000);

    const caches = await controlledByServiceWorker(page);
    expect(caches).toHaveLength(1);
    const cached = await cachedPaths(page, caches[0]);
    expect(cached).toContain("/index.html");
    expect(cached.some((file) => /^\/assets\/automerge-.*\.wasm$/.test(file))).toBe(true);
    expect(cached.filter((file) => file.endsWith(".js")).length).toBeGreaterThanOrEqual(2);
    expect(cached.every((file) => file === "/index.html" || file === "/attend.html" || file.startsWith("/assets/"))).toBe(true);

    await server.stop();
    await page.goto(festivalUrl(server.url, festivalId));
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Cached Fest" }).waitFor({ timeout: 15_000 });
    await page.locator("pf-app header").getByRole("status").filter({ hasText: "offline" }).waitFor({ timeout: 10_000 });
    // the node's live answers are never kept: offline, /api fails instead of answering from a cache
    expect(await page.evaluate<string>(`fetch("/api/status").then(() => "answered", () => "failed")`)).toBe("failed");
    expect(await page.evaluate<string>(`fetch("/api/heads/${festivalId}").then(() => "answered", () => "failed")`)).toBe("failed");

    await addEvent(page, festivalId, { title: "Written in the dark", venue: "Cellar", date: "2027-10-01", start: "21:00", end: "22:00" });
    expect(await programmeTitles(page)).toContain("Written in the dark");

    server = await serve(dataDir, { port });
    const shown = await eventuallyShownWithEvent<ShownFestival>(dataDir, festivalId, "Written in the dark", 40_000);
    expect(Object.values(shown.events).map((event) => event.title)).toEqual(["Written in the dark"]);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it("keeps only the attendee view for an attendee's visit, which then opens offline, and the organiser's app once it runs", async () => {
    const { dataDir, festival, venue } = await festivalFixture("Pocket Fest");
    await cliJson(dataDir, ["event", "add", festival, "--title", "Read offline", "--venue", venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T19:00"]);
    const server = await serve(dataDir);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    const seen = watchPage(page);
    const view = page.locator("pf-attend");
    const titles = () => view.locator("#day-panel .title-text").allTextContents();
    // the shared link, as an attendee first opens it: it leads to attend.html
    await page.goto(festivalUrl(server.url, festival));
    await expect.poll(titles).toContain("Read offline");
    const [cacheName] = await controlledByServiceWorker(page);
    await eventually("the programme to be kept for offline visits", async () =>
      (await page.evaluate<number>(`caches.open("pandafest-programmes").then((cache) => cache.keys()).then((keys) => keys.length)`)) > 0 ? true : undefined,
    );
    const cached = await cachedPaths(page, cacheName);
    expect(cached).toContain("/attend.html");
    expect(cached).toContain("/index.html");
    expect(cached.filter((file) => file.endsWith(".wasm") || /\/(pf-app|browser-repo)-/.test(file)), "none of the organiser's app").toEqual([]);
    expect(await page.evaluate<boolean>(`caches.has("pandafest-organiser-app")`)).toBe(false);

    await context.setOffline(true);
    try {
      await page.reload();
      await expect.poll(titles).toContain("Read offline");
      // the shared link itself opens offline too: index.html's start leads to the attendee view without the app
      await page.goto("about:blank");
      await page.goto(festivalUrl(server.url, festival));
      await view.getByRole("heading", { level: 1, name: "Pocket Fest" }).waitFor({ timeout: 15_000 });
      await expect.poll(titles).toContain("Read offline");
      expect(await view.locator(".badge.offline").textContent()).toContain("as last seen");
    } finally {
      await context.setOffline(false);
    }

    // "Edit / organise": once the organiser's app runs, the worker keeps it (its wasm too), in this build and the next
    await page.goto(festivalUrl(server.url, festival));
    await view.getByRole("link", { name: "Edit / organise" }).click();
    await page.getByLabel("Your name", { exact: true }).waitFor();
    await eventually("the organiser's app to be kept", async () =>
      (await cachedPaths(page, cacheName)).some((file) => file.endsWith(".wasm")) ? true : undefined,
    );
    expect(await page.evaluate<boolean>(`caches.has("pandafest-organiser-app")`)).toBe(true);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it("takes a new build at once when the node answers, and keeps only the new build's cache", async () => {
    // a copy of the built app that this test changes as a new build would
    const app = path.join(await tempDir("pandafest-ui-swbuild-"), "app");
    await fs.cp(path.join(repoRoot, "ui", "dist"), app, { recursive: true });
    const server = await startServer({ dataDir: await tempDir("pandafest-ui-swbuild-data-"), port: 0, staticRoot: app });
    inProcess.push(server);
    const context = await browser.newContext();
    const page = await openApp(context, server.localUrl, "Build Bo");
    const seen = watchPage(page);
    const [firstCache] = await controlledByServiceWorker(page);
    const firstVersion = firstCache.replace("pandafest-app-", "");

    // the next build: another page, and a worker with another version
    const nextVersion = [...firstVersion].reverse().join("");
    const workerFile = path.join(app, "sw.js");
    const worker = await fs.readFile(workerFile, "utf8");
    expect(worker).toContain(`"version":"${firstVersion}"`);
    await fs.writeFile(workerFile, worker.replace(`"version":"${firstVersion}"`, `"version":"${nextVersion}"`));
    const pageFile = path.join(app, "index.html");
    await fs.writeFile(pageFile, (await fs.readFile(pageFile, "utf8")).replace("<head>", `<head><meta name="pandafest-build" content="next" />`));

    await page.reload();
    await page.getByRole("heading", { name: "Your festivals" }).waitFor();
    expect(await page.locator('meta[name="pandafest-build"]').count()).toBe(1);
    await eventually("only the new build's cache", async () => {
      const names = await page.evaluate<string[]>(`caches.keys().then((names) => names.filter((name) => name.startsWith("pandafest-app-")))`);
      return names.length === 1 && names[0] === `pandafest-app-${nextVersion}` ? true : undefined;
    });
    // the organiser's app ran here, so the new build keeps it too, wasm and all
    expect((await cachedPaths(page, `pandafest-app-${nextVersion}`)).some((file) => file.endsWith(".wasm"))).toBe(true);

    // and offline, the page is the new build's
    await server.close();
    inProcess.splice(inProcess.indexOf(server), 1);
    await page.reload();
    await page.getByRole("heading", { name: "Your festivals" }).waitFor({ timeout: 15_000 });
    expect(await page.locator('meta[name="pandafest-build"]').count()).toBe(1);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
