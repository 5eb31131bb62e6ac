import type { A2A, Principal } from "@a2a-mount/core";
import {
  forwardedOrigin,
  handleNodeRequest,
  internalsOf,
  pathnameOf,
  principalFromUser,
  socketOrigin,
} from "@a2a-mount/core/internal";
import type { KoaContext, KoaMiddleware } from "./koa-types.js";

/** Options of {@link a2aKoa}. */
export interface A2AKoaOptions {
  /**
   * Path the agent is served at, e.g. `/a2a` (below koa-mount's `mountPath`, if any; with
   * `@koa/router`, the full path including the router's prefix). Default `/`.
   */
  path?: string;
  /**
   * The caller of a request. Default: read from `ctx.state.user`, as koa-jwt or
   * koa-passport left it (see `principalFromUser`); anonymous when unset.
   */
  getPrincipal?: (ctx: KoaContext) => Principal | undefined | Promise<Principal | undefined>;
  /** Told about failures that became a 500. Default: `console.error`. */
  onError?: (error: unknown) => void;
}

function joinPaths(mount: string | undefined, path: string): string {
  const tail = path === "/" ? "" : path.replace(/\/+$/, "");
  if (!mount || mount === "/") return tail || "/";
  return mount.replace(/\/+$/, "") + tail;
}

/** Serves the request through the bridge; Koa stays out of the response. */
export async function serve(
  agent: A2A,
  ctx: KoaContext,
  basePath: string,
  options: Pick<A2AKoaOptions, "getPrincipal" | "onError">,
  parsedBody: unknown,
): Promise<void> {
  ctx.respond = false;
  const { getPrincipal } = options;
  await handleNodeRequest(agent, ctx.req, ctx.res, {
    target: ctx.originalUrl,
    // As Koa reads it: `X-Forwarded-*` count only with `app.proxy` set.
    origin: ctx.app?.proxy ? forwardedOrigin(ctx.req) : socketOrigin(ctx.req),
    basePath,
    parsedBody,
    principal: getPrincipal ? () => getPrincipal(ctx) : () => principalFromUser(ctx.state.user),
    onError: options.onError,
  });
}

/**
 * Koa middleware serving an A2A agent at `options.path`: the JSON-RPC endpoint there, the
 * HTTP+JSON routes below it, and the agent card at `<path>/.well-known/agent-card.json`.
 * Requests for other paths go on to `next()`. Works with or without `@koa/bodyparser`
 * before it, in Koa 2 and 3, directly, under koa-mount or in a `@koa/router` route.
 *
 * @example
 * ```ts
 * app.use(cors());
 * app.use(a2aKoa(a2a, { path: "/a2a" }));
 * app.use(a2aWellKnown(a2a, { agentPath: "/a2a" }));
 * ```
 */
export function a2aKoa(agent: A2A, options: A2AKoaOptions = {}): KoaMiddleware {
  const path = options.path ?? "/";
  const { handles } = internalsOf(agent);
  return async (ctx, next) => {
    const basePath = joinPaths(ctx.mountPath, path);
    if (!handles(pathnameOf(ctx.originalUrl), basePath)) {
      await next();
      return;
    }
    await serve(agent, ctx, basePath, options, ctx.request.body);
  };
}
