// A newcomer's side of joining: the requests this browser sent (kept in localStorage until the festival arrives or
// a manager declines), and what each answer of the node means for the person, in words that say what to do next.
import type { AccessRequestFields } from "../../../engine/core/governance/records.js";
import type { AccessRequestAnswer } from "./server-api.js";

/** A request this browser sent and waits on. */
export interface SentRequest {
  festivalId: string;
  /** the invitation code it was made with (the festivals screen links back to the join screen with it) */
  code: string;
  /** the signed request, sent again to learn where it stands (the node answers "member already" once accepted) */
  request: AccessRequestFields;
  /** the name given with it (self-declared) */
  name: string;
  /** the role the invitation offers, when the node or the festival said */
  role?: string;
  sentAt: number;
}

const STORAGE_KEY = "pandafest:join-requests";
const MAX_ENTRIES = 50;

function isSent(value: unknown): value is SentRequest {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  const request = entry.request as Record<string, unknown> | null;
  return (
    typeof entry.festivalId === "string" &&
    typeof entry.code === "string" &&
    typeof entry.name === "string" &&
    typeof entry.sentAt === "number" &&
    typeof request === "object" &&
    request !== null &&
    ["key", "invitation", "nonce", "nameHex", "invitationSignature", "requesterSignature"].every((field) => typeof request[field] === "string")
  );
}

export function sentRequests(): SentRequest[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
    return Array.isArray(parsed) ? parsed.filter(isSent) : [];
  } catch {
    return [];
  }
}

/** The request this browser sent for the festival, if it waits on one. */
export function sentRequestFor(festivalId: string): SentRequest | undefined {
  return sentRequests().find((entry) => entry.festivalId === festivalId);
}

export function rememberSentRequest(entry: SentRequest): void {
  const others = sentRequests().filter((existing) => existing.festivalId !== entry.festivalId);
  localStorage.setItem(STORAGE_KEY, JSON.stringify([entry, ...others].slice(0, MAX_ENTRIES)));
}

export function forgetSentRequest(festivalId: string): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(sentRequests().filter((entry) => entry.festivalId !== festivalId)));
}

/** Where a request stands, as the join screen shows it. */
export type JoinState =
  | { state: "waiting"; role?: string }
  /** no news: ask again later, as before */
  | { state: "unchanged" }
  | { state: "accepted" }
  /** nothing more will come of this request: `text` says why and what to do */
  | { state: "refused"; text: string }
  /** worth sending again later: `text` says what went wrong */
  | { state: "retry"; text: string };

/**
 * What a node's answer means. A refusal for a key that is a member already is the acceptance (the node checks
 * the request again each time it is sent); every other refusal says what the person can do about it.
 */
export function joinStateOf(answer: AccessRequestAnswer): JoinState {
  switch (answer.outcome) {
    case "recorded":
      return { state: "waiting", ...(answer.role ? { role: answer.role } : {}) };
    case "busy":
      return { state: "unchanged" };
    case "not-held":
      return {
        state: "refused",
        text: "The node serving this page does not hold that festival. Open the invitation link on the node the festival's managers use (the address they sent you), or ask them for a new link.",
      };
    case "malformed":
      return { state: "refused", text: `The node could not read the request (${answer.detail}). Reload the page and try again; if it stays so, this page and the node may be of different pandafest versions.` };
    case "unreachable":
      return { state: "retry", text: `The node serving this page could not take the request (${answer.detail}). The request is kept: it is sent again by itself.` };
    case "refused":
      return refusal(answer.reason);
  }
}

function refusal(reason: string): JoinState {
  if (/member already/.test(reason)) return { state: "accepted" };
  if (/declined/.test(reason)) return { state: "refused", text: "A manager declined your request. If you think that was a mistake, talk to them: they can send you a new invitation." };
  const expired = /expired on (\S+)/.exec(reason);
  if (expired) {
    const when = new Date(expired[1]);
    const date = Number.isNaN(when.getTime()) ? expired[1] : when.toLocaleString();
    return { state: "refused", text: `The invitation expired (${date}). Ask whoever invited you for a new one.` };
  }
  if (/use\(s\), all taken|used up/.test(reason)) return { state: "refused", text: "The invitation has been used as often as it allowed. Ask whoever invited you for a new one." };
  if (/signatures do not hold|forged/.test(reason)) {
    return { state: "refused", text: "The invitation code does not hold: part of the link may be missing or changed. Copy the whole link again, or ask for a new invitation." };
  }
  if (/no manager of this festival made that invitation/.test(reason)) {
    return {
      state: "retry",
      text: "This node does not know the invitation (yet). If it was just made, the manager's device may not have synced with this node: it is tried again by itself. If it stays so, ask for a new invitation.",
    };
  }
  return { state: "refused", text: `The node refused the request: ${reason}.` };
}
