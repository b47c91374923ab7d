// `pandafest history`: every change of a festival, newest first, with its verified author or "unverified".
// Authorship comes from signed attestations inside the document, so it holds after any number of hops.
import type { Command } from "commander";
import { describeGovernanceMessage, governanceOf, standingText } from "../../../engine/core/governance/index.js";
import { memberNames, newestFirst, verifyHistory } from "../../../engine/core/provenance.js";
import { action } from "../context.js";
import { authorLabel, table } from "../output.js";

export function registerHistoryCommand(program: Command): void {
  program
    .command("history")
    .description("changes, newest first, with their verified authors")
    .argument("<festival>")
    .option("--limit <n>", "show at most this many changes (text output only)", "50")
    .action(
      action(async (ctx, festival: string, options: { limit: string }) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const records = newestFirst(handle.doc(), verifyHistory(handle.doc(), handle.documentId));
        const governance = governanceOf(handle.doc(), handle.documentId);
        const standings = new Map(governance.changes.map((standing) => [standing.hash, standing]));
        const names = memberNames(handle.doc(), handle.documentId);
        const nameOf = (key: string) => authorLabel(names.get(key) ?? "", key);
        const standingOf = (hash: string) => standingText(standings.get(hash), nameOf);
        const rows = records.map((r) => ({
          hash: r.hash,
          actor: r.actor,
          seq: r.seq,
          time: new Date(r.time).toISOString(),
          message: r.message,
          verified: r.verified,
          author: r.verified && r.author ? { key: r.author.key, name: r.author.name } : null,
          ...(r.verified ? {} : { reason: r.reason ?? "no valid attestation" }),
          counts: standings.get(r.hash)?.status ?? "counts",
          ...(standings.get(r.hash)?.acceptedBy ? { acceptedBy: standings.get(r.hash)?.acceptedBy } : {}),
          standing: standingOf(r.hash),
        }));
        ctx.out.result(rows, (list) => {
          const limit = Math.max(1, Number(options.limit) || 50);
          const shown = list.slice(0, limit);
          const governed = !governance.allCount || list.some((r) => r.standing !== "");
          const body = table(
            governed ? ["TIME", "AUTHOR", "CHANGE", "STANDING", "MESSAGE"] : ["TIME", "AUTHOR", "CHANGE", "MESSAGE"],
            shown.map((r) => {
              const author = r.author ? authorLabel(r.author.name, r.author.key) : "unverified";
              const message = describeGovernanceMessage(r.message) ?? "";
              return governed ? [r.time, author, r.hash.slice(0, 12), r.standing, message] : [r.time, author, r.hash.slice(0, 12), message];
            }),
          );
          return list.length > shown.length ? [...body, `… ${list.length - shown.length} older change(s); --limit shows more, --json shows all`] : body;
        });
      }),
    );
}
