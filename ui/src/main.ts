// The page's entry point: loads Automerge's WebAssembly once, then the app (which needs it), then the service worker
// that lets it start offline next time. A failure to start is shown on the page, never only in the console.
import wasmUrl from "@automerge/automerge/automerge.wasm?url";
import { prepareAutomerge } from "../../engine/browser/browser-repo.js";
import { registerServiceWorker } from "./offline-start.js";

async function start(): Promise<void> {
  await prepareAutomerge(wasmUrl);
  performance.mark("pandafest:automerge-ready");
  await import("./components/pf-app.js");
  registerServiceWorker();
}

start().catch((error: unknown) => {
  const message = document.createElement("p");
  message.setAttribute("role", "alert");
  message.textContent = `pandafest could not start: ${error instanceof Error ? error.message : String(error)}`;
  document.body.replaceChildren(message);
});
