// The web app's service worker: keeps one build of the app (index.html, attend.html, scripts, styles, the Automerge wasm)
// in a cache named by that build, so the app starts with no network, and the last programme.json of each festival the
// attendee view read; /api, /sync and every other answer of the node pass untouched.

interface BuildManifest {
  /** a hash of every file of the build */
  version: string;
  /** the build's files, relative to sw.js (which sits at the app's root) */
  files: string[];
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
/** How long opening the app waits for the node before it starts from the cache (a node that went away silently). */
const PAGE_TIMEOUT_MS = 3000;

const root = new URL("./", self.location.href);
const pageFile = new URL("index.html", root).href;
const attendeePage = new URL("attend.html", root).href;
/** The addresses that open the app: its root and index.html (the app routes by the URL's #fragment). */
const pageUrls = new Set([root.href, pageFile]);
const appFiles = new Set(BUILD.files.map((file) => new URL(file, root).href));

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE_NAME);
      // revalidated, not taken from the HTTP cache unchecked: the cache must hold exactly this build
      await cache.addAll([...appFiles].map((url) => new Request(url, { cache: "no-cache" })));
      await self.skipWaiting();
    })(),
  );
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

/** A file of the build: named by its content (index.html aside), so this build's copy is the right one. */
async function appFile(request: Request): Promise<Response> {
  const cached = await (await caches.open(CACHE_NAME)).match(request, { ignoreVary: true });
  return cached ?? fetch(request);
}
