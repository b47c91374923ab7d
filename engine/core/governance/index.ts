// Who may change a festival: roles, organised and open festivals, proposals and their decisions, and the
// festival members see. Browser-safe; the store, the server and the web app all decide through this.
export * from "./records.js";
export * from "./standing.js";
export * from "./visible.js";
export * from "./write.js";
export * from "./proposals.js";
export * from "./manage.js";
export * from "./revert.js";
export * from "./replica.js";
export * from "./member-actor.js";
export * from "./edit-at-base.js";
