// CLI helpers for booking tests across data directories: a data directory's member key, and carrying a
// festival from one data directory to another by bundle.
import path from "node:path";
import { cliJson, tempDir } from "../helpers/cli.js";

export async function publicKeyOf(dataDir: string): Promise<string> {
  return (await cliJson<{ publicKey: string }>(dataDir, ["whoami"])).publicKey;
}

/** Copies `festival` from one data directory into another by `bundle export` and `bundle import`. */
export async function carry(from: string, to: string, festival: string): Promise<void> {
  const file = path.join(await tempDir("pandafest-carry-"), "festival.pfb");
  await cliJson(from, ["bundle", "export", festival, "-o", file]);
  await cliJson(to, ["bundle", "import", file]);
}
