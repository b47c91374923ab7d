// Accessibility in a real Chromium: every form control on the main screens has a label (the event form's times
// read "Start time" and "End time"), a skip link reaches the programme, the document title names the screen and
// the festival, and the tentative badge's text has a contrast of at least 4.5:1 in light and dark schemes.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.js";
import { addEvent, addVenue, browserTestsRun, createFestival, festivalUrl, focusedText, launchBrowser, openApp, startServe, watchPage, type ServeProcess } from "./harness.js";

/** Form controls in the page (shadow roots included) that have no accessible label, named by tag, type and id. */
function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const found = [];
    const visit = (root) => {
      for (const element of root.querySelectorAll("*")) {
        if (element.shadowRoot) visit(element.shadowRoot);
        if (!["INPUT", "SELECT", "TEXTAREA"].includes(element.tagName) || element.type === "hidden") continue;
        const byLabel = element.labels && [...element.labels].some((label) => label.textContent.trim() !== "");
        const byAria = (element.getAttribute("aria-label") || "").trim() !== "" || element.hasAttribute("aria-labelledby");
        if (!byLabel && !byAria) found.push(element.tagName.toLowerCase() + "[type=" + (element.type || "") + "]#" + element.id + "[name=" + (element.name || "") + "]");
      }
    };
    visit(document);
    return found;
  })()`);
}

/** The tag name of the element with keyboard focus, looking inside shadow roots. */
function focusedTag(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    let element = document.activeElement;
    while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement;
    return element ? element.tagName.toLowerCase() : "";
  })()`);
}

