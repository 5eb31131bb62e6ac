import { type A2A, WELL_KNOWN_CARD_PATH } from "@a2a-mount/core";
import { pathnameOf } from "@a2a-mount/core/internal";
import { type A2AKoaOptions, serve } from "./a2a-koa.js";
import type { KoaMiddleware } from "./koa-types.js";

/** Options of {@link a2aWellKnown}. */
export interface A2AWellKnownOptions extends Pick<A2AKoaOptions, "getPrincipal" | "onError"> {
  /** Absolute path the agent is served at (e.g. `/a2a`); its card names that URL. */
  agentPath: string;
}

/**
 * Koa middleware serving the agent card at the app's `/.well-known/agent-card.json`
 * (spec §8.2), the place clients look first. Every other request goes on to `next()`.
 *
 * @example
 * ```ts
 * app.use(a2aKoa(a2a, { path: "/a2a" }));
 * app.use(a2aWellKnown(a2a, { agentPath: "/a2a" }));
 * ```
 */
export function a2aWellKnown(agent: A2A, options: A2AWellKnownOptions): KoaMiddleware {
  return async (ctx, next) => {
    if (pathnameOf(ctx.originalUrl) !== WELL_KNOWN_CARD_PATH) {
      await next();
      return;
    }
    await serve(agent, ctx, options.agentPath, options, undefined);
  };
}
