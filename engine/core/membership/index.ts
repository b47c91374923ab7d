// Member keys of private festivals: sealing keys to members, epochs, invitations and access requests.
// Browser-safe; the CLI, the node and the web app use these.
export * from "./member-box.js";
export * from "./keyring.js";
export * from "./invitations.js";
export * from "./manage-members.js";
export * from "./access.js";
