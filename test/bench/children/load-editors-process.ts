// The bench's side of one load-editors child: forks it at the lowest CPU priority, and sends and awaits the IPC
// messages of load-editors-protocol.ts, every wait bounded; a failed or exited child rejects the wait at once.
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import type { FromLoadEditors, LoadEditorsReport, StartMessage, ToLoadEditors } from "./load-editors-protocol.js";

/** The lowest scheduling priority (nice 19): the child runs only when the server and the bench process do not. */
export const EDITORS_NICENESS = 19;

/** What a child is started with (the start message without its type). */
export type LoadEditorsStart = Omit<StartMessage, "type">;

export class LoadEditorsProcess {
  private readonly inbox: FromLoadEditors[] = [];
  private wake: (() => void) | undefined;
  private exitReason: string | undefined;
  private stderr = "";
  readonly exited: Promise<void>;
  /** how the priority was set: "nice 19", or why it could not be */
  readonly priority: string;

  private constructor(private readonly child: ChildProcess) {
    child.stderr?.on("data", (chunk: Buffer) => {
      if (this.stderr.length < 10_000) this.stderr += chunk.toString("utf8");
    });
    child.on("message", (message) => {
      this.inbox.push(message as FromLoadEditors);
      this.wake?.();
    });
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exitReason = `exited with ${code ?? signal}${this.stderr ? `: ${this.stderr.trim().split("\n").slice(0, 10).join("\n")}` : ""}`;
        this.wake?.();
        resolve();
      });
    });
    let priority: string;
    try {
      // pid 0 would mean this process: a child that did not start has no priority to lower (its wait fails)
      if (child.pid === undefined) throw new Error("the child did not start");
      os.setPriority(child.pid, EDITORS_NICENESS);
      priority = `nice ${EDITORS_NICENESS}`;
    } catch (error) {
      priority = `default priority (setting nice ${EDITORS_NICENESS} was refused: ${error instanceof Error ? error.message : String(error)})`;
    }
    this.priority = priority;
  }

  /** Forks the compiled child script (dist/.../load-editors.js) with an IPC channel that carries bytes as they are. */
  static fork(script: string): LoadEditorsProcess {
    const child = fork(script, [], { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" });
    return new LoadEditorsProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends "start" and resolves when all the child's clients have joined the festival. */
  async start(start: LoadEditorsStart, timeoutMs: number): Promise<void> {
    this.send({ type: "start", ...start });
    await this.next("ready", timeoutMs);
  }

  /** Sends "go": the edits count from `startAt` (a Date.now() time). */
  go(startAt: number): void {
    this.send({ type: "go", startAt });
  }

  /** Resolves with the number of edits made once the child has made its last one. */
  async done(timeoutMs: number): Promise<number> {
    return (await this.next("done", timeoutMs)).editsMade;
  }

  /** Asks for the report; the child exits after sending it. */
  async report(timeoutMs: number): Promise<LoadEditorsReport> {
    this.send({ type: "report" });
    return (await this.next("report", timeoutMs)).report;
  }

  /** Kills the child unless it has exited, and waits (bounded) for it to go. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 5_000)))]);
    clearTimeout(timer);
  }

  private send(message: ToLoadEditors): void {
    if (!this.child.connected) throw new Error(`the load editors child (pid ${this.child.pid}) is gone: ${this.exitReason ?? "its IPC channel is closed"}`);
    this.child.send(message);
  }

  private async next<T extends FromLoadEditors["type"]>(type: T, timeoutMs: number): Promise<Extract<FromLoadEditors, { type: T }>> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const message = this.inbox.shift();
      if (message?.type === "failed") throw new Error(`a load editors child failed: ${message.message}`);
      if (message?.type === type) return message as Extract<FromLoadEditors, { type: T }>;
      if (message) throw new Error(`a load editors child sent "${message.type}" where "${type}" was expected`);
      if (this.exitReason !== undefined) throw new Error(`a load editors child ${this.exitReason} before sending "${type}"`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`a load editors child did not send "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
