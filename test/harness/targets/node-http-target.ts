import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { toNodeHandler } from "@a2a-mount/core/node";
import compression from "compression";
import cors from "cors";
import { listen } from "./http-running.js";
import { DEFAULT_SETUP, SUB_ROUTER_PATH, type Target } from "./target.js";

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Runs connect-style middleware in order, then the handler. */
function chain(
  middleware: Middleware[],
  handler: (req: IncomingMessage, res: ServerResponse) => void,
) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const step = (i: number) => {
      const current = middleware[i];
      if (current) current(req, res, () => step(i + 1));
      else handler(req, res);
    };
    step(0);
  };
}

/** Bare `node:http` through the core's bridge, with connect-style middleware in front. */
export const nodeHttpTarget: Target = {
  name: "node:http bridge",
  http: true,
  supports: {
    subRouter: true,
    bodyParser: false,
    compression: true,
    cors: true,
    auth: true,
    hostCookie: true,
  },
  async start(agent, partial = {}) {
    const setup = { ...DEFAULT_SETUP, ...partial };
    // No routers here: a sub-router mount is just a deeper path.
    if (setup.subRouter) setup.mountPath = SUB_ROUTER_PATH;
    const middleware: Middleware[] = [];
    if (setup.compression) middleware.push(compression() as unknown as Middleware);
    if (setup.cors) middleware.push(cors() as unknown as Middleware);
    if (setup.hostCookie) {
      middleware.push((_req, res, next) => {
        res.setHeader("set-cookie", "host=1; Path=/");
        next();
      });
    }
    const handler = toNodeHandler(agent, {
      basePath: setup.mountPath,
      getPrincipal: setup.auth
        ? (req) => {
            const id = req.headers["x-user"];
            return typeof id === "string" ? { id } : undefined;
          }
        : undefined,
    });
    return listen(createServer(chain(middleware, handler)), setup.mountPath);
  },
};
