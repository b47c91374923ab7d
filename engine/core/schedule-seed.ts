// A new festival from an imported frab/pretalx schedule: venues from rooms, people from persons, events,
// all written through the engine's operations (so validated like any edit) into one in-memory change.
import * as A from "@automerge/automerge";
import type { FestivalEditor } from "./editor.js";
import { PandafestError } from "./errors.js";
import type { ImportNotice, ScheduleImport } from "./interop/index.js";
import { addEvent, addPerson, addVenue } from "./operations.js";
import type { Festival, Visibility } from "./schema.js";
import { festivalInit } from "./skeleton.js";

export interface ScheduleSeedOptions {
  /** the festival's name; default: the schedule's title */
  name?: string;
  /** default "public", like `festival create` */
  visibility?: Visibility;
  /** how messages name the input, e.g. the file name */
  source?: string;
  /** all or nothing: an event the engine refuses fails the whole import (otherwise it is skipped and listed) */
  strict?: boolean;
}

export interface ScheduleSeed {
  /** the whole festival as one change of a new in-memory document; nothing is stored yet */
  doc: A.Doc<Festival>;
  name: string;
  venues: number;
  people: number;
  events: number;
  /** the schedule's notices, plus events the engine refused (skipped) */
  notices: ImportNotice[];
}

/** An editor writing straight into one change's draft, so the whole import is a single change. */
function draftEditor(draft: Festival): FestivalEditor {
  return { read: () => draft, change: (fn) => fn(draft) };
}

function withContext<T>(source: string, what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof PandafestError) throw new PandafestError(`${source}: ${what}: ${error.message}`, { code: "input", cause: error });
    throw error;
  }
}

/**
 * Builds a festival from a parsed schedule entirely in memory. Every venue, person and event goes
 * through the engine's validation; an event the engine refuses is skipped and listed in `notices` (with
 * `strict`, it throws a PandafestError naming the item). Nothing exists outside this function until the
 * caller stores the returned document.
 */
export function festivalFromSchedule(schedule: ScheduleImport, options: ScheduleSeedOptions = {}): ScheduleSeed {
  const source = options.source ?? "schedule";
  const name = options.name ?? schedule.name;
  const init = withContext(source, "festival settings", () =>
    festivalInit({
      name,
      description: schedule.description,
      timeZone: schedule.timeZone,
      startDate: schedule.startDate,
      endDate: schedule.endDate,
      visibility: options.visibility ?? "public",
      ...(schedule.dayStartsAt === undefined ? {} : { dayStartsAt: schedule.dayStartsAt }),
      schedule: {
        ...(schedule.acronym === undefined ? {} : { acronym: schedule.acronym }),
        ...(schedule.baseUrl === undefined ? {} : { baseUrl: schedule.baseUrl }),
        ...(schedule.version === undefined ? {} : { version: schedule.version }),
      },
    }),
  );
  const notices = [...schedule.notices];
  let eventCount = 0;
  const doc = A.change(A.init<Festival>(), { message: `import schedule ${JSON.stringify(source)}` }, (draft) => {
    init(draft);
    const editor = draftEditor(draft);
    const venueIds = new Map<string, string>();
    for (const venue of schedule.venues) {
      venueIds.set(venue.key, withContext(source, `room "${venue.name}"`, () => addVenue(editor, { name: venue.name, origin: venue.origin })));
    }
    const personIds = new Map<string, string>();
    for (const person of schedule.people) {
      personIds.set(
        person.key,
        withContext(source, `person "${person.name}"`, () => addPerson(editor, { name: person.name, bio: person.bio, origin: person.origin })),
      );
    }
    for (const event of schedule.events) {
      const add = () => {
        const venueId = venueIds.get(event.venueKey);
        if (venueId === undefined) throw new PandafestError(`its room is not among the schedule's rooms`);
        addEvent(editor, {
          title: event.title,
          venueId,
          start: event.start,
          end: event.end,
          description: event.description,
          hostIds: event.hostKeys.map((key) => personIds.get(key) ?? key),
          tags: event.tags,
          status: event.status,
          type: event.type,
          subtitle: event.subtitle,
          abstract: event.abstract,
          links: event.links,
          attachments: event.attachments,
          doNotRecord: event.doNotRecord,
          origin: event.origin,
          ...(event.language === undefined ? {} : { language: event.language }),
        });
        eventCount += 1;
      };
      if (options.strict) {
        withContext(source, `event "${event.title}" (room "${event.venueKey}", ${event.start})`, add);
        continue;
      }
      try {
        add();
      } catch (error) {
        if (!(error instanceof PandafestError)) throw error;
        notices.push({ where: event.where, action: "skipped", reason: error.message });
      }
    }
  });
  const view = doc as Festival;
  return {
    doc,
    name: String(view.name),
    venues: schedule.venues.length,
    people: schedule.people.length,
    events: eventCount,
    notices,
  };
}
