// `pandafest member add|remove|list`, `festival organise|open`, `proposals`, `accept`, `reject` and `revert`:
// who may change a festival, and deciding what others proposed (engine/core/governance does the work).
import type { Command } from "commander";
import { PandafestError } from "../../../engine/core/errors.js";
import { storedFieldLabel } from "../../../engine/core/field-words.js";
import {
  acceptProposal,
  findKey,
  findProposal,
  governanceOf,
  memberKeyArgument,
  proposalsOf,
  rejectProposal,
  revertAuthor,
  setMode,
  type Mode,
  type Role,
} from "../../../engine/core/governance/index.js";
import { addMember, removeMember } from "../../../engine/core/membership/index.js";
import { memberNames } from "../../../engine/core/provenance.js";
import { governedFestival } from "../../../engine/node/governed-festival.js";
import { action } from "../context.js";
import { authorLabel, table } from "../output.js";

function roleArgument(text: string): Role {
  if (text === "edit" || text === "manage") return text;
  throw new PandafestError(`--role must be edit or manage, got "${text}"`, { code: "usage" });
}

/** A moment given as an ISO date or date and time, e.g. 2027-07-01 or 2027-07-01T18:00Z. */
function sinceArgument(text: string): number {
  const parsed = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(parsed)) {
    throw new PandafestError(`--since "${text}" is not a date or time: give it as 2027-07-01 or 2027-07-01T18:00:00Z`, { code: "usage" });
  }
  return parsed;
}

