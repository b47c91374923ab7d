// Festivals carried for others without following them: readable ones are stored and listed under DATA/carried/
// festivals/; private ones this machine cannot read stay sealed files in DATA/carried/sealed/; both within limits. Node only.
import fs from "node:fs/promises";
import path from "node:path";
import { FestivalIndex } from "../../engine/node/festival-index.js";
import { isTemporaryFileName } from "../../engine/node/storage/atomic-file.js";
import { listDirectory } from "../../engine/node/storage/list-directory.js";
import { type OpenBundleFile, copyBundleFile } from "./bundle-file.js";
import { parseBundleFileName } from "../format/naming.js";

const DISCOVERY_KEY_PATTERN = /^[0-9a-f]{64}$/;

const MB = 1024 * 1024;

/** How much a data directory keeps sealed for others: per festival and in all. */
export interface CarryLimits {
  perFestival: number;
  total: number;
}

export const DEFAULT_CARRY_LIMITS: CarryLimits = { perFestival: 64 * MB, total: 512 * MB };

export interface SealedBundle {
  discoveryKey: string;
  name: string;
  file: string;
}

/** What keeping one sealed file came to. */
export type KeepOutcome = { kept: true } | { kept: false; reason: string | null };

export class CarriedFestivals {
  /** readable festivals stored here but not followed */
  readonly index: FestivalIndex;
  readonly sealedDirectory: string;
  /** bytes kept sealed, per discovery key; read once, then kept up to date */
  private usage: Map<string, number> | undefined;

  constructor(
    dataDir: string,
    readonly limits: CarryLimits = DEFAULT_CARRY_LIMITS,
  ) {
    this.index = new FestivalIndex(path.join(dataDir, "carried", "festivals"));
    this.sealedDirectory = path.join(dataDir, "carried", "sealed");
  }

  /** Discovery keys of the private festivals carried sealed. */
  async sealedDiscoveryKeys(): Promise<string[]> {
    return (await listDirectory(this.sealedDirectory)).filter((name) => DISCOVERY_KEY_PATTERN.test(name));
  }

  async sealedBundles(discoveryKey: string): Promise<SealedBundle[]> {
    if (!DISCOVERY_KEY_PATTERN.test(discoveryKey)) return [];
    const directory = path.join(this.sealedDirectory, discoveryKey);
    return (await listDirectory(directory))
      .filter((name) => !isTemporaryFileName(name) && parseBundleFileName(name)?.discoveryKeyPrefix === discoveryKey.slice(0, 16))
      .map((name) => ({ discoveryKey, name, file: path.join(directory, name) }));
  }

  /**
   * Why a readable festival of others must be left behind: its bundles on the stick (`bytes` in all) are more
   * than one festival may take here. Undefined when it may be carried.
   */
  readableOverLimit(bytes: number): string | undefined {
    if (bytes <= this.limits.perFestival) return undefined;
    return (
      `not carried: this festival's bundles take ${bytes} bytes, over the limit of ${this.limits.perFestival} for one ` +
      "festival carried for others (follow it with --festival, or raise the limit with --carry-festival-limit)"
    );
  }

  /** Bytes kept sealed per discovery key, as on disk now. */
  private async sealedUsage(): Promise<Map<string, number>> {
    if (this.usage !== undefined) return this.usage;
    const usage = new Map<string, number>();
    for (const key of await this.sealedDiscoveryKeys()) {
      let bytes = 0;
      for (const bundle of await this.sealedBundles(key)) bytes += (await fs.stat(bundle.file)).size;
      usage.set(key, bytes);
    }
    this.usage = usage;
    return usage;
  }

  /**
   * Keeps a sealed bundle once (same name, same range), copied by streaming, unless it would take the
   * festival or all carried files over their limits. `reason` says why it was left behind (null: kept already).
   */
  async keepSealed(discoveryKey: string, name: string, source: OpenBundleFile): Promise<KeepOutcome> {
    if (!DISCOVERY_KEY_PATTERN.test(discoveryKey) || parseBundleFileName(name) === undefined) return { kept: false, reason: null };
    const file = path.join(this.sealedDirectory, discoveryKey, name);
    try {
      await fs.access(file);
      return { kept: false, reason: null };
    } catch {
      // not kept yet
    }
    const usage = await this.sealedUsage();
    const festivalBytes = usage.get(discoveryKey) ?? 0;
    const totalBytes = [...usage.values()].reduce((sum, bytes) => sum + bytes, 0);
    if (festivalBytes + source.size > this.limits.perFestival) {
      return { kept: false, reason: overLimit(source.size, "this festival", festivalBytes, this.limits.perFestival, "--carry-festival-limit") };
    }
    if (totalBytes + source.size > this.limits.total) {
      return { kept: false, reason: overLimit(source.size, "all festivals", totalBytes, this.limits.total, "--carry-limit") };
    }
    await copyBundleFile(source, file, "private");
    usage.set(discoveryKey, festivalBytes + source.size);
    return { kept: true };
  }
}

function overLimit(size: number, whose: string, used: number, limit: number, flag: string): string {
  return (
    `not carried: ${size} bytes would take what this machine carries sealed for ${whose} to ${used + size} bytes, ` +
    `over the limit of ${limit} (raise it with ${flag})`
  );
}
