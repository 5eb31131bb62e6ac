import type { EventFrames } from "../http/exchange.js";

/** Headers that keep proxies and compression middleware from buffering a stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

export interface SseOptions<T> {
  /**
   * The first event, when it was read before the stream opened (so that early failures
   * were plain errors); or, when it was not there in time, the read still under way.
   */
  first: { event: T } | { pending: Promise<IteratorResult<T>> };
  /** The rest of the events; `return()` is called when the stream ends or is closed. */
  rest: AsyncIterator<T>;
  /** One event as the text of its `data:` line (must not contain newlines). */
  encode: (event: T) => string;
  /** The event's `id:` (without CR, LF or NUL), if it has one: what a client resumes from. */
  idOf?: (event: T) => string | undefined;
  /** The `data:` text for an error that ends the stream. */
  encodeError: (error: unknown) => string;
  /**
   * The SSE event type of that error frame (`event: error`), for bindings whose clients tell
   * errors from events by it rather than by the data; none by default.
   */
  errorEvent?: string;
  /** Interval of `: keep-alive` comments while no event comes; 0 disables them. */
  keepAliveMs: number;
}

type Outcome<T> = { result: IteratorResult<T> } | { error: unknown };

const settle = <T>(read: Promise<IteratorResult<T>>): Promise<Outcome<T>> =>
  read.then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
const KEEP_ALIVE = Symbol("keep-alive");
const CLOSED = Symbol("closed");

/**
 * A `text/event-stream` body: an initial comment, with the first event when it is there (so
 * headers and the first event reach the client at once), then one `data:` frame per event,
 * keep-alive comments while idle, and release of the event source when the stream ends or
 * is closed.
 */
export function eventFrames<T>(options: SseOptions<T>): EventFrames {
  const { rest, encode, keepAliveMs } = options;
  const eventLine = options.errorEvent ? `event: ${options.errorEvent}\n` : "";
  const errorFrame = (error: unknown) => `${eventLine}data: ${options.encodeError(error)}\n\n`;
  let opened = false;
  let closed = false;
  /** The event being waited for; kept across keep-alive comments. */
  let pending: Promise<Outcome<T>> | undefined =
    "pending" in options.first ? settle(options.first.pending) : undefined;
  /** Wakes a `next()` waiting for an event, for a keep-alive or a close. */
  let wake: ((reason: typeof KEEP_ALIVE | typeof CLOSED) => void) | undefined;
  const timer = keepAliveMs > 0 ? setInterval(() => wake?.(KEEP_ALIVE), keepAliveMs) : undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearInterval(timer);
    wake?.(CLOSED);
    void rest.return?.();
  };

  /** An event's frame; an event that cannot be encoded ends the stream with an error frame. */
  const frame = (event: T): string => {
    try {
      const id = options.idOf?.(event);
      const data = `data: ${encode(event)}\n\n`;
      return id === undefined ? data : `id: ${id}\n${data}`;
    } catch (error) {
      close();
      return errorFrame(error);
    }
  };

  const next = async (): Promise<string | undefined> => {
    if (closed) return undefined;
    if (!opened) {
      opened = true;
      const { first } = options;
      return "event" in first ? `: stream open\n\n${frame(first.event)}` : ": stream open\n\n";
    }
    pending ??= settle(rest.next());
    const outcome = await Promise.race([
      pending,
      new Promise<typeof KEEP_ALIVE | typeof CLOSED>((resolve) => {
        wake = resolve;
      }),
    ]);
    wake = undefined;
    if (closed || outcome === CLOSED) return undefined;
    if (outcome === KEEP_ALIVE) return ": keep-alive\n\n";
    pending = undefined;
    if ("error" in outcome) {
      close();
      return errorFrame(outcome.error);
    }
    if (outcome.result.done) {
      close();
      return undefined;
    }
    return frame(outcome.result.value);
  };

  return { next, close };
}
