import * as A from "@automerge/automerge";
let d = A.from({ authors: {}, events: {} }, { actor: "aa".repeat(16) });
let t = performance.now();
d = A.change(d, (x) => { for (let i = 0; i < 10000; i++) x.events["e" + i] = { title: new A.ImmutableString("t" + i), a: new A.ImmutableString("x"), b: new A.ImmutableString("y"), c: new A.ImmutableString("z"), tags: [] , start: new A.ImmutableString("2027-01-01T10:00:00+02:00")}; });
console.log("change", performance.now() - t);
for (let r = 0; r < 3; r++) {
t = performance.now(); const c = A.getLastLocalChange(d); const t1 = performance.now(); const dc = A.decodeChange(c); console.log("get", (t1 - t).toFixed(1), "decode", (performance.now() - t1).toFixed(1), dc.ops.length, c.length);
t = performance.now(); const heads = A.getHeads(d); const m = A.getChangesMetaSince(d, []); console.log("meta all", (performance.now() - t).toFixed(1));
}
