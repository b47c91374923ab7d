// The attendee view's programme.json as last rendered, per festival and document heads, with its entity tag and
// compressed bodies: asking again for an unchanged festival (a 304, the service worker) renders and compresses nothing.
import { createHash } from "node:crypto";
import { compressBytes, type ContentCoding } from "./compressed-files.js";

export interface RenderedProgramme {
  body: string;
  /** weak: the br, gzip and plain bodies are the same programme */
  entityTag: string;
  /** the body in `coding`, compressed once per rendering */
  compressed(coding: ContentCoding): Promise<Buffer>;
}

interface Entry {
  headsKey: string;
  programme: RenderedProgramme;
  /** the body's length, counted against the byte bound (compressed bodies are a tenth of it) */
  bytes: number;
}

/** Named by content, so a rendering from a later pandafest that differs gets a new tag even at the same heads. */
function entityTagOf(body: string): string {
  return `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
}

/**
 * Renderings by festival id, each for the heads it was rendered at (a changed document is rendered anew); at most
 * `limit` festivals and `byteLimit` bytes of bodies (a small node holding many large festivals), the least recently
 * asked dropped first, the one just rendered always kept. Kept in memory only: a restarted node renders anew.
 */
export class RenderedProgrammes {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly limit = 16,
    private readonly byteLimit = 32 * 1024 * 1024,
  ) {}

  /**
   * The rendering of festival `id` at `heads`, from `render` when there is none for those heads; undefined (and
   * nothing kept) when `render` gives no programme (the festival cannot be rendered).
   */
  get(id: string, heads: readonly string[], render: () => string | undefined): RenderedProgramme | undefined {
    const headsKey = [...heads].sort().join(",");
    const kept = this.entries.get(id);
    if (kept !== undefined && kept.headsKey === headsKey) {
      this.entries.delete(id);
      this.entries.set(id, kept); // now the most recently asked
      return kept.programme;
    }
    this.drop(id);
    const body = render();
    if (body === undefined) return undefined;
    const codings = new Map<ContentCoding, Promise<Buffer>>();
    const programme: RenderedProgramme = {
      body,
      entityTag: entityTagOf(body),
      compressed(coding) {
        let bytes = codings.get(coding);
        if (bytes === undefined) {
          bytes = compressBytes(Buffer.from(body, "utf8"), coding);
          bytes.catch(() => codings.delete(coding)); // a failed compression is tried again next time
          codings.set(coding, bytes);
        }
        return bytes;
      },
    };
    this.entries.set(id, { headsKey, programme, bytes: body.length });
    this.bytes += body.length;
    while (this.entries.size > 1 && (this.entries.size > this.limit || this.bytes > this.byteLimit)) this.drop(this.entries.keys().next().value as string);
    return programme;
  }

  private drop(id: string): void {
    const entry = this.entries.get(id);
    if (entry === undefined) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}
