// The programme shows each event's hosts by name and its tags as chips, each tag in a colour made from its text
// (the same on every screen and device), in the grid and in the list.
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { tagHue } from "../../ui/src/state/tag-colours.js";
import { cliJson, festivalFixture } from "../helpers/cli.js";
import { artifactsDir, browserTestsRun, festivalUrl, launchBrowser, openApp, startServe, type ServeProcess } from "./harness.js";

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

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("names the hosts and shows the tags of an event, in the grid and the list", async () => {
    const { dataDir, festival, venue } = await festivalFixture("Tag Fest", { open: true });
    await cliJson(dataDir, [
      "event", "add", festival, "--title", "Opening", "--venue", venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T19:00",
      "--host", "Grace Hopper", "--host", "Ada", "--tag", "music", "--tag", "Talk",
    ]);
    server = await startServe(dataDir);
    browser = await launchBrowser();
    const page = await openApp(await browser.newContext(), server.url, "Viewer");
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
});
