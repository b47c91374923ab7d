// `pandafest resource add|edit|list|show` and `pandafest owners`: resources events can ask for, who owns a venue
// or resource (whose decisions on its requests count) and when it is available.
import type { Command } from "commander";
import {
  addResource,
  authorshipOf,
  bookingsOf,
  editResource,
  resolveResourceId,
  setVenueOwnership,
} from "../../../engine/core/bookings/index.js";
import { lazyMapEntries, textListOf, BOOKING_LIMITS } from "../../../engine/core/bookings/model.js";
import { availabilityOf, ownersOf } from "../../../engine/core/bookings/owners.js";
import { quantityOf } from "../../../engine/core/bookings/state.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { memberNames } from "../../../engine/core/provenance.js";
import { resolveVenueId } from "../../../engine/core/references.js";
import { textOf } from "../../../engine/core/views.js";
import { action } from "../context.js";
import { authorLabel, table } from "../output.js";
import { collect, parseCount } from "../parse.js";

interface ResourceOptions {
  name?: string;
  description?: string;
  quantity?: string;
  tag?: string[];
  venue?: string;
  owner?: string[];
  available?: string[];
}

function withResourceOptions(command: Command): Command {
  return command
    .option("--description <text>")
    .option("--quantity <n>", "how many there are (n bookings may overlap)")
    .option("--tag <tag>", "a tag (repeat for more)", collect)
    .option("--venue <venue>", "the venue it normally lives at (id or name)")
    .option("--owner <key>", "a member key whose decisions count (repeat for more; default: you)", collect)
    .option("--available <start/end>", "an availability window, e.g. 2027-07-02T10:00:00+02:00/2027-07-02T18:00:00+02:00 (repeat)", collect);
}

