// Plurality in the browser: concurrent values merged from two people shown with their authors and resolved by
// a click, dangling references after a venue is removed, history with verified authors, and forking.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";
import { browserTestsRun, festivalUrl, launchBrowser, openApp, programmeTitles, startServe, watchPage, type ServeProcess } from "./harness.js";

interface CheckReport {
  conflicts: Array<{ field: string }>;
  dangling: Array<{ kind: string; eventId: string }>;
}

describe.skipIf(!browserTestsRun("plurality.test.ts"))("conflicts, history and forks in the browser", { timeout: 60_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;
  let ada: string;
  let festival: string;
  let venue: string;

  beforeAll(async () => {
    // Ada and Bob rename the same venue apart; Bob's bundle brings his value to Ada's copy.
    ({ dataDir: ada, festival, venue } = await festivalFixture("Plural Fest", { open: true }));
    await cliJson(ada, ["event", "add", festival, "--title", "Welcome", "--venue", venue, "--start", "2027-07-01T18:00:00+02:00", "--end", "2027-07-01T19:00:00+02:00"]);
    const bob = await tempDir("pandafest-ui-bob-");
    await cliJson(bob, ["init", "--name", "Bob"]);
    const work = await tempDir("pandafest-ui-plural-");
    const full = path.join(work, "full.pfb");
    await cliJson(ada, ["bundle", "export", festival, "--output", full]);
    await cliJson(bob, ["bundle", "import", full]);
    await cliJson(ada, ["venue", "edit", festival, venue, "--name", "Big Stage"]);
    await cliJson(bob, ["venue", "edit", festival, venue, "--name", "Huge Stage"]);
    const fromBob = path.join(work, "bob.pfb");
    await cliJson(bob, ["bundle", "export", festival, "--output", fromBob]);
    await cliJson(ada, ["bundle", "import", fromBob]);
    const report = await cliJson<CheckReport>(ada, ["check", festival]);
    expect(report.conflicts.map((conflict) => conflict.field)).toEqual([`venues.${venue}.name`]);

    server = await startServe(ada);
    browser = await launchBrowser();
    page = await openApp(await browser.newContext(), server.url, "Kim");
    seen = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("shows concurrent values with their authors and keeps the one picked", async () => {
    await page.goto(festivalUrl(server.url, festival, "conflicts"));
    const conflicts = page.locator("pf-conflicts");
    const values = conflicts.locator("ol > li");
    await values.first().waitFor({ timeout: 15_000 });
    const shown = (await values.allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());
    expect(shown.some((text) => text.startsWith("Big Stage by Ada"))).toBe(true);
    expect(shown.some((text) => text.startsWith("Huge Stage by Bob"))).toBe(true);
    await values.filter({ hasText: "Huge Stage" }).getByRole("button", { name: "Keep this value" }).click();
    await conflicts.getByText("No field holds concurrent values.").waitFor();
    await conflicts.getByRole("status").filter({ hasText: "is now Huge Stage" }).waitFor();
  });

  it("reports an event at a removed venue as dangling and keeps it in the programme", async () => {
    await page.goto(festivalUrl(server.url, festival, `venue/${venue}`));
    await page.locator("pf-venue-form").getByRole("button", { name: "Remove venue" }).click();
    await page.locator("pf-venue-form").getByText("This venue is removed.").waitFor();
    await page.goto(festivalUrl(server.url, festival, "conflicts"));
    await page.locator("pf-conflicts").getByText(/is at a removed venue/).waitFor();
    await page.goto(festivalUrl(server.url, festival));
    expect(await programmeTitles(page)).toEqual(["Welcome"]);
    await page.locator("pf-programme").getByText("Huge Stage (removed)").first().waitFor();
  });

  it("shows the history with verified authors, the browser's own edits included", async () => {
    await page.goto(festivalUrl(server.url, festival, "history"));
    const history = page.locator("pf-history");
    await history.locator("tbody tr").first().waitFor();
    await page.waitForTimeout(1000); // the browser's attestation is written shortly after its last edit
    await page.reload();
    await history.locator("tbody tr").first().waitFor();
    const authors = (await history.locator("tbody tr td:nth-child(2)").allTextContents()).map((text) => text.replace(/\s+/g, " ").trim());
    expect(authors.filter((author) => author.startsWith("unverified"))).toEqual([]);
    const names = new Set(authors.map((author) => author.split(" ")[0]));
    expect(names).toEqual(new Set(["Ada", "Bob", "Kim"]));
    expect(await history.locator("tbody tr").filter({ hasText: "removed venue “Huge Stage”" }).locator("td:nth-child(2)").first().textContent()).toMatch(/Kim/);
  });

  it("forks the festival keeping its events and opens the fork", async () => {
    await page.goto(festivalUrl(server.url, festival, `venue/${venue}`));
    await page.locator("pf-venue-form").getByRole("button", { name: "Restore venue" }).click();
    await page.locator("pf-venue-form").getByText("The venue is back.").waitFor();
    await page.goto(festivalUrl(server.url, festival, "settings"));
    await page.getByRole("button", { name: "Fork this festival…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name of the new festival").fill("Plural Fest 2028");
    await dialog.getByRole("checkbox", { name: /Events/ }).check();
    await dialog.getByRole("button", { name: "Fork and open" }).click();
    await page.getByRole("heading", { level: 1, name: "Plural Fest 2028" }).waitFor();
    await page.locator("pf-festival").getByText("forked from Plural Fest").waitFor();
    await page.locator("pf-programme").getByText("Welcome").first().waitFor();
    const forkId = /#\/f\/([^/]+)\//.exec(page.url())?.[1];
    expect(forkId).toBeDefined();
    expect(forkId).not.toBe(festival);
    expect(seen.errors).toEqual([]);
  });

  it("leaves the node's data directory with the pick and the restored venue", async () => {
    await page.close();
    await server.stop();
    const report = await cliJson<CheckReport>(ada, ["check", festival]);
    expect(report.conflicts).toEqual([]);
    expect(report.dangling).toEqual([]);
    const shown = await cliJson<{ venues: Record<string, { name: string; removed: boolean }> }>(ada, ["festival", "show", festival]);
    expect(shown.venues[venue]).toMatchObject({ name: "Huge Stage", removed: false });
  });
});
