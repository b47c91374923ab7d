// Checks what a user asks to write about resources, owners, availability and decisions: one clear error per
// problem (what, which value, what to do), so nothing malformed is ever stored.
import { PandafestError } from "../errors.js";
import { isHex } from "../keys.js";
import { LIMITS, previewValue } from "../validate.js";
import { explainBadInstant, instantMs } from "../time.js";
import { BOOKING_LIMITS } from "./model.js";
import { parseWindow } from "./owners.js";

const CONTROL = /[\u0000-\u001f\u007f]/;

function fail(message: string): never {
  throw new PandafestError(message);
}

/** A single-line label (a name, a role): trimmed, non-empty, bounded, no control characters. */
export function labelInput(what: string, value: string, maxLength: number = LIMITS.labelLength): string {
  const text = value.trim();
  if (text.length === 0 || text.length > maxLength || CONTROL.test(text)) {
    fail(`invalid ${what} ${previewValue(value)}: expected a non-empty single-line text of at most ${maxLength} characters`);
  }
  return text;
}

/** A description or reason: bounded, no control characters but line breaks. */
export function proseInput(what: string, value: string, maxLength: number = LIMITS.textLength): string {
  if (value.length > maxLength || /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
    fail(`invalid ${what} ${previewValue(value)}: expected a text of at most ${maxLength} characters`);
  }
  return value;
}

export function tagsInput(tags: readonly string[]): string[] {
  if (tags.length > LIMITS.tags) fail(`too many tags (${tags.length}): at most ${LIMITS.tags}`);
  return [...new Set(tags.map((tag) => labelInput("tag", tag, LIMITS.tagLength)))];
}

export function quantityInput(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > BOOKING_LIMITS.quantity) {
    fail(`invalid quantity ${previewValue(value)}: expected a whole number from 1 to ${BOOKING_LIMITS.quantity}`);
  }
  return value;
}

export function shiftCountInput(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > BOOKING_LIMITS.shiftCount) {
    fail(`invalid count ${previewValue(value)}: expected a whole number of people from 1 to ${BOOKING_LIMITS.shiftCount}`);
  }
  return value;
}

/** Owners: member public keys (64 hex characters), at least one, at most BOOKING_LIMITS.owners. */
export function ownersInput(keys: readonly string[]): string[] {
  const owners = [...new Set(keys.map((key) => key.trim().toLowerCase()))];
  if (owners.length === 0) fail("a venue or resource needs at least one owner; give a member's public key");
  if (owners.length > BOOKING_LIMITS.owners) fail(`too many owners (${owners.length}): at most ${BOOKING_LIMITS.owners}`);
  for (const key of owners) {
    if (!isHex(key, 32)) fail(`invalid owner ${previewValue(key)}: expected a member's public key (64 hex characters); \`pandafest member list FESTIVAL\` shows them`);
  }
  return owners;
}

/** A person asked to take a shift: a member public key (64 hex characters). */
export function personKeyInput(key: string): string {
  const person = key.trim().toLowerCase();
  if (!isHex(person, 32)) fail(`invalid person ${previewValue(key)}: expected a member's public key (64 hex characters); \`pandafest member list FESTIVAL\` shows them`);
  return person;
}

/** Availability windows "START/END" (ISO 8601 with offsets, END after START), at most BOOKING_LIMITS.availabilityWindows. */
export function windowsInput(windows: readonly string[]): string[] {
  if (windows.length > BOOKING_LIMITS.availabilityWindows) {
    fail(`too many availability windows (${windows.length}): at most ${BOOKING_LIMITS.availabilityWindows}`);
  }
  return windows.map((raw) => {
    const text = raw.trim();
    if (parseWindow(text) !== null) return text;
    const slash = text.indexOf("/");
    if (slash < 0) fail(`invalid availability window ${previewValue(raw)}: expected START/END, e.g. 2027-07-02T10:00:00+02:00/2027-07-02T18:00:00+02:00`);
    for (const part of [text.slice(0, slash), text.slice(slash + 1)]) {
      if (instantMs(part) === undefined) fail(`invalid availability window ${previewValue(raw)}: ${previewValue(part)} ${explainBadInstant(part)}`);
    }
    return fail(`invalid availability window ${previewValue(raw)}: its end is not after its start`);
  });
}
