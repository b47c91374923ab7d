// `pandafest event add|edit|cancel|delete|restore|list|show`: what happens when, where, who hosts it, and its links.
// Hosts are named; a host not yet among the festival's people is added as a person.
import { authorshipOf, bookingsOf, confirmationsOf, confirmationText, lazyMapEntries } from "../../../engine/core/bookings/index.js";
import type { Command } from "commander";
import type { FestivalEditor } from "../../../engine/core/editor.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { getEvent } from "../../../engine/core/event-shards.js";
import { effectiveLinksOf, isOnlineEvent } from "../../../engine/core/links.js";
import { addEvent, addPerson, cancelEvent, deleteEvent, editEvent, restoreEvent } from "../../../engine/core/operations.js";
import { programme } from "../../../engine/core/programme.js";
import { findPersonByName, resolveEventId, resolveVenueId } from "../../../engine/core/references.js";
import type { EventStatus, EventView } from "../../../engine/core/schema.js";
import { formatLocalDateTime, instantInZone } from "../../../engine/core/time.js";
import { festivalSettingsOf, festivalView, textOf } from "../../../engine/core/views.js";
import { action } from "../context.js";
import { table } from "../output.js";
import { collect, parseLink } from "../parse.js";

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
  type?: string;
  subtitle?: string;
  abstract?: string;
  link?: string[];
  clearLinks?: boolean;
}

/** The links an add or edit writes: --link replaces the list, --clear-links empties it, neither leaves it. */
function linksOption(options: EventOptions): { title: string; url: string }[] | undefined {
  if (options.clearLinks && options.link !== undefined) {
    throw new PandafestError("give either --link or --clear-links, not both", { code: "usage" });
  }
  if (options.clearLinks) return [];
  return options.link?.map((text) => parseLink("--link", text));
}

function withEventOptions(command: Command): Command {
  return command
    .option("--description <text>")
    .option("--host <name>", "a host's name (repeat for more); new names are added as people", collect)
    .option("--tag <tag>", "a tag (repeat for more)", collect)
    .option("--language <code>", "e.g. en, de")
    .option("--status <status>", "confirmed, tentative or cancelled")
    .option("--type <type>", "the kind of event: talk, workshop, concert, ...")
    .option("--subtitle <text>")
    .option("--abstract <text>", "a short summary, shown apart from the description")
    .option("--link <title=url>", 'a link, e.g. "Slides=https://example.org/slides.pdf" (repeat for more; replaces the list)', collect)
    .option("--clear-links", "remove every link of the event");
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
  const event = program.command("event").description("add, edit, cancel, delete, restore and list events");

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
        type: options.type,
        subtitle: options.subtitle,
        abstract: options.abstract,
        links: linksOption(options),
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
        type: options.type,
        subtitle: options.subtitle,
        abstract: options.abstract,
        links: linksOption(options),
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

  for (const [name, run, description, done, already] of [
    ["delete", deleteEvent, "delete an event: it leaves the programme, exports and checks, and can be restored", "Deleted", "was deleted already"],
    ["restore", restoreEvent, "bring a deleted event back as it was", "Restored", "is not deleted"],
  ] as const) {
    event
      .command(name)
      .description(description)
      .argument("<festival>")
      .argument("<event>", "event id or unique title (`event list --all` lists deleted events)")
      .action(
        action(async (ctx, festival: string, eventRef: string) => {
          const store = await ctx.openStore();
          const { editor } = await store.editorFor(festival);
          const id = resolveEventId(editor.read(), eventRef);
          const changed = run(editor, id);
          await store.commit();
          const title = textOf(getEvent(editor.read(), id)?.title);
          ctx.out.result({ id, title, changed }, (r) => [
            r.changed ? `${done} event "${r.title}" (${r.id})` : `Event "${r.title}" (${r.id}) ${already}; nothing changed`,
          ]);
        }),
      );
  }

  event
    .command("show")
    .description("one event in full: times in the festival's zone, venue, hosts, links")
    .argument("<festival>")
    .argument("<event>", "event id or unique title")
    .action(
      action(async (ctx, festival: string, eventRef: string) => {
        const store = await ctx.openStore();
        const doc = store.visible(await store.resolve(festival));
        const id = resolveEventId(doc, eventRef);
        const view = festivalView(doc);
        const shown = view.events[id];
        const venue = Object.prototype.hasOwnProperty.call(view.venues, shown.venueId) ? view.venues[shown.venueId] : undefined;
        const { timeZone } = festivalSettingsOf(doc);
        const hosts = shown.hostIds.map((hostId) => (Object.prototype.hasOwnProperty.call(view.people, hostId) ? view.people[hostId].name : `(missing ${hostId})`));
        const result = {
          ...shown,
          venueName: venue?.name ?? null,
          online: isOnlineEvent(venue),
          hostNames: hosts,
          /** its own links, then its venue's stream */
          allLinks: effectiveLinksOf(shown, venue),
        };
        ctx.out.result(result, (r) => {
          const lines = [r.title];
          if (r.subtitle !== "") lines.push(r.subtitle);
          lines.push(
            `id:       ${r.id}`,
            `when:     ${formatLocalDateTime(r.start, timeZone)} to ${formatLocalDateTime(r.end, timeZone)} (${timeZone})`,
            `where:    ${r.venueName ?? `(missing venue ${r.venueId})`}${r.online ? " (online)" : ""}`,
            `status:   ${r.status}`,
          );
          if (r.type !== "") lines.push(`type:     ${r.type}`);
          if (r.hostNames.length > 0) lines.push(`hosts:    ${r.hostNames.join(", ")}`);
          if (r.tags.length > 0) lines.push(`tags:     ${r.tags.join(", ")}`);
          if (r.language !== undefined) lines.push(`language: ${r.language}`);
          if (r.doNotRecord) lines.push("recording: the hosts asked not to be recorded");
          for (const link of r.allLinks) lines.push(`link:     ${link.title} <${link.url}>`);
          for (const link of r.attachments) lines.push(`attached: ${link.title} <${link.url}>`);
          if (r.abstract !== "") lines.push("", ...r.abstract.split("\n"));
          if (r.description !== "") lines.push("", ...r.description.split("\n"));
          return lines;
        });
      }),
    );

  event
    .command("list")
    .description("list events by start time (deleted events only with --all)")
    .argument("<festival>")
    .option("--day <date>", "only this festival day, YYYY-MM-DD")
    .option("--all", "include deleted events (marked deleted)")
    .action(
      action(async (ctx, festival: string, options: { day?: string; all?: boolean }) => {
        const store = await ctx.openStore();
        const doc = store.visible(await store.resolve(festival));
        let events: EventView[];
        if (options.day && !options.all) {
          events = programme(doc, { day: options.day }).flatMap((d) => d.venues.flatMap((v) => v.events));
        } else {
          events = Object.values(festivalView(doc).events).filter((e) => options.all || e.removed !== true);
          if (options.day) {
            const onDay = new Set(programme(doc, { day: options.day }).flatMap((d) => d.venues.flatMap((v) => v.events.map((e) => e.id))));
            events = events.filter((e) => onDay.has(e.id) || e.removed === true);
          }
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
                  e.removed ? "deleted" : e.status === "confirmed" ? "" : e.status,
                  ...(confirmations === null ? [] : [confirmationText(confirmations.get(e.id)) || "nothing asked"]),
                ]),
              ),
        );
      }),
    );
}
