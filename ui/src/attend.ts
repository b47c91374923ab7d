// The attendee view's entry point (attend.html): the read-only programme, with none of the organiser's app (no
// Automerge, no identity). The service worker is registered once the programme shows: it then caches the attendee
// view's few files in the background, never before, and none of the organiser's app unless that runs here too.
import { registerServiceWorker } from "./offline-start.js";
import { PROGRAMME_SETTLED, type ProgrammeSettled } from "./components/pf-attend.js";

/** Asks for the programme again once the worker controls the page, so the worker keeps it for an offline visit. */
async function keepForOffline(programmeUrl: string): Promise<void> {
  if (!("serviceWorker" in navigator)) return;
  await navigator.serviceWorker.ready;
  if (!navigator.serviceWorker.controller) {
    await new Promise((resolve) => navigator.serviceWorker.addEventListener("controllerchange", resolve, { once: true }));
  }
  await fetch(programmeUrl, { credentials: "same-origin" });
}

document.addEventListener(
  PROGRAMME_SETTLED,
  (event) => {
    registerServiceWorker();
    const { programmeUrl } = (event as CustomEvent<ProgrammeSettled>).detail;
    if (programmeUrl && import.meta.env.PROD && window.isSecureContext) void keepForOffline(programmeUrl).catch(() => undefined);
  },
  { once: true },
);
