// `pandafest bundle export|import|verify|inspect`: signed bundle files that carry festivals between
// machines that never meet. The work is in bundles/; this module parses arguments and prints results.
import type { Command } from "commander";
import { readBundleFile } from "../../../bundles/datadir/bundle-file.js";
import { exportFestivalBundle } from "../../../bundles/datadir/export.js";
import { inspectBundle } from "../../../bundles/format/format.js";
import { importBundleFiles } from "../../../bundles/datadir/import.js";
import { knownFestivals } from "../../../bundles/datadir/known-festivals.js";
import { ReaderKeys } from "../../../bundles/datadir/reader-keys.js";
import { useNativeSha256 } from "../../../bundles/datadir/native-hash.js";
import { findLocalFestival } from "../../../bundles/datadir/local-festivals.js";
import { verifyBundleFiles } from "../../../bundles/datadir/verify.js";
import { PandafestError } from "../../../engine/core/errors.js";
import { memberNames } from "../../../engine/core/provenance.js";
import { textOf } from "../../../engine/core/views.js";
import { action } from "../context.js";
import { collect } from "../parse.js";
import { authorLabel, table } from "../output.js";

function short(hash: string): string {
  return hash.slice(0, 12);
}

function carrierText(key: string | undefined, name: string | null | undefined): string {
  if (key === undefined) return "";
  return authorLabel(name, key);
}

function waitingText(waiting: number, unsigned: number): string {
  if (waiting === 0) return "0";
  if (unsigned === 0) return `${waiting} waiting for history`;
  if (unsigned === waiting) return `${waiting} waiting for their author's signature`;
  return `${waiting} waiting (${unsigned} for their author's signature)`;
}

function registerExport(bundle: Command): void {
  bundle
    .command("export")
    .description("pack a festival into a bundle file signed by you (private festivals are encrypted)")
    .argument("<festival>", "festival id, automerge: URL, or unique name prefix")
    .option("-o, --output <file>", "where to write the bundle (default: its standard name in the current directory)")
    .option("--since <file-or-heads>", "only the changes after these heads: a bundle file sent earlier, or change hashes, comma separated")
    .action(
      action(async (ctx, festival: string, options: { output?: string; since?: string }) => {
        const store = await ctx.openStore();
        const result = await exportFestivalBundle(store, festival, { output: options.output, since: options.since, directory: ctx.host.cwd });
        ctx.out.result(result, (r) =>
          r.file === null
            ? [`Nothing to export: the festival has no changes after ${r.prerequisites.map(short).join(", ")}`]
            : [`Wrote ${r.kind} ${r.visibility} bundle ${r.file}`, `${r.changeCount} change(s), ${r.bytes} bytes`],
        );
      }),
    );
}

