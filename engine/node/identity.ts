// The user's identity: one ed25519 key pair and a display name, kept in DATA/identity.json (mode 0600).
// Node only. Created once by `pandafest init`, never replaced, never exported in a bundle.
import { link, mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import * as v from "valibot";
import { dataLayout } from "./datadir.js";
import { PandafestError } from "../core/errors.js";
import { PUBLIC_KEY_BYTES, SECRET_KEY_BYTES, fromHex, generateKeyPair, keyPairFromSecretKey, randomBytes, toHex } from "../core/keys.js";

/** Who is editing: the public key (hex) is the user's id; the name is self-declared. */
export interface Identity {
  name: string;
  publicKey: string;
  secretKey: Uint8Array;
}

export const IDENTITY_FILE_VERSION = 1;
export const MEMBER_NAME_MAX_LENGTH = 100;
/** An identity file is a few hundred bytes; anything much larger is not one. */
const IDENTITY_FILE_MAX_BYTES = 64 * 1024;
const INIT_HINT = "pandafest init --name NAME";

/** DATA/identity.json */
export function identityPath(dataDir: string): string {
  return dataLayout(dataDir).identity;
}

/** C0/C1 controls, line and paragraph separators, bidirectional overrides and isolates. */
const FORBIDDEN_NAME_CHARACTERS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/**
 * A member name as stored: trimmed, 1..100 characters (code points), no control characters.
 * Throws a PandafestError saying what is wrong otherwise.
 */
export function normalizeMemberName(name: string): string {
  const trimmed = name.trim();
  const length = [...trimmed].length;
  if (length === 0) throw new PandafestError("the name is empty: give a name of 1 to 100 characters, e.g. --name \"Kim\"");
  if (length > MEMBER_NAME_MAX_LENGTH) {
    throw new PandafestError(`the name is ${length} characters long: at most ${MEMBER_NAME_MAX_LENGTH} are allowed`);
  }
  const forbidden = FORBIDDEN_NAME_CHARACTERS.exec(trimmed);
  if (forbidden) {
    const codePoint = forbidden[0].codePointAt(0) ?? 0;
    throw new PandafestError(
      `the name contains a control character (U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}): use printable characters only`,
    );
  }
  return trimmed;
}

const IdentityFileSchema = v.object({
  version: v.literal(IDENTITY_FILE_VERSION),
  name: v.string(),
  publicKey: v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${PUBLIC_KEY_BYTES * 2}}$`), "must be 64 lower-case hex digits")),
  secretKey: v.pipe(v.string(), v.regex(new RegExp(`^[0-9a-f]{${SECRET_KEY_BYTES * 2}}$`), "must be 128 lower-case hex digits")),
});
type IdentityFile = v.InferOutput<typeof IdentityFileSchema>;

function malformed(file: string, detail: string, cause?: unknown): PandafestError {
  return new PandafestError(
    `the identity file ${file} is malformed (${detail}). Restore it from a backup; or move it aside and run \`${INIT_HINT}\` ` +
      "to make a new identity (a new key: your earlier changes stay signed by the old one)",
    { code: "data", cause },
  );
}

/** Parse and check the text of an identity file: shape, name, and that the key halves belong together. */
function parseIdentityFile(file: string, text: string): Identity {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw malformed(file, "not JSON", error);
  }
  const parsed = v.safeParse(IdentityFileSchema, json);
  if (!parsed.success) throw malformed(file, v.summarize(parsed.issues).replace(/\n/g, "; "));
  const contents: IdentityFile = parsed.output;
  let name: string;
  try {
    name = normalizeMemberName(contents.name);
  } catch (error) {
    throw malformed(file, `bad name: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const secretKey = fromHex(contents.secretKey, "secretKey", SECRET_KEY_BYTES);
  let derivedPublicKey: string;
  try {
    derivedPublicKey = toHex(keyPairFromSecretKey(secretKey).publicKey);
  } catch (error) {
    throw malformed(file, "the secret key is inconsistent", error);
  }
  if (derivedPublicKey !== contents.publicKey) throw malformed(file, "publicKey does not belong to secretKey");
  return { name, publicKey: contents.publicKey, secretKey };
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : undefined;
}

async function readIdentityText(file: string, dataDir: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    if (errorCode(error) === "ENOENT") {
      throw new PandafestError(`no identity in ${dataDir}: run \`${INIT_HINT}\` first (or pass --data DIR for another data directory)`, {
        code: "usage",
        cause: error,
      });
    }
    throw new PandafestError(`cannot read the identity file ${file}: ${String(error)}`, { code: "data", cause: error });
  }
  if (size > IDENTITY_FILE_MAX_BYTES) throw malformed(file, `${size} bytes, far too large for an identity file`);
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new PandafestError(`cannot read the identity file ${file}: ${String(error)}`, { code: "data", cause: error });
  }
}

