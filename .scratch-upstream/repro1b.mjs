import { Repo } from "@automerge/automerge-repo"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"
import { BroadcastChannelNetworkAdapter } from "@automerge/automerge-repo-network-broadcastchannel"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const dir = mkdtempSync(join(tmpdir(), "am-storage-id-"))
const channelName = "storage-id-race-" + process.pid

// Fresh storage: no "storage-adapter-id" yet. The Repo constructor asks for
// the id for its peer metadata; the application asks too, right away.
const a = new Repo({
  storage: new NodeFSStorageAdapter(dir),
  network: [new BroadcastChannelNetworkAdapter({ channelName })],
})
const b = new Repo({ network: [new BroadcastChannelNetworkAdapter({ channelName })] })
const handed = await Promise.all([a.storageId(), a.storageId()])

await new Promise(r => setTimeout(r, 500)) // let the peers meet
const advertised = b.getStorageIdOfPeer(a.peerId)
await a.shutdown()
await b.shutdown()

const a2 = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] })
const stored = await a2.storageId()
await a2.shutdown()

console.log("repo.storageId() (x2):       ", handed)
console.log("advertised to peer:          ", advertised)
console.log("read back by a later Repo:   ", stored)
console.log("distinct ids for one storage:", new Set([...handed, advertised, stored]).size)
