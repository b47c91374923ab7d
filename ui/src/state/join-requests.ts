// The access requests this browser sent, kept in localStorage until the festival arrives or a manager declines: the
// join screen sends a waiting one again to learn where it stands, and the festivals screen lists them.
import type { AccessRequestFields } from "../../../engine/core/governance/records.js";

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
