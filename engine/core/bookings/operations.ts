// Writing resources, owners, availability, booking requests and decisions. Each is one change; who may decide is
// not checked here (any write is kept) but judged on reading (state.ts), so a non-owner's decision is a proposal.
import * as A from "@automerge/automerge";
import { PandafestError } from "../errors.js";
import { getEvent } from "../event-shards.js";
import type { FestivalEditor } from "../editor.js";
import { encodeBase32 } from "../ids.js";
import { randomBytes } from "../keys.js";
import { readFestival, short, shortList } from "../operations/fields.js";
import type { Festival } from "../schema.js";
import { textOf } from "../views.js";
import { labelInput, ownersInput, personKeyInput, proseInput, quantityInput, shiftCountInput, tagsInput, windowsInput } from "./input.js";
import {
  ASKED_STATE,
  BOOKING_LIMITS,
  BOOKING_PREFIX,
  DECISION_PREFIX,
  textListOf,
  RESOURCE_PREFIX,
  isMap,
  lazyMapEntries,
  lazyMapForNew,
  type Booking,
  type Decision,
  type DecisionState,
  type Resource,
} from "./model.js";
import { NO_AUTHORSHIP, type Authorship } from "./authorship.js";
import { ownersOf } from "./owners.js";
import { bookingEntries, latestGeneration } from "./state.js";

function newBookingId(prefix: string): string {
  return prefix + encodeBase32(randomBytes(16));
}

export interface ResourceInput {
  name: string;
  description?: string;
  quantity?: number;
  tags?: string[];
  venueId?: string;
  owners?: string[];
  availability?: string[];
}

export type ResourcePatch = Partial<Omit<ResourceInput, "venueId">> & { venueId?: string | null };

function requireVenue(doc: Festival, venueId: string): void {
  const venue = Object.prototype.hasOwnProperty.call(doc.venues, venueId) ? doc.venues[venueId] : undefined;
  if (!isMap(venue)) throw new PandafestError(`no venue with id ${JSON.stringify(venueId)} in this festival; \`pandafest venue list FESTIVAL\` lists them`);
}

/** The stored resource `id`, or a clear error. */
export function requireResource(doc: Festival, id: string): Resource {
  const resource = lazyMapEntries(doc, "resources").get(id);
  if (!isMap(resource)) throw new PandafestError(`no resource with id ${JSON.stringify(id)} in this festival; \`pandafest resource list FESTIVAL\` lists them`);
  return resource as unknown as Resource;
}

/** Adds a resource and returns its id. */
export function addResource(editor: FestivalEditor, input: ResourceInput): string {
  const doc = readFestival(editor);
  const count = lazyMapEntries(doc, "resources").size;
  if (count >= BOOKING_LIMITS.resources) throw new PandafestError(`this festival already holds ${count} resources, the most pandafest keeps`);
  const resource: Resource = {
    name: short(labelInput("resource name", input.name)),
    description: short(proseInput("description", input.description ?? "")),
    quantity: quantityInput(input.quantity ?? 1),
    tags: shortList(tagsInput(input.tags ?? [])),
  };
  if (input.venueId !== undefined) {
    requireVenue(doc, input.venueId);
    resource.venueId = short(input.venueId);
  }
  if (input.owners !== undefined) resource.owners = shortList(ownersInput(input.owners));
  if (input.availability !== undefined) resource.availability = shortList(windowsInput(input.availability));
  const id = newBookingId(RESOURCE_PREFIX);
  editor.change((draft) => {
    lazyMapForNew(draft, "resources")[id] = resource;
  }, `add resource ${id}`);
  return id;
}

/**
 * Changes the given fields of a resource; returns the fields written. `authorship` names its creator when it must be
 * moved into the winning map (it then keeps its owners, written out).
 */
