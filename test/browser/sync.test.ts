// Live sync in real Chromium: two tabs on one node, two browsers on two peered nodes, and an edit made while
// the node was down reaching it after a restart (checked with `pandafest festival show --json`).
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, tempDir } from "../helpers/cli.js";
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
  startServe,
  watchPage,
  type ServeProcess,
} from "./harness.js";

interface ShownFestival {
  events: Record<string, { title: string; venueId: string }>;
  venues: Record<string, { name: string }>;
  members: Record<string, { name: string }>;
}

const FESTIVAL = { startDate: "2027-08-01", endDate: "2027-08-02", timeZone: "Europe/Lisbon" };

describe.skipIf(!browserTestsRun("sync.test.ts"))("live sync in the browser", { timeout: 90_000 }, () => {
  let browser: Browser;
  const servers: ServeProcess[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
  });

  async function serve(dataDir: string, options: { port?: number; peers?: string[] } = {}): Promise<ServeProcess> {
    const server = await startServe(dataDir, options);
    servers.push(server);
    return server;
  }

  it("shows an edit made in one tab in another tab of the same node", async () => {
    const server = await serve(await tempDir("pandafest-ui-tabs-"));
    const context = await browser.newContext();
    const first = await openApp(context, server.url, "Ana");
    const festivalId = await createFestival(first, { name: "Tabs Fest", ...FESTIVAL });
    await addVenue(first, festivalId, "Hall");
    const second = await context.newPage();
    const seen = watchPage(second);
    await second.goto(festivalUrl(server.url, festivalId));
    await second.locator("pf-programme #summary").waitFor();

    await addEvent(first, festivalId, { title: "Made in tab one", venue: "Hall", date: "2027-08-01", start: "12:00", end: "13:00" });
    await second.locator("pf-programme").getByText("Made in tab one").first().waitFor({ timeout: 5000 });
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it("shows an event added on one node in a browser on a peered node within seconds", async () => {
    const nodeA = await serve(await tempDir("pandafest-ui-node-a-"));
    const nodeB = await serve(await tempDir("pandafest-ui-node-b-"), { peers: [`${nodeA.url.replace(/^http/, "ws")}/sync`] });
    const contextA = await browser.newContext();
    const contextB = await browser.newContext();
    const pageA = await openApp(contextA, nodeA.url, "Ana");
    // Public: nodes announce public festivals to each other (private ones travel only to peers that ask by id).
    const festivalId = await createFestival(pageA, { name: "Two Nodes Fest", ...FESTIVAL, visibility: "public", mode: "open" });
    await addVenue(pageA, festivalId, "Square");

    // B lists the public festival in its directory once A has announced it; the browser opens it from there.
    const pageB = await openApp(contextB, nodeB.url, "Bo");
    const listed = pageB.locator("pf-festivals").getByRole("link", { name: "Two Nodes Fest" });
    await eventually("the festival in node B's directory", async () => {
      await pageB.goto(`${nodeB.url}/#/`);
      await pageB.locator("pf-festivals").getByRole("heading", { name: "On this node" }).waitFor();
      await pageB.locator("pf-festivals").getByText(/Asking the node/).waitFor({ state: "detached" });
      return (await listed.count()) > 0 ? true : undefined;
    });
    await listed.click();
    await pageB.getByRole("heading", { level: 1, name: "Two Nodes Fest" }).waitFor({ timeout: 15_000 });
    expect(pageB.url()).toBe(festivalUrl(nodeB.url, festivalId));

    // on the day B's programme shows (the first: it shows one day at a time)
    await addEvent(pageA, festivalId, { title: "From node A", venue: "Square", date: "2027-08-01", start: "20:00", end: "21:00" });
    const started = Date.now();
    await pageB.locator("pf-programme").getByText("From node A").first().waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeLessThan(10_000);

    // And back: an edit in B reaches A, with B's member name recorded.
    await addEvent(pageB, festivalId, { title: "From node B", venue: "Square", date: "2027-08-01", start: "10:00", end: "11:00" });
    await pageA.goto(festivalUrl(nodeA.url, festivalId));
    await eventually("B's event in A's programme", async () => ((await programmeTitles(pageA)).includes("From node B") ? true : undefined), 10_000);
    await contextA.close();
    await contextB.close();
  });

  it("keeps an edit made while the node is down and delivers it when the node is back", async () => {
    const dataDir = await tempDir("pandafest-ui-offline-");
    await cliJson(dataDir, ["init", "--name", "Node keeper"]);
    let server = await serve(dataDir);
    const port = server.port;
    const context = await browser.newContext();
    const page = await openApp(context, server.url, "Offline Olga");
    const seen = watchPage(page);
    const festivalId = await createFestival(page, { name: "Offline Fest", ...FESTIVAL });
    await addVenue(page, festivalId, "Barn");
    await eventually(
      "the node to store the venue",
      async () => {
        const response = await fetch(`${server.url}/api/heads/${festivalId}`);
        return response.ok ? true : undefined;
      },
      10_000,
    );
    await page.waitForTimeout(500);
    await server.stop();

    await page.goto(festivalUrl(server.url.replace(/\/$/, ""), festivalId, "sync"));
    await page.locator('pf-sync [data-state="offline"]').waitFor({ timeout: 10_000 });
    await page.locator("pf-app header").getByRole("status").filter({ hasText: "offline" }).waitFor();
    await addEvent(page, festivalId, { title: "Planned offline", venue: "Barn", date: "2027-08-01", start: "09:00", end: "10:00" });
    expect((await programmeTitles(page)).includes("Planned offline")).toBe(true);

    server = await serve(dataDir, { port });
    const shown = await eventuallyShownWithEvent<ShownFestival>(dataDir, festivalId, "Planned offline", 20_000);
    expect(Object.values(shown.venues).map((venue) => venue.name)).toEqual(["Barn"]);
    expect(Object.values(shown.members).map((member) => member.name)).toContain("Offline Olga");
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