export interface LoadIdentityOptions {
  /** Told about problems that do not stop loading (a file other users can read). Default: stderr. */
  warn?: (message: string) => void;
}

function warnOnStderr(message: string): void {
  process.stderr.write(`pandafest: warning: ${message}\n`);
}

/** The identity in dataDir. Throws a PandafestError telling the user to run `pandafest init` when there is none. */
export async function loadIdentity(dataDir: string, options: LoadIdentityOptions = {}): Promise<Identity> {
  const file = identityPath(dataDir);
  const identity = parseIdentityFile(file, await readIdentityText(file, dataDir));
  if (process.platform !== "win32") {
    const mode = (await stat(file)).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      (options.warn ?? warnOnStderr)(
        `${file} can be read by other users (mode ${mode.toString(8).padStart(4, "0")}); protect your secret key with: chmod 600 ${file}`,
      );
    }
  }
  return identity;
}

/** Whether dataDir holds an identity file (valid or not). */
export async function hasIdentity(dataDir: string): Promise<boolean> {
  try {
    await stat(identityPath(dataDir));
    return true;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
}

async function alreadyExists(dataDir: string, file: string): Promise<PandafestError> {
  let who: string;
  try {
    const existing = parseIdentityFile(file, await readFile(file, "utf8"));
    who = `${existing.name}, ${existing.publicKey}`;
  } catch (error) {
    who = `unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
  return new PandafestError(`an identity already exists in ${dataDir} (${who}); pandafest init never replaces it`, { code: "input" });
}

/** fsync a directory so a rename or link in it survives a power cut (not possible on every platform). */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, "r");
    await handle.sync();
  } catch (error) {
    const code = errorCode(error);
    if (code !== "EISDIR" && code !== "EPERM" && code !== "EINVAL" && code !== "EACCES") throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Make a new identity in dataDir (created with mode 0700 if missing) and write it atomically:
 * temporary file (0600), fsync, then link it into place, which fails rather than replace an existing
 * identity even when two inits race. Refuses with a PandafestError when an identity already exists.
 */
export async function createIdentity(dataDir: string, name: string): Promise<Identity> {
  const memberName = normalizeMemberName(name);
  const file = identityPath(dataDir);
  if (await hasIdentity(dataDir)) throw await alreadyExists(dataDir, file);

  const directory = path.dirname(file);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const keyPair = generateKeyPair();
  const identity: Identity = { name: memberName, publicKey: toHex(keyPair.publicKey), secretKey: keyPair.secretKey };
  const contents: IdentityFile = {
    version: IDENTITY_FILE_VERSION,
    name: identity.name,
    publicKey: identity.publicKey,
    secretKey: toHex(identity.secretKey),
  };

  const temporary = path.join(directory, `.identity.json.${toHex(randomBytes(8))}.tmp`);
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(`${JSON.stringify(contents, null, 2)}\n`, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, file);
  } catch (error) {
    const code = errorCode(error);
    if (code === "EEXIST") {
      await unlink(temporary);
      throw await alreadyExists(dataDir, file);
    }
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EOPNOTSUPP") {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    // The file system has no hard links: check, then rename (only a race with another init can slip through).
    if (await hasIdentity(dataDir)) {
      await unlink(temporary);
      throw await alreadyExists(dataDir, file);
    }
    await rename(temporary, file);
    await syncDirectory(directory);
    return identity;
  }
  await unlink(temporary);
  await syncDirectory(directory);
  return identity;
}
