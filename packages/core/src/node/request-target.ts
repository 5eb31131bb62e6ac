import type { IncomingMessage } from "node:http";
import type { RequestOrigin } from "../http/exchange.js";
import { forwarded } from "../transport/request-origin.js";

/**
 * The origin a Node request names on its own: the connection's scheme and `Host` (or
 * HTTP/2's `:authority`). No `X-Forwarded-*`: those count only behind a trusted proxy.
 */
export function socketOrigin(req: IncomingMessage): RequestOrigin {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const host = req.headers.host ?? req.headers[":authority"];
  return { protocol: encrypted ? "https" : "http", host: typeof host === "string" ? host : null };
}

/**
 * The origin as a proxy in front forwarded it: `X-Forwarded-Proto` and `X-Forwarded-Host`
 * (their first values) over the connection's. Only for requests from a proxy the operator
 * declared trusted (Express's `trust proxy`, Koa's `app.proxy`).
 */
export function forwardedOrigin(req: IncomingMessage): RequestOrigin {
  return forwarded(socketOrigin(req), (name) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? null;
  });
}

/** The request target as it arrived: the adapter's, else Express's `originalUrl`, else `req.url`. */
export function requestTarget(
  req: IncomingMessage & { originalUrl?: string },
  options: { target?: string },
): string {
  return options.target ?? req.originalUrl ?? req.url ?? "/";
}

/** A request target split into its path and query. */
export interface TargetParts {
  path: string;
  search: string;
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * The path and query of a request target, as Express's and Koa's routers read it: an
 * origin-form target (`/a2a?x=1`) as it is, an absolute-form one (`http://h/a2a`) from its
 * path. The target's authority is never used. A fragment, which clients do not send, ends it.
 */
export function splitTarget(target: string): TargetParts {
  let rest = target;
  if (!rest.startsWith("/")) {
    const absolute = ABSOLUTE_FORM.exec(rest);
    if (absolute) rest = rest.slice(absolute[0].length) || "/";
  }
  const hash = rest.indexOf("#");
  if (hash !== -1) rest = rest.slice(0, hash);
  const query = rest.indexOf("?");
  return query === -1
    ? { path: rest, search: "" }
    : { path: rest.slice(0, query), search: query === rest.length - 1 ? "" : rest.slice(query) };
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
