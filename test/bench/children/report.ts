// What a benchmark child prints when its work is done: one JSON line with its peak and current memory.
// The parent times the child from spawn to this line, so the figure includes start-up and imports.

export interface ReadyReport {
  ready: true;
  /** peak resident set size so far (bytes) */
  maxRssBytes: number;
  rssBytes: number;
  heapUsedBytes: number;
  [detail: string]: unknown;
}

export function readyReport(details: Record<string, unknown>): string {
  const memory = process.memoryUsage();
  const report: ReadyReport = {
    ...details,
    ready: true,
    // resourceUsage().maxRSS is in kilobytes
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
  };
  return `${JSON.stringify(report)}\n`;
}