export function registerResourceCommands(program: Command): void {
  const resource = program.command("resource").description("add, edit, list and show resources (a PA, a projector, a kitchen)");

  withResourceOptions(resource.command("add").description("add a resource, owned by you unless --owner says otherwise").argument("<festival>").requiredOption("--name <name>")).action(
    action(async (ctx, festival: string, options: ResourceOptions) => {
      const store = await ctx.openStore();
      const { editor, identity } = await store.editorFor(festival);
      const doc = editor.read();
      const id = addResource(editor, {
        name: options.name ?? "",
        description: options.description,
        quantity: options.quantity === undefined ? undefined : parseCount("--quantity", options.quantity),
        tags: options.tag,
        venueId: options.venue === undefined ? undefined : resolveVenueId(doc, options.venue),
        owners: options.owner ?? [identity.publicKey],
        availability: options.available,
      });
      await store.commit();
      ctx.out.result({ id }, (r) => [`Added resource "${options.name}" (${r.id})`]);
    }),
  );

  withResourceOptions(resource.command("edit").description("change a resource's fields").argument("<festival>").argument("<resource>", "resource id or unique name").option("--name <name>")).action(
    action(async (ctx, festival: string, reference: string, options: ResourceOptions) => {
      const store = await ctx.openStore();
      const { editor, handle } = await store.editorFor(festival);
      const doc = editor.read();
      const id = resolveResourceId(doc, reference);
      const written = editResource(
        editor,
        id,
        {
          name: options.name,
          description: options.description,
          quantity: options.quantity === undefined ? undefined : parseCount("--quantity", options.quantity),
          tags: options.tag,
          venueId: options.venue === undefined ? undefined : resolveVenueId(doc, options.venue),
          owners: options.owner,
          availability: options.available,
        },
        authorshipOf(store.visible(handle), handle.documentId),
      );
      await store.commit();
      ctx.out.result({ id, written }, (r) => [r.written.length === 0 ? `Nothing to change in resource ${r.id}` : `Updated resource ${r.id}: ${r.written.join(", ")}`]);
    }),
  );

  resource
    .command("list")
    .description("list resources with their quantity, owners and how many requests are accepted")
    .argument("<festival>")
    .action(
      action(async (ctx, festival: string) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const doc = store.visible(handle);
        const authorship = authorshipOf(doc, handle.documentId);
        const { resources, bookings } = bookingsOf(doc, authorship);
        const rows = [...resources.entries()]
          .map(([id, r]) => ({
            id,
            name: r.name,
            quantity: r.quantity,
            owners: r.owners,
            removed: r.removed,
            requests: bookings.filter((b) => b.kind === "resource" && b.targetId === id && b.state !== "cancelled").length,
            accepted: bookings.filter((b) => b.kind === "resource" && b.targetId === id && b.state === "accepted").length,
          }))
          .sort((a, b) => a.name.localeCompare(b.name));
        const names = memberNames(handle.doc(), handle.documentId);
        ctx.out.result(rows, (list) =>
          list.length === 0
            ? ["No resources yet. Add one with `pandafest resource add FESTIVAL --name NAME`."]
            : table(
                ["ID", "NAME", "QTY", "ACCEPTED", "OWNERS"],
                list.map((r) => [r.id, r.name, String(r.quantity), `${r.accepted}/${r.requests}`, r.owners.map((key) => authorLabel(names.get(key) ?? "", key)).join(", ")]),
              ),
        );
      }),
    );

  resource
    .command("show")
    .description("show a resource: its fields, owners, availability and requests")
    .argument("<festival>")
    .argument("<resource>", "resource id or unique name")
    .action(
      action(async (ctx, festival: string, reference: string) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const doc = store.visible(handle);
        const id = resolveResourceId(doc, reference);
        const stored = lazyMapEntries(doc, "resources").get(id) as Record<string, unknown>;
        const authorship = authorshipOf(doc, handle.documentId);
        const requests = bookingsOf(doc, authorship).bookings.filter((b) => b.kind === "resource" && b.targetId === id);
        const view = {
          id,
          name: textOf(stored.name),
          description: textOf(stored.description),
          quantity: quantityOf(stored.quantity),
          tags: textListOf(stored.tags, 64),
          venueId: stored.venueId === undefined ? null : textOf(stored.venueId),
          owners: ownersOf(stored, authorship),
          availability: textListOf(stored.availability, BOOKING_LIMITS.availabilityWindows),
          requests: requests.map((b) => ({ id: b.id, eventId: b.eventId, eventTitle: b.eventTitle, start: b.start, end: b.end, state: b.state, reason: b.reason })),
        };
        const names = memberNames(handle.doc(), handle.documentId);
        ctx.out.result(view, (v) => [
          `${v.name} (${v.id})`,
          ...(v.description ? [v.description] : []),
          `quantity: ${v.quantity}`,
          ...(v.tags.length > 0 ? [`tags: ${v.tags.join(", ")}`] : []),
          ...(v.venueId ? [`home venue: ${v.venueId}`] : []),
          `owners: ${v.owners.length === 0 ? "none known (set them with `pandafest owners`)" : v.owners.map((key) => authorLabel(names.get(key) ?? "", key)).join(", ")}`,
          `available: ${v.availability.length === 0 ? "always" : v.availability.join(", ")}`,
          v.requests.length === 0 ? "No requests." : "requests:",
          ...v.requests.map((r) => `  ${r.id}  ${r.state}${r.reason ? ` (${r.reason})` : ""}  ${r.start} to ${r.end}  "${r.eventTitle}"`),
        ]);
      }),
    );

  program
    .command("owners")
    .description("set who owns a venue or resource (their decisions on its requests count) and when it is available")
    .argument("<festival>")
    .argument("<item>", "a venue or resource (id or unique name)")
    .option("--owner <key>", "a member key (repeat for more); replaces the owners", collect)
    .option("--available <start/end>", "an availability window (repeat); replaces the windows", collect)
    .action(
      action(async (ctx, festival: string, reference: string, options: { owner?: string[]; available?: string[] }) => {
        if (options.owner === undefined && options.available === undefined) {
          throw new PandafestError("give --owner KEY and/or --available START/END", { code: "usage" });
        }
        const store = await ctx.openStore();
        const { editor, handle } = await store.editorFor(festival);
        const doc = editor.read();
        let kind: "venue" | "resource";
        let id: string;
        try {
          id = resolveResourceId(doc, reference);
          kind = "resource";
        } catch {
          id = resolveVenueId(doc, reference);
          kind = "venue";
        }
        const written =
          kind === "resource"
            ? editResource(editor, id, { owners: options.owner, availability: options.available }, authorshipOf(store.visible(handle), handle.documentId))
            : setVenueOwnership(editor, id, { owners: options.owner, availability: options.available });
        await store.commit();
        const after = store.visible(handle);
        const item = kind === "resource" ? (lazyMapEntries(after, "resources").get(id) as Record<string, unknown>) : (after.venues[id] as unknown as Record<string, unknown>);
        const result = { kind, id, written, owners: ownersOf(item, authorshipOf(after, handle.documentId)), availability: (availabilityOf(item) ?? []).length };
        ctx.out.result(result, (r) => [`${r.kind} ${r.id}: owners ${r.owners.map((key) => key.slice(0, 16)).join(", ") || "none"}; ${r.availability === 0 ? "always available" : `${r.availability} availability window(s)`}`]);
      }),
    );
}
