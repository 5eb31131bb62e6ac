/**
 * Errors that answer bad input (a JSON syntax error, a protocol error) are never read for
 * their stack, and capturing one is most of the cost of refusing a request. These turn
 * capture off around creating them. `Error.stackTraceLimit` is V8's (JavaScriptCore has it
 * too); elsewhere setting it does nothing.
 */
const errorConstructor = Error as ErrorConstructor & { stackTraceLimit?: number };

/** Turns stack capture off; returns the setting to give back to {@link resumeStacks}. */
export function pauseStacks(): number | undefined {
  const limit = errorConstructor.stackTraceLimit;
  errorConstructor.stackTraceLimit = 0;
  return limit;
}

export function resumeStacks(limit: number | undefined): void {
  // A runtime without the setting ignores it, so there is nothing to give back.
  if (limit !== undefined) errorConstructor.stackTraceLimit = limit;
}

/** Runs `fn` with stack capture off. */
export function withoutStack<T>(fn: () => T): T {
  const limit = pauseStacks();
  try {
    return fn();
  } finally {
    resumeStacks(limit);
  }
}
