// The browser-safe core of pandafest: the festival document, its operations and views, provenance, conflicts,
// the programme, schedule formats and fork logic. Runs anywhere Automerge runs; imports nothing from Node.
export * from "./schema.js";
export * from "./errors.js";
export * from "./editor.js";
export * from "./operations.js";
export * from "./views.js";
export * from "./validate.js";
export * from "./time.js";
export * from "./references.js";
export * from "./skeleton.js";
export * from "./checks.js";
export * from "./conflicts.js";
export * from "./programme.js";
export * from "./provenance.js";
export * from "./members.js";
export * from "./governance/index.js";
export * from "./membership/index.js";
export * from "./schema-version.js";
export * from "./change-limits.js";
export * from "./festival-size.js";
export * from "./schedule-export.js";
export * from "./terminal-text.js";
export * from "./interop/index.js";
export { FORK_PARTS, planKeep, type ForkPart, type KeepPlan } from "./fork/keep.js";
export { parseHeads } from "./fork/heads.js";
export { forkInit, type ForkSource, type KeptCounts } from "./fork/copy.js";
export { applyVenuePull, planVenuePull, PULLED_VENUE_FIELDS, type VenuePull } from "./fork/pull.js";
