// What the browser tests share: Debian's Chromium through playwright-core, real `pandafest serve` processes on
// loopback, and the few UI steps every test needs (naming the browser, creating festivals, venues, events).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { test } from "vitest";
import { cliJson } from "../helpers/cli.js";

/** The repository root, found from this file whether it runs from test/ or compiled under dist/test/. */
function findRepoRoot(start: string): string {
  let directory = start;
  while (!fs.existsSync(path.join(directory, "bin", "pandafest.js"))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`cannot find the pandafest repository above ${start}`);
    directory = parent;
  }
  return directory;
}

export const repoRoot = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
const cliPath = path.join(repoRoot, "bin", "pandafest.js");

/** Debian's Chromium; PANDAFEST_CHROMIUM names another binary. */
export const CHROMIUM_PATH = process.env.PANDAFEST_CHROMIUM || "/usr/bin/chromium";
export const chromiumAvailable = fs.existsSync(CHROMIUM_PATH);
/** CI sets PANDAFEST_REQUIRE_BROWSER: there a missing Chromium fails instead of skipping. */
export const browserRequired = Boolean(process.env.PANDAFEST_REQUIRE_BROWSER);
export const artifactsDir = path.join(repoRoot, "test", "artifacts");
const webAppIndex = path.join(repoRoot, "ui", "dist", "index.html");

/**
 * Whether the browser tests of a file run. Without Chromium they are skipped, visibly; when CI requires the
 * browser (PANDAFEST_REQUIRE_BROWSER), a failing test takes their place instead.
 */
export function browserTestsRun(file: string): boolean {
  if (chromiumAvailable) return true;
  if (browserRequired) {
    test(`${file} needs Chromium at ${CHROMIUM_PATH}`, () => {
      throw new Error(`no Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium); PANDAFEST_REQUIRE_BROWSER is set, so this is a failure`);
    });
  } else {
    console.warn(`[${file}] SKIPPED: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium); CI sets PANDAFEST_REQUIRE_BROWSER and fails instead`);
  }
  return false;
}

/** Launches Chromium; `extraArgs` adds command-line switches (e.g. --host-resolver-rules for a rebinding test). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  if (!fs.existsSync(webAppIndex)) throw new Error(`the web app is not built (${webAppIndex} is missing): run \`npm run build\` first`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-quic",
      "--no-first-run",
      "--disable-component-update",
      "--disable-sync",
      ...extraArgs,
    ],
  });
}

export interface ServeProcess {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** SIGTERM, then wait for the process to flush and exit */
  stop(): Promise<void>;
}

const SERVE_START_TIMEOUT_MS = 15_000;

