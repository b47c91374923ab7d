// Runs automerge-repo's own storage-adapter acceptance suite against SafeFileStorageAdapter.
// Each test gets a fresh temporary directory, removed afterwards.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { runStorageAdapterTests } from "@automerge/automerge-repo/helpers/tests/storage-adapter-tests.js";
import { SafeFileStorageAdapter } from "../../engine/node/storage/safe-file-storage.js";

runStorageAdapterTests(async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), "pandafest-storage-acceptance-"));
  const adapter = new SafeFileStorageAdapter(path.join(root, "data"));
  return { adapter, teardown: () => rm(root, { recursive: true, force: true }) };
}, "SafeFileStorageAdapter");
