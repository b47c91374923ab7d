// Festivals carried for others without following them: readable ones are stored and listed under DATA/carried/
// festivals/; private ones this machine cannot read stay sealed files in DATA/carried/sealed/. Node only.
import fs from "node:fs/promises";
import path from "node:path";
import { FestivalIndex } from "../engine/festival-index.js";
import { isTemporaryFileName, writeFileAtomically } from "../engine/storage/atomic-file.js";
import { listDirectory } from "../engine/storage/list-directory.js";
import { parseBundleFileName } from "./naming.js";

const DISCOVERY_KEY_PATTERN = /^[0-9a-f]{64}$/;

export interface SealedBundle {
  discoveryKey: string;
  name: string;
  file: string;
}

export class CarriedFestivals {
  /** readable festivals stored here but not followed */
  readonly index: FestivalIndex;
  readonly sealedDirectory: string;

  constructor(dataDir: string) {
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

  /** Keeps a sealed bundle once (same name, same range). Returns whether it was written. */
  async keepSealed(discoveryKey: string, name: string, bytes: Uint8Array): Promise<boolean> {
    if (!DISCOVERY_KEY_PATTERN.test(discoveryKey) || parseBundleFileName(name) === undefined) return false;
    const file = path.join(this.sealedDirectory, discoveryKey, name);
    try {
      await fs.access(file);
      return false;
    } catch {
      await writeFileAtomically(file, bytes);
      return true;
    }
  }
}
