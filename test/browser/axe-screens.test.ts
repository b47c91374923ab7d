// Every main screen of the web app, checked by axe-core in Chromium (inside the components' shadow roots) at 1280
// and 360 px: no serious or critical violation, nothing wider than a phone's screen; a screenshot of each goes to
// test/artifacts/screens/ to be looked at.
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.js";
import { addEvent, addVenue, artifactsDir, browserTestsRun, createFestival, festivalUrl, launchBrowser, openApp, repoRoot, startServe, type ServeProcess } from "./harness.js";

const AXE_PATH = path.join(repoRoot, "node_modules", "axe-core", "axe.min.js");
const SHOTS = path.join(artifactsDir, "screens");

interface Finding {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe's serious and critical violations on the page as it is now (open shadow roots included, as axe does by default). */
async function seriousViolations(page: Page): Promise<Finding[]> {
  if (!(await page.evaluate<boolean>(`typeof window.axe === "object"`))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate<Finding[]>(`(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
      .map((violation) => ({
        id: violation.id,
        impact: violation.impact,
        help: violation.help,
        nodes: violation.nodes.slice(0, 4).map((node) => JSON.stringify(node.target) + ": " + (node.failureSummary || "").replace(/\\s+/g, " ")),
      }));
  })()`);
}

/** Elements wider than the viewport that make the page scroll sideways (none should, on a phone). */
function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>(`document.documentElement.scrollWidth - document.documentElement.clientWidth`);
}

describe.skipIf(!browserTestsRun("axe-screens.test.ts"))("every main screen, checked by axe-core", { timeout: 300_000 }, () => {
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("has no serious or critical accessibility violation and fits a 360 px screen", async () => {
    server = await startServe(await tempDir("pandafest-axe-"));
    browser = await launchBrowser();
    // the node's CSP allows only its own scripts; axe is injected by the test, so this context bypasses it
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    const page = await openApp(context, server.url, "Kim");
    const festival = await createFestival(page, { name: "Axe Fest", startDate: "2027-07-01", endDate: "2027-07-03", timeZone: "Europe/Berlin" });
    await addVenue(page, festival, "Main Stage");
    await addVenue(page, festival, "Tent");
    await addEvent(page, festival, { title: "Opening", venue: "Main Stage", date: "2027-07-01", start: "18:00", end: "19:00" });
    await addEvent(page, festival, { title: "Night set", venue: "Tent", date: "2027-07-01", start: "22:00", end: "01:00", status: "tentative" });
    await addEvent(page, festival, { title: "Soundcheck", venue: "Main Stage", date: "2027-07-01", start: "18:30", end: "19:30" });
    await addEvent(page, festival, { title: "Closing", venue: "Main Stage", date: "2027-07-02", start: "20:00", end: "21:00", status: "cancelled" });

    const screens: Array<{ name: string; url: string; ready: string }> = [
      { name: "festivals", url: `${server.url}#/`, ready: "pf-festivals" },
      { name: "programme", url: festivalUrl(server.url, festival), ready: "pf-programme .title-text" },
      { name: "event-form", url: festivalUrl(server.url, festival, "event/new"), ready: "pf-event-form form" },
      { name: "venues", url: festivalUrl(server.url, festival, "venues"), ready: "pf-venues" },
      { name: "venue-form", url: festivalUrl(server.url, festival, "venue/new"), ready: "pf-venue-form form" },
      { name: "people", url: festivalUrl(server.url, festival, "people"), ready: "pf-people" },
      { name: "person-form", url: festivalUrl(server.url, festival, "person/new"), ready: "pf-person-form form" },
      { name: "conflicts", url: festivalUrl(server.url, festival, "conflicts"), ready: "pf-conflicts h2" },
      { name: "proposals", url: festivalUrl(server.url, festival, "proposals"), ready: "pf-proposals h2" },
      { name: "bookings", url: festivalUrl(server.url, festival, "bookings"), ready: "pf-bookings pf-booking-timelines h3" },
      { name: "members", url: festivalUrl(server.url, festival, "members"), ready: "pf-members h2" },
      { name: "history", url: festivalUrl(server.url, festival, "history"), ready: "pf-history li" },
      { name: "sync", url: festivalUrl(server.url, festival, "sync"), ready: "pf-sync h2" },
      { name: "settings", url: festivalUrl(server.url, festival, "settings"), ready: "pf-settings form" },
      { name: "join", url: `${server.url}#/join/not-a-code`, ready: "pf-join" },
    ];
    fs.mkdirSync(SHOTS, { recursive: true });
    const violations: Record<string, Finding[]> = {};
    const overflowing: Record<string, number> = {};
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: width === 360 ? 740 : 900 });
      for (const screen of screens) {
        await page.goto(screen.url);
        await page.locator(screen.ready).first().waitFor();
        if (screen.name === "event-form") {
          // with a link row and the validation messages showing (a bad address among them): they are part of the screen too
          const form = page.locator("pf-event-form");
          await form.getByRole("button", { name: "Add a link" }).click();
          await form.getByLabel("Link 1 address").fill("ftp://example.org/slides");
          await form.getByRole("button", { name: "Add event" }).click();
          await page.locator("pf-event-form #title-error").waitFor();
          await form.locator('[id$="-url-error"]').waitFor();
        }
        const found = await seriousViolations(page);
        if (found.length > 0) violations[`${screen.name} @ ${width}px`] = found;
        const overflow = await sidewaysOverflow(page);
        if (overflow > 0) overflowing[`${screen.name} @ ${width}px`] = overflow;
        await page.screenshot({ path: path.join(SHOTS, `${screen.name}-${width}.png`), fullPage: true });
      }
    }
    expect(violations).toEqual({});
    expect(overflowing, "pixels the page scrolls sideways").toEqual({});

    // axe does look inside the components' shadow roots: an unlabelled field planted in one is found
    await page.goto(festivalUrl(server.url, festival, "settings"));
    await page.locator("pf-settings form").first().waitFor();
    await page.evaluate(`(() => {
      const festival = document.querySelector("pf-app").shadowRoot.querySelector("pf-festival");
      const input = document.createElement("input");
      input.id = "planted";
      festival.shadowRoot.querySelector("pf-settings").shadowRoot.append(input);
    })()`);
    expect((await seriousViolations(page)).map((finding) => finding.id)).toContain("label");
  });
});
