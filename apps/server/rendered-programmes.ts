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
}

/** Named by content, so a rendering from a later pandafest that differs gets a new tag even at the same heads. */
function entityTagOf(body: string): string {
  return `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
}

/**
 * Renderings by festival id, each for the heads it was rendered at (a changed document is rendered anew); at most
 * `limit` festivals, the least recently asked dropped first. Kept in memory only: a restarted node renders anew.
 */
export class RenderedProgrammes {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly limit = 16) {}

  /**
   * The rendering of festival `id` at `heads`, from `render` when there is none for those heads; undefined (and
   * nothing kept) when `render` gives no programme (the festival cannot be rendered).
   */
  get(id: string, heads: readonly string[], render: () => string | undefined): RenderedProgramme | undefined {
    const headsKey = [...heads].sort().join(",");
    const kept = this.entries.get(id);
    this.entries.delete(id);
    if (kept !== undefined && kept.headsKey === headsKey) {
      this.entries.set(id, kept);
      return kept.programme;
    }
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
    this.entries.set(id, { headsKey, programme });
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
    return programme;
  }
}