/** Starts `pandafest serve` on 127.0.0.1 and resolves once it printed its URL (--json); `args` adds options of serve. */
export function startServe(dataDir: string, options: { port?: number; peers?: string[]; args?: string[] } = {}): Promise<ServeProcess> {
  const args = [cliPath, "--data", dataDir, "--json", "serve", "--port", String(options.port ?? 0)];
  for (const peer of options.peers ?? []) args.push("--peer", peer);
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, { env: { ...process.env, TZ: "UTC" }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`pandafest serve did not start within ${SERVE_START_TIMEOUT_MS} ms: ${stderr}`));
    }, SERVE_START_TIMEOUT_MS);
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const onEarlyExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`pandafest serve exited with ${code} before it was ready: ${stderr}`));
    };
    child.once("exit", onEarlyExit);
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      let info: { url?: unknown; port?: unknown };
      try {
        info = JSON.parse(stdout) as { url?: unknown; port?: unknown };
      } catch {
        return; // not all of it yet
      }
      clearTimeout(timer);
      child.off("exit", onEarlyExit);
      if (typeof info.url !== "string" || typeof info.port !== "number") {
        reject(new Error(`pandafest serve printed unexpected JSON: ${stdout}`));
        return;
      }
      resolve({
        url: info.url,
        port: info.port,
        dataDir,
        child,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}

/**
 * `pandafest festival show --json` of the festival in `dataDir` once it holds an event titled `title` (an edit made
 * in a page has reached the node), polled every 500 ms for at most `timeoutMs`.
 */
export function eventuallyShownWithEvent<T extends { events: Record<string, { title: string }> }>(
  dataDir: string,
  festivalId: string,
  title: string,
  timeoutMs: number,
): Promise<T> {
  return eventually(
    `the event "${title}" in \`pandafest festival show --json\``,
    async () => {
      const festival = await cliJson<T>(dataDir, ["festival", "show", festivalId]);
      return Object.values(festival.events).some((event) => event.title === title) ? festival : undefined;
    },
    timeoutMs,
    500,
  );
}

/** Polls `check` until it returns a value (not undefined), at most `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** Collects page errors and dialogs (an alert() would mean festival text ran as code). */
export function watchPage(page: Page): { errors: string[]; dialogs: string[] } {
  const seen = { errors: [] as string[], dialogs: [] as string[] };
  page.on("pageerror", (error) => seen.errors.push(error.message));
  page.on("dialog", (dialog) => {
    seen.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return seen;
}

/** Opens the app and, on first use in this context, gives the browser identity a name. */
export async function openApp(context: BrowserContext, url: string, name = "Kim"): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  const nameField = page.getByLabel("Your name", { exact: true });
  const festivals = page.getByRole("heading", { name: "Your festivals" });
  await nameField.or(festivals).first().waitFor();
  if (await nameField.isVisible()) {
    await nameField.fill(name);
    await page.getByRole("button", { name: "Continue" }).click();
    // The app moves on once the identity is stored (navigating away earlier could lose it).
    await page.getByRole("button", { name: `Your name: ${name}. Change it` }).waitFor();
  }
  return page;
}

export interface FestivalFields {
  name: string;
  startDate: string;
  endDate: string;
  timeZone: string;
  visibility?: "public" | "private";
  /** organised (the form's default): only members edit; open: anyone who has it */
  mode?: "organised" | "open";
}

/** Creates a festival through the form; returns its id (from the URL it opens). */
export async function createFestival(page: Page, fields: FestivalFields): Promise<string> {
  await page.goto(new URL("#/", page.url()).toString());
  const form = page.locator("pf-festivals form").filter({ has: page.getByRole("button", { name: "Create festival" }) });
  await form.getByLabel("Name", { exact: true }).fill(fields.name);
  await form.getByLabel("First day").fill(fields.startDate);
  await form.getByLabel("Last day").fill(fields.endDate);
  await form.getByLabel("Time zone").fill(fields.timeZone);
  if (fields.visibility === "public") await form.getByRole("radio", { name: /Public/ }).check();
  if (fields.mode === "open") await form.getByRole("radio", { name: /Open: anyone/ }).check();
  await form.getByRole("button", { name: "Create festival" }).click();
  await page.getByRole("heading", { level: 1, name: fields.name }).waitFor();
  const match = /#\/f\/([^/]+)\//.exec(page.url());
  if (!match) throw new Error(`creating a festival did not open it: ${page.url()}`);
  return match[1];
}

export function festivalUrl(base: string, festivalId: string, screen = "programme"): string {
  return `${base.replace(/\/$/, "")}/#/f/${festivalId}/${screen}`;
}

export async function addVenue(page: Page, festivalId: string, name: string): Promise<void> {
  await page.goto(festivalUrl(page.url().split("#")[0], festivalId, "venue/new"));
  await page.locator("pf-venue-form").getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Add venue" }).click();
  await page.locator("pf-venues").getByRole("link", { name }).waitFor();
}

export interface EventFields {
  title: string;
  venue: string;
  date: string;
  start: string;
  end: string;
  status?: "confirmed" | "tentative" | "cancelled";
}

export async function addEvent(page: Page, festivalId: string, event: EventFields): Promise<void> {
  await page.goto(festivalUrl(page.url().split("#")[0], festivalId, "event/new"));
  const form = page.locator("pf-event-form");
  await form.getByLabel("Title").fill(event.title);
  await form.getByLabel("Venue").selectOption({ label: event.venue });
  await form.getByLabel("Starts on").fill(event.date);
  await form.locator("#startTime").fill(event.start);
  await form.locator("#endTime").fill(event.end);
  if (event.status) await form.getByLabel("Status").selectOption(event.status);
  await form.getByRole("button", { name: "Add event" }).click();
  await page.locator("pf-programme").getByText(event.title, { exact: true }).first().waitFor();
}

/**
 * The programme's link to the event whose title matches `title`, on whichever day it is: the programme shows one day
 * at a time, so the day tabs are tried in turn until the link shows (or `timeoutMs` passes: the festival may still be
 * arriving from the node).
 */
export async function programmeEvent(page: Page, title: string | RegExp, timeoutMs = 15_000): Promise<Locator> {
  const programme = page.locator("pf-programme");
  const link = programme.getByRole("link", { name: title }).first();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await link.count()) > 0) return link;
    const tabs = programme.getByRole("tab");
    const count = await tabs.count();
    for (let index = 0; index < count; index += 1) {
      await tabs.nth(index).click();
      if ((await link.count()) > 0) return link;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no event matching ${String(title)} in the programme on any day within ${timeoutMs} ms`);
}

/** The programme's event titles as rendered (text content, whatever the layout). */
export async function programmeTitles(page: Page): Promise<string[]> {
  return page.locator("pf-programme .title-text").allTextContents();
}

/** The text of the element that has keyboard focus, looking inside shadow roots (the components'). */
export function focusedText(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    let element = document.activeElement;
    while (element && element.shadowRoot && element.shadowRoot.activeElement) element = element.shadowRoot.activeElement;
    return ((element && element.textContent) || "").trim();
  })()`);
}
