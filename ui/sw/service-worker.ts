// The web app's service worker: keeps one build of the app in a cache named by that build, so it starts with no network:
// the attendee view's files for any visit, the organiser's app (its scripts and the Automerge wasm) once it was opened
// here; and the last programme.json of each festival the attendee view read. /api, /sync and the rest pass untouched.

interface BuildManifest {
  /** a hash of every file of the build */
  version: string;
  /** the build's files, relative to sw.js (which sits at the app's root) */
  files: string[];
  /** those an attendee's visit needs (the attendee view, and the start of index.html that leads to it) */
  attendee: string[];
}

// a module (for the declaration of self below); the built sw.js has no import or export, so it also loads as a script
export {};
declare const self: ServiceWorkerGlobalScope;
declare const PANDAFEST_BUILD: BuildManifest;

/** Written into sw.js by the build (ui/vite.config.ts): a new build is a new sw.js, which replaces the cache. */
const BUILD: BuildManifest = PANDAFEST_BUILD;
const CACHE_PREFIX = "pandafest-app-";
const CACHE_NAME = `${CACHE_PREFIX}${BUILD.version}`;
/** The attendee view's programmes as last read, kept across builds (the format carries its own version). */
const PROGRAMME_CACHE = "pandafest-programmes";
/** Marks an answer from PROGRAMME_CACHE, so the attendee view can say it shows the programme as last seen. */
const FROM_CACHE_HEADER = "x-pandafest-from-cache";
const PROGRAMME_PATH = /\/festivals\/[A-Za-z0-9_-]{1,100}\/programme\.json$/;
/**
 * Exists once the organiser's app was opened in this browser: from then on every build's install caches it too, so it
 * keeps opening offline across updates. Not a `pandafest-app-` name: it outlives builds.
 */
const ORGANISER_APP_FLAG = "pandafest-organiser-app";
/** What the organiser's app sends once it runs (ui/src/offline-start.ts): keep me for offline starts. */
const KEEP_ORGANISER_APP = "pandafest:keep-organiser-app";
/** How long opening the app waits for the node before it starts from the cache (a node that went away silently). */
const PAGE_TIMEOUT_MS = 3000;

const root = new URL("./", self.location.href);
const pageFile = new URL("index.html", root).href;
const attendeePage = new URL("attend.html", root).href;
/** The addresses that open the app: its root and index.html (the app routes by the URL's #fragment). */
const pageUrls = new Set([root.href, pageFile]);
const appFiles = new Set(BUILD.files.map((file) => new URL(file, root).href));
const attendeeFiles = new Set(BUILD.attendee.map((file) => new URL(file, root).href));

/** Whether this browser runs the organiser's app: it did before, or a page of it is open now (it registered us). */
async function organiserAppWanted(): Promise<boolean> {
  if (await caches.has(ORGANISER_APP_FLAG)) return true;
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  return pages.some((page) => {
    const url = new URL(page.url);
    return pageUrls.has(url.origin + url.pathname);
  });
}

/**
 * Puts the given files of this build into its cache, those it lacks only; revalidated, not taken from the HTTP cache
 * unchecked: the cache must hold exactly this build.
 */
async function keep(files: Iterable<string>): Promise<void> {
  const cache = await caches.open(CACHE_NAME);
  const missing: string[] = [];
  for (const url of files) if (!(await cache.match(url, { ignoreVary: true }))) missing.push(url);
  await cache.addAll(missing.map((url) => new Request(url, { cache: "no-cache" })));
}

/** The whole build, and the flag that keeps it so in later builds. */
async function keepOrganiserApp(): Promise<void> {
  await caches.open(ORGANISER_APP_FLAG);
  await keep(appFiles);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // an attendee's visit fetches the attendee view only: none of the organiser's app, nor its 3.6 MB wasm
      if (await organiserAppWanted()) await keepOrganiserApp();
      else await keep(attendeeFiles);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const data: unknown = event.data;
  if (typeof data === "object" && data !== null && (data as { type?: unknown }).type === KEEP_ORGANISER_APP) {
    event.waitUntil(keepOrganiserApp());
  }
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE_NAME) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  const address = url.origin + url.pathname;
  if (request.mode === "navigate" && pageUrls.has(address)) event.respondWith(openPage(request, pageFile));
  else if (request.mode === "navigate" && address === attendeePage) event.respondWith(openPage(request, attendeePage));
  else if (url.origin === root.origin && url.pathname.startsWith(new URL(root).pathname) && PROGRAMME_PATH.test(url.pathname)) event.respondWith(programme(request));
  else if (appFiles.has(address) && url.search === "") event.respondWith(appFile(request));
  // anything else (/api, /sync, schedules, …) is not this worker's: the browser asks the node as usual
});

/** The page from the node when it answers (so a new build shows at once), else this build's copy. */
async function openPage(request: Request, file: string): Promise<Response> {
  try {
    return await fetch(request, { signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
  } catch {
    const cached = await (await caches.open(CACHE_NAME)).match(file, { ignoreVary: true });
    return cached ?? Response.error();
  }
}

/**
 * A festival's programme.json from the node when it answers, kept for next time; else the copy kept, marked as such.
 * A refusal (403, 404) drops the kept copy: a festival no longer shared is not shown from the cache either.
 */
async function programme(request: Request): Promise<Response> {
  const cache = await caches.open(PROGRAMME_CACHE);
  let response: Response;
  try {
    response = await fetch(request, { signal: AbortSignal.timeout(PAGE_TIMEOUT_MS) });
  } catch {
    const cached = await cache.match(request, { ignoreVary: true, ignoreSearch: true });
    if (!cached) return Response.error();
    const headers = new Headers(cached.headers);
    headers.set(FROM_CACHE_HEADER, "1");
    return new Response(cached.body, { status: cached.status, headers });
  }
  if (response.ok) await cache.put(request, response.clone());
  else if (response.status === 403 || response.status === 404) await cache.delete(request, { ignoreSearch: true });
  return response;
}

/**
 * A file of the build: named by its content (index.html aside), so this build's copy is the right one. A file not kept
 * (the organiser's app, before it asked to be kept) comes from the node.
 */
async function appFile(request: Request): Promise<Response> {
  const cached = await (await caches.open(CACHE_NAME)).match(request, { ignoreVary: true });
  return cached ?? fetch(request);
}
