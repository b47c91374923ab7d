import * as A from "@automerge/automerge"

// Peers a and b, fully in sync on a document with n changes. a makes one more
// change and sends it; b answers with a plain acknowledgement (no changes,
// heads that a already has). We time a receiving that acknowledgement.
function setup(n) {
  let a = A.from({ n: 0 })
  for (let i = 1; i < n; i++) a = A.change(a, d => { d.n = i })
  let b = A.init(), sa = A.initSyncState(), sb = A.initSyncState(), m, moved = true
  while (moved) {
    moved = false;
    [sa, m] = A.generateSyncMessage(a, sa); if (m) { [b, sb] = A.receiveSyncMessage(b, sb, m); moved = true }
    [sb, m] = A.generateSyncMessage(b, sb); if (m) { [a, sa] = A.receiveSyncMessage(a, sa, m); moved = true }
  }
  a = A.change(a, d => { d.n = -1 });
  [sa, m] = A.generateSyncMessage(a, sa);
  [b, sb] = A.receiveSyncMessage(b, sb, m)
  const [, ack] = A.generateSyncMessage(b, sb)
  const d = A.decodeSyncMessage(ack)
  if (d.changes.length || !A.equals(d.heads, A.getHeads(a))) throw new Error("not an ack")
  return { a, sa, ack }
}
const time = (fn, reps = 1000) => {
  for (let i = 0; i < 200; i++) fn()
  const t = performance.now(); for (let i = 0; i < reps; i++) fn()
  return (performance.now() - t) / reps
}
// same shape of message, but heads a does not know: nothing to walk from
const unknownHeads = A.encodeSyncMessage({ heads: ["ab".repeat(32)], need: [], have: [], changes: [] })

for (const n of [20_000, 5_000, 1_000, 100]) {
  let { a, sa, ack } = setup(n)
  const ackMs = time(() => { [a] = A.receiveSyncMessage(a, sa, ack) })
  const unkMs = time(() => { [a] = A.receiveSyncMessage(a, sa, unknownHeads) })
  const genMs = time(() => A.generateSyncMessage(a, sa)) // returns null: no-op
  console.log(`changes=${String(n + 1).padStart(5)}  receive(ack)=${ackMs.toFixed(3)} ms  ` +
    `receive(unknown heads)=${unkMs.toFixed(3)} ms  generate(no-op)=${genMs.toFixed(3)} ms  ` +
    `ack/no-op=${(ackMs / genMs).toFixed(0)}x`)
}
