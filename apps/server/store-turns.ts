// One task at a time on a running server's store: forwarded CLI commands, access requests recorded for newcomers
// and the pending joins file. A command's edits are one transaction of the store, which no other task may share.
export class StoreTurns {
  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `task` once every task queued before it has finished (whether it succeeded or not). */
  run<T>(task: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(task);
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Resolves once every task queued so far has finished. */
  async idle(): Promise<void> {
    await this.queue;
  }
}
