// `pandafest history`: every change of a festival, newest first, in words, with its verified author or "unverified"
// and why. Authorship comes from signed attestations inside the document, so it holds after any number of hops.
import type { Command } from "commander";
import { ChangeDescriber } from "../../../engine/core/change-description.js";
import { governanceOf, standingText } from "../../../engine/core/governance/index.js";
import { foldSignatures, unverifiedWords } from "../../../engine/core/history-entries.js";
import { memberNames, newestFirst, verifyHistory } from "../../../engine/core/provenance.js";
import { action } from "../context.js";
import { authorLabel, table } from "../output.js";

export function registerHistoryCommand(program: Command): void {
  program
    .command("history")
    .description("changes in words, newest first, with their verified authors")
    .argument("<festival>")
    .option("--limit <n>", "show at most this many changes (text output only)", "50")
    .action(
      action(async (ctx, festival: string, options: { limit: string }) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const doc = handle.doc();
        const records = newestFirst(doc, verifyHistory(doc, handle.documentId));
        const governance = governanceOf(doc, handle.documentId);
        const standings = new Map(governance.changes.map((standing) => [standing.hash, standing]));
        const names = memberNames(doc, handle.documentId);
        const nameOf = (key: string) => authorLabel(names.get(key) ?? "", key);
        const standingOf = (hash: string) => standingText(standings.get(hash), nameOf);
        const describer = new ChangeDescriber(doc);
        const rows = records.map((r) => {
          const description = ctx.out.json ? describer.describe(r.hash) : undefined;
          return {
            hash: r.hash,
            actor: r.actor,
            seq: r.seq,
            time: new Date(r.time).toISOString(),
            message: r.message,
            ...(description ? { description: description.text, kind: description.kind, ...(description.signs ? { signs: description.signs } : {}) } : {}),
            verified: r.verified,
            author: r.verified && r.author ? { key: r.author.key, name: r.author.name } : null,
            ...(r.verified ? {} : { reason: r.reason ?? "no valid attestation", explanation: unverifiedWords(r.reason) }),
            counts: standings.get(r.hash)?.status ?? "counts",
            ...(standings.get(r.hash)?.acceptedBy ? { acceptedBy: standings.get(r.hash)?.acceptedBy } : {}),
            standing: standingOf(r.hash),
          };
        });
        ctx.out.result(rows, () => {
          const limit = Math.max(1, Number(options.limit) || 50);
          const entries = foldSignatures(doc, records);
          const shown = entries.slice(0, limit);
          const governed = !governance.allCount || shown.some((entry) => standingOf(entry.record.hash) !== "");
          const explanations = new Set<string>();
          const body = table(
            governed ? ["TIME", "AUTHOR", "ID", "STANDING", "CHANGE"] : ["TIME", "AUTHOR", "ID", "CHANGE"],
            shown.map(({ record }) => {
              if (!record.verified) explanations.add(unverifiedWords(record.reason));
              const author = record.verified && record.author ? authorLabel(record.author.name, record.author.key) : "unverified";
              const time = new Date(record.time).toISOString().replace("T", " ").slice(0, 19);
              const change = describer.describe(record.hash).text;
              const id = record.hash.slice(0, 12);
              return governed ? [time, author, id, standingOf(record.hash), change] : [time, author, id, change];
            }),
          );
          const notes = [...explanations].map((words) => `unverified: ${words}`);
          const more = entries.length > shown.length ? [`… ${entries.length - shown.length} older change(s); --limit shows more, --json shows all`] : [];
          return [...body, ...more, ...notes];
        });
      }),
    );
}
