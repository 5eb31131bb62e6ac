import { inProcess, principalFromHeader } from "./in-process-running.js";
import { DEFAULT_SETUP, SUB_ROUTER_PATH, type Target } from "./target.js";

/** The core's own Fetch handler, called in process. */
export const fetchTarget: Target = {
  name: "fetch handler",
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
    return inProcess(
      (request) =>
        agent.fetch(request, {
          basePath: setup.mountPath,
          principal: setup.auth ? principalFromHeader(request) : undefined,
        }),
      setup.mountPath,
    );
  },
};
