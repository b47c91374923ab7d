// `pandafest person add|edit|delete|restore|list`: the people who host events.
// A person is a name and a short bio; contact details are optional. A person who hosts events is deleted only with --unhost.
import type { Command } from "commander";
import { addPerson, deletePerson, editPerson, restorePerson } from "../../../engine/core/operations.js";
import { resolvePersonId } from "../../../engine/core/references.js";
import { festivalView, textOf } from "../../../engine/core/views.js";
import { action } from "../context.js";
import { table } from "../output.js";

export function registerPersonCommands(program: Command): void {
  const person = program.command("person").description("add, edit, delete, restore and list people");

  person
    .command("add")
    .description("add a person")
    .argument("<festival>")
    .requiredOption("--name <name>")
    .option("--bio <text>")
    .option("--contact <text>")
    .action(
      action(async (ctx, festival: string, options: { name: string; bio?: string; contact?: string }) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const id = addPerson(editor, options);
        await store.commit();
        ctx.out.result({ id }, (r) => [`Added person "${options.name}" (${r.id})`]);
      }),
    );

  person
    .command("edit")
    .description("change a person's fields")
    .argument("<festival>")
    .argument("<person>", "person id or unique name")
    .option("--name <name>")
    .option("--bio <text>")
    .option("--contact <text>")
    .action(
      action(async (ctx, festival: string, personRef: string, options: { name?: string; bio?: string; contact?: string }) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const id = resolvePersonId(editor.read(), personRef);
        editPerson(editor, id, options);
        await store.commit();
        ctx.out.result({ id }, (r) => [`Updated person ${r.id}`]);
      }),
    );

  person
    .command("delete")
    .description("delete a person (they can be restored); one who hosts events is refused unless --unhost")
    .argument("<festival>")
    .argument("<person>", "person id or unique name")
    .option("--unhost", "also take them off the hosts of the events they host (restoring them does not put them back)")
    .action(
      action(async (ctx, festival: string, personRef: string, options: { unhost?: boolean }) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const id = resolvePersonId(editor.read(), personRef);
        const name = textOf(editor.read().people[id].name);
        const { deleted, unhosted } = deletePerson(editor, id, { unhost: options.unhost === true });
        await store.commit();
        ctx.out.result({ id, name, changed: deleted, unhosted }, (r) => [
          r.changed ? `Deleted person "${r.name}" (${r.id})` : `Person "${r.name}" (${r.id}) was deleted already; nothing changed`,
          ...r.unhosted.map((event) => `  no longer a host of "${event.title}" (${event.id})`),
        ]);
      }),
    );

  person
    .command("restore")
    .description("bring a deleted person back (not as a host of the events they were taken off)")
    .argument("<festival>")
    .argument("<person>", "person id or unique name (`person list --all` lists deleted people)")
    .action(
      action(async (ctx, festival: string, personRef: string) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const id = resolvePersonId(editor.read(), personRef);
        const changed = restorePerson(editor, id);
        await store.commit();
        const name = textOf(editor.read().people[id].name);
        ctx.out.result({ id, name, changed }, (r) => [
          r.changed ? `Restored person "${r.name}" (${r.id})` : `Person "${r.name}" (${r.id}) is not deleted; nothing changed`,
        ]);
      }),
    );

  person
    .command("list")
    .description("list people (deleted people only with --all)")
    .argument("<festival>")
    .option("--all", "include deleted people (marked deleted)")
    .action(
      action(async (ctx, festival: string, options: { all?: boolean }) => {
        const store = await ctx.openStore();
        const people = Object.values(festivalView(store.visible(await store.resolve(festival))).people)
          .filter((p) => options.all || p.removed !== true)
          .sort((a, b) => a.name.localeCompare(b.name));
        ctx.out.result(people, (rows) =>
          rows.length === 0
            ? ["No people yet."]
            : table(["ID", "NAME", "CONTACT", ""], rows.map((p) => [p.id, p.name, p.contact ?? "", p.removed ? "deleted" : ""])),
        );
      }),
    );
}
