// A pause until the next task, for work split into steps so the page renders and answers input between them.
// A message to itself rather than a timer: timers in a hidden tab wait up to a second, messages do not.

/** Resolves in a task of its own (after the page had its chance to render and handle input). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.addEventListener("message", () => {
      channel.port1.close();
      resolve();
    });
    channel.port1.start();
    channel.port2.postMessage(null);
  });
}
