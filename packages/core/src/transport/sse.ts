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

const NO_FRAME: Promise<string | undefined> = Promise.resolve(undefined);

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
  /** A read of the next event is under way (kept across keep-alive comments). */
  let reading = false;
  /** A read that ended while nobody waited for a frame. */
  let unread: Outcome<T> | undefined;
  /** The `next()` waiting for a frame: told of the event, a keep-alive or the close. */
  let waiting: ((frame: string | undefined) => void) | undefined;

  const answer = (text: string | undefined): void => {
    const resolve = waiting;
    waiting = undefined;
    resolve?.(text);
  };
  const timer =
    keepAliveMs > 0 ? setInterval(() => answer(": keep-alive\n\n"), keepAliveMs) : undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearInterval(timer);
    answer(undefined);
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

  /** What a read's outcome puts on the wire: its frame, an error frame, or the end. */
  const frameOf = (outcome: Outcome<T>): string | undefined => {
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

  const arrived = (outcome: Outcome<T>): void => {
    reading = false;
    if (closed) return;
    const resolve = waiting;
    if (!resolve) {
      unread = outcome;
      return;
    }
    // Taken first: a last frame (the end, an error) closes the stream, which answers any
    // waiter with the end.
    waiting = undefined;
    resolve(frameOf(outcome));
  };

  const read = (next: Promise<IteratorResult<T>>): void => {
    reading = true;
    next.then(
      (result) => arrived({ result }),
      (error: unknown) => arrived({ error }),
    );
  };
  if ("pending" in options.first) read(options.first.pending);

  // One promise per frame: no race, no async frame, no promise per wake-up source.
  const next = (): Promise<string | undefined> => {
    if (closed) return NO_FRAME;
    if (!opened) {
      opened = true;
      const { first } = options;
      return Promise.resolve(
        "event" in first ? `: stream open\n\n${frame(first.event)}` : ": stream open\n\n",
      );
    }
    if (unread) {
      const outcome = unread;
      unread = undefined;
      return Promise.resolve(frameOf(outcome));
    }
    if (!reading) {
      try {
        read(rest.next());
      } catch (error) {
        read(Promise.reject(error));
      }
    }
    return new Promise((resolve) => {
      waiting = resolve;
    });
  };

  return { next, close };
}
