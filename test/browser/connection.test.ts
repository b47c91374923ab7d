// The connection badge tells the truth in real Chromium: offline within seconds when the node stops or stops answering
// (a relay that goes silent), back when it returns; reconnection backs off instead of failing every 2 s in the console.
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerConnectionStatus } from "../../engine/browser/browser-repo.js";
import { tempDir } from "../helpers/cli.js";
import { browserTestsRun, createFestival, eventually, festivalUrl, launchBrowser, openApp, startServe, watchPage, type ServeProcess } from "./harness.js";
import { startStallingProxy, type StallingProxy } from "./stalling-proxy.js";

const FESTIVAL = { startDate: "2027-09-01", endDate: "2027-09-02", timeZone: "Europe/Madrid" };
/** "Within a few seconds": the heartbeat (every 3 s, answers within 2.5 s) and the badge's 1 s grace fit well inside. */
const TRUTH_WITHIN_MS = 10_000;

/** The page's connection to its node, as the app sees it. */
function connectionStatus(page: Page): Promise<ServerConnectionStatus> {
  return page.evaluate<ServerConnectionStatus>(`document.querySelector("pf-app").services.server.status()`);
}

const offlineBadge = (page: Page) => page.locator("pf-app header").getByRole("status").filter({ hasText: "offline" });

/** Errors the page writes to its console (Chromium logs each failed websocket and request there), with when. */
function consoleErrors(page: Page): { at: number; text: string }[] {
  const errors: { at: number; text: string }[] = [];
  page.on("console", (message: ConsoleMessage) => {
    if (message.type() === "error") errors.push({ at: Date.now(), text: message.text() });
  });
  return errors;
}

describe.skipIf(!browserTestsRun("connection.test.ts"))("the connection badge", { timeout: 120_000 }, () => {
  let browser: Browser;
  const servers: ServeProcess[] = [];
  const proxies: StallingProxy[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
    for (const proxy of proxies) await proxy.close();
  });

  async function serve(dataDir: string, options: { port?: number; args?: string[] } = {}): Promise<ServeProcess> {
    const server = await startServe(dataDir, options);
    servers.push(server);
    return server;
  }

  it("says offline within seconds when the node stops, retries with growing pauses, and says connected once it is back", async () => {
    const dataDir = await tempDir("pandafest-ui-badge-");
    let server = await serve(dataDir);
    const context = await browser.newContext();
    const page = await openApp(context, server.url, "Badge Bea");
    const seen = watchPage(page);
    const errors = consoleErrors(page);
    const festivalId = await createFestival(page, { name: "Badge Fest", ...FESTIVAL });
    await page.goto(festivalUrl(server.url, festivalId, "sync"));
    await page.locator('pf-sync [data-state="online"]').waitFor();
    expect(await offlineBadge(page).count()).toBe(0);

    const errorsBefore = errors.length;
    // taken before the node goes: the pauses below are counted from no later than the loss
    const stoppedAt = Date.now();
    await server.stop();
    await offlineBadge(page).waitFor({ timeout: TRUTH_WITHIN_MS });
    const badgeAfterMs = Date.now() - stoppedAt;
    await page.locator('pf-sync [data-state="offline"]').waitFor({ timeout: TRUTH_WITHIN_MS });
    expect((await connectionStatus(page)).offlineReason).toBe("closed");

    // five attempts after the loss: 2 s apart they would take 10 s; backing off from 1 s (each delay between half
    // and all of 1, 2, 4, 8, 15 s) they take at least 15 s
    // read between attempts (while an attempt is under way there is no next one planned yet)
    const status = await eventually("five reconnection attempts", async () => {
      const current = await connectionStatus(page);
      return current.attempts >= 5 && current.nextAttemptAt !== undefined ? current : undefined;
    }, 60_000, 100);
    const elapsed = Date.now() - stoppedAt;
    expect(elapsed).toBeGreaterThanOrEqual(14_000);
    expect(status.state).toBe("offline");
    expect(status.nextAttemptAt).toBeGreaterThan(Date.now() - 1000);
    // at most one console error per attempt (the browser's own "WebSocket connection ... failed"), nothing per tick
    const outageErrors = errors.slice(errorsBefore);
    expect(outageErrors.length).toBeLessThanOrEqual(status.attempts + 1);
    console.log(`[connection] node stopped: badge after ${badgeAfterMs} ms; ${status.attempts} attempts and ${outageErrors.length} console errors in ${elapsed} ms`);

    server = await serve(dataDir, { port: server.port });
    await page.getByRole("button", { name: "Try now" }).click();
    await page.locator('pf-sync [data-state="online"]').waitFor({ timeout: TRUTH_WITHIN_MS });
    await offlineBadge(page).waitFor({ state: "detached", timeout: TRUTH_WITHIN_MS });
    expect((await connectionStatus(page)).attempts).toBe(0);
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it("says offline within seconds when the node stops answering without closing the connection, and connected once it answers", async () => {
    const proxy = await startStallingProxy();
    proxies.push(proxy);
    // the page talks to the node through the relay: the node answers to the relay's address too
    const server = await serve(await tempDir("pandafest-ui-silent-"), { args: ["--allow-host", `127.0.0.1:${proxy.port}`] });
    proxy.target(server.port);
    const context = await browser.newContext();
    const page = await openApp(context, proxy.url, "Silent Sam");
    const seen = watchPage(page);
    await createFestival(page, { name: "Silent Fest", ...FESTIVAL });
    await eventually("the page online through the relay", async () => ((await connectionStatus(page)).state === "online" ? true : undefined));

    await eventually("the service worker to control the page", async () =>
      (await page.evaluate<boolean>("navigator.serviceWorker.controller !== null")) ? true : undefined,
    );

    proxy.stall();
    const stalledAt = Date.now();
    await offlineBadge(page).waitFor({ timeout: TRUTH_WITHIN_MS });
    console.log(`[connection] node silent: badge after ${Date.now() - stalledAt} ms`);
    expect((await connectionStatus(page)).offlineReason).toBe("no-answer");
    // opened again while the node is silent, the app starts from the service worker's cache after a short wait
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Silent Fest" }).waitFor({ timeout: 15_000 });
    await offlineBadge(page).waitFor({ timeout: TRUTH_WITHIN_MS });

    proxy.resume();
    await eventually("the page online again", async () => ((await connectionStatus(page)).state === "online" ? true : undefined), 30_000);
    await offlineBadge(page).waitFor({ state: "detached", timeout: TRUTH_WITHIN_MS });
    expect(seen.errors).toEqual([]);
    await context.close();
  });

  it("checks the node at once when the browser says it lost its network, and reconnects at once when it is back", async () => {
    const server = await serve(await tempDir("pandafest-ui-netless-"));
    const context = await browser.newContext();
    const page = await openApp(context, server.url, "Netless Nia");
    const seen = watchPage(page);
    await createFestival(page, { name: "Netless Fest", ...FESTIVAL });
    await eventually("the page online", async () => ((await connectionStatus(page)).state === "online" ? true : undefined));

    await context.setOffline(true);
    await offlineBadge(page).waitFor({ timeout: TRUTH_WITHIN_MS });
    // (Chromium also closes the socket when its network goes; the reason given is the browser's)
    expect((await connectionStatus(page)).offlineReason).toBe("browser-offline");

    await context.setOffline(false);
    await eventually("the page online again", async () => ((await connectionStatus(page)).state === "online" ? true : undefined), TRUTH_WITHIN_MS);
    await offlineBadge(page).waitFor({ state: "detached", timeout: TRUTH_WITHIN_MS });
    expect(seen.errors).toEqual([]);
    await context.close();
  });
});
