// UI performance in Chromium: a 2,000-event festival served by `pandafest serve`, timed from navigation to
// the rendered programme (first visit and reload) and from an edit in one browser to its display in another.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { DocumentId } from "@automerge/automerge-repo";
import type { Page } from "playwright-core";
import { createIdentity } from "../../engine/identity.js";
import { FestivalStore } from "../../engine/store.js";
import { chromiumAvailable, CHROMIUM_PATH, festivalUrl, launchBrowser, openApp, startServe } from "../browser/harness.js";
import { generateFestival } from "../fixtures/generate-festival.js";

export interface UiBenchFigure {
  name: string;
  /** milliseconds (the median where several runs are made) */
  value: number;
  unit: "ms";
  /** the target the issue sets */
  limit: number;
  pass: boolean;
  /** each run, for the record */
  runs: number[];
}

export interface UiBenchOptions {
  events?: number;
  /** remote edits to time */
  edits?: number;
  log?: (line: string) => void;
}

const NAVIGATION_LIMIT_MS = 1500;
const REMOTE_EDIT_LIMIT_MS = 200;

/** The programme component's shadow root, reached through the app's components (an expression run in the page). */
const PROGRAMME_ROOT =
  'document.querySelector("pf-app")?.shadowRoot?.querySelector("pf-festival")?.shadowRoot?.querySelector("pf-programme")?.shadowRoot';

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function figure(name: string, runs: number[], limit: number): UiBenchFigure {
  const value = Math.round(median(runs));
  return { name, value, unit: "ms", limit, pass: value <= limit, runs: runs.map((run) => Math.round(run)) };
}

/** A data directory holding one generated festival of `events` events, with its history; returns its id. */
async function festivalDataDir(dataDir: string, events: number): Promise<string> {
  await createIdentity(dataDir, "Bench node");
  const generated = generateFestival({
    size: "small",
    seed: 2027,
    shape: { events, venues: 24, people: Math.round(events / 10), changes: Math.round(events * 2.5), days: 4 },
  });
  const store = await FestivalStore.open(dataDir);
  const handle = store.repo.import(generated.bytes, { docId: generated.festivalId as DocumentId });
  await store.index.put({ id: generated.festivalId, name: String(handle.doc() && generated.name), visibility: "public" });
  await store.close();
  return generated.festivalId;
}

/** Milliseconds from the page's navigation start until the programme shows `events` events (polled every frame). */
async function navigationTime(page: Page, events: number): Promise<number> {
  const handle = await page.waitForFunction(
    `(() => { const root = ${PROGRAMME_ROOT}; return root && root.querySelectorAll("a.event").length >= ${events} ? performance.now() : 0; })()`,
    undefined,
    { polling: "raf", timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** Resolves in the page with Date.now() at the first mutation of the programme that shows `title`. */
function whenTitleShows(page: Page, title: string): Promise<number> {
  return page.evaluate<number>(`new Promise((resolve) => {
    const root = ${PROGRAMME_ROOT};
    const title = ${JSON.stringify(title)};
    const shows = () => [...root.querySelectorAll(".title-text")].some((node) => node.textContent === title);
    if (shows()) return resolve(Date.now());
    const observer = new MutationObserver(() => {
      if (shows()) { observer.disconnect(); resolve(Date.now()); }
    });
    observer.observe(root, { subtree: true, childList: true, characterData: true });
  })`);
}

/**
 * Runs the UI benchmark and returns its figures. Needs Chromium at /usr/bin/chromium and the built app
 * (`npm run build`). Takes about a minute, most of it generating the festival.
 */
export async function runUiBench(options: UiBenchOptions = {}): Promise<UiBenchFigure[]> {
  if (!chromiumAvailable) throw new Error(`the UI benchmark needs Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  const events = options.events ?? 2000;
  const edits = options.edits ?? 5;
  const log = options.log ?? (() => undefined);
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "pandafest-ui-bench-"));
  log(`generating a ${events}-event festival`);
  const festivalId = await festivalDataDir(dataDir, events);
  const server = await startServe(dataDir);
  const browser = await launchBrowser();
  try {
    const viewport = { width: 1440, height: 900 };
    const contextA = await browser.newContext({ viewport });
    const pageA = await openApp(contextA, server.url, "Bench A");
    const url = festivalUrl(server.url, festivalId);

    // First visit: the page loads, fetches the festival from the node over the websocket, renders it.
    await pageA.goto("about:blank");
    await pageA.goto(url);
    const firstVisit = await navigationTime(pageA, events);
    log(`first visit: ${Math.round(firstVisit)} ms`);
    // Reloads: the festival comes from this browser's IndexedDB.
    const reloads: number[] = [];
    for (let run = 0; run < 3; run++) {
      await pageA.reload();
      reloads.push(await navigationTime(pageA, events));
    }
    log(`reloads: ${reloads.map(Math.round).join(", ")} ms`);

    // Remote edits: another browser (its own storage and identity) renames an event through the form.
    const contextB = await browser.newContext({ viewport });
    const pageB = await openApp(contextB, server.url, "Bench B");
    await pageB.goto(url);
    await navigationTime(pageB, events);
    const eventIds = await pageB.evaluate<string[]>(
      `[...${PROGRAMME_ROOT}.querySelectorAll("a.event")].slice(0, ${edits}).map((link) => decodeURIComponent(link.getAttribute("href").split("/").pop()))`,
    );
    const latencies: number[] = [];
    for (const [index, eventId] of eventIds.entries()) {
      const title = `Renamed for the benchmark ${index + 1}`;
      await pageB.goto(festivalUrl(server.url, festivalId, `event/${eventId}`));
      const form = pageB.locator("pf-event-form");
      await form.getByLabel("Title").fill(title);
      const shown = whenTitleShows(pageA, title);
      await pageB.evaluate(`(() => {
        const form = document.querySelector("pf-app").shadowRoot.querySelector("pf-festival").shadowRoot.querySelector("pf-event-form").shadowRoot.querySelector("form");
        form.addEventListener("submit", () => { window.__benchSubmittedAt = Date.now(); }, { capture: true, once: true });
      })()`);
      await form.getByRole("button", { name: "Save changes" }).click();
      const shownAt = await shown;
      const submittedAt = await pageB.evaluate<number>("window.__benchSubmittedAt");
      latencies.push(shownAt - submittedAt);
    }
    log(`remote edits: ${latencies.join(", ")} ms`);
    return [
      figure(`programme of a ${events}-event festival, first visit (from the node)`, [firstVisit], NAVIGATION_LIMIT_MS),
      figure(`programme of a ${events}-event festival, reload (from IndexedDB)`, reloads, NAVIGATION_LIMIT_MS),
      figure("remote edit visible in another browser", latencies, REMOTE_EDIT_LIMIT_MS),
    ];
  } finally {
    await browser.close();
    await server.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
