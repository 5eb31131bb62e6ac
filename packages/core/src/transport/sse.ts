const encoder = new TextEncoder();

/** Headers that keep proxies and compression middleware from buffering a stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

export interface SseOptions<T> {
  /** The first event, already read, so that early failures were plain errors. */
  first: T;
  /** The rest of the events; `return()` is called when the client goes away. */
  rest: AsyncIterator<T>;
  /** One event as the text of its `data:` line (must not contain newlines). */
  encode: (event: T) => string;
  /** The `data:` text for an error that ends the stream. */
  encodeError: (error: unknown) => string;
  /** Interval of `: keep-alive` comments; 0 disables them. */
  keepAliveMs: number;
  /** Aborts the stream, e.g. when the HTTP request is aborted. */
  signal?: AbortSignal | undefined;
}

/**
 * A `text/event-stream` response: an initial comment (so headers reach the client at once),
 * then one `data:` frame per event, keep-alive comments while idle, and clean release of
 * the event source when the stream ends or the client disconnects.
 */
export function sseResponse<T>(options: SseOptions<T>): Response {
  const { rest, encode, encodeError, keepAliveMs, signal } = options;
  let timer: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  let onAbort: (() => void) | undefined;

  const release = () => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) clearInterval(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    void rest.return?.();
  };

  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`: stream open\n\ndata: ${encode(options.first)}\n\n`));
      if (keepAliveMs > 0) {
        timer = setInterval(() => {
          if (!closed) controller.enqueue(encoder.encode(": keep-alive\n\n"));
        }, keepAliveMs);
      }
      if (signal) {
        onAbort = () => {
          release();
          try {
            controller.close();
          } catch {
            // already closed or errored by the consumer
          }
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener("abort", onAbort, { once: true });
      }
    },
    async pull(controller) {
      let frame: string;
      let last = false;
      try {
        const next = await rest.next();
        if (closed) return;
        if (next.done) {
          release();
          controller.close();
          return;
        }
        frame = encode(next.value);
      } catch (error) {
        if (closed) return;
        frame = encodeError(error);
        last = true;
      }
      controller.enqueue(encoder.encode(`data: ${frame}\n\n`));
      if (last) {
        release();
        controller.close();
      }
    },
    cancel() {
      release();
    },
  });

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}
