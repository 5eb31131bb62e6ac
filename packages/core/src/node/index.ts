/**
 * `@a2a-mount/core/node`: serve an agent from `createA2A` with Node's `http` server.
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { A2A } from "../transport/agent.js";
import type { Principal } from "../types/principal.js";
import { handleNodeRequest } from "./handle-node-request.js";
import { forwardedOrigin } from "./request-target.js";

export { type WebhookSenderOptions, webhookSender } from "./webhook-sender.js";

/** Options of {@link toNodeHandler}. */
export interface NodeHandlerOptions {
  /** Where the agent is mounted. Default: the agent's own `basePath` option. */
  basePath?: string;
  /**
   * Whether requests come through a proxy you trust, whose `X-Forwarded-Host` and
   * `X-Forwarded-Proto` name the origin clients used. Default `false`: the `Host` header and
   * the connection decide. (The agent's own `trustProxy` option does the same for every
   * adapter.)
   */
  trustProxy?: boolean;
  /** The caller of a request, as your own authentication established it. */
  getPrincipal?: (req: IncomingMessage) => Principal | undefined | Promise<Principal | undefined>;
  /** Told about failures that became a 500. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/**
 * A `node:http` request listener that serves `agent` (mounted where its `basePath` says),
 * straight from `IncomingMessage`: no Fetch objects are built.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { toNodeHandler } from "@a2a-mount/core/node";
 * createServer(toNodeHandler(a2a)).listen(3000);
 * ```
 */
export function toNodeHandler(
  agent: A2A,
  options: NodeHandlerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { basePath, getPrincipal, onError, trustProxy } = options;
  return (req, res) =>
    handleNodeRequest(agent, req, res, {
      basePath,
      origin: trustProxy ? forwardedOrigin(req) : undefined,
      principal: getPrincipal && (() => getPrincipal(req)),
      onError,
    });
}
