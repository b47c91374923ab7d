// How the server reports what it does: timestamped lines on stderr, and a throttle for noisy sources.
// A flood of bad frames must not become a flood of log lines, so repeated warnings are counted, not printed.
import { escapeForTerminal } from "../../engine/core/terminal-text.js";

export interface ServerLog {
  info(message: string): void;
  warn(message: string): void;
}

export function streamLog(stream: NodeJS.WritableStream = process.stderr): ServerLog {
  // messages quote peers (names, addresses, errors they sent): one escaped line each, so none can forge or hide a line
  const write = (level: string, message: string) => stream.write(`${new Date().toISOString()} ${level} ${escapeForTerminal(message)}\n`);
  return {
    info: (message) => write("info", message),
    warn: (message) => write("warn", message),
  };
}

export const silentLog: ServerLog = { info: () => undefined, warn: () => undefined };

/**
 * Passes at most `perWindow` warnings per window through; the rest are counted and summarised in the
 * first line of the next window that gets through.
 */
export function throttledWarnings(log: ServerLog, perWindow = 20, windowMs = 10_000, now: () => number = Date.now): (message: string) => void {
  let windowStart = now();
  let printed = 0;
  let suppressed = 0;
  return (message) => {
    const time = now();
    if (time - windowStart >= windowMs) {
      windowStart = time;
      printed = 0;
    }
    if (printed >= perWindow) {
      suppressed += 1;
      return;
    }
    printed += 1;
    if (suppressed > 0) {
      log.warn(`${message} (and ${suppressed} similar warnings not shown)`);
      suppressed = 0;
    } else {
      log.warn(message);
    }
  };
}
