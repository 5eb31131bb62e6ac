import type { IncomingMessage } from "node:http";

/** The absolute URL of a Node request: `originalUrl` keeps the path a sub-router stripped. */
export function requestUrl(req: IncomingMessage & { originalUrl?: string }): string {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const host = req.headers.host ?? req.headers[":authority"] ?? "localhost";
  return `${encrypted ? "https" : "http"}://${host}${req.originalUrl ?? req.url ?? "/"}`;
}

/** The request's headers, repeated ones kept; HTTP/2 pseudo-headers are left out. */
export function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.charCodeAt(0) !== 58 /* ":" */) headers.append(name, raw[i + 1]!);
  }
  return headers;
}

export interface RequestParts {
  url: string;
  method: string;
  headers: Headers;
  body: Uint8Array | undefined;
  signal: AbortSignal;
}

/** A Fetch `Request`; throws TypeError when the URL or a header is not valid. */
export function toRequest(parts: RequestParts): Request {
  const { method, body } = parts;
  const hasBody = method !== "GET" && method !== "HEAD" && body !== undefined;
  return new Request(parts.url, {
    method,
    headers: parts.headers,
    body: hasBody ? body : null,
    signal: parts.signal,
    // Node's fetch needs it for any body; harmless elsewhere.
    duplex: "half",
  } as RequestInit);
}
