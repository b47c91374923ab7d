// The browser's identity: one ed25519 key pair and a self-declared name, kept in this origin's IndexedDB.
// Browser-safe. Made on first use with the name the user gives; the key is never replaced, only the name.
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { PandafestError } from "../core/errors.js";

/** The one field a member's name is typed into. */
const NAME_FIELD = { subject: "member", field: "name" };
import { SECRET_KEY_BYTES, fromHex, generateKeyPair, keyPairFromSecretKey, toHex } from "../core/keys.js";

/** Same shape as the CLI's identity: the public key (hex) is the user's id. */
export interface BrowserIdentity {
  name: string;
  publicKey: string;
  secretKey: Uint8Array;
}

export const BROWSER_IDENTITY_VERSION = 1;
export const BROWSER_MEMBER_NAME_MAX_LENGTH = 100;
const IDENTITY_KEY = ["identity"];
const DEFAULT_DATABASE = "pandafest-identity";

/** C0/C1 controls, line and paragraph separators, bidirectional overrides and isolates. */
const FORBIDDEN_NAME_CHARACTERS = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** A member name as stored: trimmed, 1 to 100 characters, printable. Throws a PandafestError saying what is wrong. */
export function checkMemberName(name: string): string {
  const trimmed = name.trim();
  const length = [...trimmed].length;
  if (length === 0) throw new PandafestError("the name is empty: give a name of 1 to 100 characters", { about: NAME_FIELD });
  if (length > BROWSER_MEMBER_NAME_MAX_LENGTH) {
    throw new PandafestError(`the name is ${length} characters long: at most ${BROWSER_MEMBER_NAME_MAX_LENGTH} are allowed`, { about: NAME_FIELD });
  }
  if (FORBIDDEN_NAME_CHARACTERS.test(trimmed)) throw new PandafestError("the name contains a control character: use printable characters only", { about: NAME_FIELD });
  return trimmed;
}

interface StoredIdentity {
  version: number;
  name: string;
  publicKey: string;
  secretKey: string;
}

function parseStored(bytes: Uint8Array): BrowserIdentity {
  let stored: Partial<StoredIdentity>;
  try {
    stored = JSON.parse(new TextDecoder().decode(bytes)) as Partial<StoredIdentity>;
  } catch (cause) {
    throw new PandafestError("the identity kept in this browser is damaged (not JSON)", { code: "data", cause });
  }
  if (stored.version !== BROWSER_IDENTITY_VERSION || typeof stored.name !== "string" || typeof stored.publicKey !== "string" || typeof stored.secretKey !== "string") {
    throw new PandafestError("the identity kept in this browser is damaged (fields missing)", { code: "data" });
  }
  const secretKey = fromHex(stored.secretKey, "the stored secret key", SECRET_KEY_BYTES);
  const publicKey = toHex(keyPairFromSecretKey(secretKey).publicKey);
  if (publicKey !== stored.publicKey) {
    throw new PandafestError("the identity kept in this browser is damaged (the public key does not belong to the secret key)", { code: "data" });
  }
  return { name: stored.name, publicKey, secretKey };
}

function serialise(identity: BrowserIdentity): Uint8Array {
  const stored: StoredIdentity = {
    version: BROWSER_IDENTITY_VERSION,
    name: identity.name,
    publicKey: identity.publicKey,
    secretKey: toHex(identity.secretKey),
  };
  return new TextEncoder().encode(JSON.stringify(stored));
}

/** The identity store of this origin (one per IndexedDB database; tests give each run its own). */
export class BrowserIdentityStore {
  readonly #storage: IndexedDBStorageAdapter;

  constructor(databaseName: string = DEFAULT_DATABASE) {
    this.#storage = new IndexedDBStorageAdapter(databaseName, "identity");
  }

  /** The identity of this browser, or undefined before the user has named it. */
  async load(): Promise<BrowserIdentity | undefined> {
    const bytes = await this.#storage.load(IDENTITY_KEY);
    return bytes === undefined ? undefined : parseStored(bytes);
  }

  /**
   * Makes the identity with this name (a fresh key pair). If another tab made one meanwhile, that one
   * is kept and renamed instead: the key is never replaced.
   */
  async create(name: string): Promise<BrowserIdentity> {
    const checked = checkMemberName(name);
    const existing = await this.load();
    if (existing) return this.rename(checked);
    const pair = generateKeyPair();
    const identity: BrowserIdentity = { name: checked, publicKey: toHex(pair.publicKey), secretKey: pair.secretKey };
    await this.#storage.save(IDENTITY_KEY, serialise(identity));
    return identity;
  }

  /** Changes the self-declared name; the key stays. */
  async rename(name: string): Promise<BrowserIdentity> {
    const checked = checkMemberName(name);
    const existing = await this.load();
    if (!existing) throw new PandafestError("there is no identity in this browser yet: choose a name first", { code: "usage" });
    const renamed: BrowserIdentity = { ...existing, name: checked };
    await this.#storage.save(IDENTITY_KEY, serialise(renamed));
    return renamed;
  }
}
