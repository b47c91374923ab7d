// Lets the web app start with no network: registers its service worker (ui/sw, built as sw.js) where browsers allow
// one, on a secure context (https, or http on localhost and 127.0.0.1), and asks it to keep the organiser's app once
// that runs (an attendee's visit keeps only the attendee view); elsewhere the app needs its node to load.

/** The message ui/sw/service-worker.ts answers by caching the whole build (the worker imports nothing: same text there). */
const KEEP_ORGANISER_APP = "pandafest:keep-organiser-app";

function serviceWorkersHere(): boolean {
  // the dev server (vite) builds no sw.js
  return import.meta.env.PROD && window.isSecureContext && "serviceWorker" in navigator;
}

/** Registers sw.js beside index.html; a page where that cannot happen still works, online. */
export function registerServiceWorker(): void {
  if (!serviceWorkersHere()) return;
  // the browser fetches sw.js itself, never from its HTTP cache, to notice a new build
  navigator.serviceWorker.register(new URL("sw.js", document.baseURI), { updateViaCache: "none" }).catch((error: unknown) => {
    console.warn(`pandafest will not start without the node: ${error instanceof Error ? error.message : String(error)}`);
  });
}

/**
 * Asks the service worker to keep the organiser's app (its scripts and the Automerge wasm) for offline starts, in this
 * build and the next ones; again whenever a new worker takes over.
 */
export function keepOrganiserAppOffline(): void {
  if (!serviceWorkersHere()) return;
  const ask = () => {
    void navigator.serviceWorker.ready.then((registration) => registration.active?.postMessage({ type: KEEP_ORGANISER_APP }));
  };
  ask();
  navigator.serviceWorker.addEventListener("controllerchange", ask);
}
