// Turns what a user pastes (a festival id, an automerge: URL, or a shared link to this app) into a festival id.
// Refuses anything else with a message that says which forms are accepted.
import { isValidAutomergeUrl, isValidDocumentId, parseAutomergeUrl } from "@automerge/automerge-repo/slim";
import { PandafestError } from "../../../engine/core/errors.js";
import { parseRoute } from "./routes.js";

const ACCEPTED = "paste a festival id, an automerge: URL, or a link to a festival in this app";

export function festivalIdFromReference(reference: string): string {
  const text = reference.trim();
  if (text.length === 0) throw new PandafestError(`nothing to open: ${ACCEPTED}`);
  if (isValidAutomergeUrl(text)) return parseAutomergeUrl(text).documentId;
  if (isValidDocumentId(text)) return text;
  if (/^https?:\/\//i.test(text)) {
    let hash = "";
    try {
      hash = new URL(text).hash;
    } catch {
      throw new PandafestError(`"${text.slice(0, 80)}" is not a valid link: ${ACCEPTED}`);
    }
    const route = parseRoute(hash);
    if (route.screen === "join") {
      throw new PandafestError("that is an invitation link: open it in the address bar to ask the festival's managers to let you in");
    }
    if (route.screen !== "festivals" && isValidDocumentId(route.festivalId)) return route.festivalId;
    throw new PandafestError(`the link does not point to a festival (it should end in #/f/FESTIVAL-ID): ${ACCEPTED}`);
  }
  throw new PandafestError(`"${text.slice(0, 80)}" is not a festival id: ${ACCEPTED}`);
}
