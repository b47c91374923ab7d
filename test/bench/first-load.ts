// First visits compared in one run: the attendee view (a shared link opened in a fresh profile: attend.html and the
// programme JSON) against the organiser's app (fresh profile: app, Automerge wasm, a name, the festival synced).
// Bytes the page received (HTTP bodies as sent, and websocket frames) and wall-clock time to the first programme; for the
// attendee also every byte of the visit, the service worker's fetches included (its cache filled in the background).
import type { Browser, Page } from "playwright-core";
import { festivalUrl, type ServeProcess } from "../browser/harness.js";
import { repeat, type RunOptions } from "./stats.js";

export interface FirstLoadFigures {
  attendeeMs: number[];
  attendeeBytes: number[];
  /** the attendee's whole first visit from the network: the page's loads and its service worker's, until the worker keeps the programme */
  attendeeAllBytes: number[];
  organiserMs: number[];
  organiserBytes: number[];
}

const VIEWPORT = { width: 1440, height: 900 };

/** Counts what the page receives from now on, through the DevTools protocol. */
async function byteCounter(page: Page): Promise<() => number> {
  const session = await page.context().newCDPSession(page);
  await session.send("Network.enable");
  let bytes = 0;
  session.on("Network.loadingFinished", (event: { encodedDataLength: number }) => {
    bytes += event.encodedDataLength;
  });
  session.on("Network.webSocketFrameReceived", (event: { response: { opcode: number; payloadData: string } }) => {
    // binary frames arrive base64-encoded
    bytes += event.response.opcode === 2 ? Math.floor((event.response.payloadData.length * 3) / 4) : event.response.payloadData.length;
  });
  return () => bytes;
}

/**
 * Counts what the page and its service worker fetch from the network from now on: the page's loads not answered by its
 * worker (through the DevTools protocol), and the worker's own fetches (HTTP bodies as sent, and their headers).
 */
async function networkByteCounter(page: Page): Promise<() => Promise<number>> {
  const session = await page.context().newCDPSession(page);
  await session.send("Network.enable");
  let pageBytes = 0;
  const answeredByWorker = new Set<string>();
  session.on("Network.responseReceived", (event: { requestId: string; response: { fromServiceWorker?: boolean } }) => {
    if (event.response.fromServiceWorker) answeredByWorker.add(event.requestId);
  });
  session.on("Network.loadingFinished", (event: { requestId: string; encodedDataLength: number }) => {
    if (!answeredByWorker.has(event.requestId)) pageBytes += event.encodedDataLength;
  });
  const workerFetches: Array<Promise<number>> = [];
  page.context().on("requestfinished", (request) => {
    if (request.serviceWorker() === null) return;
    workerFetches.push(request.sizes().then((sizes) => sizes.responseBodySize + sizes.responseHeadersSize, () => 0));
  });
  return async () => pageBytes + (await Promise.all(workerFetches)).reduce((sum, bytes) => sum + bytes, 0);
}

/** Resolves once the page's service worker controls it and keeps the programme: its install (its cache) is complete. */
function serviceWorkerSettled(page: Page): Promise<void> {
  return page.evaluate<void>(`new Promise((resolve, reject) => {
    const deadline = performance.now() + 60000;
    const check = async () => {
      const kept = navigator.serviceWorker.controller !== null && (await (await caches.open("pandafest-programmes")).keys()).length > 0;
      if (kept) return resolve();
      if (performance.now() > deadline) return reject(new Error("the service worker did not keep the programme within 60 s"));
      setTimeout(check, 100);
    };
    check();
  })`);
}

/** Date.now() in the page at the first frame where `shown` (an expression) is true. */
function shownAt(page: Page, shown: string): Promise<number> {
  return page.evaluate<number>(`new Promise((resolve, reject) => {
    const deadline = performance.now() + 60000;
    const check = () => {
      if (${shown}) return resolve(Date.now());
      if (performance.now() > deadline) return reject(new Error("no programme within 60 s"));
      requestAnimationFrame(check);
    };
    check();
  })`);
}

const ATTENDEE_SHOWN = `(document.querySelector("pf-attend")?.shadowRoot?.querySelectorAll("#day-panel .event").length ?? 0) > 0`;
const ORGANISER_SHOWN = `(() => {
  const root = document.querySelector("pf-app")?.shadowRoot?.querySelector("pf-festival")?.shadowRoot?.querySelector('pf-programme[data-source="live"]')?.shadowRoot;
  const expected = Number(root?.querySelector(".programme")?.getAttribute("data-day-events") ?? "0");
  return expected > 0 && root.querySelectorAll("a.event").length >= expected;
})()`;

/** Fresh profiles opening the festival's shared link as an attendee, then as an organiser, interleaved. */
export async function measureFirstLoads(browser: Browser, server: ServeProcess, festivalId: string, options: RunOptions): Promise<FirstLoadFigures> {
  const figures: FirstLoadFigures = { attendeeMs: [], attendeeBytes: [], attendeeAllBytes: [], organiserMs: [], organiserBytes: [] };
  const url = festivalUrl(server.url, festivalId);
  await repeat(async () => {
    const attendee = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await attendee.newPage();
      const received = await byteCounter(page);
      const fetched = await networkByteCounter(page);
      const started = Date.now();
      await page.goto(url);
      figures.attendeeMs.push((await shownAt(page, ATTENDEE_SHOWN)) - started);
      figures.attendeeBytes.push(received());
      await serviceWorkerSettled(page);
      figures.attendeeAllBytes.push(await fetched());
    } finally {
      await attendee.close();
    }
    const organiser = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await organiser.newPage();
      const received = await byteCounter(page);
      // the organiser's first visit: the app opens and asks a name (as openApp does), then the festival's link
      await page.goto(server.url);
      await page.getByLabel("Your name", { exact: true }).fill("First organiser");
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Your name: First organiser. Change it" }).waitFor();
      const started = Date.now();
      await page.goto(url);
      figures.organiserMs.push((await shownAt(page, ORGANISER_SHOWN)) - started);
      figures.organiserBytes.push(received());
    } finally {
      await organiser.close();
    }
    return 0;
  }, options);
  // the warm-up runs are dropped
  const keep = (list: number[]) => list.splice(0, list.length - options.runs);
  keep(figures.attendeeMs);
  keep(figures.attendeeBytes);
  keep(figures.attendeeAllBytes);
  keep(figures.organiserMs);
  keep(figures.organiserBytes);
  return figures;
}
