// Bundle benchmarks: full-bundle export and import against Automerge save()/load() of the same document in the
// same run, bundle size against save() size, and a stick sync of 20 festivals that finds nothing new.
import * as A from "@automerge/automerge";
import { generateAutomergeUrl, parseAutomergeUrl, type DocumentId } from "@automerge/automerge-repo";
import nacl from "tweetnacl";
import { decodeBundle } from "../../bundles/format/codec.js";
import { exportFestivalBundle } from "../../bundles/datadir/export.js";
import { importBundles } from "../../bundles/datadir/import.js";
import { packFestival } from "../../bundles/format/pack.js";
import { planFestivalImport } from "../../bundles/format/plan.js";
import { syncStick } from "../../bundles/stick/stick.js";
import { useNativeSha256 } from "../../bundles/datadir/native-hash.js";
import { createIdentity } from "../../engine/node/identity.js";
import { useNativeSignatures } from "../../engine/node/native-signatures.js";
import type { Festival } from "../../engine/core/schema.js";
import { FestivalStore } from "../../engine/node/store.js";
import { comparisonRow, figureRow, type BenchContext, type BenchFestival, type BenchRow, type BenchSize, type BenchSuite, type Target } from "./harness.js";
import { interleave, median, repeat, time } from "./stats.js";

const STICK_FESTIVALS = 20;
/** The targets hold for the large festival (and beyond); small is measured without targets. */
const TARGETED: readonly BenchSize[] = ["large", "huge"];

function ratioTarget(ctx: BenchContext, atMost: number): Target | undefined {
  return TARGETED.includes(ctx.size) ? { of: "ratio", atMost } : undefined;
}

function newFestivalId(): string {
  return parseAutomergeUrl(generateAutomergeUrl()).documentId;
}

function packFull(festival: BenchFestival, doc: A.Doc<Festival>, carrier: nacl.SignKeyPair): Uint8Array {
  const packed = packFestival({ festivalId: festival.festivalId, doc, carrier });
  if (packed === null) throw new Error("a full bundle cannot be empty");
  return packed.bytes;
}

async function exportRows(ctx: BenchContext, festival: BenchFestival, doc: A.Doc<Festival>): Promise<BenchRow[]> {
  const carrier = nacl.sign.keyPair();
  const size = ctx.size;
  const inMemory = await interleave(
    () => time(() => packFull(festival, doc, carrier)),
    () => time(() => A.save(doc)),
    ctx.runOptions,
  );
  const dataDir = await ctx.dataDirectory(festival);
  const out = await ctx.tempDirectory("pandafest-bench-bundles-");
  const store = await FestivalStore.open(dataDir);
  let toFile;
  try {
    const opened = (await store.resolve(festival.festivalId)).doc();
    toFile = await interleave(
      () => time(() => exportFestivalBundle(store, festival.festivalId, { directory: out })),
      () => time(() => A.save(opened)),
      ctx.runOptions,
    );
  } finally {
    await store.close();
  }
  const bundleBytes = packFull(festival, doc, carrier).length;
  const saveBytes = A.save(doc).length;
  const exportName = `bundles: full export, pack in memory vs A.save (${size})`;
  const fileName = `bundles: full export to a file, store to disk vs A.save (${size})`;
  const sizeName = `bundles: full bundle size vs A.save size (${size})`;
  ctx.note(exportName, "packFestival: A.save, SHA-256, ed25519 signature, framing; baseline: A.save of the same document, interleaved");
  ctx.note(fileName, "exportFestivalBundle on an open store: resolve, pack, atomic write with fsync; baseline: A.save");
  ctx.note(sizeName, "target: at most A.save size + 2 KB");
  return [
    comparisonRow(exportName, median(inMemory.subject), median(inMemory.baseline), "ms", ratioTarget(ctx, 1.15)),
    comparisonRow(fileName, median(toFile.subject), median(toFile.baseline), "ms"),
    comparisonRow(sizeName, bundleBytes, saveBytes, "bytes", { atMost: saveBytes + 2048 }),
  ];
}