function registerImport(bundle: Command): void {
  bundle
    .command("import")
    .description("import bundle files (any order); every file is verified before anything changes")
    .argument("<files...>", "bundle files")
    .option("--join <festival>", "the id or URL of a private festival you were given, to read its bundles (repeatable)", collect, [])
    .action(
      action(async (ctx, files: string[], options: { join: string[] }) => {
        const store = await ctx.openStore();
        const join = await Promise.all(options.join.map((reference) => store.resolveId(reference)));
        const result = await importBundleFiles(store, files.map((file) => ctx.path(file)), { follow: true, join });
        const released = result.festivals.reduce((total, festival) => total + festival.released, 0);
        for (const locked of result.locked) {
          ctx.out.info(`${locked.file}: ${locked.reason}; kept in ${locked.keptAs} and read once this identity holds that key`);
        }
        for (const festival of result.festivals) {
          if (festival.joined) ctx.out.info(`joined ${festival.name ?? festival.festival}: your access request was accepted and the festival is here now`);
        }
        if (released > 0) ctx.out.info(`${released} change(s) that were waiting for history are now applied`);
        for (const festival of result.festivals) {
          if (festival.setAside > 0) {
            ctx.out.info(`${festival.setAside} held change(s) of ${festival.festival} were forgeries (or built on one) and were set aside in ${festival.quarantined ?? "quarantine"}`);
          }
          for (const moved of festival.forgedPending) ctx.out.info(`a waiting bundle brings a forged change and was moved to ${moved}`);
          if (festival.unsigned.length > 0) {
            ctx.out.info(`${festival.unsigned.length} change(s) of ${festival.festival} wait for their author's signature, e.g. ${short(festival.unsigned[0].hash)}: ${festival.unsigned[0].reason}`);
          }
        }
        const rows = result.files.map((file) => ({
          file: file.file,
          festival: file.festival,
          carrier: file.carrier,
          new: file.new,
          present: file.present,
          waiting: file.waiting,
          unsigned: file.unsigned,
          festivalName: file.festivalName,
          carrierName: file.carrierName,
          kind: file.kind,
        }));
        ctx.out.result(rows, (list) =>
          table(
            ["FILE", "FESTIVAL", "CARRIER", "NEW", "PRESENT", "WAITING"],
            list.map((row) => [
              row.file,
              row.festivalName ? `${row.festivalName} (${row.festival.slice(0, 8)})` : row.festival,
              carrierText(row.carrier, row.carrierName),
              String(row.new),
              String(row.present),
              waitingText(row.waiting, row.unsigned),
            ]),
          ),
        );
      }),
    );
}

function registerVerify(bundle: Command): void {
  bundle
    .command("verify")
    .description("check bundle files without importing them (exit 1 when one is invalid)")
    .argument("<files...>", "bundle files")
    .action(
      action(async (ctx, files: string[]) => {
        const store = await ctx.openStore();
        const results = await verifyBundleFiles(store, files.map((file) => ctx.path(file)));
        ctx.out.result(results, (list) =>
          list.flatMap((r) => {
              if (r.locked) return [`${r.file}: cannot be checked here: ${r.problem ?? "sealed under a key this identity does not hold"}`];
              if (!r.valid) return [`${r.file}: INVALID: ${r.problem ?? "unknown problem"}`];
              const lines = [
                `${r.file}: valid ${r.kind} ${r.visibility} bundle, signature by ${carrierText(r.carrier, r.carrierName)}`,
                `  festival: ${r.festivalName ? `${r.festivalName} (${r.festival})` : r.festival}`,
                `  changes: ${r.changeCount} (new here ${r.new}, present ${r.present}, waiting ${r.waiting}${r.unsigned ? `, of which ${r.unsigned} for their author's signature` : ""})`,
                `  prerequisites missing here: ${r.missingPrerequisites?.length ? r.missingPrerequisites.map(short).join(", ") : "none"}`,
              ];
              const unverified = r.unverified ?? [];
              if (unverified.length > 0) {
                lines.push(`  unverified authorship: ${unverified.length} change(s) it brings are not signed by their author (they would wait, not be applied)`);
                for (const change of unverified.slice(0, 10)) lines.push(`    ${short(change.hash)} (actor ${change.actor.slice(0, 8)}, seq ${change.seq}): ${change.reason}`);
                if (unverified.length > 10) lines.push(`    … ${unverified.length - 10} more (--json shows all)`);
              } else lines.push("  authorship: every change it brings verifies");
              return lines;
            }),
        );
        const invalid = results.filter((r) => !r.valid && !r.locked).length;
        const locked = results.filter((r) => r.locked).length;
        if (invalid > 0) throw new PandafestError(`${invalid} of ${results.length} bundle file(s) are invalid`, { code: "input" });
        if (locked > 0) throw new PandafestError(`${locked} of ${results.length} bundle file(s) are sealed under a festival key this identity does not hold: they could not be checked`, { code: "input" });
      }),
    );
}

