// Concurrent values seen outside the Conflicts screen: after the browser and another node rename one event apart,
// the programme marks the event, the navigation counts the conflict, the browser's person learns their value is not
// the one shown, and History says in words what each of them changed.
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";
import { artifactsDir, browserTestsRun, festivalUrl, launchBrowser, openApp, programmeTitles, startServe, watchPage, type ServeProcess } from "./harness.js";

interface HistoryRow {
  description: string;
  kind: string;
  author: { name: string } | null;
}

describe.skipIf(!browserTestsRun("conflicts-visible.test.ts"))("concurrent values in the programme, navigation and history", { timeout: 120_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let page: Page;
  let seen: ReturnType<typeof watchPage>;
  let ada: string;
  let festival: string;
  let eventId: string;
  let bobBundle: string;

  beforeAll(async () => {
    ({ dataDir: ada, festival } = await festivalFixture("Both Ways Fest", { open: true }));
    ({ id: eventId } = await cliJson<{ id: string }>(ada, [
      "event", "add", festival, "--title", "Opening", "--venue", "Main Stage", "--start", "2027-07-01T18:00:00+02:00", "--end", "2027-07-01T19:00:00+02:00",
    ]));
    // Bob's node holds a copy and, apart from the others, works on the event, renaming it last. His many edits give
    // his rename the later operation, so his title is the one every replica shows once both renames meet.
    const bob = await tempDir("pandafest-ui-conflicts-bob-");
    await cliJson(bob, ["init", "--name", "Bob"]);
    const work = await tempDir("pandafest-ui-conflicts-");
    await cliJson(ada, ["bundle", "export", festival, "--output", path.join(work, "full.pfb")]);
    await cliJson(bob, ["bundle", "import", path.join(work, "full.pfb")]);
    for (let draft = 1; draft <= 4; draft++) await cliJson(bob, ["event", "edit", festival, eventId, "--description", `Draft ${draft}`]);
    await cliJson(bob, ["event", "edit", festival, eventId, "--title", "Bob's opening"]);
    bobBundle = path.join(work, "bob.pfb");
    await cliJson(bob, ["bundle", "export", festival, "--output", bobBundle]);

    server = await startServe(ada);
    browser = await launchBrowser();
    page = await openApp(await browser.newContext({ viewport: { width: 1280, height: 900 } }), server.url, "Kim");
    seen = watchPage(page);
  }, 120_000); // a dozen CLI runs: room for a busy machine

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("marks the event in the programme, counts the conflict in the navigation and tells Kim her title is not shown", async () => {
    await page.goto(festivalUrl(server.url, festival, `event/${eventId}`));
    const form = page.locator("pf-event-form");
    await form.getByLabel("Title").fill("Kim's opening");
    await form.getByRole("button", { name: "Save changes" }).click();
    await page.goto(festivalUrl(server.url, festival));
    await page.locator("pf-programme").getByText("Kim's opening").first().waitFor();
    expect(await page.locator("pf-festival nav [data-conflicts]").count()).toBe(0);
    expect(await page.locator("pf-programme [data-conflict]").count()).toBe(0);
    expect(await page.locator("pf-festival [data-lost-values]").count()).toBe(0);

    // Bob's edits arrive on a bundle
    await page.goto(`${server.url}/#/`);
    const importer = page.locator("pf-festivals pf-bundle-import");
    await importer.locator('input[type="file"]').setInputFiles(bobBundle);
    await importer.locator(".notice.ok").waitFor();

    await page.goto(festivalUrl(server.url, festival));
    const programme = page.locator("pf-programme");
    const marked = programme.locator("a").filter({ has: page.locator("[data-conflict]") });
    await marked.first().waitFor({ timeout: 15_000 });
    expect(await programmeTitles(page)).toEqual(["Bob's opening"]);
    expect(await marked.count()).toBe(1);
    expect(await marked.locator(".title-text").textContent()).toBe("Bob's opening");
    expect(await programme.locator("[data-conflict-summary]").textContent()).toBe("1 with two values");

    const count = page.locator("pf-festival nav [data-conflicts]");
    expect(await count.getAttribute("data-conflicts")).toBe("1");
    expect((await page.locator("pf-festival nav a").filter({ has: page.locator("[data-conflicts]") }).textContent())?.replace(/\s+/g, " ").trim()).toBe("Conflicts 1");

    const notice = page.locator("pf-festival [data-lost-values]");
    const text = (await notice.textContent())?.replace(/\s+/g, " ") ?? "";
    expect(text).toContain("event “Bob's opening”: title: yours is “Kim's opening”, shown is “Bob's opening” (by Bob)");
    await page.screenshot({ path: path.join(artifactsDir, "conflict-in-programme.png"), fullPage: true });

    // The notice leads to the Conflicts screen, where keeping Kim's title ends the conflict everywhere
    await notice.getByRole("link", { name: "Choose the value to keep" }).click();
    const conflicts = page.locator("pf-conflicts");
    await conflicts.locator("ol > li").filter({ hasText: "Kim's opening" }).getByRole("button", { name: "Keep this value" }).click();
    await conflicts.getByText("No field holds concurrent values.").waitFor();
    await page.locator("pf-festival nav [data-conflicts]").waitFor({ state: "detached" });
    expect(await page.locator("pf-festival [data-lost-values]").count()).toBe(0);
    expect(seen.errors).toEqual([]);
  });

  it("says in words what each person changed, signatures folded into their edits", async () => {
    await page.goto(festivalUrl(server.url, festival, "history"));
    const rows = page.locator("pf-history tbody tr");
    await rows.first().waitFor();
    await page.locator("pf-history [data-checking-signatures]").waitFor({ state: "detached" });
    const lines = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        author: (tr.children[1]?.textContent ?? "").replace(/\s+/g, " ").trim(),
        change: (tr.children[2]?.querySelector("[data-change]")?.textContent ?? "").replace(/\s+/g, " ").trim(),
      })),
    );
    const byChange = (change: string) => lines.find((line) => line.change === change);
    expect(byChange("event “Opening”: title “Opening” → “Kim's opening”")?.author).toMatch(/^Kim /);
    expect(byChange("event “Opening”: title “Opening” → “Bob's opening”")?.author).toMatch(/^Bob /);
    expect(byChange("event “Kim's opening”: title: kept “Kim's opening” over “Bob's opening”")?.author, "the pick").toMatch(/^Kim /);
    expect(byChange("added event “Opening”")?.author).toMatch(/^Ada /);
    expect(byChange("created the festival “Both Ways Fest”")?.author).toMatch(/^Ada /);
    expect(lines.filter((line) => /signature|attestation/.test(line.change))).toEqual([]);
    expect(lines.filter((line) => line.author.startsWith("unverified"))).toEqual([]);
    await page.screenshot({ path: path.join(artifactsDir, "history-in-words.png"), fullPage: true });

    // the command line says the same, from the node's copy
    const history = await cliJson<HistoryRow[]>(ada, ["history", festival]);
    expect(history.find((row) => row.description === "event “Opening”: title “Opening” → “Kim's opening”")?.author?.name).toBe("Kim");
    expect(history.filter((row) => row.kind === "signature").length).toBeGreaterThan(0);
    expect(seen.errors).toEqual([]);
  });
});
