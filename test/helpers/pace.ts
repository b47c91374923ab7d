// Spacing a scenario's own actions in time (a writer that edits every so often, a load loop that yields), never
// waiting for a result: for that, wait for the condition (waitFor). The only timer-based pause tests may use.

/** Lets `ms` pass between two actions of a scenario. */
export function pace(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
