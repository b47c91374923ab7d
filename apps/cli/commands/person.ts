// `pandafest person add|edit|list`: the people who host events.
// A person is a name and a short bio; contact details are optional.
import type { Command } from "commander";
import { addPerson, editPerson } from "../../../engine/core/operations.js";
import { resolvePersonId } from "../../../engine/core/references.js";
import { festivalView } from "../../../engine/core/views.js";
import { action } from "../context.js";
import { table } from "../output.js";

export function registerPersonCommands(program: Command): void {
  const person = program.command("person").description("add, edit and list people");

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
    .command("list")
    .description("list people")
    .argument("<festival>")
    .action(
      action(async (ctx, festival: string) => {
        const store = await ctx.openStore();
        const people = Object.values(festivalView(store.visible(await store.resolve(festival))).people).sort((a, b) => a.name.localeCompare(b.name));
        ctx.out.result(people, (rows) =>
          rows.length === 0 ? ["No people yet."] : table(["ID", "NAME", "CONTACT"], rows.map((p) => [p.id, p.name, p.contact ?? ""])),
        );
      }),
    );
}
