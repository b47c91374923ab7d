// A festival whose node lost a chunk (damaged on disk): the web app says, every time it is opened, that changes
// wait for missing history, and stops saying so once a bundle holding that history heals the node.
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliJson, tempDir } from "../helpers/cli.js";
import { artifactsDir, browserTestsRun, eventually, festivalUrl, launchBrowser, openApp, programmeEvent, startServe, watchPage, type ServeProcess } from "./harness.js";

async function chunkFiles(dataDir: string): Promise<string[]> {
  const files = await readdir(path.join(dataDir, "documents"), { recursive: true });
  return files.filter((file) => /(^|\/)(snapshot|incremental)\/[^/]+$/.test(file)).sort();
}

describe.skipIf(!browserTestsRun("waiting-history.test.ts"))("changes waiting for missing history", { timeout: 120_000 }, () => {
  let server: ServeProcess;
  let browser: Browser;
  let festival: string;
  let healer: string;

  beforeAll(async () => {
    const dataDir = await tempDir("pandafest-ui-waiting-");
    await cliJson(dataDir, ["init", "--name", "Ada"]);
    // a long, varied description keeps the snapshot larger than a few edits: each edit stays its own chunk
    const created = await cliJson<{ id: string }>(dataDir, [
      "festival", "create", "Gap Fest", "--time-zone", "UTC", "--start", "2027-07-01", "--end", "2027-07-03",
      "--description", Array.from({ length: 2000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join(" "),
    ]);
    festival = created.id;
    await cliJson(dataDir, ["venue", "add", festival, "--name", "Main"]);
    const chunkOf = new Map<string, string>();
    for (const [index, title] of ["E1", "E2", "E3"].entries()) {
      const before = new Set(await chunkFiles(dataDir));
      await cliJson(dataDir, ["event", "add", festival, "--title", title, "--venue", "Main", "--start", `2027-07-02T1${index}:00:00Z`, "--end", `2027-07-02T1${index}:30:00Z`]);
      const added = (await chunkFiles(dataDir)).filter((file) => !before.has(file));
      expect(added).toHaveLength(1);
      chunkOf.set(title, added[0]);
    }
    healer = path.join(await tempDir("pandafest-ui-healer-"), "whole.pfb");
    await cliJson(dataDir, ["bundle", "export", festival, "--output", healer]);
    // E2's chunk is damaged: E3 (edit and attestation) waits for it
    const target = path.join(dataDir, "documents", chunkOf.get("E2") ?? "");
    await writeFile(target, (await readFile(target)).subarray(0, 20));
    server = await startServe(dataDir);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("is said beside the programme every time the festival is opened, until a bundle heals the node", async () => {
    const context = await browser.newContext();
    const page = await openApp(context, server.url, "Kim");
    const seen = watchPage(page);
    await page.goto(festivalUrl(server.url, festival));
    const notice = page.locator("[data-waiting]");
    const noticeText = async () => ((await notice.textContent()) ?? "").replace(/\s+/g, " ");
    await expect.poll(noticeText, { timeout: 15_000 }).toMatch(/The node holds 2 change\(s\) of this festival that wait for 1 earlier change\(s\) it does not have/);
    expect(await noticeText()).toMatch(/quarantine/);
    await page.screenshot({ path: path.join(artifactsDir, "waiting-history.png") });
    await page.reload();
    await expect.poll(noticeText, { timeout: 15_000 }).toMatch(/wait for 1 earlier change/);

    await cliJson(server.dataDir, ["bundle", "import", healer]);
    await eventually("the node to be healed", async () => {
      const response = await page.request.get(`${server.url}/api/festivals/${festival}/waiting`);
      const body = (await response.json()) as { waiting: number };
      return body.waiting === 0 ? true : undefined;
    }, 30_000);
    await page.reload();
    await programmeEvent(page, /E3/);
    await expect.poll(() => notice.count()).toBe(0);
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
