import type { Principal } from "../server/call-context.js";

/**
 * One HTTP request as the bindings read it, whatever runtime it came from: the Fetch
 * handler builds it from a `Request`, the Node bridge straight from `IncomingMessage`
 * (so Node pays for no Fetch objects).
 */
export interface HttpInput {
  readonly method: string;
  /** The absolute request URL: its origin names the agent in the card, its query REST filters. */
  readonly url: URL;
  /** A request header by lowercase name (repeated ones joined by ", "), or `null`. */
  header(name: string): string | null;
  /** All request headers, for the call context; only built when something reads them. */
  headers(): Headers;
  /**
   * The body as UTF-8 text. Refuses more than `maxBytes` with a 413 (without buffering it)
   * and bytes that are not UTF-8.
   */
  text(maxBytes: number): Promise<string>;
  /** The body as host middleware already parsed it; read instead of `text()` when set. */
  readonly parsedBody?: unknown;
  /** The caller, as authenticated by the host app. */
  readonly principal?: Principal | undefined;
  /** Where the agent is mounted for this request; default: the agent's `basePath` option. */
  readonly basePath?: string | undefined;
}

/**
 * An SSE body, pulled one piece at a time so a slow client holds back the producer.
 * `next()` resolves to the next text to send, or `undefined` at the end; `close()`
 * releases the event source (the client went away) and ends a pending `next()`.
 */
export interface EventFrames {
  next(): Promise<string | undefined>;
  close(): void;
}

/** A response as the bindings make it; each runtime writes it its own way. */
export interface HttpReply {
  status: number;
  /** Lowercase header names. */
  headers: Record<string, string>;
  /** The whole body, no body, or an event stream. */
  body: string | null | EventFrames;
}

/** Whether a reply's body is an event stream. */
export function isEventStream(body: HttpReply["body"]): body is EventFrames {
  return typeof body === "object" && body !== null;
}
