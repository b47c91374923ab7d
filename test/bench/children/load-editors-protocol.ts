// The IPC messages between the LAN load bench and its editing-client children (load-editors.js): what the bench
// asks, what a child answers, and the schedule both follow. Types and pure helpers only.

/** One editing client: its place in the load (0-based over all clients) and the event it changes. */
export interface EditorAssignment {
  index: number;
  eventId: string;
}

/** Bench to child: connect these clients to the server and join the festival. */
export interface StartMessage {
  type: "start";
  url: string;
  festivalId: string;
  /** the festival as A.save wrote it; every client starts from this copy */
  bytes: Uint8Array;
  clients: EditorAssignment[];
  /** all clients of the load, in every process (for the offsets of the edit schedule) */
  clientCount: number;
  seconds: number;
}

/** Bench to child: start editing; the edit schedule counts from `startAt` (Date.now() clock). */
export interface GoMessage {
  type: "go";
  startAt: number;
}

/** Bench to child: send your report, then exit. */
export interface ReportRequest {
  type: "report";
}

export type ToLoadEditors = StartMessage | GoMessage | ReportRequest;

/** What a child measured between "go" and "report". */
export interface LoadEditorsReport {
  editsMade: number;
  /** CPU (user + system) the child used since "go" */
  cpuSeconds: number;
  /** sync messages its clients received since "go" */
  messagesReceived: number;
  /** the longest the child's event loop was blocked (ms) */
  backlogMs: number;
  /** the latest an edit was made after its scheduled time (ms) */
  lateMsMax: number;
  /** edits made more than a second after their scheduled time */
  editsLate: number;
  /** clients whose connection the server closed after they joined (they made no more edits), and the last close code */
  connectionsLost: number;
  lastLoss: string;
}

export type FromLoadEditors =
  | { type: "ready" }
  | { type: "done"; editsMade: number }
  | { type: "report"; report: LoadEditorsReport }
  | { type: "failed"; message: string };

/** When client `index` (of `clientCount`) makes its edit number `edit` (0-based): once a second, offset by index. */
export function scheduledEditTime(startAt: number, index: number, clientCount: number, edit: number): number {
  return startAt + (index * 1000) / clientCount + edit * 1000;
}

/** The title an edit writes: observers read the client, the edit's number and the sent-at time back from it. */
export function loadEditTitle(index: number, edit: number, sentAt: number): string {
  return `${LOAD_TITLE_PREFIX}${index}|${edit}|${sentAt}`;
}

export const LOAD_TITLE_PREFIX = "load|";

/** The sent-at time of a load edit's title, or undefined when the title is not one. */
export function loadEditSentAt(title: string): number | undefined {
  if (!title.startsWith(LOAD_TITLE_PREFIX)) return undefined;
  const sentAt = Number(title.split("|")[3]);
  return Number.isFinite(sentAt) ? sentAt : undefined;
}
