// The invitations a manager made in this browser, with their codes: the festival records only an invitation's
// public key, so its code (which holds the secret) can be shown again only where it was made. Kept in localStorage.
import { invitationCode, invitationKeys, parseInvitation, type Invitation } from "../../../engine/core/membership/index.js";
import { toHex } from "../../../engine/core/keys.js";

export interface KeptInvitation {
  festivalId: string;
  /** the code ("<festival id>.<secret>") */
  code: string;
  /** the invitation's public key, as the festival's invite record names it */
  invitation: string;
}

const STORAGE_KEY = "pandafest:invitation-codes";
const MAX_ENTRIES = 200;

function read(): KeptInvitation[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (entry): entry is KeptInvitation =>
        typeof entry === "object" && entry !== null && ["festivalId", "code", "invitation"].every((field) => typeof (entry as Record<string, unknown>)[field] === "string"),
    );
  } catch {
    return [];
  }
}

/** Keeps the code of an invitation just made. */
export function keepInvitation(invitation: Invitation): KeptInvitation {
  const kept = { festivalId: invitation.festivalId, code: invitationCode(invitation), invitation: toHex(invitationKeys(invitation.secret).publicKey) };
  localStorage.setItem(STORAGE_KEY, JSON.stringify([kept, ...read().filter((entry) => entry.code !== kept.code)].slice(0, MAX_ENTRIES)));
  return kept;
}

/** The codes this browser keeps for the festival's invitations, by invitation public key. */
export function keptInvitations(festivalId: string): Map<string, Invitation> {
  const result = new Map<string, Invitation>();
  for (const entry of read()) {
    if (entry.festivalId !== festivalId) continue;
    try {
      result.set(entry.invitation, parseInvitation(entry.code));
    } catch {
      // a damaged entry shows no code
    }
  }
  return result;
}
