// Node authentication on /sync: the handshake itself is shared with the web app (engine/sync/peer-auth.ts); the
// server's modules and tests take it from here.
export * from "../../engine/sync/peer-auth.js";
