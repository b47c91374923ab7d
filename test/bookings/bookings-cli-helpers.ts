// CLI helpers for booking tests across data directories: a data directory's member key, a festival with three
// members on three data directories, and carrying a festival from one data directory to another by bundle.
import path from "node:path";
import { cliJson, festivalFixture, tempDir } from "../helpers/cli.js";

export async function publicKeyOf(dataDir: string): Promise<string> {
  return (await cliJson<{ publicKey: string }>(dataDir, ["whoami"])).publicKey;
}

/** Copies `festival` from one data directory into another by `bundle export` and `bundle import`. */
export async function carry(from: string, to: string, festival: string): Promise<void> {
  const file = path.join(await tempDir("pandafest-carry-"), "festival.pfb");
  await cliJson(from, ["bundle", "export", festival, "-o", file]);
  await cliJson(to, ["bundle", "import", file]);
}

/** Ada's festival (her data directory holds it) with Bo and Cy, each on a data directory of their own, granted `edit`. */
export async function threeMembers(name: string, options: { open?: boolean } = {}) {
  const ada = await festivalFixture(name, options);
  const bo = await tempDir();
  const cy = await tempDir();
  await cliJson(bo, ["init", "--name", "Bo"]);
  await cliJson(cy, ["init", "--name", "Cy"]);
  const [adaKey, boKey, cyKey] = [await publicKeyOf(ada.dataDir), await publicKeyOf(bo), await publicKeyOf(cy)];
  await cliJson(ada.dataDir, ["member", "add", ada.festival, boKey, "--role", "edit"]);
  await cliJson(ada.dataDir, ["member", "add", ada.festival, cyKey, "--role", "edit"]);
  return { ada, bo, cy, adaKey, boKey, cyKey };
}
