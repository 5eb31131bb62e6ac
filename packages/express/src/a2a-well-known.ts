import { type A2A, WELL_KNOWN_CARD_PATH } from "@a2a-mount/core";
import { handleNodeRequest, pathnameOf } from "@a2a-mount/core/internal";
import { type A2AExpressOptions, originOf, principalOf } from "./a2a-express.js";
import type { ExpressMiddleware } from "./express-types.js";

/** Options of {@link a2aWellKnown}. */
export interface A2AWellKnownOptions extends A2AExpressOptions {
  /** Absolute path the agent is mounted at (e.g. `/a2a`); its card names that URL. */
  agentPath: string;
}

/**
 * Express middleware for the app root serving the agent card at
 * `/.well-known/agent-card.json` (spec §8.2), the place clients look first. Every other
 * request goes on to `next()`.
 *
 * @example
 * ```ts
 * app.use("/a2a", a2aExpress(a2a));
 * app.use(a2aWellKnown(a2a, { agentPath: "/a2a" }));
 * ```
 */
export function a2aWellKnown(agent: A2A, options: A2AWellKnownOptions): ExpressMiddleware {
  return (req, res, next) => {
    if (pathnameOf(req.originalUrl) !== WELL_KNOWN_CARD_PATH) {
      next();
      return;
    }
    void handleNodeRequest(agent, req, res, {
      target: req.originalUrl,
      origin: originOf(req),
      basePath: options.agentPath,
      principal: principalOf(options, req),
      onError: options.onError,
    });
  };
}
