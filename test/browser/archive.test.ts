// The static archive in a real Chromium from file:// with JavaScript off: index to a day, an event and a person by
// its links, hostile text shown as text, readable at 1280 and 360 px (screenshots in test/artifacts).
import fs from "node:fs/promises";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addEvent, addPerson, addVenue } from "../../engine/core/operations.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { createFestival, dataDirWithIdentity } from "../fork/store-fixtures.js";
import { artifactsDir, browserTestsRun, launchBrowser, watchPage } from "./harness.js";

const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

const HOSTILE = 'Opening <script>alert("title")</script><img src=x onerror=alert(2)>';
const LONG_TITLE = "A workshop with a very long title about Verbundwerkstoffrecyclinganlagenbetriebsgenehmigungsverfahren and more";

describe.skipIf(!browserTestsRun("archive.test.ts"))("the static archive in Chromium, from file://", { timeout: 90_000 }, () => {
  let browser: Browser;
  let indexUrl: string;

  beforeAll(async () => {
    const dataDir = await dataDirWithIdentity();
    const festival = await createFestival(
      dataDir,
      { name: "Pandafest Sommer 🎪", description: "Three days by the lake.\n\nBring a towel.", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-03", visibility: "public" },
      (editor) => {
        const stage = addVenue(editor, { name: "Main Stage", address: "Seestraße 1, Berlin" });
        const tent = addVenue(editor, { name: "Workshop tent" });
        const lake = addVenue(editor, { name: "Lake shore" });
        const ana = addPerson(editor, { name: "Ana Lima", bio: "Plays the cello.\nSings, too." });
        const omar = addPerson(editor, { name: "عمر الفاروق" });
        addEvent(editor, { title: HOSTILE, description: "Doors at 19:30 & bring <snacks>.", venueId: stage, start: "2027-07-01T20:00:00+02:00", end: "2027-07-01T21:30:00+02:00", hostIds: [ana, omar], tags: ["concert"] });
        addEvent(editor, { title: LONG_TITLE, venueId: tent, start: "2027-07-01T14:00:00+02:00", end: "2027-07-01T16:00:00+02:00", hostIds: [omar] });
        addEvent(editor, { title: "Morning swim", venueId: lake, start: "2027-07-01T08:00:00+02:00", end: "2027-07-01T09:00:00+02:00", status: "tentative" });
        addEvent(editor, { title: "Fire show", venueId: stage, start: "2027-07-01T23:00:00+02:00", end: "2027-07-02T00:30:00+02:00", status: "cancelled" });
        addEvent(editor, { title: "Late set", venueId: stage, start: "2027-07-02T01:30:00+02:00", end: "2027-07-02T03:00:00+02:00", hostIds: [ana] });
        addEvent(editor, { title: "Cello at dawn", venueId: lake, start: "2027-07-02T06:00:00+02:00", end: "2027-07-02T07:00:00+02:00", hostIds: [ana] });
        addEvent(editor, { title: "Closing", venueId: stage, start: "2027-07-03T18:00:00+02:00", end: "2027-07-03T19:00:00+02:00" });
      },
    );
    const out = path.join(await tempDir("pandafest-archive-browser-"), "archive");
    const result = await runCli(dataDir, ["export", festival, "--format", "html", "-o", out]);
    if (result.code !== 0) throw new Error(`export failed: ${result.stderr}`);
    indexUrl = pathToFileURL(path.join(out, "index.html")).href;
    browser = await launchBrowser();
    await fs.mkdir(artifactsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  async function open(width: number, javaScriptEnabled = false): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  it("follows links from the index to a day, an event and a person with JavaScript off (1280 px)", async () => {
    const page = await open(1280);
    await page.goto(indexUrl);
    await expect.poll(() => page.title()).toBe("Pandafest Sommer 🎪");
    await page.getByRole("heading", { name: "Days" }).waitFor();
    expect(await page.getByRole("link", { name: "schedule.xml" }).getAttribute("href")).toBe("schedule.xml");
    await page.screenshot({ path: path.join(artifactsDir, "archive-index-1280.png"), fullPage: true });

    await page.getByRole("main").getByRole("link", { name: "Thursday 1 July 2027" }).click();
    await page.getByRole("heading", { level: 1, name: "Thursday 1 July 2027" }).waitFor();
    expect(page.url()).toMatch(/\/days\/2027-07-01\.html$/);
    // venues in name order, events by time; the event after midnight is still this festival day's
    const headings = await page.getByRole("heading", { level: 2 }).allTextContents();
    expect(headings).toEqual(["Lake shore", "Main Stage", "Workshop tent"]);
    expect(await page.locator("main").textContent()).toContain("Fri 2 Jul 01:30–03:00");
    await page.screenshot({ path: path.join(artifactsDir, "archive-day-1280.png"), fullPage: true });

    await page.getByRole("link", { name: HOSTILE }).click();
    await page.getByRole("heading", { level: 1, name: HOSTILE }).waitFor();
    expect(await page.locator("img").count()).toBe(0);
    const details = await page.locator("dl.details").textContent();
    expect(details).toContain("Thursday 1 July 2027, 20:00–21:30 (Europe/Berlin, UTC+02:00)");
    expect(details).toContain("Main Stage");
    expect(details).toContain("Confirmed");
    expect(await page.locator(".description").textContent()).toBe("Doors at 19:30 & bring <snacks>.");
    await page.screenshot({ path: path.join(artifactsDir, "archive-event-1280.png"), fullPage: true });

    await page.getByRole("link", { name: "Ana Lima" }).click();
    await page.getByRole("heading", { level: 1, name: "Ana Lima" }).waitFor();
    expect(await page.locator(".description").innerText()).toBe("Plays the cello.\nSings, too.");
    expect(await page.locator("li.event .title").allTextContents()).toEqual([HOSTILE, "Late set", "Cello at dawn"]);
    await page.getByRole("link", { name: "Programme" }).first().click();
    expect(page.url()).toBe(indexUrl);
    await page.context().close();
  });

  it("fits a 360 px phone: no sideways scrolling on a day or an event page", async () => {
    const page = await open(360);
    await page.goto(indexUrl.replace(/index\.html$/, "days/2027-07-01.html"));
    await page.getByRole("heading", { level: 1 }).waitFor();
    for (const locator of [page.locator("body"), page.getByRole("link", { name: LONG_TITLE }), page.locator("ul.events").first()]) {
      const box = await locator.boundingBox();
      expect(box, "laid out").not.toBeNull();
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(360);
    }
    await page.screenshot({ path: path.join(artifactsDir, "archive-day-360.png"), fullPage: true });
    await page.getByRole("link", { name: "Fire show" }).click();
    await page.getByRole("heading", { level: 1, name: "Fire show" }).waitFor();
    expect(await page.locator("dl.details").textContent()).toContain("Cancelled");
    const details = await page.locator("dl.details").boundingBox();
    expect((details?.x ?? 0) + (details?.width ?? 0)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: path.join(artifactsDir, "archive-event-360.png"), fullPage: true });
    await page.context().close();
  });

  it("runs nothing from festival text even with JavaScript on", async () => {
    const page = await open(1280, true);
    const seen = watchPage(page);
    await page.goto(indexUrl.replace(/index\.html$/, "days/2027-07-01.html"));
    await page.getByRole("link", { name: HOSTILE }).click();
    await page.getByRole("heading", { level: 1, name: HOSTILE }).waitFor();
    expect(await page.locator("script").count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    await page.context().close();
  });

  it("has no accessibility fault axe-core finds on the index, a day, an event and a person", async () => {
    const page = await open(1280, true);
    const faults: string[] = [];
    for (const target of ["index.html", "days/2027-07-01.html"]) {
      await page.goto(indexUrl.replace(/index\.html$/, target));
      await page.getByRole("heading", { level: 1 }).waitFor();
      faults.push(...(await axeFaults(page)).map((fault) => `${target}: ${fault}`));
    }
    await page.getByRole("link", { name: HOSTILE }).click();
    await page.getByRole("heading", { level: 1, name: HOSTILE }).waitFor();
    faults.push(...(await axeFaults(page)).map((fault) => `event: ${fault}`));
    await page.getByRole("link", { name: "Ana Lima" }).click();
    await page.getByRole("heading", { level: 1, name: "Ana Lima" }).waitFor();
    faults.push(...(await axeFaults(page)).map((fault) => `person: ${fault}`));
    expect(faults).toEqual([]);
    await page.context().close();
  });
});

/** axe-core's violations on the page (WCAG 2 A and AA rules and best practices), as "rule: target" lines. */
async function axeFaults(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  // a string: the tests compile without the DOM's types
  const faults: unknown = await page.evaluate(`(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.flatMap((violation) => violation.nodes.map((node) => violation.id + ": " + JSON.stringify(node.target)));
  })()`);
  if (!Array.isArray(faults)) throw new Error("axe-core did not run");
  return faults.map(String);
}
