// Plain HTTP proves no key, so a festival only its members may receive is not served over it to other machines:
// for them it does not exist here. This machine (loopback: its own CLI and web app) is served as before.
import type { IncomingMessage } from "node:http";
import type * as A from "@automerge/automerge";
import { festivalAudience } from "../../engine/core/membership/access.js";
import type { Festival } from "../../engine/core/schema.js";
import { isLoopbackAddress } from "./connection-admission.js";

/** Whether an HTTP request from another machine asks about a members-only festival (it must then look unknown). */
export function hiddenOverHttp(request: IncomingMessage, doc: A.Doc<unknown> | undefined, festivalId: string): boolean {
  if (doc === undefined || isLoopbackAddress(request.socket.remoteAddress ?? "")) return false;
  try {
    return festivalAudience(doc as A.Doc<Festival>, festivalId) === "members";
  } catch {
    return true; // a document that cannot be read as a festival is not served to other machines either
  }
}
