// Fork entry point: what a fork keeps, its first change, venue pulls from the origin, and the store-level
// commands (fork, pull). keep/heads/copy/pull are browser-safe; fork.ts needs the Node store.
export { FORK_PARTS, planKeep, type ForkPart, type KeepPlan } from "../../core/fork/keep.js";
export { parseHeads } from "../../core/fork/heads.js";
export { planDateShift, shiftInstant, type DateShift } from "../../core/fork/shift.js";
export { eventRecord, forkInit, forkOriginRecord, personRecord, venueRecord, type ForkChoices, type ForkSource, type KeptCounts } from "../../core/fork/copy.js";
export {
  applyVenuePull,
  planVenuePull,
  PULLED_VENUE_FIELDS,
  type FieldKept,
  type FieldUpdate,
  type PulledVenueField,
  type VenueFieldValue,
  type VenuePull,
} from "../../core/fork/pull.js";
export { forkFestival, pullFork, type ForkOptions, type ForkResult, type PullResult } from "./fork.js";
