// `pandafest event add|edit|cancel|list`: what happens when, where, and who hosts it.
// Hosts are named; a host not yet among the festival's people is added as a person.
import { authorshipOf, bookingsOf, confirmationsOf, confirmationText, lazyMapEntries } from "../../../engine/core/bookings/index.js";
import type { Command } from "commander";
import type { FestivalEditor } from "../../../engine/core/editor.js";
import { addEvent, addPerson, cancelEvent, editEvent } from "../../../engine/core/operations.js";
import { programme } from "../../../engine/core/programme.js";
import { findPersonByName, resolveEventId, resolveVenueId } from "../../../engine/core/references.js";
import type { EventStatus, EventView } from "../../../engine/core/schema.js";
import { instantInZone } from "../../../engine/core/time.js";
import { festivalSettingsOf, festivalView } from "../../../engine/core/views.js";
import { action } from "../context.js";
import { table } from "../output.js";
import { collect } from "../parse.js";

const START_HELP = "start: a local time in the festival's time zone (2027-07-01T20:00) or ISO 8601 with offset (2027-07-01T20:00:00+02:00)";
const END_HELP = "end: a local time in the festival's time zone, or ISO 8601 with offset";

interface EventOptions {
  title?: string;
  venue?: string;
  start?: string;
  end?: string;
  description?: string;
  host?: string[];
  tag?: string[];
  language?: string;
  status?: string;
}

function withEventOptions(command: Command): Command {
  return command
    .option("--description <text>")
    .option("--host <name>", "a host's name (repeat for more); new names are added as people", collect)
    .option("--tag <tag>", "a tag (repeat for more)", collect)
    .option("--language <code>", "e.g. en, de")
    .option("--status <status>", "confirmed, tentative or cancelled");
}

/** Host names split into the ids of people who exist and the names that are new. */
function splitHosts(editor: FestivalEditor, names: string[] | undefined): { known: string[]; missing: string[] } {
  const known: string[] = [];
  const missing: string[] = [];
  for (const name of names ?? []) {
    const id = findPersonByName(editor.read(), name);
    if (id) known.push(id);
    else if (!missing.includes(name.trim())) missing.push(name.trim());
  }
  return { known, missing };
}

/** Adds the missing hosts as people (only after the event itself was accepted) and links them. */
function attachNewHosts(editor: FestivalEditor, eventId: string, known: string[], missing: string[]): void {
  if (missing.length === 0) return;
  const added = missing.map((name) => addPerson(editor, { name }));
  editEvent(editor, eventId, { hostIds: [...known, ...added] });
}

export function registerEventCommands(program: Command): void {
  const event = program.command("event").description("add, edit, cancel and list events");

  withEventOptions(
    event
      .command("add")
      .description("add an event")
      .argument("<festival>")
      .requiredOption("--title <title>")
      .requiredOption("--venue <venue>", "venue id or unique name")
      .requiredOption("--start <time>", START_HELP)
      .requiredOption("--end <time>", END_HELP),
  ).action(
    action(async (ctx, festival: string, options: EventOptions) => {
      const store = await ctx.openStore();
      const { editor } = await store.editorFor(festival);
      const venueId = resolveVenueId(editor.read(), options.venue ?? "");
      const { timeZone } = festivalSettingsOf(editor.read());
      const hosts = splitHosts(editor, options.host);
      const id = addEvent(editor, {
        title: options.title ?? "",
        venueId,
        start: instantInZone(options.start ?? "", timeZone),
        end: instantInZone(options.end ?? "", timeZone),
        description: options.description,
        hostIds: hosts.known,
        tags: options.tag,
        language: options.language,
        status: options.status as EventStatus | undefined,
      });
      attachNewHosts(editor, id, hosts.known, hosts.missing);
      await store.commit();
      ctx.out.result({ id }, (r) => [`Added event "${options.title}" (${r.id})`]);
    }),
  );

  withEventOptions(
    event
      .command("edit")
      .description("change an event's fields")
      .argument("<festival>")
      .argument("<event>", "event id or unique title")
      .option("--title <title>")
      .option("--venue <venue>", "venue id or unique name")
      .option("--start <time>", START_HELP)
      .option("--end <time>", END_HELP),
  ).action(
    action(async (ctx, festival: string, eventRef: string, options: EventOptions) => {
      const store = await ctx.openStore();
      const { editor } = await store.editorFor(festival);
      const doc = editor.read();
      const id = resolveEventId(doc, eventRef);
      const { timeZone } = festivalSettingsOf(doc);
      const hosts = options.host ? splitHosts(editor, options.host) : undefined;
      editEvent(editor, id, {
        title: options.title,
        venueId: options.venue === undefined ? undefined : resolveVenueId(doc, options.venue),
        start: options.start === undefined ? undefined : instantInZone(options.start, timeZone),
        end: options.end === undefined ? undefined : instantInZone(options.end, timeZone),
        description: options.description,
        hostIds: hosts?.known,
        tags: options.tag,
        language: options.language,
        status: options.status as EventStatus | undefined,
      });
      if (hosts) attachNewHosts(editor, id, hosts.known, hosts.missing);
      await store.commit();
      ctx.out.result({ id }, (r) => [`Updated event ${r.id}`]);
    }),
  );

  event
    .command("cancel")
    .description("mark an event cancelled (it stays in the programme, shown as cancelled)")
    .argument("<festival>")
    .argument("<event>", "event id or unique title")
    .action(
      action(async (ctx, festival: string, eventRef: string) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const id = resolveEventId(editor.read(), eventRef);
        cancelEvent(editor, id);
        await store.commit();
        ctx.out.result({ id }, (r) => [`Cancelled event ${r.id}`]);
      }),
    );

  event
    .command("list")
    .description("list events by start time")
    .argument("<festival>")
    .option("--day <date>", "only this festival day, YYYY-MM-DD")
    .action(
      action(async (ctx, festival: string, options: { day?: string }) => {
        const store = await ctx.openStore();
        const doc = store.visible(await store.resolve(festival));
        let events: EventView[];
        if (options.day) {
          events = programme(doc, { day: options.day }).flatMap((d) => d.venues.flatMap((v) => v.events));
        } else {
          events = Object.values(festivalView(doc).events);
        }
        events.sort((a, b) => Date.parse(a.start) - Date.parse(b.start) || a.title.localeCompare(b.title));
        const venues = festivalView(doc).venues;
        // with bookings, each event that asked for something says how far it is confirmed
        const handle = await store.resolve(festival);
        const confirmations = lazyMapEntries(doc, "bookings").size === 0 ? null : confirmationsOf(bookingsOf(doc, authorshipOf(doc, handle.documentId)).bookings);
        const rows = confirmations === null ? events : events.map((e) => ({ ...e, confirmation: confirmations.get(e.id) ?? { accepted: 0, requested: 0 } }));
        ctx.out.result(rows, (list) =>
          list.length === 0
            ? ["No events."]
            : table(
                ["ID", "START", "END", "VENUE", "TITLE", "STATUS", ...(confirmations === null ? [] : ["BOOKED"])],
                list.map((e) => [
                  e.id,
                  e.start,
                  e.end,
                  venues[e.venueId]?.name ?? `(missing ${e.venueId})`,
                  e.title,
                  e.status === "confirmed" ? "" : e.status,
                  ...(confirmations === null ? [] : [confirmationText(confirmations.get(e.id)) || "nothing asked"]),
                ]),
              ),
        );
      }),
    );
}
