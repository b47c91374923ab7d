// Lets the web app start with no network: registers its service worker (ui/sw, built as sw.js) where browsers allow
// one, on a secure context (https, or http on localhost and 127.0.0.1); elsewhere the app needs its node to load.

/** Registers sw.js beside index.html; a page where that cannot happen still works, online. */
export function registerServiceWorker(): void {
  // the dev server (vite) builds no sw.js
  if (!import.meta.env.PROD || !window.isSecureContext || !("serviceWorker" in navigator)) return;
  // the browser fetches sw.js itself, never from its HTTP cache, to notice a new build
  navigator.serviceWorker.register(new URL("sw.js", document.baseURI), { updateViaCache: "none" }).catch((error: unknown) => {
    console.warn(`pandafest will not start without the node: ${error instanceof Error ? error.message : String(error)}`);
  });
}
