// Schema versions: refuses documents that are not festivals or come from a newer pandafest,
// and moves older festival documents forward one schema step at a time (no older schema exists yet).
import { PandafestError } from "./errors.js";
import type { FestivalEditor } from "./editor.js";
import { SCHEMA_VERSION, type Festival } from "./schema.js";

const SKELETON_MAPS = ["venues", "events", "people", "members", "authors"] as const;

function isPlainMap(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function schemaOf(doc: unknown): unknown {
  return isPlainMap(doc) ? (doc as { schema?: unknown }).schema : undefined;
}

/**
 * Throws PandafestError (code "data") unless doc is a festival this engine can read: the skeleton is
 * present and its schema is not newer than SCHEMA_VERSION. Older schemas pass (see migrate).
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
  const missing = SKELETON_MAPS.filter((key) => !isPlainMap(record[key]));
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

/** Every step from schema 1 onwards, in order. Empty while schema 1 is the newest. */
export const MIGRATIONS: readonly Migration[] = [];

export function needsMigration(doc: Festival): boolean {
  return doc.schema < SCHEMA_VERSION;
}

/**
 * Brings a festival up to SCHEMA_VERSION, one change per step. Returns how many steps ran (0 when it
 * is current). Throws like checkSchema for documents it cannot read, and when a step is missing.
 */
export function migrate(editor: FestivalEditor): number {
  const doc = editor.read();
  checkSchema(doc);
  let steps = 0;
  for (let schema = doc.schema; schema < SCHEMA_VERSION; schema++) {
    const step = MIGRATIONS.find((migration) => migration.from === schema);
    if (!step) {
      throw new PandafestError(`no migration from festival schema ${schema} to ${schema + 1}`, { code: "data" });
    }
    editor.change((draft) => {
      step.apply(draft);
      draft.schema = schema + 1;
    }, `migrate festival schema ${schema} to ${schema + 1}: ${step.describe}`);
    steps++;
  }
  return steps;
}
