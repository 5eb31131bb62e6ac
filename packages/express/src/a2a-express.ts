import type { A2A, Principal, RequestOrigin } from "@a2a-mount/core";
import {
  forwardedOrigin,
  handleNodeRequest,
  internalsOf,
  pathnameOf,
  principalFromUser,
  socketOrigin,
} from "@a2a-mount/core/internal";
import type { ExpressMiddleware, ExpressRequest } from "./express-types.js";

/** Options of {@link a2aExpress}. */
export interface A2AExpressOptions {
  /**
   * The caller of a request. Default: read from `req.auth`, else `req.user`, as your auth
   * middleware left it (see `principalFromUser`); anonymous when neither is set.
   */
  getPrincipal?: (req: ExpressRequest) => Principal | undefined | Promise<Principal | undefined>;
  /** Told about failures that became a 500. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

/**
 * The origin the client used, as Express itself reads it: `X-Forwarded-Host` and
 * `X-Forwarded-Proto` count only when the app's `trust proxy` setting trusts the peer.
 */
export function originOf(req: ExpressRequest): RequestOrigin {
  const trust = req.app?.get?.("trust proxy fn") as
    | ((address: string | undefined, hop: number) => boolean)
    | undefined;
  return trust?.(req.socket.remoteAddress, 0) ? forwardedOrigin(req) : socketOrigin(req);
}

export function principalOf(options: A2AExpressOptions, req: ExpressRequest) {
  const { getPrincipal } = options;
  return getPrincipal ? () => getPrincipal(req) : () => principalFromUser(req.auth ?? req.user);
}

/**
 * Express middleware serving an A2A agent where it is mounted: the JSON-RPC endpoint at the
 * mount path, the HTTP+JSON routes below it, and the agent card at
 * `<mount>/.well-known/agent-card.json`. Requests for other paths go on to `next()`.
 * Works with or without `express.json()` before it, in Express 4 and 5, in an app or a
 * `Router` at any depth.
 *
 * @example
 * ```ts
 * app.use(cors());
 * app.use("/a2a", a2aExpress(a2a));
 * app.use(a2aWellKnown(a2a, { agentPath: "/a2a" }));
 * ```
 */
export function a2aExpress(agent: A2A, options: A2AExpressOptions = {}): ExpressMiddleware {
  const { handles } = internalsOf(agent);
  return (req, res, next) => {
    const basePath = req.baseUrl;
    if (!handles(pathnameOf(req.originalUrl), basePath)) {
      next();
      return;
    }
    void handleNodeRequest(agent, req, res, {
      target: req.originalUrl,
      origin: originOf(req),
      basePath,
      parsedBody: req.body,
      principal: principalOf(options, req),
      onError: options.onError,
    });
  };
}