export function registerGovernanceCommands(program: Command): void {
  const member = program.command("member").description("who may change a festival: roles granted by its managers");

  member
    .command("add")
    .description("grant a key a role (manage: members and settings; edit: venues, events, people)")
    .argument("<festival>")
    .argument("<key>", "the member's public key, as `pandafest whoami` prints it")
    .requiredOption("--role <role>", "edit or manage")
    .action(
      action(async (ctx, festival: string, keyText: string, options: { role: string }) => {
        const store = await ctx.openStore();
        const role = roleArgument(options.role);
        const key = memberKeyArgument(keyText);
        const { editor, context, identity } = await governedFestival(store, festival);
        addMember(editor, context, identity, key, role);
        await store.commit();
        ctx.out.result({ key, role }, (r) => [`${r.key.slice(0, 16)} may now ${r.role === "manage" ? "manage" : "edit"} "${context.festivalName}"`]);
      }),
    );

  member
    .command("remove")
    .description("withdraw a key's role: its later changes become proposals; a private festival also gets a new key they lack")
    .argument("<festival>")
    .argument("<key>", "the member's public key, or at least its first 8 hex digits as `member list` prints it")
    .action(
      action(async (ctx, festival: string, keyText: string) => {
        const store = await ctx.openStore();
        const { editor, context } = await governedFestival(store, festival);
        const key = findKey(context, keyText, "members");
        const { rekeyed } = removeMember(editor, context, key);
        await store.commit();
        ctx.out.result({ key, role: null, epoch: rekeyed }, (r) => [
          `${r.key.slice(0, 16)} has no role in "${context.festivalName}" any more; to undo what it changed: pandafest revert FESTIVAL --author ${r.key}`,
          ...(r.epoch === null ? [] : [`The festival is now at key epoch ${r.epoch}: nothing made from now on reaches that key by any node, stick or bundle (what it held before stays with it).`]),
        ]);
      }),
    );

  member
    .command("list")
    .description("members with their roles; names are self-declared")
    .argument("<festival>")
    .action(
      action(async (ctx, festival: string) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const governance = governanceOf(handle.doc(), handle.documentId);
        const names = memberNames(handle.doc(), handle.documentId);
        const keys = new Set([...governance.roles.keys(), ...names.keys()]);
        const rows = [...keys]
          .map((key) => ({ key, role: governance.roles.get(key) ?? null, name: names.get(key) ?? "", founder: key === governance.founder }))
          .sort((left, right) => (right.role ?? "").localeCompare(left.role ?? "") || left.name.localeCompare(right.name));
        const mode = governance.founded ? governance.mode : "open (made before roles)";
        ctx.out.result({ mode, founded: governance.founded, members: rows }, (r) => [
          `"${String(store.visible(handle).name)}" is ${r.mode}${r.mode === "open" ? ": anyone may edit" : ""}.`,
          ...table(
            ["KEY", "ROLE", "NAME (self-declared)"],
            r.members.map((row) => [row.key, `${row.role ?? "none"}${row.founder ? " (founder)" : ""}`, row.name]),
          ),
        ]);
      }),
    );

  const switchMode = (mode: Mode, description: string) =>
    program
      .commands.find((command) => command.name() === "festival")
      ?.command(mode === "organised" ? "organise" : "open")
      .description(description)
      .argument("<festival>")
      .action(
        action(async (ctx, festival: string) => {
          const store = await ctx.openStore();
          const { editor, context } = await governedFestival(store, festival);
          const changed = setMode(editor, context, mode);
          await store.commit();
          ctx.out.result({ mode, changed }, () => [changed ? `"${context.festivalName}" is now ${mode}` : `"${context.festivalName}" was already ${mode}`]);
        }),
      );
  switchMode("organised", "only members with a role change the festival; others' changes become proposals");
  switchMode("open", "anyone may edit the festival (members still manage it)");

  program
    .command("proposals")
    .description("changes by people without a role, waiting for a member to accept or reject them")
    .argument("<festival>")
    .option("--rejected", "list rejected proposals too")
    .action(
      action(async (ctx, festival: string, options: { rejected?: boolean }) => {
        const store = await ctx.openStore();
        const handle = await store.resolve(festival);
        const proposals = proposalsOf(handle.doc(), handle.documentId, { rejected: options.rejected === true });
        ctx.out.result(proposals, (list) => {
          if (list.length === 0) return ["No proposals waiting."];
          const lines: string[] = [];
          for (const proposal of list) {
            const who = proposal.author === null ? "an unverified writer" : authorLabel(proposal.authorName, proposal.author);
            const when = new Date(proposal.time * 1000).toISOString();
            const state = proposal.status === "rejected" ? " [rejected]" : proposal.status === "pending" ? " [not signed yet]" : "";
            lines.push(`${proposal.hash.slice(0, 12)}  ${who} proposes (${when})${state}:`);
            for (const change of proposal.changes) lines.push(`    ${change}`);
          }
          lines.push("accept with: pandafest accept FESTIVAL HASH   reject with: pandafest reject FESTIVAL HASH");
          return lines;
        });
      }),
    );

  program
    .command("accept")
    .description("accept a proposal: it counts, its author stays its author")
    .argument("<festival>")
    .argument("<proposal>", "its hash, or the first 6 or more digits of it")
    .action(
      action(async (ctx, festival: string, reference: string) => {
        const store = await ctx.openStore();
        const { editor, context } = await governedFestival(store, festival);
        const accepted = acceptProposal(editor, context, findProposal(context, reference, { rejected: true }));
        await store.commit();
        ctx.out.result({ accepted }, (r) => [`Accepted ${r.accepted.length} change(s): ${r.accepted.map((hash) => hash.slice(0, 12)).join(", ")}`]);
      }),
    );

  program
    .command("reject")
    .description("reject a proposal: it stays out of the festival and is listed as rejected")
    .argument("<festival>")
    .argument("<proposal>")
    .action(
      action(async (ctx, festival: string, reference: string) => {
        const store = await ctx.openStore();
        const { editor, context } = await governedFestival(store, festival);
        const hash = findProposal(context, reference);
        rejectProposal(editor, context, hash);
        await store.commit();
        ctx.out.result({ rejected: hash }, (r) => [`Rejected ${r.rejected.slice(0, 12)}`]);
      }),
    );

  program
    .command("revert")
    .description("undo what one author changed, with new changes that restore the earlier values")
    .argument("<festival>")
    .requiredOption("--author <key>", "the author's public key, or at least its first 8 hex digits as `history` prints it")
    .option("--since <time>", "only their changes from this time on, e.g. 2027-07-01T18:00:00Z")
    .action(
      action(async (ctx, festival: string, options: { author: string; since?: string }) => {
        const store = await ctx.openStore();
        const since = options.since === undefined ? undefined : sinceArgument(options.since);
        const { editor, context } = await governedFestival(store, festival);
        const author = findKey(context, options.author, "authors");
        const result = revertAuthor(editor, context, author, since);
        await store.commit();
        ctx.out.result(result, (r) => [
          `Reverted ${r.restored.length} field(s) from ${r.changes} change(s) by ${author.slice(0, 16)}`,
          ...r.restored.map((path) => `  restored ${storedFieldLabel(context.doc, path.split("."))}`),
          ...r.keptNewer.map((path) => `  kept ${storedFieldLabel(context.doc, path.split("."))}: changed by someone else since`),
        ]);
      }),
    );
}
