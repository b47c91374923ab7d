// The page's entry point: a festival link opened by someone who does not organise goes to the light attendee view
// (attend.html) before anything heavy loads; otherwise loads Automerge's WebAssembly once, then the app (which needs
// it), then the service worker that lets it start offline next time, asked to keep the organiser's app too. A failure
// to start is shown on the page.
import wasmUrl from "@automerge/automerge/automerge.wasm?url";
import { attendeeRedirect } from "./state/entry-choice.js";
import { keepOrganiserAppOffline, registerServiceWorker } from "./offline-start.js";

async function start(): Promise<void> {
  const attendee = attendeeRedirect(window.location.hash);
  if (attendee !== undefined) {
    window.location.replace(new URL(attendee, document.baseURI).href);
    return;
  }
  const { prepareAutomerge } = await import("../../engine/browser/browser-repo.js");
  await prepareAutomerge(wasmUrl);
  performance.mark("pandafest:automerge-ready");
  await import("./components/pf-app.js");
  registerServiceWorker();
  keepOrganiserAppOffline();
}

start().catch((error: unknown) => {
  const message = document.createElement("p");
  message.setAttribute("role", "alert");
  message.textContent = `pandafest could not start: ${error instanceof Error ? error.message : String(error)}`;
  document.body.replaceChildren(message);
});
