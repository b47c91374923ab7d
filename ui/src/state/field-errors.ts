// Places the engine's validation errors next to the form field they are about.
// The engine names the field in its message ("invalid event end …", "venue name is missing").
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
 * The error as form errors: when the message names one of `fields` right after the subject
 * ("event", "venue", ...), the message goes to that field; otherwise to the form.
 * Unexpected (non-engine) errors are shown too, prefixed so the user knows it is not their input.
 */
export function formErrorsFrom(error: unknown, subject: string, fields: readonly string[]): FormErrors {
  const message = messageOf(error);
  if (!(error instanceof PandafestError)) return { fields: {}, form: `Something went wrong: ${message}` };
  const match = new RegExp(`^(?:invalid )?${subject} ([A-Za-z]+)`).exec(message);
  const field = match?.[1];
  if (field !== undefined && fields.includes(field)) return { fields: { [field]: message } };
  return { fields: {}, form: message };
}
