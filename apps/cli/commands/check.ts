// `pandafest check` reports who may change the festival, clashes, dangling references and concurrent values;
// `pandafest pick` resolves a concurrent value by writing the chosen one again.
import type * as A from "@automerge/automerge";
import type { Command } from "commander";
import { findClashes, findDangling, type DanglingKind } from "../../../engine/core/checks.js";
import { authoredConflicts } from "../../../engine/core/conflict-notices.js";
import { findConflicts, pickConflictValue } from "../../../engine/core/conflicts.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { memberNames } from "../../../engine/core/provenance.js";
import { describeGovernanceMessage, governanceMessage, governanceOf, waitingChanges, type GovernanceRecord } from "../../../engine/core/governance/index.js";
import { accessRequestsOf, festivalAudience, keyringOf, membersLackingKey } from "../../../engine/core/membership/index.js";
import type { Festival } from "../../../engine/core/schema.js";
import { bookingCheckLines, checkBookings } from "../../../engine/core/bookings/report.js";
import { findUnbackedSchemaNumber } from "../../../engine/core/schema-write.js";
import type { StorageHealth } from "../../../engine/node/store.js";
import { action } from "../context.js";
import { authorLabel } from "../output.js";
import { checkedFestivalIndex } from "./festival.js";

const DANGLING_TEXT: Record<DanglingKind, string> = {
  "venue-removed": "is at a removed venue",
  "venue-missing": "is at a venue that does not exist:",
  "host-missing": "names a host who is not among the people:",
  "host-deleted": "names a deleted host (restore the person or take them off the hosts):",
};

/** Concurrent values with the verified author of each write, when known. */
function conflictsWithAuthors(doc: Festival, history: A.Doc<Festival>, festivalId: string) {
  return authoredConflicts(doc, history, festivalId).map((conflict) => ({
    path: conflict.path,
    field: conflict.path.join("."),
    values: conflict.values.map((v) => ({ value: v.value, actor: v.actor, author: v.author })),
  }));
}

/** Who may change the festival, what waits for a decision, and each governance record that does not count and why. */
function governanceReport(doc: A.Doc<Festival>, festivalId: string) {
  const governance = governanceOf(doc, festivalId);
  const names = memberNames(doc, festivalId);
  const waiting = waitingChanges(doc, festivalId).length;
  const refused = governance.changes
    .filter((change) => change.record !== null && change.status !== "counts" && change.status !== "rejected")
    .map((change) => ({
      hash: change.hash,
      record: governanceMessage(change.record as GovernanceRecord),
      author: change.author === null ? null : { key: change.author, name: names.get(change.author) ?? "" },
      reason: change.reason ?? "",
    }));
  const audience = festivalAudience(doc, festivalId);
  const keyring = keyringOf(doc, festivalId);
  const keys =
    audience === "public"
      ? null
      : {
          audience,
          epoch: keyring.number,
          concurrentEpochs: keyring.current.length > 1 ? keyring.current.length : 0,
          lacking: membersLackingKey(doc, festivalId).map((key) => ({ key, name: names.get(key) ?? "" })),
        };
  const requests = governance.founded ? accessRequestsOf(doc, festivalId, Date.now()).requests.filter((request) => request.status === "pending").length : 0;
  return { founded: governance.founded, mode: governance.mode, waiting, refused, keys, requests };
}

function governanceLines(report: ReturnType<typeof governanceReport>): string[] {
  const lines = [
    !report.founded
      ? "Open to every editor (made before roles; see `pandafest member --help`)."
      : report.mode === "open"
        ? "Open: anyone may edit; members manage."
        : "Organised: only members with a role change it; other changes are proposals.",
  ];
  if (report.waiting > 0) lines.push(`${report.waiting} change(s) wait for a decision: see \`pandafest proposals FESTIVAL\``);
  if (report.requests > 0) lines.push(`${report.requests} access request(s) wait for a manager: see \`pandafest requests FESTIVAL\``);
  for (const refused of report.refused) {
    const who = refused.author ? authorLabel(refused.author.name, refused.author.key) : "an unverified writer";
    lines.push(`  not applied: ${describeGovernanceMessage(refused.record)} by ${who} (${refused.hash.slice(0, 12)}): ${refused.reason}`);
  }
  const keys = report.keys;
  if (keys !== null) {
    lines.push(
      keys.audience === "knows-id"
        ? "Private, key epoch 0: whoever knows the id can read it; `pandafest festival rekey FESTIVAL` gives it a key only members hold."
        : `Private, key epoch ${keys.epoch}: only members receive it${keys.concurrentEpochs > 0 ? ` (${keys.concurrentEpochs} epochs started apart are joined: whoever lacks any of them is out)` : ""}.`,
    );
    for (const member of keys.lacking) {
      lines.push(`  ${authorLabel(member.name, member.key)} is a member but lacks the current key: \`pandafest festival rekey FESTIVAL\` by a manager hands it over`);
    }
  }
  return lines;
}

