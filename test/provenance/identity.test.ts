// The identity file: created 0600 in a 0700 directory, never replaced, loaded and checked.
// Real files in a temporary directory.
import { chmod, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { createIdentity, hasIdentity, identityPath, loadIdentity, normalizeMemberName } from "../../engine/node/identity.js";
import { sign, toHex, verify, fromHex } from "../../engine/core/keys.js";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "pandafest-identity-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const posix = process.platform !== "win32";

async function expectPandafestError(promise: Promise<unknown>, code: string, pattern: RegExp): Promise<PandafestError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PandafestError);
  const pandafestError = error as PandafestError;
  expect(pandafestError.code).toBe(code);
  expect(pandafestError.message).toMatch(pattern);
  return pandafestError;
}

describe("createIdentity", () => {
  it("writes identity.json with mode 0600 in a new 0700 directory, and the key signs", async () => {
    const dataDir = path.join(root, "data", "pandafest");
    const identity = await createIdentity(dataDir, "  Kim  ");
    expect(identity.name).toBe("Kim");
    expect(identity.publicKey).toMatch(/^[0-9a-f]{64}$/);
    const file = identityPath(dataDir);
    expect(file).toBe(path.join(dataDir, "identity.json"));
    if (posix) {
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    }
    const stored = JSON.parse(await readFile(file, "utf8"));
    expect(stored).toEqual({ version: 1, name: "Kim", publicKey: identity.publicKey, secretKey: toHex(identity.secretKey) });
    expect(await readdir(dataDir)).toEqual(["identity.json"]); // no temporary file left behind

    const message = new TextEncoder().encode("hello");
    expect(verify(message, sign(message, identity.secretKey), fromHex(identity.publicKey))).toBe(true);
  });

  it("refuses a second create and leaves the first identity untouched", async () => {
    const first = await createIdentity(root, "Kim");
    const before = await readFile(identityPath(root), "utf8");
    const error = await expectPandafestError(createIdentity(root, "Alex"), "input", /an identity already exists in .*never replaces it/);
    expect(error.message).toContain("Kim");
    expect(error.message).toContain(first.publicKey);
    expect(await readFile(identityPath(root), "utf8")).toBe(before);
  });

  it("lets exactly one of two racing creates win", async () => {
    const results = await Promise.allSettled([createIdentity(root, "One"), createIdentity(root, "Two")]);
    const won = results.filter((result) => result.status === "fulfilled");
    expect(won).toHaveLength(1);
    const loaded = await loadIdentity(root);
    expect(loaded.publicKey).toBe((won[0] as PromiseFulfilledResult<{ publicKey: string }>).value.publicKey);
    expect((await readdir(root)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("refuses bad names before writing anything", async () => {
    for (const [name, pattern] of [
      ["", /empty/],
      ["   ", /empty/],
      ["x".repeat(101), /101 characters/],
      ["Kim\nroot", /control character \(U\+000A\)/],
      ["Kim\u202Eevil", /control character \(U\+202E\)/],
    ] as const) {
      await expectPandafestError(createIdentity(root, name), "input", pattern);
    }
    expect(await hasIdentity(root)).toBe(false);
    expect(normalizeMemberName("🎪".repeat(100))).toBe("🎪".repeat(100));
  });
});

describe("loadIdentity", () => {
  it("loads what createIdentity wrote", async () => {
    const created = await createIdentity(root, "Kim");
    const loaded = await loadIdentity(root, { warn: () => expect.fail("no warning expected") });
    expect(loaded).toEqual(created);
  });

  it("tells the user to run pandafest init when there is no identity", async () => {
    await expectPandafestError(loadIdentity(path.join(root, "nowhere")), "usage", /no identity in .*pandafest init --name NAME/);
  });

  it("refuses malformed files clearly", async () => {
    const valid = await createIdentity(root, "Kim");
    const file = identityPath(root);
    const stored = JSON.parse(await readFile(file, "utf8"));
    const other = await createIdentity(path.join(root, "other"), "Alex");
    const cases: Array<[string, RegExp]> = [
      ["{not json", /malformed \(not JSON\)/],
      [JSON.stringify({ ...stored, version: 2 }), /malformed .*version/],
      [JSON.stringify({ ...stored, publicKey: "abc" }), /malformed .*publicKey/],
      [JSON.stringify({ ...stored, secretKey: undefined }), /malformed .*secretKey/],
      [JSON.stringify({ ...stored, publicKey: other.publicKey }), /publicKey does not belong to secretKey/],
      [JSON.stringify({ ...stored, name: "" }), /bad name/],
    ];
    for (const [contents, pattern] of cases) {
      await writeFile(file, contents, { mode: 0o600 });
      const error = await expectPandafestError(loadIdentity(root), "data", pattern);
      expect(error.message).toContain(file);
    }
    expect(valid.publicKey).not.toBe(other.publicKey);
  });

  it.runIf(posix)("warns about a file other users can read, but still loads it", async () => {
    const created = await createIdentity(root, "Kim");
    await chmod(identityPath(root), 0o644);
    const warnings: string[] = [];
    const loaded = await loadIdentity(root, { warn: (message) => warnings.push(message) });
    expect(loaded.publicKey).toBe(created.publicKey);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/mode 0644.*chmod 600/);
  });
});
