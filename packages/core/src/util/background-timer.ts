/**
 * `setInterval` for background work that must not keep a process alive by itself (Node's and
 * Bun's timers have `unref`; other runtimes' timers are numbers, and end with the program).
 */
export function backgroundInterval(
  callback: () => void,
  ms: number,
): ReturnType<typeof setInterval> {
  const timer = setInterval(callback, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** A pause that does not keep the process alive by itself, cut short by `signal`. */
export function backgroundSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    (timer as { unref?: () => void }).unref?.();
    signal.addEventListener("abort", done);
  });
}
