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
