// Statistics and timing for benchmarks: medians, percentiles, repeated and interleaved measurements.
// Every figure the harness reports is a median over runs taken after warm-up runs that are thrown away.

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** The p-th percentile (0..100) by linear interpolation between closest ranks. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) throw new RangeError("no samples");
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export interface RunOptions {
  /** measured runs (the harness never uses fewer than 5) */
  runs: number;
  /** runs before measuring, thrown away */
  warmups: number;
}

/** A measurement returns the figure itself (a duration in ms, bytes, ...). */
export type Measurement = () => Promise<number> | number;

/** Times fn (wall clock, ms). */
export async function time(fn: () => unknown): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** The samples of `runs` measurements after `warmups` discarded ones. */
export async function repeat(measure: Measurement, options: RunOptions): Promise<number[]> {
  for (let run = 0; run < options.warmups; run++) await measure();
  const samples: number[] = [];
  for (let run = 0; run < options.runs; run++) samples.push(await measure());
  return samples;
}

export interface Interleaved {
  subject: number[];
  baseline: number[];
}

/**
 * Measures subject and baseline alternately in the same process, so both see the same machine state;
 * the order flips every run (subject first, then baseline first) to cancel order effects.
 */
export async function interleave(subject: Measurement, baseline: Measurement, options: RunOptions): Promise<Interleaved> {
  for (let run = 0; run < options.warmups; run++) {
    await subject();
    await baseline();
  }
  const result: Interleaved = { subject: [], baseline: [] };
  for (let run = 0; run < options.runs; run++) {
    if (run % 2 === 0) {
      result.subject.push(await subject());
      result.baseline.push(await baseline());
    } else {
      result.baseline.push(await baseline());
      result.subject.push(await subject());
    }
  }
  return result;
}

/** A number rounded for display: 3 significant digits, no exponent. */
export function roundForDisplay(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 6)));
}

/**
 * Measures several subjects in turns in the same process, the starting subject rotating every run, so
 * all see the same machine state. Returns each subject's samples, in the order given.
 */
export async function interleaveMany(subjects: readonly Measurement[], options: RunOptions): Promise<number[][]> {
  for (let run = 0; run < options.warmups; run++) for (const subject of subjects) await subject();
  const samples = subjects.map((): number[] => []);
  for (let run = 0; run < options.runs; run++) {
    for (let turn = 0; turn < subjects.length; turn++) {
      const index = (run + turn) % subjects.length;
      samples[index].push(await subjects[index]());
    }
  }
  return samples;
}