export function editResource(editor: FestivalEditor, id: string, patch: ResourcePatch, authorship?: Authorship): string[] {
  const doc = readFestival(editor);
  const stored = requireResource(doc, id);
  const writes: Record<string, unknown> = {};
  if (patch.name !== undefined) writes.name = short(labelInput("resource name", patch.name));
  if (patch.description !== undefined) writes.description = short(proseInput("description", patch.description));
  if (patch.quantity !== undefined) writes.quantity = quantityInput(patch.quantity);
  if (patch.tags !== undefined) writes.tags = shortList(tagsInput(patch.tags));
  if (patch.owners !== undefined) writes.owners = shortList(ownersInput(patch.owners));
  if (patch.availability !== undefined) writes.availability = shortList(windowsInput(patch.availability));
  if (patch.venueId !== undefined && patch.venueId !== null) {
    requireVenue(doc, patch.venueId);
    writes.venueId = short(patch.venueId);
  }
  const keys = Object.keys(writes).filter((key) => JSON.stringify(plain(writes[key])) !== JSON.stringify(plain((stored as unknown as Record<string, unknown>)[key])));
  const clearVenue = patch.venueId === null && stored.venueId !== undefined;
  if (keys.length === 0 && !clearVenue) return [];
  const resources = (doc as unknown as Record<string, unknown>).resources as Record<string, unknown>;
  const inWinner = Object.prototype.hasOwnProperty.call(resources, id);
  editor.change((draft) => {
    const winner = lazyMapForNew(draft, "resources");
    if (!inWinner) {
      // it lives in a map that lost a concurrent creation (read-only copies): write it whole into the winning one
      const whole: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(stored as unknown as Record<string, unknown>)) {
        whole[key] = Array.isArray(value) ? value.map((item) => short(textOf(item))) : typeof value === "string" || A.isImmutableString(value) ? short(textOf(value)) : value;
      }
      whole.owners = shortList(ownersOf(stored, authorship ?? NO_AUTHORSHIP).length > 0 ? ownersOf(stored, authorship ?? NO_AUTHORSHIP) : textListOf(stored.owners, BOOKING_LIMITS.owners));
      if ((whole.owners as unknown[]).length === 0) delete whole.owners;
      winner[id] = whole;
    }
    const target = winner[id] as Record<string, unknown>;
    for (const key of keys) target[key] = writes[key];
    if (clearVenue) delete target.venueId;
  }, `edit resource ${id}: ${[...keys, ...(clearVenue ? ["venueId"] : [])].sort().join(", ")}`);
  return [...keys, ...(clearVenue ? ["venueId"] : [])].sort();
}

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  return A.isImmutableString(value) ? value.val : value;
}

/** Sets who owns a venue (whose decisions on its requests count) and, when given, its availability windows. */
export function setVenueOwnership(editor: FestivalEditor, venueId: string, change: { owners?: string[]; availability?: string[] }): string[] {
  const doc = readFestival(editor);
  requireVenue(doc, venueId);
  const writes: Record<string, unknown> = {};
  if (change.owners !== undefined) writes.owners = shortList(ownersInput(change.owners));
  if (change.availability !== undefined) writes.availability = shortList(windowsInput(change.availability));
  const keys = Object.keys(writes).sort();
  if (keys.length === 0) return [];
  editor.change((draft) => {
    const venue = draft.venues[venueId] as unknown as Record<string, unknown>;
    for (const key of keys) venue[key] = writes[key];
  }, `edit venue ${venueId}: ${keys.join(", ")}`);
  return keys;
}

export type BookingTarget = { kind: "venue" } | { kind: "resource"; resourceId: string } | { kind: "shift"; role: string; count: number };

/** True when a request was cancelled by somebody (the asker's cancel ends it; others are judged on reading). */
function hasCancel(decisions: readonly [string, Record<string, unknown>][] | undefined): boolean {
  return (decisions ?? []).some(([, decision]) => textOf(decision.state) === "cancelled");
}

