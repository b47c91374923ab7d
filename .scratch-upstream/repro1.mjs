import { Repo } from "@automerge/automerge-repo"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const dir = mkdtempSync(join(tmpdir(), "am-storage-id-"))

// Fresh storage: no "storage-adapter-id" yet. The Repo constructor itself
// already asks for the id (for its peer metadata); we ask too, twice.
const repo = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] })
const handed = await Promise.all([repo.storageId(), repo.storageId()])
await repo.shutdown()

const repo2 = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] })
const stored = await repo2.storageId()
await repo2.shutdown()

console.log("ids handed out by first repo:", handed)
console.log("id read back by second repo: ", stored)
console.log("distinct ids generated:      ", new Set([...handed, stored]).size)
