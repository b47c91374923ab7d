// `pandafest venue add|edit|remove|restore|list`: the places events happen.
// Removing is a flag, so a concurrent edit elsewhere is kept and the venue can be restored.
import type { Command } from "commander";
import { addVenue, editVenue, removeVenue, restoreVenue } from "../../../engine/core/operations.js";
import { resolveVenueId } from "../../../engine/core/references.js";
import { festivalView } from "../../../engine/core/views.js";
import { action } from "../context.js";
import { table } from "../output.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { collect, parseCount, parseGeo, parseLink } from "../parse.js";

interface VenueOptions {
  name?: string;
  description?: string;
  address?: string;
  geo?: string;
  capacity?: string;
  accessibility?: string;
  tag?: string[];
  link?: string[];
  clearLinks?: boolean;
  online?: boolean;
}

function venueFields(options: VenueOptions) {
  if (options.clearLinks && options.link !== undefined) {
    throw new PandafestError("give either --link or --clear-links, not both", { code: "usage" });
  }
  return {
    name: options.name,
    description: options.description,
    address: options.address,
    geo: options.geo === undefined ? undefined : parseGeo(options.geo),
    capacity: options.capacity === undefined ? undefined : parseCount("--capacity", options.capacity),
    accessibility: options.accessibility,
    tags: options.tag,
    links: options.clearLinks ? [] : options.link?.map((text) => parseLink("--link", text)),
    online: options.online,
  };
}

function withVenueOptions(command: Command): Command {
  return command
    .option("--description <text>")
    .option("--address <address>")
    .option("--geo <lat,lon>", "coordinates, e.g. 52.52,13.405")
    .option("--capacity <n>", "how many people fit")
    .option("--accessibility <text>", "step-free access, toilets, seating, ...")
    .option("--tag <tag>", "a tag (repeat for more)", collect)
    .option("--link <title=url>", 'a link, e.g. "Stream=https://example.org/live" (repeat for more; replaces the list); a stream link is the default link of the venue\'s events', collect)
    .option("--clear-links", "remove every link of the venue")
    .option("--online", "an online venue (a stream or a call, not a place): its first link is its stream")
    .option("--no-online", "a physical place again");
}

export function registerVenueCommands(program: Command): void {
  const venue = program.command("venue").description("add, edit, remove, restore and list venues");

  withVenueOptions(
    venue.command("add").description("add a venue").argument("<festival>").requiredOption("--name <name>", "the venue's name"),
  ).action(
    action(async (ctx, festival: string, options: VenueOptions) => {
      const store = await ctx.openStore();
      const { editor } = await store.editorFor(festival);
      const fields = venueFields(options);
      const id = addVenue(editor, { ...fields, name: options.name ?? "" });
      await store.commit();
      ctx.out.result({ id }, (r) => [`Added venue "${options.name}" (${r.id})`]);
    }),
  );

  withVenueOptions(
    venue.command("edit").description("change a venue's fields").argument("<festival>").argument("<venue>", "venue id or unique name").option("--name <name>"),
  ).action(
    action(async (ctx, festival: string, venueRef: string, options: VenueOptions) => {
      const store = await ctx.openStore();
      const { editor } = await store.editorFor(festival);
      const id = resolveVenueId(editor.read(), venueRef);
      editVenue(editor, id, venueFields(options));
      await store.commit();
      ctx.out.result({ id }, (r) => [`Updated venue ${r.id}`]);
    }),
  );

  for (const [name, run, verb] of [
    ["remove", removeVenue, "Removed"],
    ["restore", restoreVenue, "Restored"],
  ] as const) {
    venue
      .command(name)
      .description(name === "remove" ? "mark a venue removed (it can be restored)" : "bring a removed venue back")
      .argument("<festival>")
      .argument("<venue>", "venue id or unique name")
      .action(
        action(async (ctx, festival: string, venueRef: string) => {
          const store = await ctx.openStore();
          const { editor } = await store.editorFor(festival);
          const id = resolveVenueId(editor.read(), venueRef);
          run(editor, id);
          await store.commit();
          ctx.out.result({ id }, (r) => [`${verb} venue "${String(editor.read().venues[r.id].name)}" (${r.id})`]);
        }),
      );
  }

  venue
    .command("list")
    .description("list venues")
    .argument("<festival>")
    .option("--all", "include removed venues")
    .action(
      action(async (ctx, festival: string, options: { all?: boolean }) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const venues = Object.values(festivalView(store.visible(handle)).venues)
          .filter((v) => options.all || !v.removed)
          .sort((a, b) => a.name.localeCompare(b.name));
        ctx.out.result(venues, (rows) =>
          rows.length === 0
            ? ["No venues yet. Add one with `pandafest venue add FESTIVAL --name NAME`."]
            : table(
                ["ID", "NAME", "CAPACITY", "ADDRESS", "LINKS", ""],
                rows.map((v) => [
                  v.id,
                  v.name,
                  v.capacity === undefined ? "" : String(v.capacity),
                  v.online ? "(online)" : v.address,
                  v.links.map((link) => `${link.title} <${link.url}>`).join(", "),
                  v.removed ? "removed" : "",
                ]),
              ),
        );
      }),
    );
}
