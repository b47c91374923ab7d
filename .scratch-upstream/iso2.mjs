import * as A from "@automerge/automerge"
let a = A.from({ n: 0 })
for (let i = 1; i < 20000; i++) a = A.change(a, d => { d.n = i })
const heads = A.getHeads(a)
const sa = A.initSyncState()
function time(fn, reps = 300) { for (let i = 0; i < 20; i++) fn(); const t = performance.now(); for (let i = 0; i < reps; i++) fn(); return (performance.now() - t) / reps }
const known = A.encodeSyncMessage({ heads, need: [], have: [], changes: [] })
const unknown = A.encodeSyncMessage({ heads: ["ab".repeat(32)], need: [], have: [], changes: [] })
const empty = A.encodeSyncMessage({ heads: [], need: [], have: [], changes: [] })
for (const [name, m] of [["heads=our heads", known], ["heads=unknown hash", unknown], ["heads=[]", empty]])
  console.log(name, time(() => { [a] = A.receiveSyncMessage(a, sa, m) }).toFixed(3), "ms")
