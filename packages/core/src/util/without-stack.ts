/**
 * Runs `fn` with stack capture off. Errors that answer bad input (a JSON syntax error, a
 * protocol error) are never read for their stack, and capturing one is most of the cost of
 * refusing a request. `Error.stackTraceLimit` is V8's; elsewhere setting it does nothing.
 */
export function withoutStack<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
