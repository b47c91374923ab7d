// Sync states that live inside Automerge's wasm module, for the hub relay: the public API only hands out sync states
// as JS objects and converts them to and from wasm on every call. The one place that reaches into the package.
import { createRequire } from "node:module";
import path from "node:path";
import * as A from "@automerge/automerge";

/** A document's wasm backend (what `A.getBackend` returns); its methods sync without converting state. */
export type DocumentBackend = ReturnType<typeof A.getBackend>;
/** The wasm sync state `DocumentBackend.generateSyncMessage` and `receiveSyncMessage` take; free it when done. */
export type BackendSyncState = Parameters<DocumentBackend["generateSyncMessage"]>[0];

interface WasmModule {
  initSyncState(): BackendSyncState;
  Automerge: abstract new (...args: never[]) => unknown;
}

/** Where the Node entry of @automerge/automerge loads its wasm bindings from, relative to the package's CommonJS entry. */
const WASM_BINDINGS = ["..", "mjs", "wasm_bindgen_output", "nodejs", "automerge_wasm.cjs"];

let cached: { factory: (() => BackendSyncState) | undefined; problem?: string } | undefined;

/**
 * A factory of fresh wasm sync states usable with every document of the public API, or undefined (with the reason in
 * `wasmSyncStateProblem()`) when the installed Automerge is laid out differently or runs another wasm instance:
 * then states made here would not fit its documents, and callers must sync through the public API instead.
 */
export function wasmSyncStateFactory(): (() => BackendSyncState) | undefined {
  cached ??= load();
  return cached.factory;
}

export function wasmSyncStateProblem(): string | undefined {
  cached ??= load();
  return cached.problem;
}

function load(): { factory: (() => BackendSyncState) | undefined; problem?: string } {
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
    return { factory: () => initSyncState() };
  } catch (error) {
    return { factory: undefined, problem: `the Automerge wasm bindings could not be loaded (${error instanceof Error ? error.message : String(error)})` };
  }
}
