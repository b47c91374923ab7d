// The attendee view's entry point (attend.html): the read-only programme, with none of the organiser's app (no
// Automerge, no identity), then the service worker so the view and the last programme open offline next time.
import { registerServiceWorker } from "./offline-start.js";
import "./components/pf-attend.js";

registerServiceWorker();
