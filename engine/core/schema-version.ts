// Schema versions: how a festival's schema number is read, refusing documents that are not festivals or come
// from a newer pandafest, and repairing a number no data backs. Schema 1 is read and written as it is.
import { PandafestError } from "./errors.js";
import type { FestivalEditor } from "./editor.js";
import { SCHEMA_VERSION, type Festival } from "./schema.js";

const SKELETON_MAPS = ["venues", "events", "people", "members", "authors"] as const;
/** The first schema whose skeleton holds the event shards. */
const SHARDED_SCHEMA = 2;

function isPlainMap(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function schemaOf(doc: unknown): unknown {
  return isPlainMap(doc) ? (doc as { schema?: unknown }).schema : undefined;
}

/**
 * Every top-level field a festival of a schema this engine knows may hold. A newer schema must add a field of
 * its own (that is its data); a schema number with nothing new behind it is not believed (see schemaStanding).
 */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  "schema",
  "name",
  "description",
  "timeZone",
  "startDate",
  "endDate",
  "dayStartsAt",
  "visibility",
  "venues",
  "events",
  "eventShards",
  "people",
  "members",
  "authors",
  "governance",
  "forkedFrom",
  "schedule",
  "resources",
  "bookings",
]);

/** How this engine reads a festival's schema number. */
export interface SchemaStanding {
  /** the number as stored (anything a writer put there) */
  declared: unknown;
  /** the schema the festival is read as: its number, or the schema its data shows when the number is not backed */
  readAs: number;
  /** the stored number is not what the data shows: higher than this engine knows with nothing new behind it, or no number */
  unbacked: boolean;
}

function isKnownSchemaNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= SCHEMA_VERSION;
}

/** The schema a festival's own data shows: 2 once it holds the event shards, else 1. */
function schemaOfData(record: Record<string, unknown>): number {
  return isPlainMap(record.eventShards) ? SHARDED_SCHEMA : 1;
}

/**
 * How a festival's schema number stands. Any writer can set `schema`; only a newer pandafest adds data this
 * engine does not know. So a number this engine knows is taken as it is; a higher one (or none at all) counts
 * only when the document also holds a field this engine does not know. Without such data the festival is read
 * as the schema its data shows, `check` names the write, and `pandafest repair` writes the number back.
 */
export function schemaStanding(doc: unknown): SchemaStanding {
  const declared = schemaOf(doc);
  if (isKnownSchemaNumber(declared)) return { declared, readAs: declared, unbacked: false };
  const record = isPlainMap(doc) ? (doc as Record<string, unknown>) : {};
  return { declared, readAs: schemaOfData(record), unbacked: true };
}

/** Top-level fields of the document that this engine does not know (the data of a newer schema). */
function unknownFields(record: Record<string, unknown>): string[] {
  return Object.keys(record).filter((key) => !KNOWN_FIELDS.has(key));
}

/**
 * Throws PandafestError (code "data") unless doc is a festival this engine can read: the skeleton is
 * present (from schema 2 with eventShards), and it holds no data of a schema newer than SCHEMA_VERSION. Schema 1
 * passes and is used as it is: it is never migrated, because a migration creating the event shards would run on
 * several peers at once and make competing shard objects (merged, one side's events would hide); its flat events
 * map is read and written by engine/core/event-shards.ts, and an older engine refuses schema 2 by its number. A schema number that no data backs does not lock the festival
 * (see schemaStanding).
 */
export function checkSchema(doc: unknown): asserts doc is Festival {
  if (!isPlainMap(doc)) throw new PandafestError("this document is not a pandafest festival (it is not a map)", { code: "data" });
  const record = doc as Record<string, unknown>;
  const declared = schemaOf(doc);
  const newer = unknownFields(record);
  if (!isKnownSchemaNumber(declared) && newer.length > 0) {
    if (typeof declared === "number" && Number.isInteger(declared) && declared > SCHEMA_VERSION) {
      throw new PandafestError(
        `this festival uses schema ${declared}; this pandafest knows up to ${SCHEMA_VERSION}; upgrade pandafest to open it`,
        { code: "data" },
      );
    }
    throw new PandafestError("this document is not a pandafest festival (it has no festival schema number)", { code: "data" });
  }
  const { readAs } = schemaStanding(doc);
  const required: readonly string[] = readAs >= SHARDED_SCHEMA ? [...SKELETON_MAPS, "eventShards"] : SKELETON_MAPS;
  const missing = required.filter((key) => !isPlainMap(record[key]));
  if (missing.length > 0) {
    throw new PandafestError(
      `this document is not a pandafest festival (it lacks ${missing.join(", ")})`,
      { code: "data" },
    );
  }
}

/** Writes back the schema number the festival's data shows, when the stored one is not backed; true when it wrote. */
export function repairSchemaNumber(editor: FestivalEditor): boolean {
  const standing = schemaStanding(editor.read());
  if (!standing.unbacked) return false;
  editor.change((draft) => {
    draft.schema = standing.readAs;
  }, `repair: schema number ${JSON.stringify(standing.declared) ?? "(none)"} is not backed by data; back to ${standing.readAs}`);
  return true;
}
