// Runs benchmark child processes: times a child from spawn to its ready line (or to its exit), bounded
// by a timeout after which only that child is killed. Children are compiled scripts under dist/.
import { spawn } from "node:child_process";

export interface ChildTiming {
  /** ms from spawn to the ready line (or to exit, for untilExit) */
  ms: number;
  /** the ready line parsed as JSON (an empty object for untilExit) */
  report: Record<string, unknown>;
  /** everything the child wrote to stdout */
  stdout: string;
}

export interface ChildOptions {
  /** wait for the exit instead of a ready line; the exit code must be 0 */
  untilExit?: boolean;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Spawns `node script ...args` and times it. Rejects with the child's stderr when it fails. */
export function timeChild(script: string, args: readonly string[], options: ChildOptions = {}): Promise<ChildTiming> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const stdoutChunks: Buffer[] = [];
    let stderr = "";
    let readyAt: number | undefined;
    let report: Record<string, unknown> | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      if (!settled) child.kill("SIGKILL");
      fail(new Error(`${script} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    }
    child.stdout.on("data", (chunk: Buffer) => {
      stdoutChunks.push(chunk);
      if (options.untilExit || readyAt !== undefined) return;
      const text = Buffer.concat(stdoutChunks).toString("utf8");
      const newline = text.indexOf("\n");
      if (newline < 0) return;
      readyAt = performance.now();
      try {
        report = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
      } catch {
        fail(new Error(`${script} printed something other than a JSON ready line: ${text.slice(0, 200)}`));
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 10_000) stderr += chunk.toString("utf8");
    });
    child.on("error", (error) => fail(error));
    child.on("close", (code, signal) => {
      const exitedAt = performance.now();
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      const stdout = Buffer.concat(stdoutChunks).toString("utf8");
      if (code !== 0) {
        reject(new Error(`${script} ${args.join(" ")} exited with ${code ?? signal}: ${stderr.trim()}`));
      } else if (options.untilExit) {
        resolve({ ms: exitedAt - started, report: {}, stdout });
      } else if (readyAt === undefined || report === undefined) {
        reject(new Error(`${script} exited without a ready line: ${stderr.trim()}`));
      } else {
        resolve({ ms: readyAt - started, report, stdout });
      }
    });
  });
}
