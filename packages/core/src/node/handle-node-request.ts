import type { ServerResponse } from "node:http";
import { errors } from "../errors/a2a-error.js";
import { type A2A, internalsOf } from "../transport/agent.js";
import { errorBody } from "../transport/jsonrpc/envelope.js";
import type { NodeRequest, NodeRequestOptions } from "./node-types.js";
import { splitTarget } from "./request-target.js";
import { serveAgent } from "./serve-agent.js";

/**
 * The path of a request target (`/a2a/tasks?x=1` -> `/a2a/tasks`), as adapters match it and
 * the agent routes on it.
 */
export function pathnameOf(target: string): string {
  return splitTarget(target).path;
}

/** The JSON-RPC-shaped 500 sent when something fails outside the agent's own error handling. */
const internalErrorBody = () => errorBody(null, errors.internal());

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
 * Answers one Node request with an agent, straight from `req` and `res` (no Fetch objects).
 * Never rejects: failures outside the agent's own error handling become a JSON-RPC-shaped
 * 500 (or a destroyed socket once headers are out).
 */
export async function handleNodeRequest(
  agent: A2A,
  req: NodeRequest,
  res: ServerResponse,
  options: NodeRequestOptions = {},
): Promise<void> {
  try {
    const internals = internalsOf(agent);
    const principal = await options.principal?.();
    await serveAgent(internals, req, res, options, principal);
  } catch (error) {
    (options.onError ?? console.error)(error);
    if (!res.destroyed) sendJson(res, 500, internalErrorBody());
  }
}
