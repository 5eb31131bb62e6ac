import type { IncomingMessage, ServerResponse } from "node:http";
import { A2AError, errors } from "../errors/a2a-error.js";
import type { Principal } from "../server/call-context.js";
import type { HttpInput, HttpReply, RequestOrigin } from "../transport/exchange.js";
import type { FetchContext } from "../transport/fetch-handler.js";
import { errorBody } from "../transport/jsonrpc/envelope.js";
import { serveAgent } from "./serve-agent.js";
import { serveFetch } from "./serve-fetch.js";
import { splitTarget } from "./to-request.js";

/** What the bridge mounts: an agent from `createA2A`, or anything with the same `fetch`. */
export interface FetchHandlerLike {
  fetch(request: Request, context?: FetchContext): Promise<Response>;
  /** An agent's runtime-neutral entry point; when present, the bridge uses it instead of `fetch`. */
  handle?(input: HttpInput): Promise<HttpReply>;
  /** Largest body to read; the bridge reads at most one chunk past it. Default 1 MiB. */
  readonly maxBodyBytes?: number;
}

/** An agent an adapter mounts: it also says which paths are its own, so others go to `next()`. */
export interface MountableAgent extends FetchHandlerLike {
  handles(pathname: string, basePath?: string): boolean;
}

/**
 * The path of a request target (`/a2a/tasks?x=1` -> `/a2a/tasks`), as adapters match it and
 * the agent routes on it.
 */
export function pathnameOf(target: string): string {
  return splitTarget(target).path;
}

/** A Node request as frameworks leave it: Express adds `originalUrl`, body parsers `body`. */
export type NodeRequest = IncomingMessage & { originalUrl?: string };

/** Per-request inputs an adapter adds to what the bridge reads off `req`. */
export interface NodeRequestOptions {
  /**
   * The request target as it arrived, before any router rewrote it (Koa's `ctx.originalUrl`).
   * Routing uses its path. Default: `req.originalUrl ?? req.url`.
   */
  target?: string;
  /**
   * Where the client addressed the request, as the framework's trusted-proxy setting reads
   * it. Default: the connection's scheme and the `Host` header.
   */
  origin?: RequestOrigin;
  /** Where the agent is mounted for this request (e.g. Express's `req.baseUrl`). */
  basePath?: string;
  /** The body as host middleware parsed it, when the stream was consumed. */
  parsedBody?: unknown;
  /** The caller, as authenticated by the host app; may throw to refuse with a 500. */
  principal?: () => Principal | undefined | Promise<Principal | undefined>;
  /** Told about failures that became a 500. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The JSON-RPC-shaped 500 sent when something fails outside the agent's own error handling. */
const internalErrorBody = () => errorBody(null, errors.internal());

const badRequestBody = () =>
  errorBody(null, new A2AError("INVALID_REQUEST", "The request URL or a header is not valid HTTP"));

function sendJson(res: ServerResponse, status: number, body: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}

/**
 * Answers one Node request with an agent. An agent from `createA2A` is served directly
 * from `req` and `res` (no Fetch objects); any other Fetch handler gets a `Request` (URL
 * from `originalUrl`, headers, body within the limit) and its `Response` is written back,
 * streaming when it streams. Never rejects: failures become a JSON-RPC-shaped 500 (or a
 * destroyed socket once headers are out).
 */
export async function handleNodeRequest(
  handler: FetchHandlerLike,
  req: NodeRequest,
  res: ServerResponse,
  options: NodeRequestOptions = {},
): Promise<void> {
  try {
    const principal = await options.principal?.();
    const maxBytes = handler.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const { handle } = handler;
    const served = handle
      ? await serveAgent(handle.bind(handler), req, res, options, principal, maxBytes)
      : await serveFetch(handler, req, res, options, principal, maxBytes);
    if (!served) sendJson(res, 400, badRequestBody());
  } catch (error) {
    (options.onError ?? console.error)(error);
    if (!res.destroyed) sendJson(res, 500, internalErrorBody());
  }
}
