// Places the engine's validation errors next to the form field they are about: the error carries the field
// (PandafestError.about), never guessed from its text.
import { PandafestError } from "../../../engine/core/errors.js";

export interface FormErrors {
  /** message per field name */
  fields: Record<string, string>;
  /** a message that belongs to no single field */
  form?: string;
}

export const NO_ERRORS: FormErrors = { fields: {} };

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The error as form errors: when it is about one of this form's `fields` (of `subject`: "event", "venue", ...),
 * the message goes to that field; otherwise to the form. Unexpected (non-engine) errors are shown too,
 * prefixed so the user knows it is not their input.
 */
export function formErrorsFrom(error: unknown, subject: string, fields: readonly string[]): FormErrors {
  const message = messageOf(error);
  if (!(error instanceof PandafestError)) return { fields: {}, form: `Something went wrong: ${message}` };
  const about = error.about;
  if (about !== undefined && about.subject === subject && fields.includes(about.field)) return { fields: { [about.field]: message } };
  return { fields: {}, form: message };
}
