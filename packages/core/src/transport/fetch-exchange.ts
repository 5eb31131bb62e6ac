import {
  type ClientCertificate,
  type EventFrames,
  type HttpInput,
  type HttpReply,
  isEventStream,
  type RequestOrigin,
} from "../http/exchange.js";
import type { Principal } from "../types/principal.js";
import { readBodyText } from "./read-body.js";

/**
 * What a host passes along with a request: to `a2a.fetch(request, extras)`, and through the
 * adapters, which fill it from their framework.
 */
export interface RequestExtras {
  /** The body, already parsed by host middleware (e.g. `express.json()`). */
  parsedBody?: unknown;
  /** The caller, as authenticated by the host app. */
  principal?: Principal;
  /** Aborted when the client goes away; defaults to `request.signal`. */
  signal?: AbortSignal;
  /** Where the agent is mounted for this request, overriding the `basePath` option. */
  basePath?: string;
  /**
   * The TLS client certificate, for `mtlsScheme`. The Node adapters read it off the socket;
   * pass it yourself only from a source you trust (e.g. a TLS-terminating proxy).
   */
  clientCertificate?: ClientCertificate;
  /**
   * Where the client addressed the request, when the `Request` URL's origin is not it (Next's
   * `next start` builds request URLs on `localhost`). Default: the URL's origin.
   */
  origin?: RequestOrigin;
}

/** The bindings' view of a Fetch `Request`. */
export function fetchInput(request: Request, url: URL, context: RequestExtras): HttpInput {
  return {
    method: request.method,
    path: url.pathname,
    search: url.search,
    origin: context.origin ?? { protocol: url.protocol.slice(0, -1), host: url.host },
    header: (name) => request.headers.get(name),
    headers: () => request.headers,
    text: (maxBytes) => readBodyText(request, maxBytes),
    parsedBody: context.parsedBody,
    principal: context.principal,
    basePath: context.basePath,
    clientCertificate: () => context.clientCertificate,
  };
}

const encoder = new TextEncoder();

/** An event stream as a byte stream; ends (and releases the events) when `signal` aborts. */
function byteStream(frames: EventFrames, signal: AbortSignal | undefined): ReadableStream {
  const onAbort = () => frames.close();
  return new ReadableStream<Uint8Array>({
    start() {
      if (signal?.aborted) frames.close();
      else signal?.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      const frame = await frames.next();
      if (frame !== undefined) {
        controller.enqueue(encoder.encode(frame));
        return;
      }
      signal?.removeEventListener("abort", onAbort);
      try {
        controller.close();
      } catch {
        // already cancelled by the consumer
      }
    },
    cancel() {
      signal?.removeEventListener("abort", onAbort);
      frames.close();
    },
  });
}

/** A reply as a Fetch `Response`. */
export function toResponse(reply: HttpReply, signal: AbortSignal | undefined): Response {
  const { body } = reply;
  return new Response(isEventStream(body) ? byteStream(body, signal) : body, {
    status: reply.status,
    headers: reply.headers,
  });
}
