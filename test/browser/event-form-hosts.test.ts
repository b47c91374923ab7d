// The event form writes only what the person changed: saving a new title keeps the stored order of an event's
// hosts untouched (the boxes are sorted by name), so a concurrent host edit elsewhere merges without a conflict.
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";
import { browserTestsRun, festivalUrl, launchBrowser, openApp, startServe, type ServeProcess } from "./harness.js";

interface EventRow {
  id: string;
  title: string;
  hostIds: string[];
}
interface CheckReport {
  conflicts: Array<{ field: string }>;
}

describe.skipIf(!browserTestsRun("event-form-hosts.test.ts"))("the event form and an event's hosts", { timeout: 120_000 }, () => {
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("saves a title without rewriting the hosts, so a concurrent host edit is no conflict", async () => {
    const { dataDir: ada, festival, venue } = await festivalFixture("Host Fest", { open: true });
    const added = await cliJson<{ id: string }>(ada, [
      "event", "add", festival, "--title", "Talk", "--venue", venue, "--start", "2027-07-01T18:00", "--end", "2027-07-01T19:00", "--host", "Zed", "--host", "Anna",
    ]);
    const before = (await cliJson<EventRow[]>(ada, ["event", "list", festival])).find((event) => event.id === added.id) as EventRow;
    expect(before.hostIds).toHaveLength(2);

    // Bob holds a copy and, apart, adds a host
    const bob = await tempDir("pandafest-ui-hosts-bob-");
    await cliJson(bob, ["init", "--name", "Bob"]);
    const work = await tempDir("pandafest-ui-hosts-");
    await cliJson(ada, ["bundle", "export", festival, "--output", path.join(work, "full.pfb")]);
    await cliJson(bob, ["bundle", "import", path.join(work, "full.pfb")]);
    await cliJson(bob, ["event", "edit", festival, added.id, "--host", "Zed", "--host", "Anna", "--host", "Carl"]);
    await cliJson(bob, ["bundle", "export", festival, "--output", path.join(work, "bob.pfb")]);

    // Ada renames the talk in the web app, touching nothing else
    server = await startServe(ada);
    browser = await launchBrowser();
    const page = await openApp(await browser.newContext(), server.url, "Ada in the browser");
    await page.goto(festivalUrl(server.url, festival, `event/${added.id}`));
    const form = page.locator("pf-event-form");
    await form.getByLabel("Title").fill("Keynote");
    await form.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(async () => (await cliJson<EventRow[]>(ada, ["event", "list", festival])).find((event) => event.id === added.id)?.title, { timeout: 15_000 }).toBe("Keynote");
    const after = (await cliJson<EventRow[]>(ada, ["event", "list", festival])).find((event) => event.id === added.id) as EventRow;
    expect(after.hostIds, "the stored order, untouched").toEqual(before.hostIds);

    await cliJson(ada, ["bundle", "import", path.join(work, "bob.pfb")]);
    const report = await cliJson<CheckReport>(ada, ["check", festival]);
    expect(report.conflicts.map((conflict) => conflict.field)).toEqual([]);
    const merged = (await cliJson<EventRow[]>(ada, ["event", "list", festival])).find((event) => event.id === added.id) as EventRow;
    expect(merged.title).toBe("Keynote");
    expect(merged.hostIds).toHaveLength(3);
  });
});
