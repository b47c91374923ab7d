// pandafest's engine as a library for Node: the browser-safe core plus the data directory (store, identity,
// storage, view cache) and store-level forks. Apps (the CLI, the server) and tests build on this face.
export * from "./core/index.js";
export { FestivalStore, type FestivalHandle, type StorageHealth } from "./node/store.js";
export { forkFestival, pullFork, type ForkOptions, type ForkResult, type PullResult } from "./node/fork/index.js";
export { resolveDataDir, dataLayout } from "./node/datadir.js";
export { hasIdentity, loadIdentity, type Identity } from "./node/identity.js";