/** The custom elements whose shadow roots hold the focused element, outermost first. */
function focusHosts(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const hosts = [];
    let element = document.activeElement;
    while (element && element.shadowRoot && element.shadowRoot.activeElement) {
      hosts.push(element.tagName.toLowerCase());
      element = element.shadowRoot.activeElement;
    }
    return hosts;
  })()`);
}

/** Text and background colour of the first tentative badge in the programme, the background the first opaque one up the tree. */
function badgeColours(page: Page): Promise<{ text: string; background: string }> {
  return page.evaluate<{ text: string; background: string }>(`(() => {
    const festival = document.querySelector("pf-app").shadowRoot.querySelector("pf-festival");
    const badge = festival.shadowRoot.querySelector("pf-programme").shadowRoot.querySelector(".badge.tentative");
    let element = badge;
    let background = "";
    while (element) {
      const colour = getComputedStyle(element).backgroundColor;
      if (colour && colour !== "transparent" && !/rgba\\(.*, 0\\)$/.test(colour)) { background = colour; break; }
      element = element.parentElement || (element.getRootNode() && element.getRootNode().host) || null;
    }
    return { text: getComputedStyle(badge).color, background: background || "rgb(255, 255, 255)" };
  })()`);
}

function luminance(colour: string): number {
  const match = /rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)/.exec(colour);
  if (!match) throw new Error(`not an rgb() colour: ${colour}`);
  if (match[4] !== undefined && Number(match[4]) !== 1) throw new Error(`a translucent colour cannot be measured on its own: ${colour}`);
  const [r, g, b] = [match[1], match[2], match[3]].map((part) => {
    const channel = Number(part) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

describe.skipIf(!browserTestsRun("accessibility.test.ts"))("accessibility", { timeout: 60_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;
  let festival: string;

  beforeAll(async () => {
    server = await startServe(await tempDir("pandafest-ui-a11y-"));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await openApp(context, server.url, "Kim");
    page.setDefaultTimeout(15_000);
    seen = watchPage(page);
    festival = await createFestival(page, { name: "Open Air", startDate: "2027-08-01", endDate: "2027-08-02", timeZone: "Europe/Berlin", visibility: "public" });
    await addVenue(page, festival, "Main Stage");
    await addEvent(page, festival, { title: "Opening", venue: "Main Stage", date: "2027-08-01", start: "18:00", end: "19:00", status: "tentative" });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("labels every form control, the event form's times as start and end", async () => {
    await page.goto(festivalUrl(server.url, festival, "event/new"));
    const form = page.locator("pf-event-form");
    await form.getByLabel("Title").waitFor();
    expect(await form.getByLabel("Start time", { exact: true }).getAttribute("id")).toBe("startTime");
    expect(await form.getByLabel("End time", { exact: true }).getAttribute("id")).toBe("endTime");
    expect(await form.getByLabel("at", { exact: true }).count()).toBe(0);

    const screens = ["event/new", "venue/new", "person/new", "programme", "venues", "people", "members", "history", "sync", "settings"];
    const unlabelled: Record<string, string[]> = {};
    await page.goto(`${server.url}/#/`);
    await page.getByRole("heading", { name: "Your festivals" }).waitFor();
    unlabelled.festivals = await unlabelledControls(page);
    for (const screen of screens) {
      await page.goto(festivalUrl(server.url, festival, screen));
      await page.getByRole("navigation", { name: "Festival" }).waitFor();
      await page.waitForTimeout(300);
      unlabelled[screen] = await unlabelledControls(page);
    }
    // the fork dialog, open
    await page.getByRole("button", { name: "Fork this festival…" }).click();
    await page.getByRole("dialog").getByLabel("New edition's first day").waitFor();
    unlabelled["fork dialog"] = await unlabelledControls(page);
    expect(unlabelled).toEqual(Object.fromEntries(["festivals", ...screens, "fork dialog"].map((screen) => [screen, []])));
    await page.keyboard.press("Escape");
  });

  it("has a skip link, first in the tab order, that moves focus past the navigation to the programme", async () => {
    await page.goto(festivalUrl(server.url, festival, "venues"));
    await page.reload();
    await page.locator("pf-venues").getByRole("link", { name: "Main Stage" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focusedText(page)).toBe("Skip to the programme");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.url()).toBe(festivalUrl(server.url, festival, "programme"));
    await expect.poll(() => focusedTag(page)).toBe("pf-programme");
    // the next stop is inside the programme, not the header or the festival's navigation
    await page.keyboard.press("Tab");
    expect(await focusHosts(page)).toEqual(["pf-app", "pf-festival", "pf-programme"]);
    // on the festivals screen the same link goes to the main content
    await page.goto(`${server.url}/#/`);
    await page.reload();
    await page.getByRole("heading", { name: "Your festivals" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focusedText(page)).toBe("Skip to the main content");
    await page.keyboard.press("Enter");
    await expect.poll(() => focusedTag(page)).toBe("main");
    expect(seen.errors).toEqual([]);
  });

  it("names the screen and the festival in the document title", async () => {
    await page.goto(festivalUrl(server.url, festival, "programme"));
    await expect.poll(() => page.title()).toBe("Programme · Open Air · pandafest");
    await page.locator("pf-festival nav").getByRole("link", { name: "Venues" }).click();
    await expect.poll(() => page.title()).toBe("Venues · Open Air · pandafest");
    await page.goto(festivalUrl(server.url, festival, "event/new"));
    await expect.poll(() => page.title()).toBe("New event · Open Air · pandafest");
    await page.goto(`${server.url}/#/`);
    await expect.poll(() => page.title()).toBe("Your festivals · pandafest");
    // a renamed festival is named at once
    await page.goto(festivalUrl(server.url, festival, "settings"));
    const settings = page.locator("pf-settings form").first();
    await settings.getByLabel("Name", { exact: true }).fill("Open Air Festival");
    await settings.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => page.title()).toBe("Settings · Open Air Festival · pandafest");
  });

  it("gives the tentative badge a contrast of at least 4.5:1, in light and dark colour schemes", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      await page.emulateMedia({ colorScheme });
      await page.goto(festivalUrl(server.url, festival, "programme"));
      await page.locator("pf-programme .badge.tentative").first().waitFor();
      const { text, background } = await badgeColours(page);
      expect(contrast(text, background), `${colorScheme}: ${text} on ${background}`).toBeGreaterThanOrEqual(4.5);
    }
    await page.emulateMedia({ colorScheme: "light" });
    expect(seen.errors).toEqual([]);
  });
});
