// Schema versions: refuses documents that are not festivals or come from a newer pandafest, and would move
// older festival documents forward one step at a time (none needs it: schema 1 is read and written as is).
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
 * Throws PandafestError (code "data") unless doc is a festival this engine can read: the skeleton is
 * present (from schema 2 with eventShards) and its schema is not newer than SCHEMA_VERSION. Schema 1
 * passes and is used as it is (see MIGRATIONS).
 */
export function checkSchema(doc: unknown): asserts doc is Festival {
  const schema = schemaOf(doc);
  if (typeof schema === "number" && Number.isInteger(schema) && schema > SCHEMA_VERSION) {
    throw new PandafestError(
      `this festival uses schema ${schema}; this pandafest knows up to ${SCHEMA_VERSION}; upgrade pandafest to open it`,
      { code: "data" },
    );
  }
  if (typeof schema !== "number" || !Number.isInteger(schema) || schema < 1) {
    throw new PandafestError("this document is not a pandafest festival (it has no festival schema number)", {
      code: "data",
    });
  }
  const record = doc as Record<string, unknown>;
  const required: readonly string[] = schema >= SHARDED_SCHEMA ? [...SKELETON_MAPS, "eventShards"] : SKELETON_MAPS;
  const missing = required.filter((key) => !isPlainMap(record[key]));
  if (missing.length > 0) {
    throw new PandafestError(
      `this document is not a pandafest festival (it lacks ${missing.join(", ")})`,
      { code: "data" },
    );
  }
}

/** One step forward: a festival at schema `from` becomes schema `from + 1`. */
export interface Migration {
  from: number;
  describe: string;
  apply(doc: Festival): void;
}

/**
 * Every step from schema 1 onwards, in order. Empty on purpose: schema 2 only added the event shards, and
 * a migration that created them would run on several peers at once, making competing shard objects (merged,
 * one side's events would hide). Schema-1 documents keep their flat events map and stay at schema 1;
 * engine/event-shards.ts reads and writes both layouts. An older engine refuses schema 2 by its number, so
 * it never silently misses sharded events.
 */
export const MIGRATIONS: readonly Migration[] = [];

/** True when a step in MIGRATIONS starts at doc's schema (never, while MIGRATIONS is empty). */
export function needsMigration(doc: Festival): boolean {
  return MIGRATIONS.some((migration) => migration.from === doc.schema);
}

/**
 * Applies the steps of MIGRATIONS that start at the festival's schema, one change per step, and returns
 * how many ran (0 when none applies: a current festival, or one at schema 1, which stays as it is).
 * Throws like checkSchema for documents it cannot read.
 */
export function migrate(editor: FestivalEditor): number {
  const doc = editor.read();
  checkSchema(doc);
  let steps = 0;
  for (let schema = doc.schema; schema < SCHEMA_VERSION; schema++) {
    const step = MIGRATIONS.find((migration) => migration.from === schema);
    if (!step) break;
    editor.change((draft) => {
      step.apply(draft);
      draft.schema = schema + 1;
    }, `migrate festival schema ${schema} to ${schema + 1}: ${step.describe}`);
    steps++;
  }
  return steps;
}
