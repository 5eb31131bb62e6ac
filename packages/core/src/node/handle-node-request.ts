import type { ServerResponse } from "node:http";
import { A2AError, errors } from "../errors/a2a-error.js";
import { errorBody } from "../transport/jsonrpc/envelope.js";
import type { FetchHandlerLike, NodeRequest, NodeRequestOptions } from "./node-types.js";
import { serveAgent } from "./serve-agent.js";
import { serveFetch } from "./serve-fetch.js";
import { splitTarget } from "./to-request.js";

/**
 * The path of a request target (`/a2a/tasks?x=1` -> `/a2a/tasks`), as adapters match it and
 * the agent routes on it.
 */
export function pathnameOf(target: string): string {
  return splitTarget(target).path;
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
