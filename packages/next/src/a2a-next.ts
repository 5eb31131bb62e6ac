import type { A2A, Principal } from "@a2a-mount/core";

/** Options of {@link a2aNext}. */
export interface A2ANextOptions {
  /**
   * Path the agent is served at, e.g. `/api/a2a`. Default: worked out per request from the
   * route's optional catch-all segment (`[[...path]]`), so the route file can move freely.
   * Required for routes without one, such as the well-known card route.
   */
  basePath?: string;
  /** The caller of a request, e.g. from your Auth.js session or a verified token. */
  getPrincipal?: (request: Request) => Principal | undefined | Promise<Principal | undefined>;
}

/** The second argument Next passes to route handlers (`params` is a Promise since Next 15). */
export interface RouteContext {
  params?:
    | Promise<Record<string, string | string[] | undefined>>
    | Record<string, string | string[] | undefined>;
}

/** A Next.js App Router route handler. */
export type RouteHandler = (request: Request, context?: RouteContext) => Promise<Response>;

/** The route handlers {@link a2aNext} returns, for `export const { GET, POST } = ...`. */
export interface A2ANextHandlers {
  GET: RouteHandler;
  POST: RouteHandler;
  DELETE: RouteHandler;
}

/**
 * The mount path: the request path without the segments the catch-all captured. Counting
 * segments, rather than comparing text, keeps it right whatever the percent-encoding.
 */
async function basePathOf(url: URL, context: RouteContext | undefined): Promise<string> {
  const params = (await context?.params) ?? {};
  let captured = 0;
  for (const value of Object.values(params)) {
    if (Array.isArray(value)) captured = value.length;
  }
  const segments = url.pathname.split("/").filter((s) => s !== "");
  return `/${segments.slice(0, segments.length - captured).join("/")}`;
}

/**
 * The origin the client used. `next start` builds `request.url` on `localhost` whatever the
 * `Host` header says, which would put `localhost` in the agent card: the host comes from
 * `Host` (the agent checks it). `X-Forwarded-Host` counts only with the agent's `trustProxy`.
 */
function originOf(request: Request, url: URL) {
  return { protocol: url.protocol.slice(0, -1), host: request.headers.get("host") ?? url.host };
}

/**
 * Route handlers serving an A2A agent from a Next.js App Router catch-all route: the
 * JSON-RPC endpoint at the route's path, the HTTP+JSON routes below it and the agent card at
 * `<path>/.well-known/agent-card.json`. Streams (SSE) are returned as streaming responses.
 *
 * @example
 * ```ts
 * // app/api/a2a/[[...path]]/route.ts
 * export const runtime = "nodejs";
 * export const dynamic = "force-dynamic";
 * export const { GET, POST, DELETE } = a2aNext(a2a);
 *
 * // app/.well-known/agent-card.json/route.ts
 * export const { GET } = a2aNext(a2a, { basePath: "/api/a2a" });
 * ```
 */
export function a2aNext(agent: A2A, options: A2ANextOptions = {}): A2ANextHandlers {
  const { getPrincipal } = options;
  const handler: RouteHandler = async (request, context) => {
    const url = new URL(request.url);
    const basePath = options.basePath ?? (await basePathOf(url, context));
    const principal = await getPrincipal?.(request);
    return agent.fetch(request, {
      basePath,
      principal,
      signal: request.signal,
      origin: originOf(request, url),
    });
  };
  return { GET: handler, POST: handler, DELETE: handler };
}
