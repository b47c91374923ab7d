// The time zone field of the festival creation and Settings forms in a real Chromium: a list of the browser's
// IANA zones to search, and a typed name that is not in it refused beside the field, in words.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, tempDir } from "../helpers/cli.js";
import { browserTestsRun, createFestival, eventually, festivalUrl, launchBrowser, openApp, startServe, watchPage, type ServeProcess } from "./harness.js";

describe.skipIf(!browserTestsRun("time-zone-field.test.ts"))("the time zone field", { timeout: 60_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;

  beforeAll(async () => {
    server = await startServe(await tempDir("pandafest-ui-zone-"));
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await openApp(context, server.url, "Kim");
    page.setDefaultTimeout(10_000);
    seen = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("offers the browser's IANA zones and refuses a name that is not one of them, beside the field", async () => {
    const form = page.locator("pf-festivals form").filter({ has: page.getByRole("button", { name: "Create festival" }) });
    const field = form.getByLabel("Time zone");
    const listId = await field.getAttribute("list");
    expect(listId).toBe("timeZone-choices");
    const options = form.locator(`datalist#${listId} option`);
    const supported = await page.evaluate(() => Intl.supportedValuesOf("timeZone"));
    expect(supported.length).toBeGreaterThan(300);
    expect(await options.count()).toBeGreaterThanOrEqual(supported.length);
    for (const zone of ["Europe/Berlin", "America/New_York", "UTC"]) expect(await options.and(page.locator(`[value="${zone}"]`)).count()).toBe(1);

    await form.getByLabel("Name", { exact: true }).fill("Zone Fest");
    await field.fill("Mars/Olympus_Mons");
    await form.getByRole("button", { name: "Create festival" }).click();
    const error = form.locator("#timeZone-error");
    await expect.poll(() => error.textContent()).toBe("“Mars/Olympus_Mons” is not a time zone in the list. Type part of a city (e.g. Berlin) and pick a zone from the list.");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    expect(await field.getAttribute("aria-describedby")).toContain("timeZone-error");
    // nothing was created
    expect(page.url()).not.toMatch(/#\/f\//);

    // a name in the wrong case is pointed at the listed one; the message goes as soon as the name is one of the list
    await field.fill("europe/berlin");
    await expect.poll(() => error.textContent()).toBe("“europe/berlin” is not a time zone in the list. Did you mean Europe/Berlin?");
    await field.fill("Europe/Berlin");
    await expect.poll(() => error.count()).toBe(0);
    expect(await field.getAttribute("aria-invalid")).toBe("false");
    expect(seen.errors).toEqual([]);
  });

  it("checks the Settings screen's field the same way and saves a listed zone", async () => {
    const id = await createFestival(page, { name: "Settings Zone Fest", startDate: "2027-07-01", endDate: "2027-07-02", timeZone: "Europe/Berlin", visibility: "public" });
    await page.goto(festivalUrl(server.url, id, "settings"));
    const form = page.locator("pf-settings form").first();
    const field = form.getByLabel("Time zone");
    await expect.poll(() => field.inputValue()).toBe("Europe/Berlin");
    expect(await form.locator("datalist#timeZone-choices option[value='Asia/Tokyo']").count()).toBe(1);

    await field.fill("Berlin");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => form.locator("#timeZone-error").textContent()).toContain("“Berlin” is not a time zone in the list.");

    await field.fill("Asia/Tokyo");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect.poll(() => form.locator("[role=status]").textContent()).toContain("timeZone");
    expect(await form.locator("#timeZone-error").count()).toBe(0);
    const shown = await eventually("the node to hold the new zone", async () => {
      try {
        const festival = await cliJson<{ timeZone?: string; settings?: { timeZone?: string } }>(server.dataDir, ["festival", "show", id, "--json"]);
        const zone = festival.settings?.timeZone ?? festival.timeZone;
        return zone === "Asia/Tokyo" ? zone : undefined;
      } catch {
        return undefined;
      }
    });
    expect(shown).toBe("Asia/Tokyo");
    expect(seen.errors).toEqual([]);
  });
});
