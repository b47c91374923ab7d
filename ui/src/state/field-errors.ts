// Places the engine's validation errors (one, or all a form has at once) next to the form field they are about: the error carries the field
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
  // beside its field, what to do is enough (the label names the field); the whole message otherwise
  if (about !== undefined && about.subject === subject && fields.includes(about.field)) return { fields: { [about.field]: about.advice ?? message } };
  return { fields: {}, form: message };
}

/**
 * Several errors at once (every problem a form's input has, as the engine found them): each goes beside its field,
 * the first for a field wins; errors about no field of this form are joined into the form's message.
 */
export function formErrorsFromAll(errors: readonly unknown[], subject: string, fields: readonly string[]): FormErrors {
  const result: FormErrors = { fields: {} };
  const general: string[] = [];
  for (const error of errors) {
    const one = formErrorsFrom(error, subject, fields);
    for (const [field, message] of Object.entries(one.fields)) result.fields[field] ??= message;
    if (one.form !== undefined) general.push(one.form);
  }
  if (general.length > 0) result.form = general.join(" ");
  return result;
}

/** Whether the form errors hold anything to show. */
export function hasErrors(errors: FormErrors): boolean {
  return errors.form !== undefined || Object.keys(errors.fields).length > 0;
}
