// `pandafest repair`: undoes writes that would lock a festival for everyone, as a signed change of the person who
// runs it. Today that is a schema number no data backs (see `pandafest check`).
import type { Command } from "commander";
import { repairSchemaNumber, schemaStanding } from "../../../engine/core/schema-version.js";
import { action } from "../context.js";

export function registerRepairCommand(program: Command): void {
  program
    .command("repair")
    .description("undo a schema number that no data backs (as `pandafest check` reports it), as your own change")
    .argument("<festival>")
    .action(
      action(async (ctx, festival: string) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const declared = schemaStanding(editor.read()).declared;
        const repaired = repairSchemaNumber(editor);
        if (repaired) await store.commit();
        const readAs = schemaStanding(editor.read()).readAs;
        ctx.out.result({ repaired: repaired ? [{ field: "schema", from: declared ?? null, to: readAs }] : [] }, (r) =>
          r.repaired.length === 0
            ? "Nothing to repair."
            : r.repaired.map((item) => `schema: ${JSON.stringify(item.from)} -> ${item.to} (the festival's data is schema ${item.to})`).join("\n"),
        );
      }),
    );
}