async function importRows(ctx: BenchContext, festival: BenchFestival, doc: A.Doc<Festival>): Promise<BenchRow[]> {
  const carrier = nacl.sign.keyPair();
  const size = ctx.size;
  const bytes = packFull(festival, doc, carrier);
  const inMemory = await interleave(
    () =>
      time(() => {
        const bundle = decodeBundle(bytes);
        const plan = planFestivalImport(festival.festivalId, undefined, [{ label: "full.pfb", bundle }]);
        if (!plan.changed) throw new Error("the import planned nothing");
      }),
    () => time(() => A.load(festival.bytes)),
    ctx.runOptions,
  );
  const intoDataDir = await interleave(
    async () => {
      const dataDir = await ctx.tempDirectory("pandafest-bench-import-");
      await createIdentity(dataDir, "Bench");
      const store = await FestivalStore.open(dataDir);
      try {
        return await time(async () => {
          const result = await importBundles(store, [{ label: "full.pfb", bytes }], { follow: true });
          if (result.festivals[0]?.created !== true || result.files[0]?.waiting !== 0) {
            throw new Error("the import did not apply the whole bundle");
          }
        });
      } finally {
        await store.close();
      }
    },
    () => time(() => A.load(festival.bytes)),
    ctx.runOptions,
  );
  const importName = `bundles: full import, verify and load in memory vs A.load (${size})`;
  const storeName = `bundles: full import into a new data directory vs A.load (${size})`;
  ctx.note(importName, "decodeBundle (hash, signature) + planFestivalImport (A.load, heads and count checks, schema check); baseline: A.load of the same bytes");
  ctx.note(storeName, "importBundles into an empty data directory: verify, load, store the snapshot (fsync), follow; baseline: A.load");
  return [
    comparisonRow(importName, median(inMemory.subject), median(inMemory.baseline), "ms", ratioTarget(ctx, 1.15)),
    comparisonRow(storeName, median(intoDataDir.subject), median(intoDataDir.baseline), "ms", ratioTarget(ctx, 1.15)),
  ];
}

/** A data directory following STICK_FESTIVALS festivals (the small generated one under fresh ids), and a stick holding them all. */
async function stickRows(ctx: BenchContext): Promise<BenchRow[]> {
  const small = await ctx.festival("small");
  const dataDir = await ctx.tempDirectory("pandafest-bench-stick-data-");
  const stick = await ctx.tempDirectory("pandafest-bench-stick-");
  await createIdentity(dataDir, "Bench");
  const store = await FestivalStore.open(dataDir);
  try {
    for (let index = 0; index < STICK_FESTIVALS; index++) {
      const id = newFestivalId();
      store.repo.import(small.bytes, { docId: id as DocumentId });
      await store.index.put({ id, name: `${small.name} ${index}`, visibility: "public" });
    }
    await store.repo.flush();
    await syncStick(store, stick);
  } finally {
    await store.close();
  }
  const samples = await repeat(
    () =>
      time(async () => {
        const session = await FestivalStore.open(dataDir);
        try {
          const summary = await syncStick(session, stick);
          if (summary.festivals.length !== STICK_FESTIVALS || summary.festivals.some((entry) => entry.in + entry.out !== 0)) {
            throw new Error("the stick sync found something new");
          }
        } finally {
          await session.close();
        }
      }),
    ctx.runOptions,
  );
  const name = `bundles: stick sync of ${STICK_FESTIVALS} festivals that finds nothing new`;
  ctx.note(name, `in process: open the store, sync (read and verify every bundle, leave a visit record), close; festivals: the small one under ${STICK_FESTIVALS} ids`);
  return [figureRow(name, median(samples), "ms", { atMost: 1000 })];
}

export const bundleSuite: BenchSuite = {
  name: "bundles",
  description: "bundle export and import against Automerge save/load, bundle size, and a stick sync that finds nothing new",
  async run(ctx) {
    // as in every pandafest process on Node: native SHA-256 and ed25519
    useNativeSha256();
    useNativeSignatures();
    const festival = await ctx.festival();
    const doc = A.load<Festival>(festival.bytes);
    ctx.log("bundles: export");
    const rows = await exportRows(ctx, festival, doc);
    ctx.log("bundles: import");
    rows.push(...(await importRows(ctx, festival, doc)));
    ctx.log("bundles: stick sync");
    rows.push(...(await stickRows(ctx)));
    return rows;
  },
};
