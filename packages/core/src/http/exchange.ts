import type { Principal } from "../types/principal.js";

/**
 * One HTTP request as the bindings read it, whatever runtime it came from: the Fetch
 * handler builds it from a `Request`, the Node bridge straight from `IncomingMessage`
 * (so Node pays for no Fetch objects).
 */
export interface HttpInput {
  readonly method: string;
  /**
   * The request path as the host framework matched it: percent-encoded, without the query
   * (`req.originalUrl`'s path, a Fetch `Request` URL's pathname). Routing reads only this,
   * never anything taken from `Host`.
   */
  readonly path: string;
  /** The query string with its leading `?`, or `""`. */
  readonly search: string;
  /** Where the client addressed the request; the card's URLs name it when no `publicUrl` is set. */
  readonly origin: RequestOrigin;
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
  /** The TLS client certificate, when the connection has one (read only when asked for). */
  clientCertificate?(): ClientCertificate | undefined;
}

/**
 * The scheme and authority a request was addressed to, as the adapter read them from sources
 * it trusts: the connection and `Host`, or a proxy's `X-Forwarded-*` headers when the
 * operator declared the proxy trusted. The core checks `host` before using it.
 */
export interface RequestOrigin {
  /** `http` or `https`. */
  readonly protocol: string;
  /** `host[:port]` as the client sent it, unchecked; `null` when it sent none. */
  readonly host: string | null;
  /** Request headers besides `Host` it was read from (e.g. `x-forwarded-host`), for `Vary`. */
  readonly via?: readonly string[];
}

/**
 * A client certificate as the TLS layer presented it, in a runtime-neutral shape. The Node
 * adapters read it off the TLS socket; a host behind a TLS-terminating proxy can pass one it
 * trusts through `RequestExtras.clientCertificate`.
 */
export interface ClientCertificate {
  /** Whether the TLS layer verified the chain against the server's trusted CAs. */
  readonly authorized: boolean;
  /** Subject attributes, e.g. `{ CN: "client-1", O: "Acme" }`. */
  readonly subject: Readonly<Record<string, string>>;
  /** Issuer attributes. */
  readonly issuer: Readonly<Record<string, string>>;
  /** `subjectAltName` as the TLS layer prints it, e.g. `DNS:a.example, URI:spiffe://...`. */
  readonly subjectAltName?: string | undefined;
  /** SHA-256 fingerprint, colon-separated hex. */
  readonly fingerprint256: string;
  readonly serialNumber: string;
  readonly validFrom: string;
  readonly validTo: string;
}

/**
 * An SSE body, pulled one piece at a time as the client takes it. The agent is never held
 * back by a slow client: events wait in a queue bounded in bytes, and a client that falls
 * further behind is sent a final error frame and dropped (it can resubscribe).
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

/** `scheme://host` of an origin; a client that named no host gets `localhost`. */
export function originUrl(origin: RequestOrigin): string {
  return `${origin.protocol}://${origin.host ?? "localhost"}`;
}

/**
 * The request's absolute URL, for verifiers that want one. Built by concatenation, so a path
 * such as `//other.example/` stays a path and never names a host.
 */
export function requestUrl(input: HttpInput): URL {
  try {
    return new URL(`${originUrl(input.origin)}${input.path}${input.search}`);
  } catch {
    return new URL("http://localhost/");
  }
}
