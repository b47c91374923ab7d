// The programme shows each event's hosts by name and its tags as chips, each tag in a colour made from its text
// (the same on every screen and device), in the grid and in the list; a busy day shows every one of its events,
// in the organiser's programme and in the attendee view.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editorForDoc } from "../../engine/core/editor.js";
import { addEvent, addVenue } from "../../engine/core/operations.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import { FestivalStore } from "../../engine/node/store.js";
import { tagHue } from "../../ui/src/state/tag-colours.js";
import { cliJson, festivalFixture } from "../helpers/cli.js";
import { artifactsDir, browserTestsRun, festivalUrl, launchBrowser, openApp, startServe, type ServeProcess } from "./harness.js";

/** More events on one day than the programme renders in one step (it adds the rest a task later, a step at a time). */
const BUSY_DAY_EVENTS = 450;

/** Stores a one-day festival of BUSY_DAY_EVENTS events in ten venues, every ten minutes from 08:00. */
async function storeBusyDay(dataDir: string): Promise<string> {
  const store = await FestivalStore.open(dataDir);
  try {
    const { id } = await store.createFromDoc(() => {
      const editor = editorForDoc(createFestivalDoc({ name: "Busy Fest", timeZone: "UTC", startDate: "2027-08-01", endDate: "2027-08-01" }));
      const venues = Array.from({ length: 10 }, (_, index) => addVenue(editor, { name: `Stage ${index + 1}` }));
      for (let index = 0; index < BUSY_DAY_EVENTS; index++) {
        const start = new Date(Date.UTC(2027, 7, 1, 8, 0) + Math.floor(index / 10) * 10 * 60_000);
        const end = new Date(start.getTime() + 30 * 60_000);
        addEvent(editor, { title: `Set ${index + 1}`, venueId: venues[index % 10], start: start.toISOString(), end: end.toISOString() });
      }
      return editor.doc;
    });
    return id;
  } finally {
    await store.close();
  }
}

/** The cards the programme shows and the number of events its day holds. */
async function cardsShown(page: Page): Promise<[number, number]> {
  const programme = page.locator("pf-programme");
  return [await programme.locator("a.event, .list li").count(), Number(await programme.locator(".programme").getAttribute("data-day-events"))];
}

describe("tag colours", () => {
  it("are the same for the same text, whatever its case or spacing, and differ between common tags", () => {
    expect(tagHue("Music")).toBe(tagHue(" music "));
    const hues = new Set(["music", "talk", "workshop", "film", "kids", "dance"].map(tagHue));
    expect(hues.size).toBeGreaterThan(3);
    for (const hue of hues) expect(hue >= 0 && hue < 360).toBe(true);
  });
});

describe.skipIf(!browserTestsRun("programme-hosts-tags.test.ts"))("hosts and tags in the programme", { timeout: 120_000 }, () => {
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let festival: string;
  let busyFestival: string;

  beforeAll(async () => {
    const fixture = await festivalFixture("Tag Fest", { open: true });
    festival = fixture.festival;
    await cliJson(fixture.dataDir, [
      "event", "add", festival, "--title", "Opening", "--venue", fixture.venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T19:00",
      "--host", "Grace Hopper", "--host", "Ada", "--tag", "music", "--tag", "Talk",
    ]);
    busyFestival = await storeBusyDay(fixture.dataDir);
    server = await startServe(fixture.dataDir);
    browser = await launchBrowser();
    page = await openApp(await browser.newContext(), server.url, "Viewer");
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("names the hosts and shows the tags of an event, in the grid and the list", async () => {
    if (!server) throw new Error("no server");
    await page.goto(festivalUrl(server.url, festival, "programme"));
    const event = page.locator("pf-programme a.event", { hasText: "Opening" });
    await expect.poll(() => event.count(), { timeout: 15_000 }).toBe(1);
    expect(await event.locator(".hosts").innerText()).toBe("with Grace Hopper, Ada");
    const tags = event.locator(".tag");
    expect(await tags.allInnerTexts()).toEqual(["music", "Talk"]);
    // each chip in its tag's colour, the same one the rule gives
    const [hue, background, text] = await tags.first().evaluate((chip) => {
      // runs in the page (the test's own types have no DOM)
      const page = globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string; color: string; getPropertyValue(name: string): string } };
      const style = page.getComputedStyle(chip);
      return [style.getPropertyValue("--tag-hue").trim(), style.backgroundColor, style.color];
    });
    expect(hue).toBe(String(tagHue("music")));
    expect(background).not.toBe(text);
    await page.screenshot({ path: path.join(artifactsDir, "programme-hosts-tags.png") });

    await page.locator("pf-programme").getByRole("button", { name: "List" }).click();
    const item = page.locator("pf-programme .list li", { hasText: "Opening" });
    await expect.poll(() => item.count(), { timeout: 10_000 }).toBe(1);
    expect(await item.locator(".hosts").innerText()).toBe("with Grace Hopper, Ada");
    expect(await item.locator(".tag").allInnerTexts()).toEqual(["music", "Talk"]);
  });

  it("shows every event of a busy day, from the kept snapshot and from the loaded festival, in the grid and the list", async () => {
    if (!server) throw new Error("no server");
    await page.goto(festivalUrl(server.url, busyFestival, "programme"));
    const live = page.locator('pf-programme[data-source="live"]');
    await live.waitFor({ state: "attached", timeout: 15_000 });
    await expect.poll(() => cardsShown(page), { timeout: 15_000 }).toEqual([BUSY_DAY_EVENTS, BUSY_DAY_EVENTS]);
    expect(await page.locator("pf-programme #summary").innerText()).toMatch(new RegExp(`^${BUSY_DAY_EVENTS} events in 10 venues`));
    // a reload shows the snapshot kept from this visit, then the festival loaded from the browser's storage
    await page.waitForTimeout(700); // the snapshot for the next visit is written half a second after opening
    await page.reload();
    await live.waitFor({ state: "attached", timeout: 15_000 });
    await expect.poll(() => cardsShown(page), { timeout: 15_000 }).toEqual([BUSY_DAY_EVENTS, BUSY_DAY_EVENTS]);
    await page.locator("pf-programme").getByRole("button", { name: "List" }).click();
    await expect.poll(() => cardsShown(page), { timeout: 15_000 }).toEqual([BUSY_DAY_EVENTS, BUSY_DAY_EVENTS]);
    await expect(page.locator("pf-programme .list li", { hasText: `Set ${BUSY_DAY_EVENTS}` }).count()).resolves.toBe(1);

    // the attendee view shows the busy day a chunk at a time too, and in the end every event, in the grid and the list
    await page.goto(`${server.url}/attend.html#/f/${busyFestival}`);
    const attend = page.locator("pf-attend");
    await attend.getByRole("button", { name: "Grid" }).click();
    await expect.poll(() => attend.locator(".event[data-event]").count(), { timeout: 15_000 }).toBe(BUSY_DAY_EVENTS);
    await attend.getByRole("button", { name: "List" }).click();
    await expect.poll(() => attend.locator(".list li[data-event]").count(), { timeout: 15_000 }).toBe(BUSY_DAY_EVENTS);
    await expect(attend.locator(".list li", { hasText: `Set ${BUSY_DAY_EVENTS}` }).count()).resolves.toBe(1);
  });
});
