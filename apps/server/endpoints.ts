// Where a pandafest node listens by default and where its sync endpoint lives. Kept apart from the server so
// the command line can name them without loading the server (websockets, mDNS) for every command.
export const DEFAULT_PORT = 4321;

/** The path of the websocket sync endpoint. */
export const SYNC_PATH = "/sync";
