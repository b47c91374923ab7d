// Errors the engine raises on purpose: bad input, bad usage, bad stored data.
// The CLI maps them to exit codes (input/data: 1, usage: 2, internal: 3) and prints only the message.
export type PandafestErrorCode = "input" | "usage" | "data" | "internal";

/** The input field an error is about: what it belongs to ("event", "venue", "festival", "member") and the field's name. */
export interface ErrorField {
  subject: string;
  field: string;
  /** what to do about it, in a few words, for a form that shows it beside the field (the message says it in full) */
  advice?: string;
}

export class PandafestError extends Error {
  readonly code: PandafestErrorCode;
  /** the field the error is about, when it is about one (forms place the message beside it) */
  readonly about: ErrorField | undefined;

  constructor(message: string, options: { code?: PandafestErrorCode; cause?: unknown; about?: ErrorField } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PandafestError";
    this.code = options.code ?? "input";
    this.about = options.about;
  }
}

export function isPandafestError(error: unknown): error is PandafestError {
  return error instanceof PandafestError;
}
