// Generated festivals cached on disk (test/bench/.cache/), keyed by size, seed and generator version:
// large takes a minute or more to generate, so it is made once and loaded from its saved bytes after that.
import { promises as fs } from "node:fs";
import path from "node:path";
import { writeFileAtomically } from "../../engine/node/storage/atomic-file.js";
import {
  GENERATOR_VERSION,
  generateFestival,
  type FestivalSize,
  type GeneratedFestival,
} from "../fixtures/generate-festival.js";

export interface CachedFestival extends GeneratedFestival {
  /** the file holding `bytes` */
  bytesFile: string;
  fromCache: boolean;
}

export interface CacheOptions {
  size: FestivalSize;
  seed: number;
  cacheDirectory: string;
  onProgress?: (changes: number, target: number) => void;
}

function cacheKey(size: FestivalSize, seed: number): string {
  return `festival-${size}-seed${seed}-v${GENERATOR_VERSION}`;
}

type Metadata = Omit<GeneratedFestival, "bytes">;

function isMetadata(value: unknown, size: FestivalSize, seed: number): value is Metadata {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Partial<Metadata>;
  return (
    record.size === size &&
    record.seed === seed &&
    record.generatorVersion === GENERATOR_VERSION &&
    typeof record.festivalId === "string" &&
    Array.isArray(record.eventIds) &&
    Array.isArray(record.venueIds) &&
    Array.isArray(record.personIds) &&
    Array.isArray(record.authors) &&
    typeof record.stats === "object"
  );
}

async function readCached(bytesFile: string, metadataFile: string, size: FestivalSize, seed: number): Promise<CachedFestival | undefined> {
  try {
    const metadata: unknown = JSON.parse(await fs.readFile(metadataFile, "utf8"));
    if (!isMetadata(metadata, size, seed)) return undefined;
    const bytes = new Uint8Array(await fs.readFile(bytesFile));
    return { ...metadata, bytes, bytesFile, fromCache: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** The festival for (size, seed): read from the cache, or generated and written to it. */
export async function loadOrGenerateFestival(options: CacheOptions): Promise<CachedFestival> {
  const key = cacheKey(options.size, options.seed);
  const bytesFile = path.join(options.cacheDirectory, `${key}.automerge`);
  const metadataFile = path.join(options.cacheDirectory, `${key}.json`);
  const cached = await readCached(bytesFile, metadataFile, options.size, options.seed);
  if (cached) return cached;
  const generated = generateFestival({ size: options.size, seed: options.seed, onProgress: options.onProgress });
  const { bytes, ...metadata } = generated;
  // Bytes first: metadata present means the bytes beside it are complete.
  await writeFileAtomically(bytesFile, bytes);
  await writeFileAtomically(metadataFile, `${JSON.stringify(metadata, null, 1)}\n`);
  return { ...generated, bytesFile, fromCache: false };
}
