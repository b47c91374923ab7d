// The IPC messages between the hostile-load bench and its server child (hostile-server.js): what the bench asks
// and what the child answers, and the figures of one sample of the server process. Types only.

/** Bench to child: measure yourself now (after a full garbage collection when `gc`: the child runs with --expose-gc). */
export interface SampleRequest {
  type: "sample";
  gc?: boolean;
}

/** Bench to child: close the server (flushing storage), answer "stopped", then exit. */
export interface StopRequest {
  type: "stop";
}

export type ToHostileServer = SampleRequest | StopRequest;

/** The server process as it measured itself when asked. */
export interface ServerSample {
  /** resident set size now (bytes) */
  rssBytes: number;
  /** peak resident set size since the process started (bytes) */
  maxRssBytes: number;
  heapUsedBytes: number;
  /** memory held by Buffers and ArrayBuffers, Automerge's wasm memory included (bytes) */
  arrayBuffersBytes: number;
  /** CPU time (user + system) the process used since it started, every thread, in microseconds */
  cpuMicros: number;
  /** document handles the server's repo holds (the festival, and any ids peers asked for that it remembers) */
  handles: number;
}

export type FromHostileServer =
  | { type: "ready"; sync: string }
  | { type: "sample"; sample: ServerSample }
  | { type: "stopped" }
  | { type: "failed"; message: string };
