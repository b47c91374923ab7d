// What a fork keeps: venues by default, people and events on request, and what each choice implies
// (events need their venues; kept events keep their hosts). Browser-safe; validates the user's list.
import { PandafestError } from "../errors.js";

export type ForkPart = "venues" | "people" | "events";

export const FORK_PARTS: readonly ForkPart[] = ["venues", "people", "events"];

export interface KeepPlan {
  /** what is copied; "venues" is always in it */
  parts: ReadonlySet<ForkPart>;
  /** true when people are not kept as such but the hosts of kept events are */
  hostsOnly: boolean;
  /** what the choice implied beyond what was asked, for people to read */
  notes: string[];
}

function isForkPart(text: string): text is ForkPart {
  return (FORK_PARTS as readonly string[]).includes(text);
}

/**
 * The plan for a `--keep` list (e.g. ["venues", "events"]); undefined or empty keeps venues only.
 * Venues are always kept: the fork shares their ids with its origin, which is what lets it pull.
 */
export function planKeep(requested: readonly string[] | undefined): KeepPlan {
  const parts = new Set<ForkPart>(["venues"]);
  const notes: string[] = [];
  const asked = (requested ?? []).map((part) => part.trim().toLowerCase()).filter((part) => part !== "");
  for (const part of asked) {
    if (!isForkPart(part)) {
      throw new PandafestError(`--keep "${part}" is not something a fork can keep; use a comma-separated list of ${FORK_PARTS.join(", ")}`, {
        code: "usage",
      });
    }
    parts.add(part);
  }
  if (asked.length > 0 && !asked.includes("venues")) {
    notes.push("venues are always kept: the fork shares their ids with the origin, so venue edits there can be pulled");
  }
  const hostsOnly = parts.has("events") && !parts.has("people");
  if (hostsOnly) notes.push("keeping events also keeps the people who host them (but no other people)");
  return { parts, hostsOnly, notes };
}
