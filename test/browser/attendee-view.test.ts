// The attendee view in real Chromium: a shared festival link opened in a fresh profile shows the festival's programme
// at once, with no name asked and no Automerge loaded; day tabs, search and filters, favourites kept on the device,
// offline reload after a visit, nothing wider than a 360 px phone, sticky venue headers and time column.
import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture } from "../helpers/cli.js";
import { artifactsDir, browserTestsRun, repoRoot, eventually, festivalUrl, launchBrowser, startServe, watchPage, type ServeProcess } from "./harness.js";

const ATTEND = "pf-attend";

/** Elements (shadow roots included) reaching past the viewport's right edge, outside any box that scrolls itself. */
function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const found = [];
    const walk = (root) => {
      for (const element of root.children) {
        const style = getComputedStyle(element);
        const rect = element.getBoundingClientRect();
        if (style.display !== "none" && style.position !== "fixed" && rect.width > 0 && (rect.right > width + 0.5 || rect.left < -0.5)) {
          found.push(element.tagName.toLowerCase() + "." + element.className + " right=" + Math.round(rect.right));
        }
        // a box that scrolls itself keeps its content inside (the grid scrolls sideways within it)
        if (style.overflowX === "auto" || style.overflowX === "scroll" || style.overflowX === "hidden") continue;
        if (element.tagName === "DIALOG") continue;
        if (element.shadowRoot) walk(element.shadowRoot);
        walk(element);
      }
    };
    walk(document);
    if (document.documentElement.scrollWidth > width) found.push("document scrollWidth=" + document.documentElement.scrollWidth);
    return found;
  })()`);
}

/** Serious and critical accessibility faults axe-core finds on the page (shadow roots included). */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol, which the page's content security policy does not govern
  await page.evaluate(fs.readFileSync(path.join(repoRoot, "node_modules", "axe-core", "axe.min.js"), "utf8"));
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ["violations"] }).then((result) =>
    result.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))`);
}

/** Titles of the events shown (grid cards or list items). */
function shownTitles(page: Page): Promise<string[]> {
  return page.locator(`${ATTEND} #day-panel .title-text`).allTextContents();
}

