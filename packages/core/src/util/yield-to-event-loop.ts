/**
 * Gives the event loop back (a macrotask turn), so a long piece of work lets other
 * requests in between its slices. `setTimeout` is on every runtime the core runs on.
 */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise<void>((resolve) => setTimeout(resolve, 0));
