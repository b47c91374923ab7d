// Bundles between the browser and the command line: a bundle exported in the browser (a download) imports with
// the CLI in another data directory, authorship intact; a CLI bundle imports in the browser; a damaged one is refused.
import fs from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, tempDir } from "../helpers/cli.js";
import {
  addEvent,
  addVenue,
  browserTestsRun,
  createFestival,
  festivalUrl,
  launchBrowser,
  openApp,
  programmeTitles,
  startServe,
  watchPage,
  type ServeProcess,
} from "./harness.js";

interface ShownFestival {
  name: string;
  visibility: string;
  events: Record<string, { title: string }>;
  venues: Record<string, { name: string }>;
}

interface HistoryRow {
  verified: boolean;
  author: { key: string; name: string } | null;
}

describe.skipIf(!browserTestsRun("bundles.test.ts"))("bundles between the browser and the CLI", { timeout: 60_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;
  let workDir: string;

  beforeAll(async () => {
    workDir = await tempDir("pandafest-ui-bundles-");
    server = await startServe(await tempDir("pandafest-ui-bundles-node-"));
    browser = await launchBrowser();
    context = await browser.newContext({ acceptDownloads: true });
    page = await openApp(context, server.url, "Kim");
    seen = watchPage(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("exports a bundle in the browser that the CLI imports elsewhere, with the browser's authorship verified", async () => {
    // public: a private festival's bundle goes to its members only (test/bundles/member-keys-*.test.ts)
    const festivalId = await createFestival(page, { name: "Browser Fest", startDate: "2027-09-01", endDate: "2027-09-02", timeZone: "Europe/Berlin", visibility: "public" });
    await addVenue(page, festivalId, "Meadow");
    await addEvent(page, festivalId, { title: "Packed in a browser", venue: "Meadow", date: "2027-09-01", start: "15:00", end: "16:00" });

    await page.goto(festivalUrl(server.url, festivalId, "sync"));
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export a bundle" }).click()]);
    // named by the festival and the day of the export (the browser's local date), with the CLI's extension
    const today = await page.evaluate(() => {
      const now = new Date();
      return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
    });
    expect(download.suggestedFilename()).toBe(`browser-fest-${today}.pfb`);
    const file = path.join(workDir, download.suggestedFilename());
    await download.saveAs(file);
    await page.locator("pf-sync").getByText(`Saved browser-fest-${today}.pfb`, { exact: false }).waitFor();

    // importing it back into the browser that made it brings nothing new, and says so
    const ownImporter = page.locator("pf-sync pf-bundle-import");
    await ownImporter.locator('input[type="file"]').setInputFiles(file);
    await ownImporter.locator(".notice.ok").waitFor();
    expect(await ownImporter.locator(".notice.ok").textContent()).toMatch(
      new RegExp(`browser-fest-${today}\\.pfb: "Browser Fest", nothing new: this browser already had everything in this bundle \\(\\d+ change\\(s\\)\\); carried by Kim`),
    );

    const elsewhere = await tempDir("pandafest-ui-bundles-cli-");
    await cliJson(elsewhere, ["init", "--name", "Bea"]);
    const imported = await cliJson<Array<{ festival: string; new: number; waiting: number }>>(elsewhere, ["bundle", "import", file]);
    expect(imported).toHaveLength(1);
    expect(imported[0].festival).toBe(festivalId);
    expect(imported[0].new).toBeGreaterThan(0);
    expect(imported[0].waiting).toBe(0);

    const shown = await cliJson<ShownFestival>(elsewhere, ["festival", "show", festivalId]);
    expect(shown.name).toBe("Browser Fest");
    expect(shown.visibility).toBe("public");
    expect(Object.values(shown.venues).map((venue) => venue.name)).toEqual(["Meadow"]);
    expect(Object.values(shown.events).map((event) => event.title)).toEqual(["Packed in a browser"]);
    const history = await cliJson<HistoryRow[]>(elsewhere, ["history", festivalId]);
    expect(history.length).toBeGreaterThan(3);
    expect(history.filter((row) => !row.verified)).toEqual([]);
    expect(new Set(history.map((row) => row.author?.name))).toEqual(new Set(["Kim"]));
    expect(seen.errors).toEqual([]);
  });

  it("imports a bundle exported by the CLI, and refuses a damaged one without changing anything", async () => {
    const cliDir = await tempDir("pandafest-ui-bundles-origin-");
    await cliJson(cliDir, ["init", "--name", "Cy"]);
    const created = await cliJson<{ id: string }>(cliDir, [
      "festival", "create", "Stick Fest", "--time-zone", "Europe/Berlin", "--start", "2027-09-10", "--end", "2027-09-11",
    ]);
    await cliJson(cliDir, ["venue", "add", created.id, "--name", "Barn"]);
    await cliJson(cliDir, ["event", "add", created.id, "--title", "Carried on a stick", "--venue", "Barn", "--start", "2027-09-10T18:00:00+02:00", "--end", "2027-09-10T19:30:00+02:00"]);
    const bundleFile = path.join(workDir, "stick-fest.pfb");
    await cliJson(cliDir, ["bundle", "export", created.id, "--output", bundleFile]);

    const damagedFile = path.join(workDir, "damaged.pfb");
    const bytes = await fs.readFile(bundleFile);
    bytes[bytes.length - 100] ^= 0xff;
    await fs.writeFile(damagedFile, bytes);

    await page.goto(`${server.url}/#/`);
    const importer = page.locator("pf-festivals pf-bundle-import");
    await importer.locator('input[type="file"]').setInputFiles(damagedFile);
    const refusal = importer.getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/damaged\.pfb: .*nothing was imported/s);
    expect(await page.locator("pf-festivals").getByRole("link", { name: "Stick Fest" }).count()).toBe(0);

    await importer.locator('input[type="file"]').setInputFiles(bundleFile);
    const report = importer.locator(".notice.ok");
    await report.waitFor();
    expect(await report.textContent()).toMatch(/stick-fest\.pfb: "Stick Fest", \d+ new change\(s\), 0 already here; carried by Cy/);
    await page.locator("pf-festivals").getByRole("link", { name: "Stick Fest" }).first().waitFor();
    await importer.getByRole("link", { name: "Open it" }).click();
    await page.getByRole("heading", { level: 1, name: "Stick Fest" }).waitFor();
    await page.locator("pf-programme").getByText("Carried on a stick").first().waitFor();
    expect(await programmeTitles(page)).toEqual(["Carried on a stick"]);

    // Importing the same file again brings nothing new.
    await page.goto(`${server.url}/#/`);
    await importer.locator('input[type="file"]').setInputFiles(bundleFile);
    await importer.locator(".notice.ok").waitFor();
    expect(await importer.locator(".notice.ok").textContent()).toMatch(/stick-fest\.pfb: "Stick Fest", nothing new: this browser already had everything in this bundle \(\d+ change\(s\)\); carried by Cy/);
    expect(seen.errors).toEqual([]);
  });

  it("imports a private festival's bundle sealed to this browser's key, and tells a browser it is not sealed to", async () => {
    // this browser's key, as its Members screen shows it
    const someFestival = (await cliJson<Array<{ id: string }>>(server.dataDir, ["festival", "list"]))[0].id;
    await page.goto(festivalUrl(server.url, someFestival, "members"));
    const browserKey = await page.locator("pf-members [data-your-key] code[data-key]").getAttribute("data-key");
    expect(browserKey).toMatch(/^[0-9a-f]{64}$/);

    const cliDir = await tempDir("pandafest-ui-bundles-members-");
    await cliJson(cliDir, ["init", "--name", "Dee"]);
    const created = await cliJson<{ id: string }>(cliDir, ["festival", "create", "Sealed Fest", "--private", "--start", "2027-09-10", "--end", "2027-09-11"]);
    await cliJson(cliDir, ["venue", "add", created.id, "--name", "Cellar"]);
    await cliJson(cliDir, ["member", "add", created.id, browserKey as string, "--role", "edit"]);
    const sealedFile = path.join(workDir, "sealed-fest.pfb");
    await cliJson(cliDir, ["bundle", "export", created.id, "--output", sealedFile]);

    // a second browser profile holds another key: the id alone no longer opens the bundle
    const stranger = await openApp(await browser.newContext(), server.url, "Stranger");
    const strangerImporter = stranger.locator("pf-festivals pf-bundle-import");
    await strangerImporter.locator("#join").fill(created.id);
    await strangerImporter.locator('input[type="file"]').setInputFiles(sealedFile);
    const strangerNotice = strangerImporter.locator(".notice, [role=alert]").first();
    await strangerNotice.waitFor({ timeout: 15_000 });
    expect(await strangerNotice.textContent()).toMatch(/key this identity does not hold/);
    expect(await stranger.locator("pf-festivals").getByRole("link", { name: "Sealed Fest" }).count()).toBe(0);

    await page.goto(`${server.url}/#/`);
    const importer = page.locator("pf-festivals pf-bundle-import");
    await importer.locator("#join").fill(created.id);
    await importer.locator('input[type="file"]').setInputFiles(sealedFile);
    await importer.locator(".notice.ok").waitFor();
    expect(await importer.locator(".notice.ok").textContent()).toMatch(/sealed-fest\.pfb: "Sealed Fest", \d+ new change\(s\)/);
    await page.locator("pf-festivals").getByRole("link", { name: "Sealed Fest" }).first().waitFor();
  });
});