describe.skipIf(!browserTestsRun("attendee-view.test.ts"))("the attendee view", { timeout: 180_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let festival: string;
  let privateFestival: string;
  const requests: string[] = [];

  beforeAll(async () => {
    const fixture = await festivalFixture("Attendee Fest");
    festival = fixture.festival;
    const { dataDir, venue } = fixture;
    const tent = await cliJson<{ id: string }>(dataDir, ["venue", "add", festival, "--name", "Tent"]);
    const add = (title: string, venueId: string, start: string, end: string, extra: string[] = []) =>
      cliJson(dataDir, ["event", "add", festival, "--title", title, "--venue", venueId, "--start", start, "--end", end, ...extra]);
    await add("Morning yoga", venue, "2027-07-01T10:00", "2027-07-01T11:00", ["--tag", "sport", "--description", "Bring a mat."]);
    await add("Opening", venue, "2027-07-01T18:00", "2027-07-01T19:00", ["--host", "Grace Hopper", "--tag", "music"]);
    await add("A short talk whose rather long title needs more than one line", tent.id, "2027-07-01T18:00", "2027-07-01T18:15", ["--host", "Ada Lovelace", "--tag", "talk"]);
    await add("Late concert", venue, "2027-07-01T22:00", "2027-07-01T23:30", ["--tag", "music"]);
    await add("Night dance", tent.id, "2027-07-02T21:00", "2027-07-02T23:00", ["--host", "Ada Lovelace", "--tag", "dance", "--status", "tentative"]);
    const hidden = await cliJson<{ id: string }>(dataDir, ["festival", "create", "Secret Fest", "--start", "2027-07-01", "--end", "2027-07-01", "--private"]);
    privateFestival = hidden.id;
    server = await startServe(dataDir);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("opens a shared link with the festival's name and programme, asking no name and loading no Automerge", async () => {
    const page = await context.newPage();
    const seen = watchPage(page);
    // what the page itself loads (the service worker fills its cache with the whole build afterwards, in the background)
    page.on("request", (request) => requests.push(request.url()));
    await page.goto(festivalUrl(server.url, festival));
    await page.locator(ATTEND).getByRole("heading", { level: 1, name: "Attendee Fest" }).waitFor();
    expect(page.url()).toContain(`attend.html#/f/${festival}`);
    await expect.poll(() => shownTitles(page)).toContain("Opening");
    expect(await page.getByLabel("Your name", { exact: true }).count()).toBe(0);
    expect(requests.filter((url) => url.endsWith(".wasm") || /browser-repo|pf-app/.test(url))).toEqual([]);
    expect(await page.title()).toBe("Programme · Attendee Fest · pandafest");
    // the organiser's app is one click away, and asks for a name there
    const organise = page.getByRole("link", { name: "Edit / organise" });
    expect(await organise.getAttribute("href")).toBe(`./#/f/${festival}/programme`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it("switches days with tabs, searches and filters by venue, tag and host, and keeps a favourite across a reload", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/attend.html#/f/${festival}`);
    const view = page.locator(ATTEND);
    await expect.poll(() => shownTitles(page)).toContain("Opening");
    expect(await shownTitles(page)).not.toContain("Night dance");
    await view.locator('[role="tab"][data-date="2027-07-02"]').click();
    await expect.poll(() => shownTitles(page)).toEqual(["Night dance"]);
    expect(await view.locator("#day-panel .badge.tentative").count()).toBe(1);
    await view.locator('[role="tab"][data-date="2027-07-01"]').click();

    await view.getByLabel("Search", { exact: true }).fill("yoga");
    await expect.poll(() => shownTitles(page)).toEqual(["Morning yoga"]);
    await view.getByLabel("Search", { exact: true }).fill("");
    await view.getByLabel("Venue", { exact: true }).selectOption({ label: "Tent" });
    await expect.poll(() => shownTitles(page)).toEqual(["A short talk whose rather long title needs more than one line"]);
    await view.getByLabel("Venue", { exact: true }).selectOption({ label: "All venues" });
    await view.getByLabel("Tag", { exact: true }).selectOption("music");
    await expect.poll(() => shownTitles(page)).toEqual(["Opening", "Late concert"]);
    await view.getByLabel("Tag", { exact: true }).selectOption({ label: "All tags" });
    await view.getByLabel("Host", { exact: true }).selectOption({ label: "Grace Hopper" });
    await expect.poll(() => shownTitles(page)).toEqual(["Opening"]);
    // a host's events on other days are counted in their tabs
    await view.getByLabel("Host", { exact: true }).selectOption({ label: "Ada Lovelace" });
    await expect.poll(() => view.locator('[role="tab"][data-date="2027-07-02"]').innerText()).toContain("(1)");
    await view.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(async () => (await shownTitles(page)).length).toBe(4);

    // the details of an event, from the grid
    await view.locator(".event", { hasText: "Morning yoga" }).click();
    const details = view.locator("dialog");
    await details.getByRole("heading", { name: "Morning yoga" }).waitFor();
    expect(await details.innerText()).toContain("Bring a mat.");
    expect(await seriousAxeViolations(page)).toEqual([]);
    await details.getByRole("button", { name: "☆ Add to my programme" }).click();
    await details.getByRole("button", { name: "Close" }).click();

    await page.reload();
    await view.getByRole("link", { name: "My programme (1)" }).click();
    await expect.poll(() => shownTitles(page)).toEqual(["Morning yoga"]);
    expect(await page.title()).toBe("My programme · Attendee Fest · pandafest");
    await page.goBack();
    await expect.poll(async () => (await shownTitles(page)).length).toBe(4);
    await page.close();
  });

  it("keeps the venue headers and the time column in view while the programme scrolls", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/attend.html#/f/${festival}`);
    const scroller = page.locator(`${ATTEND} .grid-scroll`);
    await expect.poll(() => shownTitles(page)).toContain("Opening");
    await page.screenshot({ path: path.join(artifactsDir, "attendee-view-1280.png") });
    const box = await scroller.boundingBox();
    await scroller.evaluate((element) => element.scrollBy(0, 400));
    await expect.poll(() => scroller.evaluate((element) => element.scrollTop)).toBeGreaterThan(300);
    const head = await page.locator(`${ATTEND} .venue-head`).first().boundingBox();
    expect(box && head && Math.abs(head.y - box.y)).toBeLessThan(3);
    await page.screenshot({ path: path.join(artifactsDir, "attendee-view-1280-scrolled.png") });

    await page.setViewportSize({ width: 360, height: 740 });
    await page.locator(`${ATTEND}`).getByRole("button", { name: "Grid" }).click();
    await scroller.evaluate((element) => element.scrollBy(120, 0));
    await expect.poll(() => scroller.evaluate((element) => element.scrollLeft)).toBeGreaterThan(10);
    const narrowBox = await scroller.boundingBox();
    const label = await page.locator(`${ATTEND} .time-label`).first().boundingBox();
    expect(narrowBox && label && Math.abs(label.x - narrowBox.x)).toBeLessThan(3);
    // a 15-minute slot in a phone's column: its title in whole lines inside the card, the full title on hover
    const shortTalk = page.locator(`${ATTEND} .event`, { hasText: "A short talk" });
    expect(await shortTalk.getAttribute("title")).toBe("A short talk whose rather long title needs more than one line");
    const fit = await shortTalk.evaluate((card) => {
      // runs in the page (the test's own types have no DOM)
      const title = (card as unknown as { querySelector(selector: string): { clientHeight: number; scrollHeight: number; getBoundingClientRect(): { bottom: number } } }).querySelector(".title");
      const page = globalThis as unknown as { getComputedStyle(element: unknown): { lineHeight: string } };
      const bounds = (card as unknown as { getBoundingClientRect(): { bottom: number } }).getBoundingClientRect();
      return { lines: title.clientHeight / parseFloat(page.getComputedStyle(title).lineHeight), clamped: title.scrollHeight > title.clientHeight, inside: title.getBoundingClientRect().bottom <= bounds.bottom + 0.5 };
    });
    expect(fit.clamped).toBe(true);
    expect(fit.inside).toBe(true);
    expect(Math.abs(fit.lines - Math.round(fit.lines))).toBeLessThan(0.05);
    expect(Math.round(fit.lines)).toBeGreaterThanOrEqual(1);
    expect(await overflowingElements(page)).toEqual([]);
    await page.close();
  });

  it("fits a 360 px phone, and reloads offline after a visit", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/attend.html#/f/${festival}`);
    await expect.poll(() => shownTitles(page)).toContain("Opening");
    expect(await page.locator(`${ATTEND} .list`).count()).toBe(1);
    expect(await overflowingElements(page)).toEqual([]);
    await page.screenshot({ path: path.join(artifactsDir, "attendee-view-360.png"), fullPage: true });

    await eventually("the service worker to control the page", async () =>
      (await page.evaluate<boolean>("navigator.serviceWorker.controller !== null")) ? true : undefined,
    );
    // the worker keeps the programme from this one visit
    await eventually("the programme to be kept for offline visits", async () =>
      (await page.evaluate<number>(`caches.open("pandafest-programmes").then((cache) => cache.keys()).then((keys) => keys.length)`)) > 0 ? true : undefined,
    );
    await context.setOffline(true);
    try {
      await page.reload();
      await page.locator(ATTEND).getByRole("heading", { level: 1, name: "Attendee Fest" }).waitFor();
      await expect.poll(() => shownTitles(page)).toContain("Opening");
      expect(await page.locator(`${ATTEND} .badge.offline`).textContent()).toContain("as last seen");
    } finally {
      await context.setOffline(false);
    }
    await page.close();
  });

  it("gives a private festival's programme to no other site's page, and says so for a festival it does not give", async () => {
    const foreign = await fetch(`${server.url}/festivals/${privateFestival}/programme.json`, { headers: { origin: "http://elsewhere.example" } });
    expect(foreign.status).toBe(403);
    const same = await fetch(`${server.url}/festivals/${festival}/programme.json`);
    expect(same.status).toBe(200);
    const body = (await same.json()) as { festival: { name: string }; hosts: Array<{ name: string }>; events: unknown[] };
    expect(body.festival.name).toBe("Attendee Fest");
    expect(body.events).toHaveLength(5);
    expect(body.hosts.map((host) => host.name).sort()).toEqual(["Ada Lovelace", "Grace Hopper"]);
    expect(JSON.stringify(body)).not.toContain("members");
    // named by its content: asking again with the tag costs a 304 and no body
    const tag = same.headers.get("etag") ?? "";
    expect(tag).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
    const again = await fetch(`${server.url}/festivals/${festival}/programme.json`, { headers: { "if-none-match": tag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect((await fetch(`${server.url}/festivals/${festival}/programme.json`, { headers: { "if-none-match": 'W/"other"' } })).status).toBe(200);

    const page = await context.newPage();
    await page.goto(`${server.url}/attend.html#/f/nosuchfestival`);
    await expect.poll(() => page.locator(`${ATTEND} [role="alert"]`).innerText()).toContain("shares no public programme");
    await page.close();
  });
});
