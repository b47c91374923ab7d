// Shared set-up for the domain tests: festivals as raw Automerge documents behind editorForDoc,
// peers made by cloning with their own actor, and a bulk builder for timing tests.
import * as A from "@automerge/automerge";
import { editorForDoc, type DocEditor } from "../../engine/core/editor.js";
import { PandafestError } from "../../engine/core/errors.js";
import { eventMapForNew, getEvent } from "../../engine/core/event-shards.js";
import type { Festival, FestivalEvent } from "../../engine/core/schema.js";
import { createFestivalDoc } from "../../engine/core/skeleton.js";
import type { FestivalInput } from "../../engine/core/validate.js";

export function newFestival(input: Partial<FestivalInput> = {}, actor?: string): DocEditor {
  const doc = createFestivalDoc(
    { name: "Test festival", timeZone: "Europe/Berlin", startDate: "2027-07-01", endDate: "2027-07-04", ...input },
    actor === undefined ? {} : { actor },
  );
  return editorForDoc(doc);
}

/** A second peer holding a copy of the document under its own actor id. */
export function peerOf(editor: DocEditor, actor: string): DocEditor {
  return editorForDoc(A.clone(editor.doc, { actor }));
}

/** Merges the other peer's document into this peer's (like a sync) and returns this peer. */
export function mergeInto(target: DocEditor, source: DocEditor): DocEditor {
  return editorForDoc(A.merge(A.clone(target.doc), source.doc));
}

export function actorOf(editor: DocEditor): string {
  return A.getActorId(editor.doc);
}

/** The operations of the last change this peer made. */
export function lastChangeOps(editor: DocEditor): A.DecodedChange["ops"] {
  const change = A.getLastLocalChange(editor.doc);
  if (!change) throw new Error("no local change yet");
  return A.decodeChange(change).ops;
}

const short = (text: string) => new A.ImmutableString(text);

/** The stored event (in a document or in a change's draft), wherever the document keeps it. */
export function storedEvent(doc: Festival, eventId: string): FestivalEvent {
  const event = getEvent(doc, eventId);
  if (!event) throw new Error(`no event ${eventId} in the document`);
  return event;
}

/**
 * A festival with `venues` venues and `events` one-hour events spread over `days` days (Berlin time),
 * written in one change without the operations' validation, to build large fixtures quickly.
 */
export function bulkFestival(options: { venues: number; events: number; days: number }): A.Doc<Festival> {
  const editor = newFestival();
  editor.change((doc) => {
    for (let v = 0; v < options.venues; v++) {
      doc.venues[`v_${v}`] = {
        name: short(`Venue ${v}`),
        description: short(""),
        address: short(""),
        accessibility: short(""),
        tags: [],
      };
    }
    const perDay = Math.ceil(options.events / options.days);
    for (let i = 0; i < options.events; i++) {
      const day = Math.floor(i / perDay);
      const minutes = 10 * 60 + ((i % perDay) * 7) % (14 * 60);
      const start = new Date(Date.UTC(2027, 6, 1 + day, 0, minutes) - 2 * 3_600_000);
      const end = new Date(start.getTime() + 3_600_000);
      const event: FestivalEvent = {
        title: short(`Event ${i}`),
        description: short("about it"),
        venueId: short(`v_${i % options.venues}`),
        start: short(start.toISOString().replace(".000Z", "Z")),
        end: short(end.toISOString().replace(".000Z", "Z")),
        hostIds: [],
        tags: [short("music")],
        status: short("confirmed"),
      };
      eventMapForNew(doc, `e_${i}`)[`e_${i}`] = event;
    }
  }, "bulk fixture");
  return editor.doc;
}

/** The PandafestError fn throws (any other error is rethrown; returning normally fails the test). */
export function refusal(fn: () => unknown): PandafestError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PandafestError) return error;
    throw error;
  }
  throw new Error("expected a PandafestError");
}
