// Resources, booking requests and owners' decisions, clashes among accepted bookings, and helpers' shifts.
// Browser-safe; the CLI, `check` and the exports read bookings through bookingsOf and findBookingClashes.
export * from "./model.js";
export * from "./authorship.js";
export * from "./owners.js";
export * from "./state.js";
export * from "./clashes.js";
export * from "./input.js";
export * from "./operations.js";
export * from "./report.js";
export * from "./references.js";
export * from "./confirmed-view.js";
export * from "./fork-keep.js";
