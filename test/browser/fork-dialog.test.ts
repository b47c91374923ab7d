// The fork dialog in a real Chromium: the new edition's first day moves the dates and the kept events by as many
// days as the first day moves (on the festival's wall clock), and the fork is public or private as chosen.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.js";
import { addEvent, addVenue, browserTestsRun, createFestival, festivalUrl, launchBrowser, openApp, programmeEvent, startServe, watchPage, type ServeProcess } from "./harness.js";

describe.skipIf(!browserTestsRun("fork-dialog.test.ts"))("the fork dialog", { timeout: 60_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;
  let origin: string;

  beforeAll(async () => {
    server = await startServe(await tempDir("pandafest-ui-fork-"));
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await openApp(context, server.url, "Kim");
    page.setDefaultTimeout(15_000);
    seen = watchPage(page);
    origin = await createFestival(page, { name: "Open Air", startDate: "2027-08-01", endDate: "2027-08-03", timeZone: "Europe/Berlin", visibility: "public" });
    await addVenue(page, origin, "Main Stage");
    await addEvent(page, origin, { title: "Opening", venue: "Main Stage", date: "2027-08-01", start: "18:00", end: "19:00" });
    await addEvent(page, origin, { title: "Late set", venue: "Main Stage", date: "2027-08-02", start: "23:30", end: "01:30" });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openDialog(festival: string) {
    await page.goto(festivalUrl(server.url, festival, "settings"));
    await page.getByRole("button", { name: "Fork this festival…" }).click();
    return page.getByRole("dialog");
  }

  async function eventTimes(festival: string, title: string): Promise<string[]> {
    await page.goto(festivalUrl(server.url, festival));
    await (await programmeEvent(page, new RegExp(title))).click();
    const form = page.locator("pf-event-form");
    await expect.poll(() => form.getByLabel("Title").inputValue()).toBe(title);
    return [await form.getByLabel("Starts on").inputValue(), await form.locator("#startTime").inputValue(), await form.getByLabel("Ends on").inputValue(), await form.locator("#endTime").inputValue()];
  }

  it("shifts the dates and the kept events to the new first day and makes the fork private as chosen", async () => {
    const dialog = await openDialog(origin);
    // the origin's visibility is the default
    expect(await dialog.getByRole("radio", { name: /Public/ }).isChecked()).toBe(true);
    expect(await dialog.locator("#shiftTo-hint").textContent()).toContain("This festival starts on 2027-08-01");
    await dialog.getByLabel("Name of the new festival").fill("Open Air 2028");
    await dialog.getByRole("checkbox", { name: /Events/ }).check();
    await dialog.getByLabel("New edition's first day").fill("2028-07-30");
    await dialog.getByRole("radio", { name: /Private/ }).check();
    await dialog.getByRole("button", { name: "Fork and open" }).click();
    await page.getByRole("heading", { level: 1, name: "Open Air 2028" }).waitFor();
    const fork = /#\/f\/([^/]+)\//.exec(page.url())?.[1] ?? "";
    expect(fork).not.toBe(origin);

    // 364 days later: same weekday, same wall-clock times, the late set still crossing midnight
    expect(await eventTimes(fork, "Opening")).toEqual(["2028-07-30", "18:00", "2028-07-30", "19:00"]);
    expect(await eventTimes(fork, "Late set")).toEqual(["2028-07-31", "23:30", "2028-08-01", "01:30"]);
    await page.goto(festivalUrl(server.url, fork, "settings"));
    const settings = page.locator("pf-settings form").first();
    await expect.poll(() => settings.getByLabel("First day").inputValue()).toBe("2028-07-30");
    expect(await settings.getByLabel("Last day").inputValue()).toBe("2028-08-01");
    expect(await settings.getByRole("radio", { name: /Private/ }).isChecked()).toBe(true);

    // the origin is as it was
    expect(await eventTimes(origin, "Opening")).toEqual(["2027-08-01", "18:00", "2027-08-01", "19:00"]);
    expect(seen.errors).toEqual([]);
  });

  it("keeps the dates when no first day is given, and makes a public fork of a private festival when asked", async () => {
    const secret = await createFestival(page, { name: "Hidden Air", startDate: "2027-09-10", endDate: "2027-09-11", timeZone: "Europe/Berlin" });
    const dialog = await openDialog(secret);
    expect(await dialog.getByRole("radio", { name: /Private/ }).isChecked()).toBe(true);
    await dialog.getByLabel("Name of the new festival").fill("Hidden Air, public");
    await dialog.getByRole("radio", { name: /Public/ }).check();
    await dialog.getByRole("button", { name: "Fork and open" }).click();
    await page.getByRole("heading", { level: 1, name: "Hidden Air, public" }).waitFor();
    const fork = /#\/f\/([^/]+)\//.exec(page.url())?.[1] ?? "";
    await page.goto(festivalUrl(server.url, fork, "settings"));
    const settings = page.locator("pf-settings form").first();
    await expect.poll(() => settings.getByLabel("First day").inputValue()).toBe("2027-09-10");
    expect(await settings.getByRole("radio", { name: /Public/ }).isChecked()).toBe(true);
    // a public festival is listed by the node
    await expect.poll(async () => (await (await page.request.get(`${server.url}/api/festivals`)).json()).map((entry: { id: string }) => entry.id), { timeout: 15_000 }).toContain(fork);
    expect(seen.errors).toEqual([]);
  });
});
