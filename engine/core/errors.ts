// Errors the engine raises on purpose: bad input, bad usage, bad stored data.
// The CLI maps them to exit codes (input/data: 1, usage: 2, internal: 3) and prints only the message.
export type PandafestErrorCode = "input" | "usage" | "data" | "internal";

export class PandafestError extends Error {
  readonly code: PandafestErrorCode;

  constructor(message: string, options: { code?: PandafestErrorCode; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PandafestError";
    this.code = options.code ?? "input";
  }
}

export function isPandafestError(error: unknown): error is PandafestError {
  return error instanceof PandafestError;
}
