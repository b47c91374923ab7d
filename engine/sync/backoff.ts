// Reconnection delays: exponential growth with jitter, capped, reset after a successful connection (node links and
// the web app's socket alike). Jitter spreads out many peers that lost the same server so they do not all return at once.
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** a number in [0, 1); Math.random unless a test needs repeatable delays */
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000 };

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /** The delay before the next attempt: uniformly between half and all of min(max, initial * 2^attempt). */
  next(): number {
    const ceiling = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    const random = this.options.random ?? Math.random;
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
