// Two keys that claim one name are told apart wherever the CLI shows names of keys (history, bundle import).
import fs from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { cliJson, festivalFixture, runCli, tempDir } from "../helpers/cli.js";

async function publicKeyOf(dataDir: string): Promise<string> {
  return (JSON.parse(await fs.readFile(path.join(dataDir, "identity.json"), "utf8")) as { publicKey: string }).publicKey;
}

describe("member names in the CLI", () => {
  it("shows two keys named Ada with a short key suffix each", { timeout: 240_000 }, async () => {
    const ada = await festivalFixture("Name Fest");
    const impostor = await tempDir();
    await cliJson(impostor, ["init", "--name", "Ada"]);
    const files = await tempDir("pandafest-names-");
    const full = path.join(files, "full.pfb");
    await cliJson(ada.dataDir, ["bundle", "export", ada.festival, "-o", full]);
    await cliJson(impostor, ["bundle", "import", full]);
    await cliJson(impostor, ["venue", "add", ada.festival, "--name", "Second Stage"]);
    const later = path.join(files, "later.pfb");
    await cliJson(impostor, ["bundle", "export", ada.festival, "--since", full, "-o", later]);
    const imported = await cliJson<{ carrierName: string | null }[]>(ada.dataDir, ["bundle", "import", later]);

    const [adaKey, impostorKey] = await Promise.all([publicKeyOf(ada.dataDir), publicKeyOf(impostor)]);
    const adaName = `Ada (${adaKey.slice(0, 8)})`;
    const impostorName = `Ada (${impostorKey.slice(0, 8)})`;
    expect(imported[0].carrierName).toBe(impostorName);
    const history = await cliJson<{ author: { key: string; name: string } | null }[]>(ada.dataDir, ["history", ada.festival]);
    const names = new Map(history.map((record) => [record.author?.key, record.author?.name]));
    expect(names.get(adaKey)).toBe(adaName);
    expect(names.get(impostorKey)).toBe(impostorName);
    const text = await runCli(ada.dataDir, ["history", ada.festival]);
    expect(text.stdout).toContain(adaName);
    expect(text.stdout).toContain(impostorName);
    expect(text.stdout).not.toContain(`${adaName} (`); // the key suffix is shown once
  });
});