function registerInspect(bundle: Command): void {
  bundle
    .command("inspect")
    .description("show a bundle's header (for a private festival not known here: only its discovery key)")
    .argument("<file>", "a bundle file")
    .action(
      action(async (ctx, file: string) => {
        useNativeSha256();
        const store = await ctx.openStore();
        const known = await knownFestivals(store);
        const bytes = await readBundleFile(ctx.path(file));
        const reader = await ReaderKeys.open(store, known.lookup);
        await reader.prepare([bytes]);
        const inspection = inspectBundle(bytes, reader.options);
        const header = inspection.header;
        const sealedUnknown = inspection.visibility === "private" && header === undefined && inspection.discoveryKey !== undefined && known.lookup(inspection.discoveryKey) === undefined;
        const locked = inspection.lockedFestival !== undefined;
        const local = header === undefined ? undefined : await findLocalFestival(store, header.festivalId);
        const shown = {
          file,
          bytes: inspection.byteLength,
          formatVersion: inspection.formatVersion ?? null,
          visibility: inspection.visibility ?? null,
          kind: inspection.kind ?? null,
          discoveryKey: inspection.discoveryKey ?? null,
          keyId: inspection.keyId ?? null,
          envelopes: inspection.envelopeCount ?? null,
          readable: header !== undefined,
          verified: inspection.verified,
          problem: sealedUnknown ? "private festival not known here: only its discovery key and sizes can be read" : (inspection.problem ?? null),
          festival: header?.festivalId ?? null,
          festivalName: local === undefined ? null : textOf(local.doc.name),
          createdAt: header === undefined ? null : new Date(header.createdAt).toISOString(),
          carrier: header?.carrierPublicKey ?? null,
          carrierName: header === undefined || local === undefined ? null : (memberNames(local.doc, header.festivalId).get(header.carrierPublicKey) ?? null),
          prerequisites: header?.prerequisites ?? null,
          heads: header?.heads ?? null,
          changeCount: header?.changeCount ?? null,
          payloadBytes: header?.payloadLength ?? inspection.payloadSectionLength ?? null,
        };
        ctx.out.result(shown, (s) => {
          const lines = [`${s.file}: ${s.bytes} bytes`];
          if (s.formatVersion !== null) lines.push(`format:        pandafest bundle, version ${s.formatVersion}, ${s.visibility ?? "?"}`);
          if (s.discoveryKey !== null) lines.push(`discovery key: ${s.discoveryKey}`);
          if (s.keyId !== null) lines.push(`member key:    ${s.keyId} (sealed to ${s.envelopes} member(s))`);
          if (s.festival !== null) {
            lines.push(`festival:      ${s.festivalName ? `${s.festivalName} (${s.festival})` : s.festival}`);
            lines.push(`kind:          ${s.kind}`);
            lines.push(`packed:        ${s.createdAt} by ${carrierText(s.carrier ?? undefined, s.carrierName)}`);
            lines.push(`carrier key:   ${s.carrier}`);
            lines.push(`changes:       ${s.changeCount} (${s.payloadBytes} bytes of Automerge data)`);
            lines.push(`prerequisites: ${s.prerequisites?.length ? s.prerequisites.map(short).join(", ") : "none (a full bundle)"}`);
            lines.push(`heads:         ${(s.heads ?? []).map(short).join(", ")}`);
          }
          lines.push(s.verified ? "verified:      signature and payload check out" : `not verified:  ${s.problem}`);
          return lines;
        });
        if (!inspection.verified && !sealedUnknown && !locked) throw new PandafestError(`${file}: ${inspection.problem ?? "not a valid bundle"}`, { code: "input" });
      }),
    );
}

export function registerBundleCommands(program: Command): void {
  const bundle = program.command("bundle").description("signed bundle files: carry festivals on a stick, by mail, any way");
  registerExport(bundle);
  registerImport(bundle);
  registerVerify(bundle);
  registerInspect(bundle);
}
