// Links of events and venues: which addresses are accepted (http and https only) and which link a venue
// lends its events (its stream). Browser-safe; validation, exports, the CLI and the UI all read the rule here.
import type { EventView, LinkView, VenueView } from "./schema.js";

const UNSAFE_IN_ADDRESS = /[\s\u0000-\u001f\u007f-\u009f]/u;

/** True for an absolute http:// or https:// address with a host, and no spaces or control characters. */
export function isWebAddress(text: string): boolean {
  if (text === "" || UNSAFE_IN_ADDRESS.test(text)) return false;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return false;
  }
  return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname !== "";
}

const STREAM_TITLE = /\b(stream|live|livestream|video call|webinar)\b/i;

/**
 * The link a venue lends its events: for an online venue its first link; for a place, its first link titled
 * as a stream ("Stream", "Live", "Livestream", ...). Undefined when the venue has none.
 */
export function streamLinkOf(venue: Pick<VenueView, "links" | "online"> | undefined): LinkView | undefined {
  if (venue === undefined) return undefined;
  if (venue.online) return venue.links[0];
  return venue.links.find((link) => STREAM_TITLE.test(link.title));
}

/** An event's links as attendees see them: its own, then its venue's stream unless the event already lists that address. */
export function effectiveLinksOf(event: Pick<EventView, "links">, venue: Pick<VenueView, "links" | "online"> | undefined): LinkView[] {
  const stream = streamLinkOf(venue);
  if (stream === undefined || event.links.some((link) => link.url === stream.url)) return event.links;
  return [...event.links, stream];
}

/** True when the event happens online: its venue is an online venue (a stream or a call, not a place). */
export function isOnlineEvent(venue: Pick<VenueView, "online"> | undefined): boolean {
  return venue?.online === true;
}