/** The waiting-history notice: what waits for what, where the damaged chunks went, how to heal. */
function storageLines(health: StorageHealth, quarantineDirectory: string): string[] {
  if (health.missing.length === 0) return [];
  return [
    `${health.waiting.length} stored change(s) wait for ${health.missing.length} missing change(s) and are not shown yet:`,
    ...health.missing.map((hash) => `  missing ${hash}`),
    health.quarantined.length > 0
      ? `  damaged chunk file(s) of this festival were moved to ${quarantineDirectory} (a .reason.txt note next to each says why)`
      : `  the missing changes were never stored here`,
    "  heal it by syncing with a peer or a stick that has them, or with `pandafest bundle import FILE` of a bundle that holds them",
  ];
}

export function registerCheckCommands(program: Command): void {
  program
    .command("check")
    .description("report clashes (overlapping events in one venue, overbooked resources, bookings outside availability), dangling references and concurrent values")
    .argument("<festival>")
    .action(
      action(async (ctx, festival: string) => {
        const store = await ctx.openStore();
        await checkedFestivalIndex(store, ctx.out); // damaged or dangling entries of any festival are worth knowing here too
        const handle = await store.resolve(festival);
        const doc = store.visible(handle);
        const storage = await store.storageHealth(handle.documentId);
        const report = {
          clashes: findClashes(doc),
          bookings: checkBookings(doc, handle.documentId),
          dangling: findDangling(doc),
          conflicts: conflictsWithAuthors(doc, handle.doc(), handle.documentId),
          governance: governanceReport(handle.doc(), handle.documentId),
          storage,
          unbackedSchema: findUnbackedSchemaNumber(doc, handle.documentId),
        };
        ctx.out.result(report, (r) => {
          const lines: string[] = [...storageLines(r.storage, store.quarantineDirectory)];
          if (r.unbackedSchema) {
            const { declared, readAs, writer } = r.unbackedSchema;
            const who = writer?.author ? authorLabel(writer.author.name, writer.author.key) : writer ? `unverified actor ${writer.actor.slice(0, 12)}…` : "an unknown writer";
            lines.push(`The schema number ${JSON.stringify(declared)} was set by ${who} with no data of that schema; the festival is read as schema ${readAs}.`);
            lines.push(`  repair with: pandafest repair FESTIVAL`);
          }
          lines.push(...governanceLines(r.governance));
          lines.push(r.clashes.length === 0 ? "No clashes." : `${r.clashes.length} clash(es):`);
          for (const c of r.clashes) {
            lines.push(`  ${c.venueName || c.venueId}: "${c.first.title}" and "${c.second.title}" overlap by ${c.overlapMinutes} min (from ${c.overlapStart})`);
          }
          lines.push(...bookingCheckLines(r.bookings));
          lines.push(r.dangling.length === 0 ? "No dangling references." : `${r.dangling.length} dangling reference(s):`);
          for (const d of r.dangling) lines.push(`  "${d.eventTitle}" (${d.eventId}): ${DANGLING_TEXT[d.kind]} ${d.refId}`);
          lines.push(r.conflicts.length === 0 ? "No concurrent values." : `${r.conflicts.length} field(s) with concurrent values:`);
          for (const c of r.conflicts) {
            lines.push(`  ${c.field}`);
            c.values.forEach((v, i) => {
              const who = v.author ? authorLabel(v.author.name, v.author.key) : `unverified actor ${v.actor.slice(0, 12)}…`;
              lines.push(`    ${i + 1}. ${JSON.stringify(v.value)}  by ${who}`);
            });
            lines.push(`    resolve with: pandafest pick FESTIVAL ${c.field} N`);
          }
          return lines;
        });
      }),
    );

  program
    .command("pick")
    .description("resolve concurrent values of a field by picking one (see `pandafest check`)")
    .argument("<festival>")
    .argument("<field>", "the field as `check` names it, e.g. events.e_123.title")
    .argument("<choice>", "the number of the value as `check` lists it (1, 2, ...)")
    .action(
      action(async (ctx, festival: string, field: string, choice: string) => {
        const store = await ctx.openStore();
        const { editor } = await store.editorFor(festival);
        const path = field.split(".");
        const conflict = findConflicts(editor.read()).find((c) => c.path.join(".") === field);
        if (!conflict) throw new PandafestError(`${field} has no concurrent values; \`pandafest check FESTIVAL\` lists the fields that do`);
        const index = Number(choice);
        if (!Number.isInteger(index) || index < 1 || index > conflict.values.length) {
          throw new PandafestError(`choice "${choice}" is not between 1 and ${conflict.values.length}`, { code: "usage" });
        }
        const picked = conflict.values[index - 1].value;
        pickConflictValue(editor, path, picked);
        await store.commit();
        ctx.out.result({ field, value: picked }, (r) => [`${r.field} is now ${JSON.stringify(r.value)}`]);
      }),
    );
}
