import { a2aNext, type RouteHandler } from "@a2a-mount/next";
import { inProcess, principalFromHeader } from "./in-process-running.js";
import { DEFAULT_SETUP, SUB_ROUTER_PATH, type Target } from "./target.js";

const WELL_KNOWN = "/.well-known/agent-card.json";

/**
 * Next.js App Router route handlers called with `Request`s, routed the way Next routes
 * `app/<mount>/[[...path]]/route.ts` and `app/.well-known/agent-card.json/route.ts`:
 * decoded catch-all segments in a `params` promise, 405 for methods a route does not export,
 * the app's 404 for other paths.
 */
export const nextTarget: Target = {
  name: "Next route handlers",
  http: false,
  supports: {
    subRouter: true,
    bodyParser: false,
    compression: false,
    cors: false,
    auth: true,
    hostCookie: false,
  },
  async start(agent, partial = {}) {
    const setup = { ...DEFAULT_SETUP, ...partial };
    // No routers here: a sub-router mount is just a deeper path.
    if (setup.subRouter) setup.mountPath = SUB_ROUTER_PATH;
    const getPrincipal = setup.auth ? principalFromHeader : undefined;
    const catchAll: Record<string, RouteHandler> = { ...a2aNext(agent, { getPrincipal }) };
    const cardRoute: Record<string, RouteHandler> = {
      GET: a2aNext(agent, { basePath: setup.mountPath, getPrincipal }).GET,
    };
    const route = (
      handlers: Record<string, RouteHandler>,
      request: Request,
      params: Record<string, string[]>,
    ) => {
      const method = request.method === "HEAD" ? "GET" : request.method;
      const handler = handlers[method];
      if (!handler) return Promise.resolve(new Response(null, { status: 405 }));
      return handler(request, { params: Promise.resolve(params) });
    };
    return inProcess(async (request) => {
      const { pathname } = new URL(request.url);
      if (setup.wellKnown && pathname === WELL_KNOWN) return route(cardRoute, request, {});
      const segments = pathname.split("/").filter((s) => s !== "");
      const mount = setup.mountPath.split("/").filter((s) => s !== "");
      if (!mount.every((segment, i) => segments[i] === segment)) {
        return new Response("host 404", { status: 404 });
      }
      const rest = segments.slice(mount.length).map(decodeURIComponent);
      return route(catchAll, request, rest.length > 0 ? { path: rest } : {});
    }, setup.mountPath);
  },
};
