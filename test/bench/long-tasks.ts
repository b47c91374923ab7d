// Main-thread long tasks in the bench's Chromium pages: a PerformanceObserver ('longtask') installed before any of
// the app's scripts, the longest task inside a window of the page's clock, and a bounded scroll through the programme.
import type { BrowserContext, Page } from "playwright-core";

/** Records every long task (over 50 ms, the browser's own threshold) of every page of the context, from its start. */
export async function recordLongTasks(context: BrowserContext): Promise<void> {
  await context.addInitScript(`(() => {
    window.__benchLongTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__benchLongTasks.push([entry.startTime, entry.duration]);
      }).observe({ type: "longtask", buffered: true });
    } catch (error) {
      window.__benchLongTasks = undefined;
    }
  })()`);
}

/**
 * The longest task (ms) that overlaps [from, to] of the page's performance.now() clock, 0 when none passed 50 ms.
 * Waits a frame first: the observer hears of a task after it ends. Fails if the page records no long tasks at all.
 */
export async function longestTaskIn(page: Page, from: number, to: number): Promise<number> {
  return page.evaluate<number>(`new Promise((resolve, reject) => {
    requestAnimationFrame(() => setTimeout(() => {
      const tasks = window.__benchLongTasks;
      if (!Array.isArray(tasks)) return reject(new Error("this Chromium reports no long tasks (PerformanceObserver 'longtask')"));
      let longest = 0;
      for (const [start, duration] of tasks) if (start <= ${to} && start + duration >= ${from}) longest = Math.max(longest, duration);
      resolve(longest);
    }, 50));
  })`);
}

/**
 * Scrolls the programme shown (the expression `programmeRoot` reaches its shadow root) down and across each day's grid
 * in steps of most of a screen, one day tab after another, two frames per step; returns [start, end] on the page's
 * clock. Bounded: at most `maxDays` days and `maxSteps` steps a day.
 */
export async function scrollThroughProgramme(page: Page, programmeRoot: string, maxDays = 7, maxSteps = 40): Promise<[number, number]> {
  return page.evaluate<[number, number]>(`(async () => {
    const frames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const root = () => ${programmeRoot};
    const start = performance.now();
    const tabCount = Math.min(${maxDays}, root().querySelectorAll('.day-tabs [role="tab"]').length || 1);
    for (let day = 0; day < tabCount; day++) {
      const tab = root().querySelectorAll('.day-tabs [role="tab"]')[day];
      if (tab) { tab.click(); await frames(); }
      const grid = root().querySelector(".grid-scroll");
      if (!grid) continue;
      for (let step = 0; step < ${maxSteps}; step++) {
        const down = grid.scrollTop + grid.clientHeight < grid.scrollHeight - 1;
        const across = grid.scrollLeft + grid.clientWidth < grid.scrollWidth - 1;
        if (!down && !across) break;
        grid.scrollBy(across ? grid.clientWidth * 0.8 : 0, down ? grid.clientHeight * 0.8 : 0);
        await frames();
      }
    }
    return [start, performance.now()];
  })()`);
}
