/** How deliveries are timed and when they stop: the `push` options, with defaults applied. */
export interface DeliveryPolicy {
  /** One attempt's deadline, in ms. */
  timeoutMs: number;
  /** Attempts that fail in a row before the config is disabled. */
  maxConsecutiveFailures: number;
  /** The first retry's delay, in ms; each next one doubles, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A number in [0, 1): the jitter's source, for tests. */
  random: () => number;
}

/** What one attempt's outcome means for the delivery. */
export type AttemptVerdict = "delivered" | "retry" | "give-up" | "gone";

/**
 * 2xx is delivered; 410 Gone disables the config; a network error, 408, 429 and 5xx are
 * tried again; anything else (3xx, which is never followed, and other 4xx) will not get
 * better by trying again, so that event is given up.
 */
export function verdictOf(status: number | undefined): AttemptVerdict {
  if (status === undefined) return "retry";
  if (status >= 200 && status < 300) return "delivered";
  if (status === 410) return "gone";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return "give-up";
}

/**
 * The wait before retry number `failures` (1 for the first): exponential, with "equal
 * jitter" (half fixed, half random) so that receivers recovering from an outage are not hit
 * by every sender at once; a receiver's `Retry-After` is honoured when it asks for longer,
 * within `retryMaxMs`.
 */
export function retryDelayMs(
  policy: DeliveryPolicy,
  failures: number,
  retryAfterMs: number | undefined,
): number {
  const exponential = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** (failures - 1));
  const jittered = exponential / 2 + (policy.random() * exponential) / 2;
  return Math.min(policy.retryMaxMs, Math.max(jittered, retryAfterMs ?? 0));
}
