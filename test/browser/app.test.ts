// The web app in a real Chromium against a real `pandafest serve`: creating a festival, venues and events
// through the forms, reloading, validation next to fields, festival text as text, keyboard use, screenshots.
import fs from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, tempDir } from "../helpers/cli.js";
import {
  addEvent,
  addVenue,
  artifactsDir,
  browserTestsRun,
  createFestival,
  eventually,
  focusedText,
  festivalUrl,
  launchBrowser,
  openApp,
  programmeTitles,
  startServe,
  watchPage,
  type ServeProcess,
} from "./harness.js";

const XSS_TITLE = "<img src=x onerror=alert(1)>";

describe.skipIf(!browserTestsRun("app.test.ts"))("the web app", { timeout: 60_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;
  let festivalId: string;

  beforeAll(async () => {
    server = await startServe(await tempDir("pandafest-ui-app-"));
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await openApp(context, server.url, "Kim");
    seen = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("creates a festival, venues and events through the forms, and keeps them after a reload", async () => {
    festivalId = await createFestival(page, { name: "Summer Fest", startDate: "2027-07-01", endDate: "2027-07-03", timeZone: "Europe/Berlin" });
    await addVenue(page, festivalId, "Main Stage");
    await addVenue(page, festivalId, "Tent");
    await addEvent(page, festivalId, { title: "Opening", venue: "Main Stage", date: "2027-07-01", start: "18:00", end: "19:00" });
    await addEvent(page, festivalId, { title: "Late set", venue: "Main Stage", date: "2027-07-01", start: "23:30", end: "01:30" });
    await addEvent(page, festivalId, { title: "Workshop", venue: "Tent", date: "2027-07-02", start: "10:00", end: "11:00", status: "tentative" });

    await page.reload();
    // one day at a time, in tabs; the programme opens on the first day (the festival is not running now)
    await expect.poll(() => programmeTitles(page)).toEqual(["Opening", "Late set"]);
    // The late set runs past midnight but belongs to the first festival day (days start at 04:00).
    await page.locator("pf-programme").getByRole("tab", { selected: false }).first().click();
    await expect.poll(() => programmeTitles(page)).toEqual(["Workshop"]);
    await expect.poll(() => page.locator("pf-programme a.event.tentative .title-text").allTextContents()).toEqual(["Workshop"]);
    await page.locator("pf-programme").getByRole("tab").first().click();

    // The programme links the node's schedule exports for attendees' apps.
    const href = await page.locator("pf-programme").getByRole("link", { name: "schedule.json" }).getAttribute("href");
    expect(href).toBe(`festivals/${festivalId}/schedule.json`);
    const schedule = await eventually("the node's schedule.json", async () => {
      const response = await page.request.get(new URL(href ?? "", `${server.url}/`).toString());
      const text = response.ok() ? await response.text() : "";
      return text.includes("Workshop") ? text : undefined;
    });
    expect(schedule).toContain("Late set");

    await page.getByRole("link", { name: "Venues", exact: true }).click();
    await expect.poll(() => page.locator("pf-venues li strong").allTextContents()).toEqual(["Main Stage", "Tent"]);

    // The event form shows what was entered, on the festival's wall clock.
    await page.goto(festivalUrl(server.url, festivalId));
    await page.locator("pf-programme").getByRole("link", { name: /Late set/ }).click();
    const form = page.locator("pf-event-form");
    await expect.poll(() => form.locator("#startTime").inputValue()).toBe("23:30");
    expect(await form.locator("#endTime").inputValue()).toBe("01:30");
    expect(await form.locator("#endDate").inputValue()).toBe("2027-07-02");
    expect(await form.getByLabel("Venue").locator("option:checked").textContent()).toBe("Main Stage");
    expect(seen.errors).toEqual([]);
  });

  it("signs every edit as it is made: a reload at once leaves nothing unsigned, and the node follows the festival", async () => {
    const id = await createFestival(page, { name: "Quick Fest", startDate: "2027-08-01", endDate: "2027-08-01", timeZone: "UTC", visibility: "public" });
    // reload as soon as the node holds the new festival: the edit and its attestation were made in one tick, so
    // both are there (a page that signed later, after a pause, is reloaded before it signs)
    await eventually("the node to hold the festival", async () => ((await page.request.get(`${server.url}/api/heads/${id}`)).ok() ? true : undefined), 15_000, 20);
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Quick Fest" }).waitFor();
    // the node follows (lists) a festival a browser sends only when every change in it is signed
    await eventually("the node to list the festival", async () => {
      const response = await page.request.get(`${server.url}/api/festivals`);
      const listed = response.ok() ? ((await response.json()) as Array<{ id: string }>) : [];
      return listed.some((entry) => entry.id === id) ? true : undefined;
    });
    const history = await cliJson<Array<{ verified: boolean }>>(server.dataDir, ["history", id]);
    expect(history.length).toBeGreaterThan(0);
    expect(history.filter((change) => !change.verified)).toEqual([]);
  });

  it("shows the engine's validation messages next to the field they are about", async () => {
    await page.goto(festivalUrl(server.url, festivalId, "event/new"));
    const form = page.locator("pf-event-form");
    await form.getByLabel("Title").fill("Half-filled");
    await form.getByRole("button", { name: "Add event" }).click();
    const startTime = form.locator("#startTime");
    await expect.poll(() => startTime.getAttribute("aria-invalid")).toBe("true");
    const startError = form.locator("#startTime-error");
    expect(await startError.textContent()).toMatch(/start time/);
    expect(await startTime.getAttribute("aria-describedby")).toContain("startTime-error");

    await startTime.fill("20:00");
    await form.getByLabel("Ends on").fill("2027-07-01");
    await form.locator("#endTime").fill("19:00");
    await form.getByRole("button", { name: "Add event" }).click();
    await expect.poll(() => form.locator("#endTime").getAttribute("aria-invalid")).toBe("true");
    expect(await form.locator("#endTime-error").textContent()).toMatch(/Choose an end after the start/);
    expect(await startTime.getAttribute("aria-invalid")).toBe("false");

    await form.getByLabel("Title").fill("");
    await form.getByRole("button", { name: "Add event" }).click();
    await expect.poll(() => form.locator("#title-error").textContent()).toMatch(/Enter a non-empty single-line text/);
  });

  it("stores nothing of an event whose new host is refused: the form's changes are one transaction", async () => {
    await page.goto(festivalUrl(server.url, festivalId, "event/new"));
    const form = page.locator("pf-event-form");
    await form.getByLabel("Title").fill("Half stored");
    await form.getByLabel("Venue").selectOption({ label: "Main Stage" });
    await form.getByLabel("Starts on").fill("2027-07-02");
    await form.getByLabel("Ends on").fill("2027-07-02");
    await form.locator("#startTime").fill("12:00");
    await form.locator("#endTime").fill("13:00");
    await form.getByLabel("New hosts").fill("x".repeat(201)); // longer than a person's name may be
    const before = await cliJson<{ events: Record<string, unknown> }>(server.dataDir, ["festival", "show", festivalId]);
    await form.getByRole("button", { name: "Add event" }).click();
    await expect.poll(() => form.locator('[role="alert"], .notice.error').first().textContent()).toMatch(/200 characters/);
    expect(page.url()).toContain("event/new"); // still on the form, with what was typed
    await page.goto(festivalUrl(server.url, festivalId));
    expect(await programmeTitles(page)).not.toContain("Half stored");
    const after = await cliJson<{ events: Record<string, unknown> }>(server.dataDir, ["festival", "show", festivalId]);
    expect(Object.keys(after.events).sort()).toEqual(Object.keys(before.events).sort());
  });

  it("shows an event titled like HTML as text and runs nothing", async () => {
    await addEvent(page, festivalId, { title: XSS_TITLE, venue: "Tent", date: "2027-07-01", start: "18:30", end: "20:00" });
    await page.reload();
    const programme = page.locator("pf-programme");
    await programme.getByText(XSS_TITLE, { exact: true }).first().waitFor();
    expect(await programme.locator("img").count()).toBe(0);
    await page.getByRole("button", { name: "List" }).click();
    await programme.locator("ol.list").first().waitFor();
    expect(await programme.getByText(XSS_TITLE, { exact: true }).count()).toBe(1);
    expect(await programme.locator("img").count()).toBe(0);
    await programme.getByRole("link", { name: /onerror/ }).click();
    await page.locator("pf-event-form").getByRole("heading", { name: `Edit “${XSS_TITLE}”` }).waitFor();
    expect(await page.locator("pf-event-form img").count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
  });

  it("can be used by keyboard: tabbing reaches the programme's actions and Enter follows them", async () => {
    await page.goto(festivalUrl(server.url, festivalId));
    await page.locator("pf-programme").getByText("Opening").first().waitFor();
    let focused = "";
    for (let step = 0; step < 30 && focused !== "Add event"; step++) {
      await page.keyboard.press("Tab");
      focused = await focusedText(page);
    }
    expect(focused).toBe("Add event");
    await page.keyboard.press("Enter");
    await page.locator("pf-event-form").getByRole("heading", { name: "Add an event" }).waitFor();
  });

  it("asks for a name on first use, with the problem next to the field, and lets the name be changed", async () => {
    const fresh = await browser.newContext();
    const first = await fresh.newPage();
    await first.goto(server.url);
    const nameField = first.getByLabel("Your name", { exact: true });
    await nameField.fill("   ");
    await first.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => nameField.getAttribute("aria-invalid")).toBe("true");
    expect(await first.locator("pf-name-form #name-error").textContent()).toMatch(/name is empty/);
    await nameField.fill("Lou");
    await first.getByRole("button", { name: "Continue" }).click();
    await first.getByRole("heading", { name: "Your festivals" }).waitFor();
    await fresh.close();

    await page.goto(festivalUrl(server.url, festivalId));
    await page.getByRole("button", { name: "Your name: Kim. Change it" }).click();
    await page.getByLabel("Your name", { exact: true }).fill("Kim Organiser");
    await page.getByRole("button", { name: "Save name" }).click();
    await page.getByRole("button", { name: "Your name: Kim Organiser. Change it" }).waitFor();
    await addVenue(page, festivalId, "Garden");
    await page.goto(festivalUrl(server.url, festivalId, "people"));
    await expect.poll(() => page.locator("pf-people li strong").allTextContents()).toContain("Kim Organiser");
  });

  it("saves screenshots of the programme at desktop and phone width", async () => {
    await fs.mkdir(artifactsDir, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(festivalUrl(server.url, festivalId));
    const programme = page.locator("pf-programme");
    await programme.getByRole("button", { name: "Grid" }).click();
    await programme.locator('[data-layout="grid"] a.event').first().waitFor();
    const desktop = path.join(artifactsDir, "programme-desktop.png");
    await page.screenshot({ path: desktop, fullPage: true });

    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    await programme.locator('[data-layout="list"] ol.list').first().waitFor();
    const phone = path.join(artifactsDir, "programme-phone.png");
    await page.screenshot({ path: phone, fullPage: true });
    const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    for (const file of [desktop, phone]) expect((await fs.stat(file)).size).toBeGreaterThan(5000);
    expect(seen.errors).toEqual([]);
  });
});