/** Asks for the event's venue, a resource, or people's time during it; returns the request's id. */
export function requestBooking(editor: FestivalEditor, eventId: string, target: BookingTarget): string {
  const doc = readFestival(editor);
  if (!getEvent(doc, eventId)) throw new PandafestError(`no event with id ${JSON.stringify(eventId)} in this festival; check the id`);
  const { requests, decisions, ignored } = bookingEntries(doc);
  if (ignored > 0 || requests.length >= BOOKING_LIMITS.bookings) throw new PandafestError(`this festival already holds ${BOOKING_LIMITS.bookings} requests and decisions, the most pandafest keeps`);
  const booking: Booking = { eventId: short(eventId) };
  let what = "its venue";
  if (target.kind === "resource") {
    const resource = requireResource(doc, target.resourceId);
    if (resource.removed === true) throw new PandafestError(`the resource ${JSON.stringify(textOf(resource.name))} is removed; ask for another one`);
    booking.resourceId = short(target.resourceId);
    what = `resource ${target.resourceId}`;
  } else if (target.kind === "shift") {
    booking.role = short(labelInput("shift role", target.role));
    booking.count = shiftCountInput(target.count);
    what = `a shift (${textOf(booking.role)})`;
  }
  if (target.kind !== "shift") {
    for (const [otherId, raw] of requests) {
      if (textOf(raw.eventId) !== eventId || raw.role !== undefined || hasCancel(decisions.get(otherId))) continue;
      const sameTarget = target.kind === "venue" ? raw.resourceId === undefined : textOf(raw.resourceId) === target.resourceId;
      if (sameTarget) throw new PandafestError(`this event already asked for ${what} (request ${otherId}); cancel that request first to ask again`);
    }
  }
  const id = newBookingId(BOOKING_PREFIX);
  editor.change((draft) => {
    lazyMapForNew(draft, "bookings")[id] = booking;
  }, `request ${id}: event ${eventId} asks for ${what}`);
  return id;
}

/** The stored request `id`, or a clear error. */
export function requireBooking(doc: Festival, id: string): Booking {
  const booking = lazyMapEntries(doc, "bookings").get(id);
  if (!isMap(booking)) throw new PandafestError(`no booking request with id ${JSON.stringify(id)} in this festival; \`pandafest bookings FESTIVAL\` lists them`);
  return booking as unknown as Booking;
}

/**
 * Records a decision on a request, made for the event's current venue and times. It counts only when its author may
 * make it (state.ts): an owner's accept, decline or revoke; the asker's cancel; a person's own shift sign-up.
 */
export function decideBooking(editor: FestivalEditor, bookingId: string, state: DecisionState, reason = ""): string {
  return writeDecision(editor, bookingId, { state, reason: proseInput("reason", reason, BOOKING_LIMITS.reasonLength) }, `${state} request ${bookingId}`);
}

/**
 * Asks a named person (a member key) to take a shift. It counts when its author owns the shift (an owner of the
 * event's venue); the person answers with their own decision (`shift answer`), and only theirs counts for them.
 */
export function askForShift(editor: FestivalEditor, bookingId: string, person: string): string {
  const key = personKeyInput(person);
  const booking = requireBooking(readFestival(editor), bookingId);
  if (booking.role === undefined) throw new PandafestError(`request ${bookingId} is not a shift; only people can be asked for a shift (\`pandafest shifts FESTIVAL\` lists them)`);
  return writeDecision(editor, bookingId, { state: ASKED_STATE, reason: "", person: key }, `ask ${key} to take shift ${bookingId}`);
}

/** Writes one entry on a request, made for the event's current venue and times, one generation past those it saw. */
function writeDecision(editor: FestivalEditor, bookingId: string, what: { state: string; reason: string; person?: string }, message: string): string {
  const doc = readFestival(editor);
  const booking = requireBooking(doc, bookingId);
  if ((booking as unknown as Record<string, unknown>).bookingId !== undefined) throw new PandafestError(`${bookingId} is a decision, not a request; \`pandafest bookings FESTIVAL\` lists requests`);
  const event = getEvent(doc, textOf(booking.eventId));
  if (!event) throw new PandafestError(`request ${bookingId} is for an event that is not in this festival; nothing to decide`);
  const { decisions: all, ignored } = bookingEntries(doc);
  if (ignored > 0) throw new PandafestError(`this festival already holds ${BOOKING_LIMITS.bookings} requests and decisions, the most pandafest keeps`);
  const decisions = all.get(bookingId) ?? [];
  if (decisions.length >= BOOKING_LIMITS.decisionsPerBooking) {
    throw new PandafestError(`request ${bookingId} already holds ${decisions.length} decisions; make a new request instead`);
  }
  const decision: Decision = {
    bookingId: short(bookingId),
    state: short(what.state),
    reason: short(what.reason),
    venueId: short(textOf(event.venueId)),
    start: short(textOf(event.start)),
    end: short(textOf(event.end)),
    generation: Math.min(latestGeneration(decisions) + 1, BOOKING_LIMITS.generation),
  };
  if (what.person !== undefined) decision.person = short(what.person);
  const decisionId = newBookingId(DECISION_PREFIX);
  editor.change((draft) => {
    lazyMapForNew(draft, "bookings")[decisionId] = decision;
  }, message);
  return decisionId;
}
