// Sync states that live inside Automerge's wasm module, for the hub relay: the public API only hands out sync states
// as JS objects and converts them to and from wasm on every call. The one place that reaches into the package.
import { createRequire } from "node:module";
import path from "node:path";
import * as A from "@automerge/automerge";

/** A document's wasm backend (what `A.getBackend` returns); its methods sync without converting state. */
export type DocumentBackend = ReturnType<typeof A.getBackend>;
/** The wasm sync state `DocumentBackend.generateSyncMessage` and `receiveSyncMessage` take; free it when done. */
export type BackendSyncState = Parameters<DocumentBackend["generateSyncMessage"]>[0];

/**
 * Wasm sync states to and from bytes, in the format automerge-repo stores them (what `A.encodeSyncState` writes:
 * the heads both sides share), so a state saved by either one loads in the other.
 */
export interface WasmSyncStateCodec {
  /** Throws when the bytes are not an encoded sync state. */
  decode(bytes: Uint8Array): BackendSyncState;
  encode(state: BackendSyncState): Uint8Array;
}

/**
 * Every field of a wasm sync state, as the bindings export and import them (hashes as hex strings; `sentHashes` as
 * an object whose keys are the hashes). Used to take in a plain acknowledgement without Automerge's history walk.
 */
export interface SyncStateFields {
  sharedHeads: string[];
  lastSentHeads: string[];
  theirHeads: string[] | null | undefined;
  theirNeed: string[] | null | undefined;
  theirHave: Array<{ lastSync: string[]; bloom: Uint8Array }> | null | undefined;
  sentHashes: Record<string, boolean>;
  inFlight: boolean;
  haveResponded: boolean;
  theirCapabilities: string[] | null | undefined;
  /** this side does not take in the peer's changes (Automerge 3.5 and later) */
  readOnly?: boolean;
  /** the peer's last message with flags said it does not take in changes (Automerge 3.5 and later) */
  peerReadOnly?: boolean;
  [field: string]: unknown;
}

/**
 * Reads and writes all fields of a wasm sync state. `write` makes a new state (the old one stays the caller's to
 * free), or gives undefined when the fields hold something it cannot write back exactly.
 */
export interface WasmSyncStateFieldAccess {
  read(state: BackendSyncState): SyncStateFields;
  write(fields: SyncStateFields): BackendSyncState | undefined;
}

/** The peer capabilities Automerge 3.5 knows, as its export spells them. */
const KNOWN_CAPABILITIES = ["message-v1", "message-v2", "sync-reset"];

interface WasmModule {
  initSyncState(): BackendSyncState;
  exportSyncState(state: BackendSyncState): SyncStateFields;
  importSyncState(fields: SyncStateFields): BackendSyncState;
  decodeSyncState(bytes: Uint8Array): BackendSyncState;
  encodeSyncState(state: BackendSyncState): Uint8Array;
  Automerge: abstract new (...args: never[]) => unknown;
}

interface LoadedBindings {
  factory: (() => BackendSyncState) | undefined;
  codec?: WasmSyncStateCodec;
  fields?: WasmSyncStateFieldAccess;
  problem?: string;
}

/** Where the Node entry of @automerge/automerge loads its wasm bindings from, relative to the package's CommonJS entry. */
const WASM_BINDINGS = ["..", "mjs", "wasm_bindgen_output", "nodejs", "automerge_wasm.cjs"];

let cached: LoadedBindings | undefined;

/**
 * A factory of fresh wasm sync states usable with every document of the public API, or undefined (with the reason in
 * `wasmSyncStateProblem()`) when the installed Automerge is laid out differently or runs another wasm instance:
 * then states made here would not fit its documents, and callers must sync through the public API instead.
 */
export function wasmSyncStateFactory(): (() => BackendSyncState) | undefined {
  cached ??= load();
  return cached.factory;
}

/** Encoding and decoding of the factory's states, or undefined when there is no factory (or the bindings lack them). */
export function wasmSyncStateCodec(): WasmSyncStateCodec | undefined {
  cached ??= load();
  return cached.codec;
}

/** Field access to the factory's states, or undefined when there is no factory (or the bindings lack it). */
export function wasmSyncStateFields(): WasmSyncStateFieldAccess | undefined {
  cached ??= load();
  return cached.fields;
}

export function wasmSyncStateProblem(): string | undefined {
  cached ??= load();
  return cached.problem;
}

function load(): LoadedBindings {
  try {
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@automerge/automerge");
    const wasm = require(path.join(path.dirname(entry), ...WASM_BINDINGS)) as Partial<WasmModule>;
    if (typeof wasm.initSyncState !== "function" || typeof wasm.Automerge !== "function") {
      return { factory: undefined, problem: "the Automerge wasm bindings lack initSyncState or Automerge" };
    }
    // the documents of the public API must be backed by this very module instance, or its sync states do not fit them
    const probe = A.init();
    const sameInstance = A.getBackend(probe) instanceof wasm.Automerge;
    A.free(probe);
    if (!sameInstance) return { factory: undefined, problem: "the public Automerge API runs a different wasm instance than its Node bindings" };
    const initSyncState = wasm.initSyncState;
    const { decodeSyncState, encodeSyncState } = wasm;
    const codec =
      typeof decodeSyncState === "function" && typeof encodeSyncState === "function"
        ? { decode: (bytes: Uint8Array) => decodeSyncState(bytes), encode: (state: BackendSyncState) => encodeSyncState(state) }
        : undefined;
    const { exportSyncState, importSyncState } = wasm;
    const fields = typeof exportSyncState === "function" && typeof importSyncState === "function" ? fieldAccess(exportSyncState, importSyncState, initSyncState) : undefined;
    return { factory: () => initSyncState(), codec, fields };
  } catch (error) {
    return { factory: undefined, problem: `the Automerge wasm bindings could not be loaded (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * Field access whose writes read back exactly. The bindings export and import capabilities under different names
 * (3.5 exports "sync-reset" but imports it only as "supports-sync-reset"), so the import spelling of every known
 * capability is found by probing; when one cannot be found, or a state holds an unknown one, there is no access
 * (or that write is declined) rather than a state that silently differs.
 */
function fieldAccess(
  exportSyncState: (state: BackendSyncState) => SyncStateFields,
  importSyncState: (fields: SyncStateFields) => BackendSyncState,
  initSyncState: () => BackendSyncState,
): WasmSyncStateFieldAccess | undefined {
  const blank = initSyncState();
  const base = exportSyncState(blank);
  blank.free();
  const spellings = new Map<string, string>();
  for (const name of KNOWN_CAPABILITIES) {
    const spelling = [name, `supports-${name}`].find((candidate) => {
      const probe = importSyncState({ ...base, theirCapabilities: [candidate] });
      try {
        const back = exportSyncState(probe).theirCapabilities;
        return back?.length === 1 && back[0] === name;
      } finally {
        probe.free();
      }
    });
    if (spelling === undefined) return undefined;
    spellings.set(name, spelling);
  }
  return {
    read: (state) => exportSyncState(state),
    write: (values) => {
      const capabilities = values.theirCapabilities?.map((name) => spellings.get(name));
      if (capabilities?.some((spelling) => spelling === undefined)) return undefined;
      return importSyncState({ ...values, theirCapabilities: (capabilities as string[] | undefined) ?? values.theirCapabilities });
    },
  };
}
